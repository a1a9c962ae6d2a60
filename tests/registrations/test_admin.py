"""Review in the admin: who may see and do what, decisions, exports."""

import csv
import io

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from registrations.models import MediaRegistration, ReviewEntry
from tests.conftest import verified_client
from tests.factories import make_accreditation, make_event, make_registration
from tests.html import soup, text

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:registrations_mediaregistration_changelist"


@pytest.fixture
def event():
    event = make_event(title_en="Week against Torture")
    make_accreditation(event)
    return event


@pytest.fixture
def organiser_client():
    user = User.objects.create_user("organiser", password="a long test password 1", is_staff=True)
    user.groups.add(Group.objects.get(name="Reviewers"))
    return verified_client(user), user


def test_reviewers_group_has_exactly_the_review_permissions():
    codenames = set(Group.objects.get(name="Reviewers").permissions.values_list("codename", flat=True))
    assert codenames == {
        "view_mediaregistration",
        "change_mediaregistration",
        "view_outgoingmail",
        "change_outgoingmail",
        "view_signature",
        "change_signature",
        "view_auditentry",
        "view_message",
    }


def test_editors_group_has_exactly_the_content_permissions():
    permissions = set(Group.objects.get(name="Editors").permissions.values_list("content_type__app_label", "codename"))
    assert permissions == {
        *{("events", f"{action}_event") for action in ("view", "add", "change")},
        *{
            ("events", f"{action}_{model}")
            for model in ("session", "speaker", "organisation", "eventorganisation", "channel", "recording")
            for action in ("view", "add", "change", "delete")
        },
        ("events", "view_changeentry"),
        *{
            ("registrations", f"{action}_{model}")
            for model in ("declaration", "mediaaccreditation")
            for action in ("view", "add", "change")
        },
    }


def test_neither_role_can_manage_accounts_or_groups():
    for group in Group.objects.filter(name__in=["Reviewers", "Editors"]):
        assert not group.permissions.filter(content_type__app_label__in=["auth", "otp_totp", "otp_static", "axes"])


def test_organiser_reviews_but_cannot_edit_content_or_users(organiser_client, event):
    client, user = organiser_client
    registration = make_registration(event, name="Reviewable Person")
    page = soup(client.get(reverse(CHANGELIST)))
    assert [text(a) for a in page.select("#result_list tbody th a")] == [f"Media registration #{registration.pk}"]
    assert (
        client.get(reverse("admin:registrations_mediaregistration_change", args=[registration.pk])).status_code == 200
    )
    assert client.get(reverse("admin:registrations_outgoingmail_changelist")).status_code == 200
    for name, args in [
        ("admin:events_event_change", [event.pk]),
        ("admin:events_event_add", []),
        ("admin:events_session_changelist", []),
        ("admin:auth_user_changelist", []),
        ("admin:auth_group_changelist", []),
        ("admin:registrations_mediaaccreditation_changelist", []),
        ("admin:registrations_declaration_changelist", []),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 403, name
    response = client.post(
        reverse(CHANGELIST), {"action": "approve", "_selected_action": [registration.pk], "apply": "1", "reason": ""}
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert (registration.status, registration.decided_by) == ("approved", user)


def test_staff_without_the_group_see_nothing(event):
    make_registration(event)
    user = User.objects.create_user("helper", password="a long test password 2", is_staff=True)
    assert verified_client(user).get(reverse(CHANGELIST)).status_code == 403


def test_anonymous_visitors_get_no_registration_data(client, event):
    registration = make_registration(event, name="Hidden Journalist", email="hidden@example.org")
    for url in (
        reverse(CHANGELIST),
        reverse("admin:registrations_mediaregistration_change", args=[registration.pk]),
        reverse("admin:registrations_outgoingmail_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    for url in (f"/en/events/{event.slug}/", "/en/", "/sitemap.xml", f"/en/events/{event.slug}/calendar.ics"):
        body = client.get(url).content.decode()
        assert "Hidden Journalist" not in body
        assert "hidden@example.org" not in body
        assert "zoom.example.org" not in body
    assert client.get("/en/media/status/").status_code == 400
    assert client.post("/en/media/withdraw/").status_code == 400


def test_changelist_filters_search_and_hides_unconfirmed(admin_client, event):
    other = make_event()
    make_registration(event, name="Anna", outlet="Radio Svaboda", country="BY", role="editor")
    b = make_registration(other, name="Boris", outlet="Dekoder", country="DE", status="approved")
    make_registration(event, name="Not Yet", status="unconfirmed", confirmed_at=None)

    def names(**query):
        page = soup(admin_client.get(reverse(CHANGELIST), query))
        return sorted(text(td) for td in page.select("#result_list td.field-name"))

    assert names() == ["Anna", "Boris"]
    assert names(status__exact="approved") == ["Boris"]
    assert names(event__id__exact=event.pk) == ["Anna"]
    assert names(country="DE") == ["Boris"]
    assert names(role__exact="editor") == ["Anna"]
    # Search is by a whole word of a name or by a whole address, both indexed at a
    # million rows (issue 12) through keyed digests (issue 22: names are sealed, no
    # prefix); an outlet is not searched.
    assert names(q="radio") == []
    assert names(q="anna") == ["Anna"]
    assert names(q="  ANNA ") == ["Anna"]
    assert names(q="ann") == []
    assert names(q="svaboda") == []
    assert names(q=b.email.upper()) == ["Boris"]
    assert names(q=b.email[:5]) == []
    page = soup(admin_client.get(reverse(CHANGELIST)))
    assert {text(a) for a in page.select("#changelist-filter a")} >= {"Belarus", "Germany", "Approved", "Editor"}


def test_changelist_query_count_does_not_grow(admin_client, event, django_assert_max_num_queries):
    make_registration(event)
    # The date span is two one-row lookups; the country filter one lookup per
    # country there is, and one more (exports.distinct_values).
    with django_assert_max_num_queries(13) as one:
        admin_client.get(reverse(CHANGELIST))
    for _ in range(40):
        make_registration(event)
    with django_assert_max_num_queries(len(one.captured_queries)):
        admin_client.get(reverse(CHANGELIST))


def test_reject_and_waitlist_many_at_once_with_a_reason(admin_client, admin_user, event):
    regs = [make_registration(event) for _ in range(3)]
    admin_client.post(
        reverse(CHANGELIST),
        {"action": "waitlist", "_selected_action": [r.pk for r in regs[:2]], "apply": "1", "reason": "Full for now"},
    )
    admin_client.post(reverse(CHANGELIST), {"action": "reject", "_selected_action": [regs[2].pk], "apply": "1"})
    statuses = dict(MediaRegistration.objects.values_list("pk", "status"))
    assert statuses == {regs[0].pk: "waitlisted", regs[1].pk: "waitlisted", regs[2].pk: "rejected"}
    assert {r.decision_reason for r in MediaRegistration.objects.all()} == {"Full for now", ""}
    assert set(MediaRegistration.objects.values_list("decided_by", flat=True)) == {admin_user.pk}


def test_decision_page_lists_the_selection_before_anything_changes(admin_client, event):
    registration = make_registration(event, name="Pending Person")
    page = soup(admin_client.post(reverse(CHANGELIST), {"action": "approve", "_selected_action": [registration.pk]}))
    assert "Pending Person" in text(page.select_one("#content ul"))
    assert page.select_one("textarea[name=reason]") is not None
    registration.refresh_from_db()
    assert registration.status == "pending"


def test_csv_export_streams_utf8_with_bom(admin_client, event):
    make_registration(event, name="Святлана Ціханоўская", outlet="Газета", country="BY")
    make_registration(event, name="Second", languages=["ru", "en"])
    ids = list(MediaRegistration.objects.values_list("pk", flat=True))
    response = admin_client.post(reverse(CHANGELIST), {"action": "export_csv", "_selected_action": ids})
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["full name"] for r in rows] == ["Святлана Ціханоўская", "Second"]
    assert rows[0]["country"] == "Belarus"
    assert rows[0]["event"] == "Week against Torture"
    assert rows[1]["languages followed"] == "Russian, English"


def test_ics_export_lists_approved_media_as_attendees(admin_client, event):
    make_registration(event, name="Approved One", email="one@example.org", status="approved")
    make_registration(event, name="Pending Two", status="pending")
    ids = list(MediaRegistration.objects.values_list("pk", flat=True))
    response = admin_client.post(reverse(CHANGELIST), {"action": "export_ics", "_selected_action": ids})
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    (vevent,) = Calendar.from_ical(response.content).walk("VEVENT")
    attendees = vevent.get("ATTENDEE")
    attendees = attendees if isinstance(attendees, list) else [attendees]
    assert [(str(a), a.params["CN"]) for a in attendees] == [("mailto:one@example.org", "Approved One")]


def test_date_hierarchy_lists_months_from_first_to_last(admin_client, event):
    from datetime import datetime

    from django.utils import timezone

    zone = timezone.get_current_timezone()
    make_registration(event, created_at=datetime(2026, 3, 5, 12, tzinfo=zone))
    make_registration(event, created_at=datetime(2026, 5, 20, 12, tzinfo=zone))
    page = soup(admin_client.get(reverse(CHANGELIST)))
    assert [text(a) for a in page.select(".toplinks a:not(.date-back)")] == ["March 2026", "April 2026", "May 2026"]
    page = soup(admin_client.get(reverse(CHANGELIST), {"created_at__year": "2026", "created_at__month": "5"}))
    assert [text(td) for td in page.select("td.field-outlet")] == [
        MediaRegistration.objects.order_by("-created_at")[0].outlet
    ]


def _change_url(registration):
    return reverse("admin:registrations_mediaregistration_change", args=[registration.pk])


def test_decision_from_the_registrations_page_mails_the_registrant(organiser_client, event, mail_server):
    client, user = organiser_client
    registration = make_registration(event, email="ales@example.org", mail_language="be", languages=["be", "en"])
    page = soup(client.get(_change_url(registration)))
    form = page.select_one("form#decision-form")
    buttons = {button["value"]: text(button) for button in form.select("button[name=decision]")}
    assert buttons == {
        "approved": "Mark “Approved” and tell the registrant",
        "waitlisted": "Mark “On the waiting list” and tell the registrant",
        "rejected": "Mark “Not approved” and tell the registrant",
    }
    response = client.post(form["action"], {"decision": "approved", "reason": "Welcome."})
    assert response["Location"] == _change_url(registration)
    registration.refresh_from_db()
    assert (registration.status, registration.decided_by, registration.decision_reason) == (
        "approved",
        user,
        "Welcome.",
    )
    (message,) = mail_server.to("ales@example.org")
    assert "Welcome." in message.get_body(("plain",)).get_content()
    assert message.get_content_type() == "multipart/mixed"
    page = soup(client.get(_change_url(registration)))
    rows = [[text(cell) for cell in row.select("td")] for row in page.select("#review-history tbody tr")]
    assert [row[1:] for row in rows] == [
        ["–", "Confirmed by the registrant", ""],
        ["organiser", "Approved", "Welcome."],
    ]
    assert "Status: Approved" in text(page.select_one("#decision-form").parent)


def test_registration_page_shows_languages_as_names_not_codes(organiser_client, event):
    client, _user = organiser_client
    registration = make_registration(event, languages=["be", "en"])
    page = soup(client.get(_change_url(registration)))
    field = page.select_one(".field-languages_display .readonly")
    assert text(field) == "Belarusian, English"
    assert '["be", "en"]' not in page.get_text()


def test_decision_needs_a_post_and_the_change_permission(event):
    registration = make_registration(event)
    helper = User.objects.create_user("viewer", password="x" * 20, is_staff=True)
    helper.user_permissions.add(*Group.objects.get(name="Reviewers").permissions.filter(codename__startswith="view"))
    client = verified_client(helper)
    page = soup(client.get(_change_url(registration)))
    assert page.select_one("form#decision-form") is None
    url = reverse("admin:registrations_mediaregistration_decide", args=[registration.pk])
    assert client.post(url, {"decision": "approved"}).status_code == 403
    registration.refresh_from_db()
    assert registration.status == "pending"


def test_internal_note_stays_with_reviewers_and_goes_with_the_record(organiser_client, event, mail_server):
    from registrations import links, services

    client, _user = organiser_client
    registration = make_registration(event, email="note@example.org")
    url = reverse("admin:registrations_mediaregistration_note", args=[registration.pk])
    client.post(url, {"note": "Called the newsroom: the press card is real."})
    page = soup(client.get(_change_url(registration)))
    (note,) = page.select("#review-history tr.review-note")
    assert [text(cell) for cell in note.select("td")][1:] == [
        "organiser",
        "Internal note",
        "Called the newsroom: the press card is real.",
    ]
    # Not on the registrant's own page, not in any mail.
    status = Client().get(f"/en/media/status/?t={links.make_token(links.STATUS, registration)}")
    assert "press card is real" not in status.content.decode()
    services.registration_reject(registration=registration, by=_user)
    (message,) = mail_server.to("note@example.org")
    assert "press card is real" not in message.as_string()
    # Erased with the record.
    services.registration_withdraw(person=registration)
    assert ReviewEntry.objects.count() == 0
