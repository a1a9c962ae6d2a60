"""What a public form's POST was made cheaper by (issue 23) still does what
it did: the Content-Security-Policy built once per process is the one
django-csp builds, follows a change of the setting and leaves a view's own
policy to django-csp; the outbox row written as one prepared INSERT holds
what save() would have stored; the keys indexed only where they are set are
still found through an index."""

import contextlib
import os

import csp.utils
import pytest
from csp.decorators import csp_exempt, csp_update
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from events.models import Event
from plumbing import rows
from plumbing.middleware import CSPMiddleware
from registrations.models import OutgoingMail, Signature
from tests.factories import make_declaration, make_event, make_signature

pytestmark = pytest.mark.django_db


def _answer(view=None, path="/en/"):
    def plain(request):
        return HttpResponse("page")

    middleware = CSPMiddleware(view or plain)
    request = RequestFactory().get(path)
    middleware.process_request(request)
    return middleware.process_response(request, (view or plain)(request))


def test_every_answer_carries_the_policy_django_csp_builds(client):
    first, second = _answer(), _answer()
    assert first["Content-Security-Policy"] == csp.utils.build_policy()
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert "script-src 'self'" in first["Content-Security-Policy"]
    # Through the whole stack.
    assert client.get("/en/")["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_a_changed_setting_changes_the_header():
    before = _answer()["Content-Security-Policy"]
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": ["'none'"]}}):
        assert _answer()["Content-Security-Policy"] == "default-src 'none'"
    excluded = {"EXCLUDE_URL_PREFIXES": ["/en/"], "DIRECTIVES": {"default-src": ["'none'"]}}
    with override_settings(CONTENT_SECURITY_POLICY=excluded):
        assert "Content-Security-Policy" not in _answer(path="/en/")
        assert _answer(path="/ru/")["Content-Security-Policy"] == "default-src 'none'"
    assert _answer()["Content-Security-Policy"] == before


def test_a_views_own_policy_and_exemption_are_django_csps():
    @csp_update({"img-src": ["https://tiles.example.org"]})
    def with_map(request):
        return HttpResponse("map")

    @csp_exempt()
    def exempt(request):
        return HttpResponse("no policy")

    own = _answer(with_map)["Content-Security-Policy"]
    assert "https://tiles.example.org" in own
    assert "https://tiles.example.org" not in _answer()["Content-Security-Policy"]
    assert "Content-Security-Policy" not in _answer(exempt)


def test_a_header_already_set_is_kept():
    def own_header(request):
        response = HttpResponse("x")
        response["Content-Security-Policy"] = "default-src 'none'"
        return response

    assert _answer(own_header)["Content-Security-Policy"] == "default-src 'none'"


def _stored(mail):
    table = connection.ops.quote_name(OutgoingMail._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [mail.pk])  # noqa: S608 (the model's table)
        row = cursor.fetchone()
        columns = [c[0] for c in cursor.description]
    return {k: v for k, v in zip(columns, row, strict=True) if k not in ("id", "created_at", "next_attempt_at")}


def test_the_prepared_insert_stores_what_save_stores():
    signature = make_signature(make_declaration(make_event()))
    fields = {"signature": signature, "kind": OutgoingMail.Kind.CONFIRM, "language": "be"}
    inserted = rows.insert(OutgoingMail(**fields, status=OutgoingMail.Status.SUPPRESSED))
    saved = OutgoingMail.objects.create(**fields, status=OutgoingMail.Status.SUPPRESSED)
    assert inserted.pk
    assert inserted.pk != saved.pk
    assert not inserted._state.adding
    assert _stored(inserted) == _stored(saved)
    again = OutgoingMail.objects.get(pk=inserted.pk)
    assert (again.signature_id, again.kind, again.language, again.status) == (
        signature.pk,
        "confirm",
        "be",
        "suppressed",
    )


def test_what_save_would_write_otherwise_is_refused():
    # Events are public content: their saves empty the page cache (a post_save receiver).
    with pytest.raises(TypeError, match="save receivers"):
        rows.insert(Event(slug="x"))
    with pytest.raises(TypeError, match="primary key"):
        rows.insert(OutgoingMail(pk=10**9, kind=OutgoingMail.Kind.CONFIRM))
    unsaved = Signature()
    with pytest.raises(ValueError, match="unsaved related object"):
        rows.insert(OutgoingMail(signature=unsaved, kind=OutgoingMail.Kind.CONFIRM))
    assert not OutgoingMail.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_allowance_migration_keeps_each_mailboxs_latest_mail():
    from datetime import timedelta

    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone

    from registrations.services.people import mailbox_allowance_take

    before, after = ("registrations", "0026_audit_erase"), ("registrations", "0027_mailbox_send_one_row")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    old = executor.loader.project_state([before]).apps.get_model("registrations", "MailboxSend")
    now = timezone.now()
    for hours, thread in ((5, "signature:1"), (2, "signature:1"), (50, "signature:1"), (10, "media:1"), (30, "x:1")):
        old.objects.create(digest="d" * 64, thread=thread, sent_at=now - timedelta(hours=hours))

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    new = executor.loader.project_state([after]).apps.get_model("registrations", "MailboxSend")
    kept = sorted((row.thread, round((now - row.sent_at) / timedelta(hours=1))) for row in new.objects.all())
    # The latest of each mailbox's thread; none older than the day, which limits nothing.
    assert kept == [("media:1", 10), ("signature:1", 2)]
    # The window is counted from the latest: no mail in the thread for 22 more hours.
    assert mailbox_allowance_take(digest="d" * 64, thread="signature:1", now=now) is False
    assert mailbox_allowance_take(digest="d" * 64, thread="signature:1", now=now + timedelta(hours=22, minutes=1))
    assert mailbox_allowance_take(digest="d" * 64, thread="media:1", now=now) is False
    assert mailbox_allowance_take(digest="d" * 64, thread="x:1", now=now)


@pytest.mark.django_db(transaction=True)
def test_one_mail_for_one_mailbox_however_many_submit_at_once():
    """The allowance's one statement holds under a race: twelve transactions
    for one mailbox and thread at the same moment, each holding its
    transaction open a little after taking; one gets the mail."""
    import threading
    import time

    from django.db import connections, transaction

    from registrations.models import MailboxSend
    from registrations.services.people import mailbox_allowance_take

    start, answers = threading.Barrier(12), []

    def take():
        try:
            start.wait()
            with transaction.atomic():
                answers.append(mailbox_allowance_take(digest="e" * 64, thread="signature:7"))
                time.sleep(0.05)  # the others meet the row before this commits
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [False] * 11 + [True]
    assert MailboxSend.objects.filter(digest="e" * 64).count() == 1


# The foreign keys indexed only where they are set (migration 0028), by model.
KEYS_INDEXED_WHERE_SET = {
    "signature": ("hidden_by", "name_accepted_by"),
    "outgoingmail": ("registration", "signature", "event", "message"),
    "mediaregistration": ("decided_by",),
}


def _plan(queryset):
    """The database's plan for a queryset, with PostgreSQL told to avoid a
    sequential scan where it can (a test's few rows make one cheapest)."""
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
        return queryset.explain()


def _index_of(model_name, field):
    """The model and the index of its key `field`, over the rows that hold one."""
    from django.apps import apps

    model = apps.get_model("registrations", model_name)
    return model, next(i for i in model._meta.indexes if i.fields == [field])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model_name", "field"), [(m, f) for m, fields in KEYS_INDEXED_WHERE_SET.items() for f in fields]
)
def test_a_lookup_by_a_key_set_on_few_rows_uses_its_index(model_name, field):
    """What deleting the row a key points to runs (`key = x`, `key IN (...)`)
    finds its rows through the index of the rows that hold the key."""
    model, index = _index_of(model_name, field)
    name = index.name
    assert name in _plan(model.objects.filter(**{f"{field}_id": 1}))
    assert name in _plan(model.objects.filter(**{f"{field}_id__in": [1, 2]}))


@pytest.mark.django_db
def test_a_new_signature_and_its_mail_enter_none_of_the_indexes_of_keys_they_lack():
    """A submission's rows: the signature holds no reviewer, its mail no
    forum, registration or message; the indexes of those keys stay empty
    (a row enters an index whose condition it meets, and only then)."""
    declaration = make_declaration(make_event())
    signature = make_signature(declaration)
    rows.insert(OutgoingMail(signature=signature, kind=OutgoingMail.Kind.CONFIRM))
    for model_name, fields in KEYS_INDEXED_WHERE_SET.items():
        for field in fields:
            model, index = _index_of(model_name, field)
            held = model.objects.filter(index.condition).count()
            assert held == (1 if (model_name, field) == ("outgoingmail", "signature") else 0), index.name


@pytest.mark.django_db
def test_deleting_a_reviewer_or_a_signature_still_reaches_their_rows(django_user_model):
    """SET_NULL and CASCADE go through the partial indexes as they went through the full ones."""
    reviewer = django_user_model.objects.create_user("reviewer", password="x" * 20)
    signature = make_signature(make_declaration(make_event()))
    Signature.objects.filter(pk=signature.pk).update(hidden_by=reviewer, name_accepted_by=reviewer)
    mail = rows.insert(OutgoingMail(signature=signature, kind=OutgoingMail.Kind.CONFIRM))
    reviewer.delete()
    assert Signature.objects.filter(pk=signature.pk, hidden_by=None, name_accepted_by=None).exists()
    Signature.objects.filter(pk=signature.pk).delete()
    assert not OutgoingMail.objects.filter(pk=mail.pk).exists()


def _key_indexes(table):
    """The single-column, not unique, unconditional indexes of a table's columns."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    return {
        tuple(c["columns"])
        for name, c in found.items()
        if c["index"] and not c["unique"] and len(c["columns"]) == 1 and not name.endswith("_set")
    }


@pytest.mark.django_db(transaction=True)
def test_the_index_migration_drops_each_keys_own_index_and_going_back_makes_it_again():
    from django.db.migrations.executor import MigrationExecutor

    before = ("registrations", "0027_mailbox_send_one_row")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    assert {("hidden_by_id",), ("name_accepted_by_id",), ("declaration_id",)} <= _key_indexes("registrations_signature")
    assert {("signature_id",), ("registration_id",), ("event_id",), ("message_id",)} <= _key_indexes(
        "registrations_outgoingmail"
    )
    # An index someone added by hand on one of those columns is left alone.
    with connection.cursor() as cursor:
        cursor.execute('CREATE INDEX "operators_own" ON "registrations_signature" ("hidden_by_id")')
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    with connection.cursor() as cursor:
        assert "operators_own" in connection.introspection.get_constraints(cursor, "registrations_signature")
        cursor.execute('DROP INDEX "operators_own"')
    assert {("hidden_by_id",), ("name_accepted_by_id",), ("declaration_id",)}.isdisjoint(
        _key_indexes("registrations_signature")
    )
    assert _key_indexes("registrations_outgoingmail") == set()
    assert {("event_id",), ("decided_by_id",)}.isdisjoint(_key_indexes("registrations_mediaregistration"))


def _temporary_files():
    """The files SQLite keeps for a statement's undo (a statement journal) and
    its sorts: opened in the temporary directory and unlinked at once, so
    found among the process's open files only."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            found.append(os.readlink(f"/proc/self/fd/{fd}"))
    return [path for path in found if "etilqs" in path]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own temporary files")
def test_a_submission_writes_no_temporary_file_on_sqlite():
    """A submission's upsert inside its transaction needs a statement journal:
    pages of the rows it changes (sealed values, digests), which SQLite would
    write to an unlinked file in /var/tmp, bytes left on the disk after the
    row is erased. With temp_store=MEMORY it stays in memory."""
    from django.db import transaction

    from registrations.services.declaration import signature_submit

    declaration = make_declaration(make_event())
    data = {"name": "Ales", "country": "BY", "organisation": "", "email": "ales@example.org", "visibility": "full"}
    with transaction.atomic():
        signature_submit(declaration=declaration, data=data, language="en")
        signature_submit(declaration=declaration, data={**data, "name": "Ales B."}, language="en")
        assert _temporary_files() == []


def test_each_form_has_its_own_copy_of_every_field_and_widget():
    """The forms' fields are copied as Django's deep copy copies them: what
    a form (or crispy, rendering it) changes on its fields stays in that form,
    and the two forms, which share the fields PersonForm declares, keep their
    own consent message."""
    from django.utils import translation

    from registrations.forms import MediaRegistrationForm, SignatureForm

    with translation.override("en"):
        first, second, media = SignatureForm(), SignatureForm(), MediaRegistrationForm()
        for name, field in first.fields.items():
            other = second.fields[name]
            assert field is not other, name
            assert field.widget is not other.widget, name
            assert field.widget.attrs is not other.widget.attrs
            assert field.error_messages is not other.error_messages
            assert field.validators is not other.validators
            assert field.widget.attrs == other.widget.attrs
            assert field.label == other.label
        first.fields["name"].widget.attrs["class"] = "is-invalid"
        first.fields["consent"].error_messages["required"] = "changed"
        first.fields["visibility"].choices = [("full", "Full")]
        assert "class" not in SignatureForm().fields["name"].widget.attrs
        assert SignatureForm().fields["consent"].error_messages["required"] != "changed"
        assert len(SignatureForm().fields["visibility"].choices) == 3
        assert SignatureForm().fields["consent"].error_messages["required"] == SignatureForm.consent_required
        assert media.fields["consent"].error_messages["required"] == MediaRegistrationForm.consent_required
        assert media.fields["role"].choices[0] == ("", "Choose a role")
        assert media.fields["phone"].validators.count(media.fields["phone"].validators[-1]) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "notice"), [("en", "privacy notice"), ("ru", "уведомлении о конфиденциальности")])
def test_the_consent_label_is_built_in_the_language_of_the_page_showing_it(client, language, notice):
    from bs4 import BeautifulSoup

    event = make_event()
    make_declaration(event)
    page = client.get(f"/{language}/events/{event.slug}/declaration/sign/")
    label = BeautifulSoup(page.content, "html.parser").select_one("label[for=id_consent]")
    link = label.select_one("a")
    assert link["href"] == f"/{language}/privacy/"
    assert link.get_text(strip=True).lower() == notice


def test_a_form_checks_uniqueness_only_where_it_holds_a_unique_constraints_fields(django_user_model):
    from django import forms

    from registrations.forms import MediaRegistrationForm, SignatureForm, _unique_in_form

    class UsernameForm(forms.ModelForm):
        class Meta:
            model = django_user_model
            fields = ["username"]

    # A person's row is unique per forum (or Declaration) and mailbox digest: not form fields.
    assert not _unique_in_form(SignatureForm)
    assert not _unique_in_form(MediaRegistrationForm)
    assert _unique_in_form(UsernameForm)
