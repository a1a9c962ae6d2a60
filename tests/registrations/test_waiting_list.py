"""A forum's accreditation may have a number of places; when an approved
journalist withdraws, reviewers are told and promote the oldest waitlisted
journalist in one step."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from registrations import services
from registrations.mailbox import email_digest
from registrations.models import MediaRegistration, OutgoingMail
from tests.conftest import verified_client
from tests.factories import make_accreditation, make_event, make_registration
from tests.html import soup, text
from tests.mailserver import subject

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer():
    user = User.objects.create_user("reviewer", password="x" * 20, is_staff=True)
    user.groups.add(Group.objects.get(name="Reviewers"))
    return verified_client(user)


def _places(page, event):
    row = page.select_one(f"#forum-{event.pk} .overview-places")
    return row and text(row)


def test_withdrawal_frees_a_place_tells_the_organisers_and_the_oldest_waiting_is_promoted(reviewer, mail_server):
    event = make_event(title_en="Week against Torture", contact_email="team@forum.example.org")
    make_accreditation(event, capacity=2)
    now = timezone.now()
    leaving = make_registration(event, status="approved", name="Leaving Person", email="leaving@example.org")
    make_registration(event, status="approved")
    oldest = make_registration(
        event, status="waitlisted", decided_at=now - timedelta(days=2), email="oldest@example.org"
    )
    make_registration(event, status="waitlisted", decided_at=now - timedelta(days=1), email="newer@example.org")
    page = soup(reviewer.get("/admin/"))
    assert _places(page, event) == "Places places left 0 / 2"
    assert page.select_one(f"#forum-{event.pk} .overview-promote") is None

    services.registration_withdraw(person=leaving)
    (note,) = mail_server.to("team@forum.example.org")
    assert subject(note) == "A media place is free: Week against Torture"
    assert "Leaving Person" not in note.as_string()
    assert "leaving@example.org" not in note.as_string()
    assert OutgoingMail.objects.get(kind="place_freed").event == event

    page = soup(reviewer.get("/admin/"))
    assert _places(page, event).startswith("Places places left 1 / 2 A place is free and 2 journalists are waiting.")
    form = page.select_one(f"#forum-{event.pk} form.overview-promote")
    response = reviewer.post(form["action"])
    assert response["Location"] == "/admin/"
    oldest.refresh_from_db()
    assert oldest.status == "approved"
    assert MediaRegistration.objects.get(email_digest=email_digest("newer@example.org")).status == "waitlisted"
    (approval,) = mail_server.to("oldest@example.org")
    assert any(part.get_content_type() == "text/calendar" for part in approval.walk())
    # Full again: no promotion, however often it is asked.
    page = soup(reviewer.get("/admin/"))
    assert page.select_one(f"#forum-{event.pk} .overview-promote") is None
    reviewer.post(form["action"])
    assert MediaRegistration.objects.get(email_digest=email_digest("newer@example.org")).status == "waitlisted"


def test_no_contact_address_no_note_and_pending_withdrawals_free_nothing(mail_server):
    event = make_event()
    make_accreditation(event, capacity=1)
    services.registration_withdraw(person=make_registration(event, status="approved"))
    with_contact = make_event(contact_email="team@forum.example.org")
    make_accreditation(with_contact, capacity=1)
    services.registration_withdraw(person=make_registration(with_contact, status="pending"))
    assert OutgoingMail.objects.filter(kind="place_freed").count() == 0
    assert mail_server.messages == []


def test_editors_cannot_promote(mail_server):
    event = make_event()
    make_accreditation(event, capacity=1)
    waiting = make_registration(event, status="waitlisted")
    user = User.objects.create_user("editor", password="x" * 20, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    response = verified_client(user).post(f"/admin/registrations/mediaregistration/promote/{event.pk}/")
    assert response.status_code == 403
    waiting.refresh_from_db()
    assert waiting.status == "waitlisted"


@pytest.mark.parametrize("how", ["page", "action"])
def test_a_superusers_delete_in_the_admin_tells_the_contact_address_a_place_is_free(how, mail_server):
    """Deleting an approved journalist in the admin is their withdrawal: the
    row goes, and the organisers hear that a place is free, as when the
    journalist withdraws themselves."""
    event = make_event(title_en="Week against Torture", contact_email="team@forum.example.org")
    make_accreditation(event, capacity=1)
    leaving = make_registration(event, status="approved", name="Leaving Person", email="leaving@example.org")
    admin = verified_client(User.objects.create_superuser("root", password="x" * 20))
    if how == "page":
        url = f"/admin/registrations/mediaregistration/{leaving.pk}/delete/"
        response = admin.post(url, {"post": "yes"})
    else:
        response = admin.post(
            "/admin/registrations/mediaregistration/",
            {"action": "delete_selected", "_selected_action": [leaving.pk], "post": "yes"},
        )
    assert response.status_code == 302
    assert not MediaRegistration.objects.filter(pk=leaving.pk).exists()
    (note,) = mail_server.to("team@forum.example.org")
    assert subject(note) == "A media place is free: Week against Torture"
    assert "Leaving Person" not in note.as_string()
