"""Press access that can be taken back: approved journalists receive a
personal link on the site (never the meeting's address, ID or passcode);
the link leads to the meeting only inside its window, says when it opens
outside it, and says "withdrawn" once a rejection, a withdrawal or a
revocation took it back, whose mail cancels the journalist's calendar entry."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.urls import resolve, reverse
from icalendar import Calendar

from registrations import services
from registrations.models import MediaAccreditation, MediaRegistration
from tests.conftest import verified_client
from tests.factories import MINSK, make_accreditation, make_event, make_registration, make_session
from tests.html import soup, text
from tests.mailserver import link_in
from tests.registrations.test_invitations import icaljs  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

MEETING = "https://zoom.example.org/j/84512345678?pwd=SecretPwd42"
MEETING_ID = "84512345678"
PASSCODE = "731904"
START = datetime(2027, 3, 10, 16, 0, tzinfo=MINSK)


@pytest.fixture
def forum():
    event = make_event(
        title_en="Week against Torture",
        start=START,
        end=START + timedelta(hours=3),
        contact_email="team@forum.example.org",
    )
    make_accreditation(event, meeting_url=MEETING, access_note_en="Interpretation: channel 2")
    return event


@pytest.fixture
def reviewer():
    user = User.objects.create_user("reviewer", password="a long test password 1", is_staff=True)
    user.groups.add(Group.objects.get(name="Reviewers"))
    return verified_client(user), user


def _approve(event, address, by, language="en"):
    registration = make_registration(event, email=address, mail_language=language)
    return services.registration_approve(registration=registration, by=by)


def _calendar(message):
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    ics = part.get_payload(decode=True)
    cal = Calendar.from_ical(ics)
    (vevent,) = cal.walk("VEVENT")
    return part, ics, cal, vevent


def _every_part(message):
    """Each part of a mail as text: the plain text, the HTML and the .ics."""
    return [part.get_payload(decode=True).decode() for part in message.walk() if not part.is_multipart()]


def _holds_meeting(content):
    digits = re.sub(r"[\s-]", "", content)
    return "zoom.example.org" in content or MEETING_ID in digits or PASSCODE in content or "SecretPwd42" in content


def test_approve_open_in_the_window_reject_and_the_link_is_withdrawn(
    forum,
    reviewer,
    client,
    mail_server,
    icaljs,  # noqa: F811
):
    _client, user = reviewer
    registration = _approve(forum, "ales@example.org", user)

    (approval,) = mail_server.to("ales@example.org")
    parts = _every_part(approval)
    assert {p.get_content_type() for p in approval.walk() if not p.is_multipart()} == {
        "text/plain",
        "text/html",
        "text/calendar",
    }
    for content in parts:
        assert not _holds_meeting(content), content[:200]
    link = link_in(approval, "/en/media/access/")
    part, ics, cal, vevent = _calendar(approval)
    assert str(cal["METHOD"]) == "REQUEST"
    assert str(vevent["LOCATION"]) == str(vevent["URL"]) == f"http://testserver{link}"
    read = icaljs(ics)
    assert read["location"] == f"http://testserver{link}"
    assert read["method"] == "REQUEST"

    # An hour before the forum, the link leads to the meeting; never cached.
    with time_machine.travel(START - timedelta(minutes=59), tick=False):
        response = client.get(link)
    assert response.status_code == 302
    assert response["Location"] == MEETING
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert not getattr(resolve("/en/media/access/").func, "is_public_page", False)

    services.registration_reject(registration=registration, by=user)
    with time_machine.travel(START + timedelta(minutes=30), tick=False):
        response = client.get(link)
    assert response.status_code == 410
    assert "no-store" in response["Cache-Control"]
    assert not _holds_meeting(response.content.decode())
    assert "This access was withdrawn" in text(soup(response).select_one("#access-withdrawn"))

    # The rejection cancels the calendar entry: the same UID, a higher SEQUENCE.
    _approval, rejection = mail_server.to("ales@example.org")
    for content in _every_part(rejection):
        assert not _holds_meeting(content)
    part, ics, cal, cancelled = _calendar(rejection)
    assert part.get_param("method") == "CANCEL"
    assert str(cal["METHOD"]) == "CANCEL"
    assert str(cancelled["UID"]) == str(vevent["UID"]) == str(forum.uid)
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert cancelled["SEQUENCE"] > vevent["SEQUENCE"]
    read = icaljs(ics)
    assert (read["method"], read["uid"], read["status"]) == ("CANCEL", str(forum.uid), "CANCELLED")


def test_outside_the_window_the_link_says_when_it_opens_in_the_genitive(forum, client, admin_user, mail_server):
    be = _approve(forum, "be@example.org", admin_user, "be")
    ru = _approve(forum, "ru@example.org", admin_user, "ru")
    be_link = link_in(mail_server.to("be@example.org")[0], "/be/media/access/")
    ru_link = link_in(mail_server.to("ru@example.org")[0], "/ru/media/access/")
    with time_machine.travel(START - timedelta(days=2), tick=False):
        be_page, ru_page = soup(client.get(be_link)), soup(client.get(ru_link))
    assert "10 сакавіка 2027" in text(be_page.select_one("#access-not-yet"))
    assert "15:00" in text(be_page.select_one("#access-not-yet"))
    assert "10 марта 2027" in text(ru_page.select_one("#access-not-yet"))
    for page in (be_page, ru_page):
        assert not _holds_meeting(str(page))
    # Opened twice: the reviewers' page counts it, without who or from where.
    be.refresh_from_db()
    ru.refresh_from_db()
    assert (be.access_opened_count, ru.access_opened_count) == (1, 1)


def test_the_window_follows_a_session_running_past_the_forums_end(forum, client, admin_user, mail_server):
    make_session(forum, start=forum.end - timedelta(minutes=30), end=forum.end + timedelta(hours=1))
    _approve(forum, "late@example.org", admin_user)
    link = link_in(mail_server.to("late@example.org")[0], "/en/media/access/")
    with time_machine.travel(forum.end + timedelta(minutes=30), tick=False):
        assert client.get(link).status_code == 302
    with time_machine.travel(forum.end + timedelta(hours=1, minutes=1), tick=False):
        response = client.get(link)
    assert response.status_code == 200
    assert "The forum has ended" in text(soup(response).select_one("main"))


def test_a_passcode_is_shown_only_inside_the_window_on_the_links_page(forum, client, admin_user, mail_server):
    MediaAccreditation.objects.filter(event=forum).update(meeting_passcode=PASSCODE)
    _approve(forum, "p@example.org", admin_user)
    (approval,) = mail_server.to("p@example.org")
    assert all(PASSCODE not in content for content in _every_part(approval))
    link = link_in(approval, "/en/media/access/")
    with time_machine.travel(START - timedelta(hours=2), tick=False):
        assert PASSCODE not in client.get(link).content.decode()
    with time_machine.travel(START, tick=False):
        page = soup(client.get(link))
    assert page.select_one("main a.btn")["href"] == MEETING
    assert PASSCODE in text(page.select_one("main"))


def test_a_reviewer_revokes_and_reissues_from_the_registrations_page(forum, reviewer, mail_server):
    client, user = reviewer
    registration = _approve(forum, "r@example.org", user)
    old_link = link_in(mail_server.to("r@example.org")[0], "/en/media/access/")
    access_url = reverse("admin:registrations_mediaregistration_access", args=[registration.pk])
    change = reverse("admin:registrations_mediaregistration_change", args=[registration.pk])
    with time_machine.travel(START, tick=False):
        client.get(old_link)
        client.get(old_link)
    page = soup(client.get(change))
    assert "opened 2 times" in text(page.select_one("#access-opened"))
    assert "zoom.example.org" not in str(page)

    response = client.post(access_url, {"access": "revoke"}, follow=True)
    assert "access withdrawn" in text(soup(response).select_one(".messagelist"))
    with time_machine.travel(START, tick=False):
        assert client.get(old_link).status_code == 410
    approval, revoked = mail_server.to("r@example.org")
    part, _ics, _cal, cancelled = _calendar(revoked)
    assert part.get_param("method") == "CANCEL"
    first = _calendar(approval)[3]
    assert str(cancelled["UID"]) == str(first["UID"])
    assert cancelled["SEQUENCE"] > first["SEQUENCE"]

    client.post(access_url, {"access": "reissue"})
    *_earlier, reissued = mail_server.to("r@example.org")
    new_link = link_in(reissued, "/en/media/access/")
    assert new_link != old_link
    part, _ics, _cal, again = _calendar(reissued)
    assert part.get_param("method") == "REQUEST"
    assert str(again["UID"]) == str(first["UID"])
    assert again["SEQUENCE"] > cancelled["SEQUENCE"]
    assert str(again["LOCATION"]) == f"http://testserver{new_link}"
    with time_machine.travel(START, tick=False):
        assert client.get(old_link).status_code == 410
        assert client.get(new_link)["Location"] == MEETING


@pytest.mark.django_db(transaction=True)
def test_a_withdrawing_journalist_gets_the_cancellation_and_the_link_dies(forum, client, admin_user, mail_server):
    registration = _approve(forum, "w@example.org", admin_user)
    (approval,) = mail_server.to("w@example.org")
    link = link_in(approval, "/en/media/access/")
    # Sent once the withdrawal commits: the row, and its outbox, are gone by then.
    services.registration_withdraw(person=registration)
    assert not MediaRegistration.objects.filter(pk=registration.pk).exists()
    _approval, cancellation = mail_server.to("w@example.org")
    part, _ics, _cal, vevent = _calendar(cancellation)
    assert part.get_param("method") == "CANCEL"
    assert str(vevent["UID"]) == str(forum.uid)
    with time_machine.travel(START, tick=False):
        response = client.get(link)
    assert response.status_code == 410
    assert not _holds_meeting(response.content.decode())


def test_an_altered_link_is_invalid_not_withdrawn(client):
    assert client.get("/en/media/access/?t=forged").status_code == 400


def test_a_cancelled_forum_withdraws_the_access_at_once(forum, client, admin_user, mail_server):
    _approve(forum, "c@example.org", admin_user)
    link = link_in(mail_server.to("c@example.org")[0], "/en/media/access/")
    forum.status = forum.Status.CANCELLED
    forum.save()
    with time_machine.travel(START, tick=False):
        response = client.get(link)
    assert response.status_code == 410
    assert not _holds_meeting(response.content.decode())


def test_the_status_page_shows_the_personal_link_not_the_meeting(forum, client, admin_user, mail_server):
    _approve(forum, "s@example.org", admin_user, "be")
    status = link_in(mail_server.to("s@example.org")[0], "/be/media/status/")
    main = soup(client.get(status)).select_one("main")
    assert "/be/media/access/?t=" in main.select_one("#access-link")["href"]
    assert not _holds_meeting(str(main))


# --- the forum's form: Editors only; a warning for an unsafe note; providers --------------


@pytest.fixture
def editor():
    user = User.objects.create_user("editor", password="a long test password 1", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return verified_client(user)


def _accreditation_form(accreditation, **changes):
    values = {
        "event": accreditation.event_id,
        "is_open": "on",
        "provider": "shared",
        "meeting_url": MEETING,
        "meeting_passcode": "",
        "zoom_meeting_id": "",
        "jitsi_room": "",
        "access_opens_before": "60",
        "access_note_en": "Interpretation: channel 2",
        "access_note_ru": "",
        "access_note_be": "",
        "_continue": "1",
    }
    values.update(changes)
    return values


def test_reviewers_cannot_open_the_meeting_settings(forum, reviewer):
    client, _user = reviewer
    accreditation = MediaAccreditation.objects.get(event=forum)
    url = reverse("admin:registrations_mediaaccreditation_change", args=[accreditation.pk])
    assert client.get(url).status_code == 403


def test_a_note_with_a_meeting_id_or_passcode_is_saved_with_a_warning(forum, editor):
    accreditation = MediaAccreditation.objects.get(event=forum)
    url = reverse("admin:registrations_mediaaccreditation_change", args=[accreditation.pk])
    response = editor.post(
        url,
        _accreditation_form(accreditation, access_note_ru="Идентификатор 845 1234 5678, код доступа 1"),
        follow=True,
    )
    message = text(soup(response).select_one(".messagelist .warning"))
    assert "looks like it holds a meeting ID or passcode" in message
    assert "Русский" in message or "Russian" in message
    assert MediaAccreditation.objects.get(pk=accreditation.pk).access_note_ru.startswith("Идентификатор")
    response = editor.post(url, _accreditation_form(accreditation), follow=True)
    assert soup(response).select_one(".messagelist .warning") is None


@pytest.mark.parametrize("provider", ["zoom", "jitsi"])
def test_a_provider_not_configured_is_refused_with_a_translated_error(forum, editor, provider):
    accreditation = MediaAccreditation.objects.get(event=forum)
    url = reverse("admin:registrations_mediaaccreditation_change", args=[accreditation.pk])
    response = editor.post(
        url, _accreditation_form(accreditation, provider=provider), HTTP_ACCEPT_LANGUAGE="ru", follow=True
    )
    errors = text(soup(response).select_one(".field-provider .errorlist"))
    assert "не настроен" in errors
    assert MediaAccreditation.objects.get(pk=accreditation.pk).provider == "shared"


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_moves_the_zoom_link_to_the_shared_meeting_address():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    events = [node for node in executor.loader.graph.leaf_nodes() if node[0] == "events"]
    before = [("registrations", "0017_editors_channels_recordings"), *events]
    after = [("registrations", "0018_personal_access_link"), *events]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    event = old.get_model("events", "Event").objects.create(
        title="Forum",
        title_en="Forum",
        slug="forum",
        start=datetime(2027, 1, 1, tzinfo=UTC),
        end=datetime(2027, 1, 2, tzinfo=UTC),
    )
    old.get_model("registrations", "MediaAccreditation").objects.create(event=event, zoom_url=MEETING)
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    accreditation = new.get_model("registrations", "MediaAccreditation").objects.get(event_id=event.pk)
    assert (accreditation.provider, accreditation.meeting_url) == ("shared", MEETING)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_onion_form_of_the_link_is_beside_it_and_no_onion_location_header(
    forum, client, admin_user, mail_server, settings
):
    onion = "http://" + ("belarusforum" * 5)[:56] + ".onion"
    settings.ONION_URL = onion
    _approve(forum, "o@example.org", admin_user, "ru")
    (approval,) = mail_server.to("o@example.org")
    link = link_in(approval, "/ru/media/access/")
    body = approval.get_body(("plain",)).get_content()
    assert f"В Tor Browser: {onion}{link}" in body
    assert "Onion-Location" not in client.get(link)


def test_a_revoked_journalists_status_page_says_so(forum, admin_user, client, mail_server):
    registration = _approve(forum, "v@example.org", admin_user, "be")
    status = link_in(mail_server.to("v@example.org")[0], "/be/media/status/")
    services.access_revoke(registration=registration, by=admin_user)
    main = soup(client.get(status)).select_one("main")
    assert "Арганізатары адклікалі ваш доступ." in text(main)
    assert main.select_one("#access-link") is None


def test_journalists_approved_before_the_upgrade_get_their_link_by_the_command(forum, admin_user, mail_server):
    from django.core.management import call_command

    registration = _approve(forum, "old@example.org", admin_user)
    # As the upgrade leaves them: an accreditation one revision ahead of what they hold.
    MediaAccreditation.objects.filter(event=forum).update(access_revision=1)
    MediaRegistration.objects.filter(pk=registration.pk).update(invitation_sequence=0)
    forum.end = datetime.now(UTC) + timedelta(days=30)
    forum.start = forum.end - timedelta(hours=3)
    forum.save()
    call_command("send_access_links", "--by", admin_user.username)
    _approval, update = mail_server.to("old@example.org")
    assert "/en/media/access/?t=" in update.get_body(("plain",)).get_content()
    assert not _holds_meeting(update.as_string())
    call_command("send_access_links", "--by", admin_user.username)
    assert len(mail_server.to("old@example.org")) == 2


def test_the_window_follows_the_days_actual_times(forum, client, admin_user, mail_server):
    from events.models import Session

    session = make_session(forum, start=forum.end - timedelta(hours=1), end=forum.end)
    # The last session started 40 minutes late and is still running: the link works on.
    Session.objects.filter(pk=session.pk).update(actual_start=session.start + timedelta(minutes=40))
    _approve(forum, "day@example.org", admin_user)
    link = link_in(mail_server.to("day@example.org")[0], "/en/media/access/")
    with time_machine.travel(forum.end + timedelta(minutes=30), tick=False):
        assert client.get(link).status_code == 302
    # It ended at last: the link says the forum has ended.
    Session.objects.filter(pk=session.pk).update(actual_end=forum.end + timedelta(minutes=20))
    with time_machine.travel(forum.end + timedelta(minutes=30), tick=False):
        assert "The forum has ended" in text(soup(client.get(link)).select_one("main"))
