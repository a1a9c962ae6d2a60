"""Editors create a forum in one form, and start the next one from a copy."""

import zoneinfo
from datetime import date, datetime

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from events.models import Event, EventOrganisation, Session
from registrations.models import Declaration, MediaAccreditation, MediaRegistration, Signature
from tests.conftest import verified_client
from tests.factories import (
    make_accreditation,
    make_channel,
    make_declaration,
    make_event,
    make_organisation,
    make_registration,
    make_session,
    make_signature,
    make_speaker,
)
from tests.html import soup, text

pytestmark = pytest.mark.django_db
MINSK = zoneinfo.ZoneInfo("Europe/Minsk")


@pytest.fixture
def editor():
    user = User.objects.create_user("editor", password="x" * 20, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return verified_client(user)


def _form_values(form):
    """What the browser would post for `form` as rendered."""
    values = {}
    for field in form.select("input[name], textarea[name], select[name]"):
        name = field["name"]
        if field.name == "select":
            selected = field.select_one("option[selected]")
            values[name] = selected["value"] if selected else ""
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                values[name] = field.get("value", "on")
        elif field.get("type") not in ("submit", "button"):
            values[name] = field.get("value", "") if field.name == "input" else field.get_text()
    return values


def test_editor_creates_a_forum_with_accreditation_declaration_and_session_in_one_form(editor):
    page = soup(editor.get(reverse("admin:events_event_add")))
    form = page.select_one("form#event_form")
    zones = [option["value"] for option in form.select("select[name=timezone] option")]
    assert {"Europe/Minsk", "Europe/Vilnius"} <= set(zones)
    assert form.select_one("select[name=timezone] option[selected]")["value"] == "Europe/Minsk"
    values = _form_values(form)
    values.update(
        {
            "title_en": "Week against Torture",
            "title_ru": "Неделя против пыток",
            "slug": "week-against-torture",
            "start_0": "2027-06-24",
            "start_1": "16:00:00",
            "end_0": "2027-06-24",
            "end_1": "19:00:00",
            "timezone": "Europe/Vilnius",
            "retention_days": "90",
            "media_accreditation-0-meeting_url": "https://zoom.example.org/j/1",
            "declaration-0-title_en": "Declaration",
            "declaration-0-text_en": "We declare.",
            "sessions-TOTAL_FORMS": "1",
            "sessions-0-title_en": "Opening",
            "sessions-0-start_0": "2027-06-24",
            "sessions-0-start_1": "16:00:00",
            "sessions-0-end_0": "2027-06-24",
            "sessions-0-end_1": "17:00:00",
            "sessions-0-language": "ru",
        }
    )
    response = editor.post(reverse("admin:events_event_add"), values)
    assert response.status_code == 302, [text(e) for e in soup(response).select(".errorlist")]
    event = Event.objects.get(slug="week-against-torture")
    assert (event.title_ru, event.timezone, event.is_published) == ("Неделя против пыток", "Europe/Vilnius", False)
    assert MediaAccreditation.objects.get(event=event).meeting_url == "https://zoom.example.org/j/1"
    assert Declaration.objects.get(event=event).text_en == "We declare."
    (session,) = event.sessions.all()
    assert (session.title, session.start) == ("Opening", datetime(2027, 6, 24, 16, 0, tzinfo=MINSK))


def test_a_new_session_starts_on_the_forums_day_and_says_the_zone(editor):
    event = make_event(start=datetime(2027, 3, 1, 11, 0, tzinfo=MINSK))
    page = soup(editor.get(reverse("admin:events_event_change", args=[event.pk])))
    empty = page.select_one("#sessions-empty")
    assert empty.select_one("input[name=sessions-__prefix__-start_0]")["value"] == "2027-03-01"
    assert empty.select_one("input[name=sessions-__prefix__-start_1]")["value"] == "11:00:00"
    assert "Entered in the time zone Europe/Minsk." in text(empty)


def test_copying_a_forum_copies_its_content_and_no_people(editor):
    event = make_event(
        title_en="Forum 2026",
        title_ru="Форум 2026",
        title_be="Форум 2026",
        start=datetime(2026, 6, 24, 16, 0, tzinfo=MINSK),
        recording_url="https://video.example.org/1",
    )
    make_channel(event, language="ru", name="Zoom webinar", url="https://video.example.org/ru")
    organisation = make_organisation(event, role=EventOrganisation.Role.SUPPORTER)
    speaker = make_speaker()
    make_session(event, speakers=[speaker], title_en="Opening", start=datetime(2026, 6, 24, 16, 0, tzinfo=MINSK))
    make_session(event, title_en="Witnesses", start=datetime(2026, 6, 25, 10, 0, tzinfo=MINSK))
    make_accreditation(
        event,
        meeting_url="https://zoom.example.org/j/secret",
        access_note_en="Passcode 4242",
        capacity=25,
        opens_at=datetime(2026, 5, 1, 9, 0, tzinfo=MINSK),
        closes_at=datetime(2026, 6, 20, 18, 0, tzinfo=MINSK),
    )
    declaration = make_declaration(event, text_ru="Мы заявляем.")
    make_registration(event)
    make_signature(declaration)
    changelist = reverse("admin:events_event_changelist")
    page = soup(editor.post(changelist, {"action": "copy_forum", "_selected_action": [event.pk]}))
    form = page.select_one("form#copy-form")
    assert form.select_one("input[name=slug]")["value"] == f"{event.slug}-copy"
    labels = [text(label) for label in form.select("label[for^=id_title_]")]
    assert labels == [
        "Title of the new forum (English):",
        "Title of the new forum (Russian):",
        "Title of the new forum (Belarusian):",
    ]
    assert form.select_one("input[name=title_en]").get("value") is None
    assert "The copied forum's: “Forum 2026”." in text(form)
    values = {
        "action": "copy_forum",
        "_selected_action": [event.pk],
        "apply": "1",
        "start_date": "2027-06-23",
        "slug": "forum-2027",
    }
    # The old title, in any language and however spaced, is refused; so is none.
    page = soup(
        editor.post(changelist, {**values, "title_en": "  forum  2026 ", "title_ru": "Форум 2027", "title_be": ""})
    )
    errors = {ul["id"]: text(ul) for ul in page.select("form#copy-form ul.errorlist[id]")}
    assert errors == {
        "id_title_en_error": "This is the copied forum's title: give the new forum its own.",
        "id_title_be_error": "This field is required.",
    }
    assert not Event.objects.filter(slug="forum-2027").exists()
    response = editor.post(
        changelist, {**values, "title_en": "Forum 2027", "title_ru": "Форум 2027", "title_be": "Форум 2027"}
    )
    copy = Event.objects.get(slug="forum-2027")
    assert response["Location"] == reverse("admin:events_event_change", args=[copy.pk])
    assert (copy.title_en, copy.title_ru, copy.title_be, copy.is_published) == (
        "Forum 2027",
        "Форум 2027",
        "Форум 2027",
        False,
    )
    # Its channels by language and name, their addresses to come on its own day; no recording.
    assert [(c.language, c.name, c.url) for c in copy.channels.all()] == [("ru", "Zoom webinar", "")]
    assert not copy.recordings.exists()
    assert copy.start == datetime(2027, 6, 23, 16, 0, tzinfo=MINSK)
    assert copy.uid != event.uid
    assert [(s.title, s.start, list(s.speakers.all())) for s in copy.sessions.all()] == [
        ("Opening", datetime(2027, 6, 23, 16, 0, tzinfo=MINSK), [speaker]),
        ("Witnesses", datetime(2027, 6, 24, 10, 0, tzinfo=MINSK), []),
    ]
    assert [(r.organisation, r.role) for r in copy.event_organisations.all()] == [(organisation, "supporter")]
    accreditation = MediaAccreditation.objects.get(event=copy)
    assert (accreditation.meeting_url, accreditation.access_note) == ("", "")
    # Its places kept, its opening and closing moved by as many days as the forum.
    assert (accreditation.capacity, accreditation.opens_at, accreditation.closes_at) == (
        25,
        datetime(2027, 4, 30, 9, 0, tzinfo=MINSK),
        datetime(2027, 6, 19, 18, 0, tzinfo=MINSK),
    )
    assert Declaration.objects.get(event=copy).text_ru == "Мы заявляем."
    # Linked, not duplicated; and no people.
    assert (Session.objects.count(), type(speaker).objects.count(), type(organisation).objects.count()) == (4, 1, 1)
    assert MediaRegistration.objects.filter(event=copy).count() == 0
    assert Signature.objects.filter(declaration__event=copy).count() == 0
    assert date(2027, 6, 23) == copy.start.astimezone(MINSK).date()
    # The lists now tell the two apart.
    page = soup(editor.get(changelist))
    assert [text(a) for a in page.select("#result_list th.field-title a")] == ["Forum 2027", "Forum 2026"]
