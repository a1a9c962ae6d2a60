"""Approved journalists' invitation is an iTIP request; a changed time or
Zoom link reaches them as an update (same UID, higher SEQUENCE), a cancelled
forum as a cancellation, once an editor confirms. Each .ics is read with
icalendar and with Mozilla's ical.js (Thunderbird's parser) under node."""

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from icalendar import Calendar

from registrations import services
from registrations.models import AuditEntry, MediaAccreditation
from tests.conftest import verified_client
from tests.factories import MINSK, make_accreditation, make_event, make_registration
from tests.html import soup
from tests.mailserver import subject
from tests.registrations.test_forums import _form_values

pytestmark = pytest.mark.django_db

NPM_CACHE = Path(os.environ.get("ICALJS_CACHE", Path.home() / ".cache" / "forum-site-tests" / "icaljs"))
ICALJS_READ = """
const ICAL = require("ical.js");
const comp = new ICAL.Component(ICAL.parse(require("fs").readFileSync(0, "utf8")));
for (const zone of comp.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(zone);
const vevent = comp.getFirstSubcomponent("vevent");
const event = new ICAL.Event(vevent);
const attendee = vevent.getFirstProperty("attendee");
console.log(JSON.stringify({
  method: comp.getFirstPropertyValue("method"),
  uid: event.uid,
  sequence: event.sequence,
  start: event.startDate.toJSDate().toISOString(),
  location: event.location,
  status: vevent.getFirstPropertyValue("status"),
  organizer: vevent.getFirstPropertyValue("organizer"),
  rsvp: attendee && attendee.getParameter("rsvp"),
}));
"""


@pytest.fixture(scope="session")
def icaljs():
    """read(ics bytes) -> what ical.js makes of it."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.skip("node and npm are needed to read calendars with ical.js")
    if not (NPM_CACHE / "node_modules" / "ical.js").is_dir():
        NPM_CACHE.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(  # noqa: S603
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(NPM_CACHE), "ical.js@2"],
            capture_output=True,
            timeout=180,
            check=False,
        )
        if done.returncode != 0:
            pytest.skip(f"npm could not install ical.js: {done.stderr.decode()[-200:]}")

    def read(ics):
        out = subprocess.run(  # noqa: S603
            [node, "-e", ICALJS_READ],
            input=ics,
            capture_output=True,
            check=True,
            cwd=NPM_CACHE,
            env={**os.environ, "NODE_PATH": str(NPM_CACHE / "node_modules")},
        )
        return json.loads(out.stdout)

    return read


@pytest.fixture
def forum():
    event = make_event(
        title_en="Week against Torture",
        start=datetime(2027, 6, 24, 16, 0, tzinfo=MINSK),
        contact_email="team@forum.example.org",
    )
    make_accreditation(event, zoom_url="https://zoom.example.org/j/111")
    return event


@pytest.fixture
def editor():
    user = User.objects.create_user("editor", password="x" * 20, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return verified_client(user), user


def _approved(event, address, language="en"):
    registration = make_registration(event, email=address, mail_language=language)
    reviewer = User.objects.create_user(f"r-{address}", password="x" * 20)
    return services.registration_approve(registration=registration, by=reviewer)


def _invitation(message):
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return part, part.get_payload(decode=True)


def _vevent(ics):
    cal = Calendar.from_ical(ics)
    (vevent,) = cal.walk("VEVENT")
    return cal, vevent


def test_approval_invitation_is_an_itip_request_from_the_forums_contact_address(forum, mail_server, icaljs):
    _approved(forum, "ales@example.org")
    (message,) = mail_server.to("ales@example.org")
    part, ics = _invitation(message)
    assert part.get_param("method") == "REQUEST"
    cal, vevent = _vevent(ics)
    assert str(cal["METHOD"]) == "REQUEST"
    assert str(vevent["UID"]) == str(forum.uid)
    assert str(vevent["ORGANIZER"]) == "mailto:team@forum.example.org"
    attendee = vevent["ATTENDEE"]
    assert str(attendee) == "mailto:ales@example.org"
    assert attendee.params["RSVP"] == "FALSE"
    assert str(vevent["LOCATION"]) == "https://zoom.example.org/j/111"
    read = icaljs(ics)
    assert read == {
        "method": "REQUEST",
        "uid": str(forum.uid),
        "sequence": 0,
        "start": "2027-06-24T13:00:00.000Z",
        "location": "https://zoom.example.org/j/111",
        "status": "CONFIRMED",
        "organizer": "mailto:team@forum.example.org",
        "rsvp": "FALSE",
    }


def test_time_change_sends_an_update_after_the_editor_confirms(forum, editor, mail_server, icaljs):
    client, _user = editor
    for address, language in (("a@example.org", "en"), ("b@example.org", "be")):
        _approved(forum, address, language)
    (first,) = mail_server.to("a@example.org")
    _cal, before = _vevent(_invitation(first)[1])
    url = reverse("admin:events_event_change", args=[forum.pk])
    values = _form_values(soup(client.get(url)).select_one("form#event_form"))
    values.update({"start_1": "17:00:00", "end_1": "20:00:00", "_save": "Save"})
    response = client.post(url, values)
    notify = reverse("admin:events_event_notify", args=[forum.pk])
    assert response["Location"] == notify
    page = soup(client.get(notify))
    assert page.select_one("#notify-form input[type=submit]")["value"] == "Notify approved journalists (2)"
    assert len(mail_server.messages) == 2, "nothing is sent before the editor confirms"
    client.post(notify)
    for address in ("a@example.org", "b@example.org"):
        _approval, update = mail_server.to(address)
        _cal, vevent = _vevent(_invitation(update)[1])
        assert str(vevent["UID"]) == str(before["UID"])
        assert vevent["SEQUENCE"] > before["SEQUENCE"]
        assert vevent.decoded("DTSTART").astimezone(UTC) == datetime(2027, 6, 24, 14, 0, tzinfo=UTC)
        read = icaljs(_invitation(update)[1])
        assert (read["method"], read["uid"], read["start"]) == ("REQUEST", str(forum.uid), "2027-06-24T14:00:00.000Z")
        assert read["sequence"] == vevent["SEQUENCE"]
    (_approval, update) = mail_server.to("b@example.org")
    assert subject(update) == f"Зменена: {forum.title_be}"
    assert "17:00" in update.get_body(("plain",)).get_content()
    assert AuditEntry.objects.filter(action="message", rows=2, event=forum).count() == 1
    # Sent once: a second confirmation finds nobody behind.
    client.post(notify)
    assert len(mail_server.messages) == 4


def test_zoom_change_sends_the_new_location_with_a_higher_sequence(forum, editor, mail_server, icaljs):
    client, _user = editor
    _approved(forum, "c@example.org")
    accreditation = MediaAccreditation.objects.get(event=forum)
    accreditation.zoom_url = "https://zoom.example.org/j/222"
    accreditation.save()
    client.post(reverse("admin:events_event_notify", args=[forum.pk]))
    approval, update = mail_server.to("c@example.org")
    old = icaljs(_invitation(approval)[1])
    new = icaljs(_invitation(update)[1])
    assert new["location"] == "https://zoom.example.org/j/222"
    assert new["uid"] == old["uid"]
    assert new["sequence"] > old["sequence"]
    assert new["method"] == "REQUEST"
    assert "https://zoom.example.org/j/222" in str(_vevent(_invitation(update)[1])[1]["DESCRIPTION"])


def test_cancelled_forum_sends_a_cancel_with_the_same_uid(forum, editor, mail_server, icaljs):
    client, _user = editor
    _approved(forum, "d@example.org", "ru")
    forum.status = "cancelled"
    forum.save()
    client.post(reverse("admin:events_event_notify", args=[forum.pk]))
    approval, cancel = mail_server.to("d@example.org")
    part, ics = _invitation(cancel)
    assert part.get_param("method") == "CANCEL"
    cal, vevent = _vevent(ics)
    assert str(cal["METHOD"]) == "CANCEL"
    assert str(vevent["STATUS"]) == "CANCELLED"
    read = icaljs(ics)
    assert (read["method"], read["uid"], read["status"]) == ("CANCEL", str(forum.uid), "CANCELLED")
    assert read["sequence"] > icaljs(_invitation(approval)[1])["sequence"]
    assert subject(cancel) == f"Отменено: {forum.title_ru}"


def test_journalists_approved_after_a_change_are_not_sent_it_again(forum, editor, mail_server):
    client, _user = editor
    forum.start += timedelta(hours=1)
    forum.end += timedelta(hours=1)
    forum.save()
    _approved(forum, "e@example.org")
    assert services.invitation_holders_behind(event=forum).count() == 0
    client.post(reverse("admin:events_event_notify", args=[forum.pk]))
    assert len(mail_server.to("e@example.org")) == 1
    page = soup(client.get(reverse("admin:events_event_notify", args=[forum.pk])))
    assert page.select_one("#notify-form input[type=submit]")["value"] == "Notify approved journalists (0)"


def test_a_session_change_reaches_journalists_as_a_message_with_its_ics_not_a_new_invitation(
    forum, editor, mail_server, icaljs
):
    from tests.factories import make_session

    client, _user = editor
    session = make_session(forum, title_en="Witnesses", title_be="Сведкі", start=forum.start + timedelta(hours=1))
    _approved(forum, "f@example.org", "be")
    _approved(forum, "g@example.org", "en")
    make_registration(forum, status="pending", email="pending@example.org")
    session.start += timedelta(minutes=30)
    session.end += timedelta(minutes=30)
    session.save()
    response = client.post(
        reverse("admin:events_session_changelist"), {"action": "tell_journalists", "_selected_action": [session.pk]}
    )
    assert response.status_code == 302
    _approval, change = mail_server.to("f@example.org")
    assert subject(change) == f"Змена праграмы: {forum.title_be}"
    body = change.get_body(("plain",)).get_content()
    assert "Сесія «Сведкі» змянілася." in body
    assert "17:30" in body
    parts = [p for p in change.walk() if p.get_content_type() == "text/calendar"]
    (ics,) = [p.get_payload(decode=True) for p in parts]
    read = icaljs(ics)
    assert read["uid"] == str(session.uid)
    assert read["start"] == "2027-06-24T14:30:00.000Z"
    assert read["uid"] != str(forum.uid)
    _approval, change_en = mail_server.to("g@example.org")
    assert subject(change_en) == "Programme change: Week against Torture"
    assert mail_server.to("pending@example.org") == []
    # The forum's invitation is not touched: nobody is behind on it.
    assert services.invitation_holders_behind(event=forum).count() == 0
