"""A public form's POST writes one sealed row; the worker stores it (issue 23).

The sign POST and the media registration POST each run one INSERT in their
transaction, the same for every address; what the person typed is sealed
under the forum's key until the worker (the database worker's batch task, as
in production) stores it as their row and their confirmation mail."""

import io
import json
import logging
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plumbing import keys
from registrations.mailbox import email_digest
from registrations.models import MediaRegistration, OutgoingMail, PendingSubmission, Signature
from registrations.services import erasure, intake
from tests.factories import make_accreditation, make_declaration, make_event

# The database worker runs as in production: it closes its connections.
pytestmark = pytest.mark.django_db(transaction=True)

NAME, EMAIL = "Vera Intakeova", "vera.intake@example.org"


@pytest.fixture(autouse=True)
def _as_in_production(settings):
    settings.RATE_LIMIT_SUBMIT = (1000, 600)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MAIL_BATCH_SECONDS = 1
    intake._batch.until = 0.0


def _media(event):
    data = {"outlet": "Honest Radio", "role": "journalist", "country": "LT", "phone": ""}
    data |= {"work_url": "https://honest.example/vera", "languages": ["ru", "be"]}
    return MediaRegistration, f"/en/events/{event.slug}/media/", data, event


def _declaration(event):
    return Signature, f"/en/events/{event.slug}/declaration/sign/", {"country": "BY", "visibility": "full"}, event


@pytest.fixture(params=[_media, _declaration], ids=["media", "declaration"])
def flow(request):
    event = make_event(start=timezone.now() + timedelta(days=10))
    make_accreditation(event)
    make_declaration(event, review_names=False)
    return request.param(event)


def _post(client, flow, email=EMAIL, name=NAME):
    _model, form, data, _event = flow
    fields = {**data, "name": name, "email": email, "organisation": "", "mail_language": "ru", "consent": "on"}
    with CaptureQueriesContext(connection) as queries:
        response = client.post(form, fields)
    assert response.status_code == 302
    return [query["sql"] for query in queries]


def _worker(seconds=2):
    """The database worker, once the batch's time has come (the clock moved,
    not the process's monotonic one: the batch it ran is forgotten here, as
    it would be by the time it ran)."""
    with time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=False):
        call_command("db_worker", batch=True, startup_delay=False, stdout=io.StringIO(), stderr=io.StringIO())
    intake._batch.until = 0.0


def test_the_post_writes_one_sealed_row_and_the_worker_stores_it_and_sends_its_mail(client, flow, mail_server):
    model, _form, data, _event = flow
    writes = [
        sql for sql in _post(client, flow) if not sql.startswith(("SELECT", "SAVEPOINT", "RELEASE", "BEGIN", "COMMIT"))
    ]
    assert len(writes) == 2, [w[:60] for w in writes]  # the pending row, and the batch's one task of this second
    assert writes[0].startswith(f'INSERT INTO "{PendingSubmission._meta.db_table}"')
    assert not model.objects.exists()
    assert not OutgoingMail.objects.exists()
    pending = PendingSubmission.objects.get()
    assert NAME not in pending.sealed
    assert EMAIL not in pending.sealed
    assert keys.is_sealed(pending.sealed)

    _worker()
    person = model.objects.get(email_digest=email_digest(EMAIL))
    assert (person.name, person.email, person.mail_language) == (NAME, EMAIL, "ru")
    assert all(getattr(person, field) == value for field, value in data.items())
    assert not PendingSubmission.objects.exists()
    assert [message["To"] for message in mail_server.messages] == [EMAIL]  # sent in the same run


def test_every_address_runs_the_same_statements_and_one_confirmation_goes_out(client, flow, mail_server):
    model, _form, _data, _event = flow
    _post(client, flow, email="first@example.org")  # what a process reads once is read
    _worker()
    new = _post(client, flow)
    again = _post(client, flow, name="Someone Else")
    _worker(4)
    assert len(mail_server.to(EMAIL)) == 1  # one mail a day, whoever submits
    assert model.objects.get(email_digest=email_digest(EMAIL)).name == "Someone Else"  # the latest
    # The batch's task row is written by the first submission of a second,
    # whatever its address; the rest is the same statement for statement.
    task = 'INSERT INTO "django_tasks_database_dbtaskresult"'
    shapes = [
        [sql.split(" VALUES")[0] for sql in statements if not sql.startswith(task)] for statements in (new, again)
    ]
    assert shapes[0] == shapes[1]
    assert sum(sql.startswith("INSERT") for sql in shapes[0]) == 1


def test_the_consent_is_dated_when_the_person_gave_it_not_when_it_was_stored(client, flow, mail_server):
    model, _form, _data, _event = flow
    submitted = timezone.now()
    _post(client, flow)
    _worker(seconds=30)
    person = model.objects.get()
    assert abs(person.consent_at - submitted) < timedelta(seconds=5)
    assert person.submitted_at == person.consent_at


def test_without_a_worker_the_cron_safety_net_stores_it(client, flow, mail_server):
    model, _form, _data, _event = flow
    _post(client, flow)
    out = io.StringIO()
    call_command("send_queued_mail", stdout=out)
    assert out.getvalue().strip() == "1 submissions stored, 1 mail sent"
    assert model.objects.count() == 1
    assert not PendingSubmission.objects.exists()


def test_a_submission_is_stored_once_whichever_worker_takes_it(client, flow, mail_server):
    model, _form, _data, _event = flow
    _post(client, flow)
    pk = PendingSubmission.objects.get().pk
    assert intake._store_one(pk) is not None
    assert intake._store_one(pk) is None  # the other worker finds it gone
    assert model.objects.count() == 1
    assert OutgoingMail.objects.count() == 1


def test_a_submission_whose_forum_or_key_is_gone_is_dropped_naming_nobody(client, flow, caplog, mail_server):
    model, _form, _data, event = flow
    _post(client, flow)
    _post(client, flow, email="other@example.org")
    second = PendingSubmission.objects.order_by("pk").last()
    PendingSubmission.objects.filter(pk=second.pk).update(parent_id=10**9)  # its form's parent deleted since
    keys.destroy(keys.forum_key_name(event.pk))  # the forum's data erased: the first cannot be opened
    with caplog.at_level(logging.INFO):
        assert intake.submissions_store() == 0
    assert not PendingSubmission.objects.exists()
    assert not model.objects.exists()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "cannot be opened" in logged
    assert "parent is gone" in logged
    assert NAME not in logged
    assert EMAIL not in logged
    assert "other@example.org" not in logged


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the bytes of SQLite's own files")
def test_what_was_typed_is_on_disk_only_sealed_and_gone_once_stored(client, flow, mail_server):
    model, _form, _data, _event = flow
    _post(client, flow, name="Zmitser Plaintextovich")
    files = [Path(connection.settings_dict["NAME"] + suffix) for suffix in ("", "-wal")]

    def on_disk(text):
        return any(text.encode() in path.read_bytes() for path in files if path.exists())

    sealed = PendingSubmission.objects.get().sealed
    assert on_disk(sealed)
    assert not on_disk("Zmitser Plaintextovich")
    assert not on_disk(EMAIL)
    _worker()
    assert model.objects.exists()
    assert not PendingSubmission.objects.exists()
    # Deleted with secure_delete, its cell is zeros in the database's pages;
    # its frames in the write-ahead log go at the checkpoint every erasure makes.
    assert erasure._sqlite_checkpoint()
    assert not on_disk(sealed)


def test_one_that_cannot_be_stored_is_left_for_the_next_run_and_the_others_are_stored(client, flow, caplog):
    model, _form, _data, event = flow
    _post(client, flow, email="before@example.org")
    # A submission the worker fails on (no address in it), between two good ones.
    first = PendingSubmission.objects.get()
    feature, parent_id = first.feature, first.parent_id
    broken = keys.seal(
        keys.forum_key_name(event.pk),
        json.dumps({"data": {"name": NAME}, "language": "en"}),
        intake._associated(feature, parent_id),
    )
    bad = PendingSubmission.objects.create(
        feature=feature, parent_id=parent_id, sealed=broken, received_at=timezone.now()
    )
    _post(client, flow, email="after@example.org")
    with caplog.at_level(logging.INFO):
        assert intake.submissions_store() == 2
    assert list(PendingSubmission.objects.values_list("pk", flat=True)) == [bad.pk]
    assert model.objects.count() == 2
    assert OutgoingMail.objects.count() == 2
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "not stored (KeyError): left for the next run" in logged
    assert NAME not in logged


def test_a_run_stores_what_waited_when_it_began_and_leaves_the_newer_to_the_next(client, flow, mail_server):
    model, _form, _data, _event = flow
    for n in range(3):
        _post(client, flow, email=f"wave{n}@example.org")
    second = PendingSubmission.objects.order_by("pk")[1].pk
    assert intake.submissions_store(upto=second) == 2
    assert list(PendingSubmission.objects.values_list("pk", flat=True)) == [second + 1]
    assert model.objects.count() == 2


def test_a_submission_committed_after_its_task_ran_queues_another(client, flow):
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.count()
    intake._batch.late(relied_on=0.0)  # the task it counted on was due before its commit
    assert DBTaskResult.objects.count() == queued + 1
    intake._batch.late(relied_on=float("inf"))  # still to come: nothing more
    assert DBTaskResult.objects.count() == queued + 1


def test_erasing_a_forums_people_erases_its_waiting_submissions_too(client, flow):
    from registrations.services import event_personal_data_purge

    model, _form, _data, event = flow
    _post(client, flow)
    other = make_event(start=timezone.now() + timedelta(days=10))
    make_accreditation(other)
    make_declaration(other, review_names=False)
    _post(client, (model, flow[1].replace(event.slug, other.slug), flow[2], other), email="other@example.org")
    result = event_personal_data_purge(event=event)
    assert result["waiting submissions"] == 1
    assert list(PendingSubmission.objects.values_list("parent_id", flat=True)) == [
        other.pk if model is MediaRegistration else other.declaration.pk
    ]
