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
from tests.factories import MINSK, make_accreditation, make_channel, make_event, make_registration, make_session
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
    make_accreditation(event, meeting_url="https://zoom.example.org/j/111")
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


def _personal(location):
    """A journalist's personal access link on the site, never the meeting's address."""
    return "/media/access/?t=" in location and "zoom.example.org" not in location


def _vevent(ics):
    cal = Calendar.from_ical(ics)
    (vevent,) = cal.walk("VEVENT")
    return cal, vevent


def test_approval_invitation_is_an_itip_request_from_the_sites_own_address(forum, mail_server, icaljs, settings):
    """The ORGANIZER is the site's sender, not the forum's contact address:
    a calendar's reply, carrying the journalist's name, reaches only the site."""
    settings.DEFAULT_FROM_EMAIL = "New Belarus forum <forum@site.example.org>"
    _approved(forum, "ales@example.org")
    (message,) = mail_server.to("ales@example.org")
    part, ics = _invitation(message)
    assert part.get_param("method") == "REQUEST"
    cal, vevent = _vevent(ics)
    assert str(cal["METHOD"]) == "REQUEST"
    assert str(vevent["UID"]) == str(forum.uid)
    assert str(vevent["ORGANIZER"]) == "mailto:forum@site.example.org"
    attendee = vevent["ATTENDEE"]
    assert str(attendee) == "mailto:ales@example.org"
    assert attendee.params["RSVP"] == "FALSE"
    assert _personal(str(vevent["LOCATION"]))
    assert str(vevent["URL"]) == str(vevent["LOCATION"])
    read = icaljs(ics)
    assert read == {
        "method": "REQUEST",
        "uid": str(forum.uid),
        "sequence": 0,
        "start": "2027-06-24T13:00:00.000Z",
        "location": str(vevent["LOCATION"]),
        "status": "CONFIRMED",
        "organizer": "mailto:forum@site.example.org",
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


def test_a_meeting_change_needs_no_mail_and_a_note_change_sends_the_same_personal_link(
    forum, editor, mail_server, icaljs
):
    client, _user = editor
    _approved(forum, "c@example.org")
    accreditation = MediaAccreditation.objects.get(event=forum)
    # The meeting moves: the journalist's link leads to the new one; nobody is behind.
    accreditation.meeting_url = "https://zoom.example.org/j/222"
    accreditation.save()
    assert not services.invitation_holders_behind(event=forum).exists()
    accreditation.access_note_en = "Interpretation: channel 3"
    accreditation.save()
    client.post(reverse("admin:events_event_notify", args=[forum.pk]))
    approval, update = mail_server.to("c@example.org")
    old = icaljs(_invitation(approval)[1])
    new = icaljs(_invitation(update)[1])
    assert new["location"] == old["location"]
    assert _personal(new["location"])
    assert new["uid"] == old["uid"]
    assert new["sequence"] > old["sequence"]
    assert new["method"] == "REQUEST"
    assert "Interpretation: channel 3" in str(_vevent(_invitation(update)[1])[1]["DESCRIPTION"])
    assert b"zoom.example.org" not in update.as_bytes()


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


def _description(message):
    return str(_vevent(_invitation(message)[1])[1]["DESCRIPTION"])


def _posted(form):
    """What the browser posts for `form`: a multiple choice with nothing chosen is left out."""
    values = _form_values(form)
    for field in form.select("select[multiple]"):
        if not field.select("option[selected]"):
            values.pop(field["name"], None)
    return values


def _session_values(page, index, **changes):
    """The forum's form as rendered, with its `index`th session's fields changed."""
    values = _posted(page.select_one("form#event_form"))
    values.update({f"sessions-{index}-{name}": value for name, value in changes.items()})
    values["_save"] = "Save"
    return values


def test_the_invitation_carries_the_programme_and_the_meeting_only_as_its_location(forum, mail_server, icaljs):
    make_session(forum, title_en="Opening", title_be="Адкрыццё", start=forum.start)
    make_session(
        forum,
        title_en="Witnesses",
        title_be="Сведкі",
        start=forum.start + timedelta(hours=1),
        is_cancelled=True,
    )
    _approved(forum, "en@example.org")
    _approved(forum, "be@example.org", "be")
    (message,) = mail_server.to("en@example.org")
    _cal, vevent = _vevent(_invitation(message)[1])
    assert str(vevent["UID"]) == str(forum.uid)
    assert _personal(str(vevent["LOCATION"]))
    assert (
        "Programme, Minsk time (UTC+03:00):\n\n24 June 2027\n16:00–16:30 Opening\n17:00–17:30 Cancelled: Witnesses"
        in str(vevent["DESCRIPTION"])
    )
    (message_be,) = mail_server.to("be@example.org")
    description = _description(message_be)
    assert "16:00–16:30 Адкрыццё\n17:00–17:30 Адменена: Сведкі" in description
    assert "24 чэрвеня 2027" in description
    assert _personal(icaljs(_invitation(message_be)[1])["location"])


def test_a_session_moved_in_the_forums_form_asks_and_sends_one_update_of_the_same_entry(
    forum, editor, mail_server, icaljs
):
    client, _user = editor
    make_session(forum, title_en="Opening", start=forum.start)
    make_session(forum, title_en="Witnesses", start=forum.start + timedelta(hours=1))
    _approved(forum, "a@example.org")
    _approved(forum, "b@example.org", "be")
    make_registration(forum, status="pending", email="pending@example.org")
    (approval,) = mail_server.to("a@example.org")
    url = reverse("admin:events_event_change", args=[forum.pk])
    page = soup(client.get(url))
    assert page.select_one("input[name='sessions-1-title_en']")["value"] == "Witnesses"
    response = client.post(url, _session_values(page, 1, start_1="17:30:00", end_1="18:00:00"))
    notify = reverse("admin:events_event_notify", args=[forum.pk])
    assert response["Location"] == notify
    page = soup(client.get(notify))
    assert page.select_one("#notify-form input[type=submit]")["value"] == "Notify approved journalists (2)"
    assert "programme" in page.select_one("#content p").get_text()
    assert len(mail_server.messages) == 2, "nothing is sent before the editor confirms"
    client.post(notify)
    _approval, update = mail_server.to("a@example.org")
    parts = [p for p in update.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1, "one calendar entry: the forum's invitation, no session's own"
    _cal, before = _vevent(_invitation(approval)[1])
    _cal, after = _vevent(_invitation(update)[1])
    assert str(after["UID"]) == str(before["UID"]) == str(forum.uid)
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert "17:00–17:30 Witnesses" in str(before["DESCRIPTION"])
    assert "17:30–18:00 Witnesses" in str(after["DESCRIPTION"])
    assert str(after["LOCATION"]) == str(before["LOCATION"])
    assert _personal(str(after["LOCATION"]))
    assert "17:30–18:00 Witnesses" in update.get_body(("plain",)).get_content()
    read = icaljs(_invitation(update)[1])
    assert (read["method"], read["uid"], read["sequence"]) == ("REQUEST", str(forum.uid), after["SEQUENCE"])
    assert len(mail_server.to("b@example.org")) == 2
    assert mail_server.to("pending@example.org") == []
    # Nothing new: confirming again, or saving the form unchanged, sends and asks nothing.
    client.post(notify)
    page = soup(client.get(url))
    response = client.post(url, _session_values(page, 1))
    assert response["Location"] == reverse("admin:events_event_changelist")
    assert len(mail_server.messages) == 4


def test_a_session_cancelled_in_its_own_form_asks_to_update_the_forums_invitation(forum, editor, mail_server):
    client, _user = editor
    session = make_session(forum, title_en="Witnesses", title_ru="Свидетели", start=forum.start)
    _approved(forum, "c@example.org", "ru")
    (approval,) = mail_server.to("c@example.org")
    url = reverse("admin:events_session_change", args=[session.pk])
    values = _posted(soup(client.get(url)).select_one("form#session_form"))
    # A description is not in the invitation: nothing to ask.
    response = client.post(url, {**values, "description_en": "Testimonies.", "_save": "Save"})
    assert response["Location"] == reverse("admin:events_session_changelist")
    response = client.post(url, {**values, "is_cancelled": "on", "_save": "Save"})
    notify = reverse("admin:events_event_notify", args=[forum.pk])
    assert response["Location"] == notify
    client.post(notify)
    client.post(notify)
    _approval, update = mail_server.to("c@example.org")
    _cal, vevent = _vevent(_invitation(update)[1])
    assert vevent["SEQUENCE"] > _vevent(_invitation(approval)[1])[1]["SEQUENCE"]
    assert "16:00–16:30 Отменено: Свидетели" in str(vevent["DESCRIPTION"])
    assert str(vevent["STATUS"]) == "CONFIRMED", "the forum itself still takes place"


def test_sessions_have_no_list_action_that_mails_journalists(forum, editor):
    client, _user = editor
    make_session(forum)
    page = soup(client.get(reverse("admin:events_session_changelist")))
    actions = [option["value"] for option in page.select("select[name=action] option")]
    assert actions == ["", "delete_selected"]


def test_public_session_and_forum_calendars_never_carry_the_meeting(client, forum):
    session = make_session(forum, title_en="Witnesses")
    make_channel(forum, url="https://www.youtube.com/watch?v=abcdefghijk")
    forum.is_published = True
    forum.save()
    _approved(forum, "h@example.org")
    for url in (
        f"/en/events/{forum.slug}/sessions/{session.pk}/calendar.ics",
        f"/en/events/{forum.slug}/calendar.ics",
    ):
        response = client.get(url)
        assert response.status_code == 200
        (vevent,) = Calendar.from_ical(response.content).walk("VEVENT")
        assert str(vevent["LOCATION"]) == "https://www.youtube.com/watch?v=abcdefghijk"
        assert b"zoom.example.org" not in response.content
        assert b"4242" not in response.content


def test_an_editor_sees_the_contact_address_but_cannot_change_it(forum, editor, settings, mail_server):
    """An editor who could set the contact address would receive what
    organisers are told about journalists: only a superuser changes it."""
    client, _user = editor
    page = soup(client.get(reverse("admin:events_event_change", args=[forum.pk])))
    form = page.select_one("form#event_form")
    assert form.select_one("[name=contact_email]") is None
    assert "team@forum.example.org" in form.get_text()
    values = {**_form_values(form), "contact_email": "editor@elsewhere.example.net"}
    response = client.post(reverse("admin:events_event_change", args=[forum.pk]), values)
    assert response.status_code == 302
    forum.refresh_from_db()
    assert forum.contact_email == "team@forum.example.org"
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.CHANGE).exists()
    # Nor does an invitation carry anything an editor typed.
    settings.DEFAULT_FROM_EMAIL = "forum@site.example.org"
    _approved(forum, "ales@example.org")
    (message,) = mail_server.to("ales@example.org")
    _cal, vevent = _vevent(_invitation(message)[1])
    assert str(vevent["ORGANIZER"]) == "mailto:forum@site.example.org"


def test_a_superusers_change_of_the_contact_address_is_audited(forum, admin_client, admin_user):
    page = soup(admin_client.get(reverse("admin:events_event_change", args=[forum.pk])))
    form = page.select_one("form#event_form")
    values = {**_form_values(form), "contact_email": "organisers@forum.example.org"}
    response = admin_client.post(reverse("admin:events_event_change", args=[forum.pk]), values)
    assert response.status_code == 302
    forum.refresh_from_db()
    assert forum.contact_email == "organisers@forum.example.org"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CHANGE)
    assert (entry.username, entry.model, entry.object_id, entry.event) == (
        admin_user.username,
        "events.Event",
        forum.pk,
        forum,
    )
    # Saving again without changing it records nothing more.
    page = soup(admin_client.get(reverse("admin:events_event_change", args=[forum.pk])))
    admin_client.post(
        reverse("admin:events_event_change", args=[forum.pk]), _form_values(page.select_one("form#event_form"))
    )
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CHANGE).count() == 1
