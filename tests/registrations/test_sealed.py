"""Personal values sealed under their forum's key (issue 22): stored as tokens,
read as text, searched by keyed word digests; a forum whose key is gone shows
its people as "(erased)" on every page, export and mail, never a 500; the
"erase this forum's people" action; the command that seals older rows."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from plumbing import keys
from plumbing.sealed import is_erased
from registrations import links, services
from registrations.models import (
    AuditEntry,
    MediaRegistration,
    MediaRegistrationWord,
    Message,
    OutgoingMail,
    ReviewEntry,
    Signature,
    SignatureWord,
)
from tests.factories import make_accreditation, make_declaration, make_event, make_registration, make_signature
from tests.html import soup, text
from tests.rawdb import all_rows_text, raw_rows

pytestmark = pytest.mark.django_db

PEOPLE = {
    "registration": {
        "name": "Зміцер Пячатны",
        "email": "zmicier.sealed@example.org",
        "phone": "+375 29 111 22 33",
        "outlet": "Radio Pячатка",
        "work_url": "https://news.example.org/zmicier-sealed",
        "interview_request": "Ганна Інтэрв'ю, пра выбары",
    },
    "signature": {"name": "Ганна Запячатаная", "email": "hanna.sealed@example.org", "organisation": "Саюз Пячаткі"},
}


@pytest.fixture
def forum():
    event = make_event(slug="sealed")
    make_accreditation(event)
    declaration = make_declaration(event, review_names=False)
    registration = make_registration(
        event, status="approved", decision_reason="Welcome, Зміцер", **PEOPLE["registration"]
    )
    ReviewEntry.objects.create(registration=registration, username="admin", text="Knows Зміцер Пячатны well")
    signature = make_signature(declaration, **PEOPLE["signature"])
    message = Message.objects.create(event=event, subject_en="For Зміцер", body_en="Dear Зміцер Пячатны")
    return event, registration, signature, message


def _values():
    return [v for person in PEOPLE.values() for v in person.values()] + ["Knows Зміцер", "Dear Зміцер"]


def test_values_are_stored_sealed_and_read_as_text(forum):
    event, registration, signature, message = forum  # noqa: RUF059 - one fixture, four rows
    dump = all_rows_text()
    for value in _values():
        assert value not in dump, value
    # The table holds tokens; read through the model, the text.
    stored = {row[0]: row for row in raw_rows(Signature._meta.db_table)}
    assert any(str(value).startswith(keys.SEALED_PREFIX) for value in stored[signature.pk])
    fresh = MediaRegistration.objects.get(pk=registration.pk)
    assert fresh.name == PEOPLE["registration"]["name"]
    assert fresh.phone == PEOPLE["registration"]["phone"]
    assert fresh.decision_reason == "Welcome, Зміцер"
    assert Signature.objects.get(pk=signature.pk).organisation == PEOPLE["signature"]["organisation"]
    assert Message.objects.get(pk=message.pk).body_en == "Dear Зміцер Пячатны"
    assert ReviewEntry.objects.get().text == "Knows Зміцер Пячатны well"
    # A sealed column is never compared with a plain text: that would silently find nothing.
    with pytest.raises(ValueError, match="sealed"):
        list(Signature.objects.filter(name=PEOPLE["signature"]["name"]))


def test_a_value_moved_to_another_row_does_not_open(forum):
    event, registration, signature, message = forum  # noqa: RUF059 - one fixture, four rows
    other = make_signature(signature.declaration)
    token = Signature.objects.filter(pk=signature.pk).values_list("name", flat=True).get()
    Signature.objects.filter(pk=other.pk).update(name=token)
    assert is_erased(Signature.objects.get(pk=other.pk).name)


def test_saving_an_untouched_row_keeps_its_tokens_and_a_change_reseals(forum):
    event, registration, signature, message = forum  # noqa: RUF059 - one fixture, four rows
    before = Signature.objects.filter(pk=signature.pk).values_list("name", "email", flat=False).get()
    row = Signature.objects.get(pk=signature.pk)
    row.save()
    assert Signature.objects.filter(pk=signature.pk).values_list("name", "email").get() == before
    row.name = "Ганна Новая"
    row.save(update_fields=["name"])
    after = Signature.objects.get(pk=signature.pk)
    assert after.name == "Ганна Новая"
    assert after.email == PEOPLE["signature"]["email"]


def test_admin_search_finds_whole_words_and_exact_addresses(admin_client, forum):
    event, registration, signature, message = forum  # noqa: RUF059 - one fixture, four rows
    other_forum = make_event(slug="other")
    make_signature(make_declaration(other_forum), name="Ганна Іншая")

    def names(**query):
        page = soup(admin_client.get(reverse("admin:registrations_signature_changelist"), query))
        return sorted(text(td) for td in page.select("#result_list th.field-name, #result_list td.field-name"))

    assert names(q="ганна") == sorted(["Ганна Запячатаная", "Ганна Іншая"])
    assert names(q="ЗАПЯЧАТАНАЯ ганна") == ["Ганна Запячатаная"]
    assert names(q="Запячат") == []  # whole words only
    assert names(q="hanna.sealed@example.org") == ["Ганна Запячатаная"]
    # The word digests are keyed per forum: "ганна" differs between the two forums.
    assert SignatureWord.objects.count() == 4
    assert len(set(SignatureWord.objects.values_list("digest", flat=True))) == 4
    assert MediaRegistrationWord.objects.filter(person=registration).count() == 2
    # No list sorts by a sealed column.
    page = soup(admin_client.get(reverse("admin:registrations_signature_changelist")))
    assert not page.select("th.column-name.sortable")
    # The forum's key gone: its people are found no more.
    keys.destroy(keys.forum_key_name(event.pk))
    assert names(q="ганна") == ["Ганна Іншая"]


def test_a_forum_whose_key_is_gone_shows_its_people_as_erased(client, admin_client, forum):
    event, registration, signature, message = forum
    mail = OutgoingMail.objects.create(signature=signature, kind=OutgoingMail.Kind.SIGNED)
    keys.destroy(keys.forum_key_name(event.pk))  # lost, or a backup restored after the purge

    pages = {
        "registration status": reverse(registration.url_name("status"))
        + f"?t={links.make_token(links.STATUS, registration)}",
        "signature status": reverse(signature.url_name("status")) + f"?t={links.make_token(links.STATUS, signature)}",
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        body = response.content.decode()
        assert "(erased)" in body, name
        assert "Зміцер" not in body
        assert "Ганна" not in body
    public = client.get(f"/en/events/{event.slug}/declaration/")
    assert public.status_code == 200
    assert "(erased)" not in public.content.decode()
    assert soup(public).select(".signatory") == []

    admin_pages = [
        reverse("admin:registrations_mediaregistration_changelist"),
        reverse("admin:registrations_mediaregistration_change", args=[registration.pk]),
        reverse("admin:registrations_signature_changelist"),
        reverse("admin:registrations_signature_change", args=[signature.pk]),
        reverse("admin:registrations_message_changelist"),
        reverse("admin:registrations_message_change", args=[message.pk]),
        reverse("admin:registrations_outgoingmail_change", args=[mail.pk]),
    ]
    for url in admin_pages:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "(erased)" in body or "outgoingmail" in url, url
        assert "Зміцер" not in body
    # In the page's language.
    page = admin_client.get(
        reverse("admin:registrations_signature_change", args=[signature.pk]), HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert page.status_code == 200

    for model, path in ((MediaRegistration, "mediaregistration"), (Signature, "signature")):
        response = admin_client.post(
            reverse(f"admin:registrations_{path}_changelist"),
            {"action": "export_csv", "_selected_action": list(model.objects.values_list("pk", flat=True))},
        )
        assert response.status_code == 200
        csv = b"".join(response.streaming_content).decode("utf-8-sig")
        assert "(erased)" in csv
        assert "Зміцер" not in csv
        assert "sealed@example.org" not in csv

    # Its mail goes to nobody: failed, for staff to see, no error.
    services.mail_deliver(mail_id=mail.pk)
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.FAILED
    assert mail.last_error == "NoRecipient"

    # Saving a row whose values are erased keeps the stored tokens (nothing is overwritten with the marker).
    before = Signature.objects.filter(pk=signature.pk).values_list("name", flat=True).get()
    row = Signature.objects.get(pk=signature.pk)
    assert is_erased(row.name)
    row.save()
    assert Signature.objects.filter(pk=signature.pk).values_list("name", flat=True).get() == before


def test_the_erase_action_is_for_superusers_confirmed_and_audited(admin_client, client, django_user_model, forum):
    event, registration, signature, message = forum  # noqa: RUF059 - one fixture, four rows
    other = make_event(slug="kept")
    kept = make_signature(make_declaration(other), name="Алесь Застаўся")
    changelist = reverse("admin:events_event_changelist")
    data = {"action": "erase_people", "_selected_action": [event.pk]}

    page = admin_client.post(changelist, data)
    assert page.status_code == 200
    assert "Erase this forum" in page.content.decode()
    assert MediaRegistration.objects.filter(event=event).exists()  # only asked

    response = admin_client.post(changelist, {**data, "apply": "1"})
    assert response.status_code == 302
    assert not MediaRegistration.objects.filter(event=event).exists()
    assert not Signature.objects.filter(declaration__event=event).exists()
    assert keys.get(keys.forum_key_name(event.pk)) is None
    assert Signature.objects.get(pk=kept.pk).name == "Алесь Застаўся"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ERASE)
    assert (entry.object_id, entry.rows, entry.username) == (event.pk, 2, "admin")

    # Staff who are not superusers do not see the action.
    editor = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    from django.contrib.auth.models import Permission

    editor.user_permissions.add(*Permission.objects.filter(codename__in=["view_event", "change_event"]))
    from tests.conftest import verified_client

    staff = verified_client(editor)
    options = [o["value"] for o in soup(staff.get(changelist)).select("select[name=action] option")]
    assert "erase_people" not in options
    assert staff.post(changelist, {**data, "_selected_action": [other.pk], "apply": "1"}).status_code in (200, 302)
    assert Signature.objects.filter(pk=kept.pk).exists()


def test_seal_personal_data_seals_older_rows_in_batches_and_a_rerun_changes_nothing(forum):
    event, registration, signature, message = forum  # noqa: RUF059 - one fixture, four rows
    # Rows as stored before issue 22: plain text, no row id of their own.
    table = connection.ops.quote_name(Signature._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET name = %s, email = %s, organisation = %s, seal_id = '' WHERE id = %s",  # noqa: S608
            ["Old Plain Name", "old.plain@example.org", "Old Org", signature.pk],
        )
    SignatureWord.objects.all().delete()
    assert "Old Plain Name" in all_rows_text()

    out = io.StringIO()
    call_command("seal_personal_data", "--batch", "1", stdout=out)
    assert "Signature: done, 1 rows sealed" in out.getvalue()
    assert "Old Plain Name" not in all_rows_text()
    row = Signature.objects.get(pk=signature.pk)
    assert (row.name, row.email, row.organisation) == ("Old Plain Name", "old.plain@example.org", "Old Org")
    assert SignatureWord.objects.filter(person=signature).count() == 3

    before = all_rows_text()
    out = io.StringIO()
    call_command("seal_personal_data", stdout=out)
    assert out.getvalue().strip().endswith("0 rows sealed")
    assert all_rows_text() == before
