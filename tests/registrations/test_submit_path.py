"""A submission takes the same path whatever its address (issue 21, "small
timing signals"): a new address, a known one, a confirmed one and one over
its mailbox's allowance run the same statements, in the same order, on both
databases; the mail a suppressed submission writes never reaches the mailbox."""

import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registrations.mailbox import email_digest
from registrations.models import MediaRegistration, OutgoingMail, Signature, word_digest
from tests.factories import make_accreditation, make_declaration, make_event
from tests.mailserver import link_in

# The database worker runs as in production: it closes its connections.
pytestmark = pytest.mark.django_db(transaction=True)

QUOTED = re.compile(r"'(?:[^']|'')*'")
NUMBER = re.compile(r"(?<![\w\"])-?\d+(?:\.\d+)?(?![\w\"])")
SAVEPOINT = re.compile(r'"s\d+_x\d+"')


def shape(sql):
    """A statement with its values taken out: what it does, not with what."""
    return NUMBER.sub("?", QUOTED.sub("?", SAVEPOINT.sub('"sp"', sql)))


@pytest.fixture(autouse=True)
def _as_in_production(settings):
    settings.RATE_LIMIT_SUBMIT = (1000, 600)
    # Mail is queued for the database worker, as in production.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _media(event):
    form = f"/en/events/{event.slug}/media/"
    data = {
        "name": "Vera Victim",
        "outlet": "Honest Radio",
        "role": "journalist",
        "country": "LT",
        "phone": "",
        "work_url": "https://honest.example/vera",
        "mail_language": "en",
        "consent": "on",
    }
    return MediaRegistration, form, "/en/media/confirm/", data


def _declaration(event):
    form = f"/en/events/{event.slug}/declaration/sign/"
    data = {"name": "Vera Victim", "country": "BY", "organisation": "", "visibility": "hidden"}
    return Signature, form, "/en/declaration/confirm/", {**data, "mail_language": "en", "consent": "on"}


@pytest.fixture(params=[_media, _declaration], ids=["media", "declaration"])
def flow(request):
    event = make_event(start=timezone.now() + timedelta(days=10))
    make_accreditation(event)
    make_declaration(event, review_names=False)
    return request.param(event)


def _submit(client, flow, email, name="Vera Victim"):
    _model, form, _confirm, data = flow
    with CaptureQueriesContext(connection) as queries:
        response = client.post(form, {**data, "email": email, "name": name})
    assert response.status_code == 302
    return [shape(query["sql"]) for query in queries]


def _deliver():
    call_command("db_worker", batch=True, startup_delay=False, stdout=io.StringIO(), stderr=io.StringIO())


def test_new_known_confirmed_and_over_allowance_run_the_same_statements(client, flow, mail_server):
    model, _form, confirm, _data = flow
    _submit(client, flow, "first@example.org")  # what a process reads once (the digest key) is read
    new = _submit(client, flow, "new@example.org")
    over_allowance = _submit(client, flow, "new@example.org", name="Someone Else")
    _deliver()
    assert len(mail_server.to("new@example.org")) == 1  # the second submission's mail was suppressed
    with time_machine.travel(timezone.now() + timedelta(hours=25), tick=False):
        known = _submit(client, flow, "new@example.org", name="Vera Again")
    # A confirmed address, over its allowance too.
    client.post(confirm, {"t": link_in(mail_server.to("new@example.org")[0], confirm).split("t=")[1], "version": "3"})
    assert model.objects.get(email_digest=email_digest("new@example.org")).is_confirmed
    confirmed = _submit(client, flow, "new@example.org", name="Not Me")

    assert new == over_allowance == known == confirmed
    assert any(statement.startswith("INSERT INTO") for statement in new)
    assert not any("IntegrityError" in statement or "FOR UPDATE" in statement for statement in new)
    # The confirmed row kept what was confirmed.
    assert model.objects.get(email_digest=email_digest("new@example.org")).name == "Vera Again"


def test_a_suppressed_mail_is_queued_like_any_other_and_never_reaches_the_mailbox(client, flow, mail_server):
    model, _form, confirm, _data = flow
    for name in ("First Name", "Second Name", "Third Name"):
        _submit(client, flow, "Someone@Example.org", name=name)
    mails = OutgoingMail.objects.order_by("pk")
    assert [mail.status for mail in mails] == ["queued", "suppressed", "suppressed"]
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.count() >= 1  # queued for the worker, whatever the mailbox
    _deliver()
    assert len(mail_server.messages) == 1
    assert list(OutgoingMail.objects.values_list("status", flat=True)) == ["sent"]
    # Its one link shows the latest submission.
    page = client.get(link_in(mail_server.messages[0], confirm)).content.decode()
    assert "Third Name" in page
    assert model.objects.get().version == 3


def test_a_burst_queues_one_task_whose_worker_sends_every_mail(client, flow, mail_server, settings):
    from django_tasks_db.models import DBTaskResult

    from registrations.models import PendingSubmission
    from registrations.services import intake, outbox

    settings.MAIL_BATCH_SECONDS = 1
    outbox._batch.until = intake._batch.until = 0.0
    addresses = [f"person{i}@example.org" for i in range(5)]
    for address in addresses:
        _submit(client, flow, address)
    # Five submissions waiting to be stored (services.intake), one task to store them.
    assert PendingSubmission.objects.count() == 5
    assert not OutgoingMail.objects.exists()
    assert DBTaskResult.objects.count() == 1
    _deliver()  # not yet: the batch waits for its second
    assert mail_server.messages == []
    with time_machine.travel(timezone.now() + timedelta(seconds=2), tick=False):
        _deliver()
    assert sorted(message["To"] for message in mail_server.messages) == addresses
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {"sent"}


def test_a_name_becomes_searchable_by_staff_when_its_owner_confirms(client, flow, mail_server):
    # Staff see confirmed rows only: the public form stores no word digests,
    # the confirmation stores those of the name confirmed.
    model, _form, confirm, _data = flow
    words = model.word_model.objects
    _submit(client, flow, "words@example.org", name="Ales Words")
    _submit(client, flow, "words@example.org", name="Ales Wordsmith")
    person = model.objects.get(email_digest=email_digest("words@example.org"))
    assert not words.filter(person=person).exists()
    _deliver()
    token = link_in(mail_server.to("words@example.org")[0], confirm).split("t=")[1]
    client.post(confirm, {"t": token, "version": "2"})
    person.refresh_from_db()
    assert person.is_confirmed
    key_name = person.seal_key_name()
    stored = set(words.filter(person=person).values_list("digest", flat=True))
    assert stored == {word_digest(key_name, "ales"), word_digest(key_name, "wordsmith")}
