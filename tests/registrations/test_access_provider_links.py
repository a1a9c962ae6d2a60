"""The personal link in front of Zoom's registrants and of Jitsi's tokens:
the approval registers the journalist with Zoom (an alias address, through
the production client, against the local Zoom), the link leads to the join
address Zoom returned, revoking cancels the registrant; with Jitsi, each
opening makes a short-lived token for that room. Nothing of the meeting is
in the mail."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import time_machine
from django.urls import reverse

from registrations import services
from registrations.models import MediaAccreditation, MediaRegistration
from tests.factories import MINSK, make_accreditation, make_event, make_registration
from tests.html import soup, text
from tests.mailserver import link_in
from tests.registrations.test_access_zoom import MEETING, _no_token_kept, zoom  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

START = datetime(2027, 3, 10, 16, 0, tzinfo=MINSK)


@pytest.fixture
def forum():
    event = make_event(start=START, end=START + timedelta(hours=3))
    make_accreditation(event, meeting_url="", access_note_en="Interpretation: channel 2")
    return event


def _approve(event, address, by):
    registration = make_registration(event, email=address, name="Алеся Reporter")
    return services.registration_approve(registration=registration, by=by)


def test_zoom_registers_an_alias_the_link_leads_to_its_join_address_and_revoking_cancels_it(
    forum,
    zoom,  # noqa: F811
    admin_user,
    client,
    mail_server,
    django_capture_on_commit_callbacks,
):
    MediaAccreditation.objects.filter(event=forum).update(provider="zoom", zoom_meeting_id=MEETING)
    with django_capture_on_commit_callbacks(execute=True):
        registration = _approve(forum, "alesia@example.org", admin_user)
    (registrant,) = zoom.registrants(MEETING)
    assert registrant["email"].endswith("@press.forum.example.org")
    assert "alesia" not in registrant["email"]
    assert (registrant["first_name"], registrant["last_name"]) == ("Алеся", "Reporter")
    registration.refresh_from_db()
    assert registration.zoom_join_url == registrant["join_url"]

    (approval,) = mail_server.to("alesia@example.org")
    assert registrant["join_url"] not in approval.as_string()
    assert MEETING not in approval.as_string()
    link = link_in(approval, "/en/media/access/")
    with time_machine.travel(START - timedelta(minutes=10), tick=False):
        assert client.get(link)["Location"] == registrant["join_url"]

    with django_capture_on_commit_callbacks(execute=True):
        services.access_revoke(registration=registration, by=admin_user)
    assert zoom.registrants(MEETING)[0]["status"] == "cancelled"
    with time_machine.travel(START, tick=False):
        assert client.get(link).status_code == 410


def test_cancelling_the_forum_cancels_its_zoom_registrants(
    forum,
    zoom,  # noqa: F811
    admin_user,
    mail_server,
    django_capture_on_commit_callbacks,
):
    MediaAccreditation.objects.filter(event=forum).update(provider="zoom", zoom_meeting_id=MEETING)
    with django_capture_on_commit_callbacks(execute=True):
        registration = _approve(forum, "ales@example.org", admin_user)
    assert [r["status"] for r in zoom.registrants(MEETING)] == ["approved"]
    forum.status = "cancelled"
    forum.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.invitation_update_send(event=forum, by=admin_user) == 1
    assert [r["status"] for r in zoom.registrants(MEETING)] == ["cancelled"]
    registration.refresh_from_db()
    assert (registration.zoom_registrant_id, registration.zoom_join_url) == ("", "")
    _approval, cancel = mail_server.to("ales@example.org")
    assert MEETING not in cancel.as_string()


def test_a_zoom_refusal_shows_on_the_registrations_page_and_the_link_says_it_is_being_prepared(
    forum,
    zoom,  # noqa: F811
    settings,
    admin_user,
    admin_client,
    client,
    mail_server,
    django_capture_on_commit_callbacks,
):
    MediaAccreditation.objects.filter(event=forum).update(provider="zoom", zoom_meeting_id=MEETING)
    settings.ZOOM_CLIENT_SECRET = "not-the-secret"
    with django_capture_on_commit_callbacks(execute=True):
        registration = _approve(forum, "b@example.org", admin_user)
    assert zoom.registrants(MEETING) == []
    page = soup(admin_client.get(reverse("admin:registrations_mediaregistration_change", args=[registration.pk])))
    assert "Zoom refused this site's credentials" in text(page.select_one("#zoom-problem"))
    link = link_in(mail_server.to("b@example.org")[0], "/en/media/access/")
    with time_machine.travel(START, tick=False):
        response = client.get(link)
    assert response.status_code == 200
    assert "being prepared" in text(soup(response).select_one("main"))


def test_jitsi_makes_a_short_lived_token_for_the_room_at_each_opening(forum, settings, admin_user, client, mail_server):
    settings.JITSI_DOMAIN, settings.JITSI_APP_ID = "meet.forum.example.org", "forum-site"
    settings.JITSI_APP_SECRET, settings.JITSI_AUDIENCE = "jitsi-secret-for-tests-0123456789", "jitsi"
    MediaAccreditation.objects.filter(event=forum).update(provider="jitsi", jitsi_room="press-room")
    _approve(forum, "j@example.org", admin_user)
    (approval,) = mail_server.to("j@example.org")
    assert "meet.forum.example.org" not in approval.as_string()
    link = link_in(approval, "/en/media/access/")
    opened = START - timedelta(minutes=5)
    with time_machine.travel(opened, tick=False):
        first = client.get(link)["Location"]
        second = client.get(link)["Location"]
    assert first.startswith("https://meet.forum.example.org/press-room?jwt=")
    token = parse_qs(urlsplit(first).query)["jwt"][0]
    claims = jwt.decode(
        token,
        settings.JITSI_APP_SECRET,
        algorithms=["HS256"],
        audience="jitsi",
        options={"verify_exp": False, "verify_nbf": False, "verify_iat": False},
    )
    assert claims["room"] == "press-room"
    assert claims["context"]["user"]["name"] == "Алеся Reporter"
    assert claims["exp"] - int(opened.astimezone(UTC).timestamp()) == settings.JITSI_TOKEN_SECONDS
    assert MediaRegistration.objects.get().access_opened_count == 2
    assert second.startswith("https://meet.forum.example.org/press-room?jwt=")


def test_choosing_zoom_after_approvals_registers_those_already_approved(
    forum,
    zoom,  # noqa: F811
    admin_user,
    admin_client,
    mail_server,
    django_capture_on_commit_callbacks,
):
    from tests.registrations.test_personal_access import _accreditation_form

    _approve(forum, "early@example.org", admin_user)
    assert zoom.registrants(MEETING) == []
    accreditation = MediaAccreditation.objects.get(event=forum)
    url = reverse("admin:registrations_mediaaccreditation_change", args=[accreditation.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, _accreditation_form(accreditation, provider="zoom", zoom_meeting_id=MEETING))
    assert response.status_code == 302
    (registrant,) = zoom.registrants(MEETING)
    assert MediaRegistration.objects.get().zoom_join_url == registrant["join_url"]
    assert len(mail_server.to("early@example.org")) == 1  # nothing mailed: the link stays the same
