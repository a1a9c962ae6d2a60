"""A forum's status (scheduled, rescheduled, postponed, cancelled) and a
session's change, as the calendar bytes, the JSON-LD, the Open Graph text and
the pages say them, in every language."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from icalendar import Calendar

from events.models import Event, moved_before_the_day
from tests.factories import MINSK, make_event, make_session
from tests.html import soup, text

pytestmark = pytest.mark.django_db

START = datetime(2030, 3, 10, 16, 0, tzinfo=MINSK)


def _forum(**values):
    values = {
        "title_en": "Week against Torture",
        "title_ru": "Неделя против пыток",
        "title_be": "Тыдзень супраць катаванняў",
        "tagline_en": "Three hours on torture.",
        "start": START,
        **values,
    }
    return make_event(**values)


def _move(event, hours):
    event.start += timedelta(hours=hours)
    event.end += timedelta(hours=hours)
    event.save()
    event.refresh_from_db()
    return event


def _entries(client, event, lang="en"):
    response = client.get(f"/{lang}/events/{event.slug}/calendar.ics")
    assert response.status_code == 200
    return Calendar.from_ical(response.content).walk("VEVENT")


def _jsonld(client, event, lang="en"):
    page = soup(client.get(f"/{lang}/events/{event.slug}/"))
    return json.loads(page.select_one('script[type="application/ld+json"]').string)


# --- How the status moves -------------------------------------------------------


def test_moving_the_start_before_the_day_reschedules_and_keeps_where_it_was():
    event = _move(_forum(), 24)
    assert event.status == Event.Status.RESCHEDULED
    assert event.previous_start == START
    assert event.sequence == 1
    # Moved again: where it was last; moved back there: scheduled again.
    _move(event, 24)
    assert (event.status, event.previous_start) == ("rescheduled", START + timedelta(hours=24))
    _move(event, -24)
    assert (event.status, event.previous_start) == ("scheduled", None)


def test_only_the_end_moving_is_no_rescheduling():
    event = _forum()
    event.end += timedelta(hours=1)
    event.save()
    assert (event.status, event.previous_start, event.sequence) == ("scheduled", None, 1)


def test_a_change_on_the_day_itself_is_no_rescheduling():
    day = datetime(2030, 3, 10, 9, 0, tzinfo=MINSK)
    assert moved_before_the_day(START, START + timedelta(hours=1), MINSK, now=day) is False
    assert moved_before_the_day(START, START + timedelta(hours=1), MINSK, now=day - timedelta(hours=10)) is True
    # A past forum moved (a demo put on a new date, say) was not rescheduled before its day either.
    past = _forum(start=datetime(2021, 6, 24, 16, 0, tzinfo=MINSK))
    assert _move(past, 24).status == "scheduled"


def test_a_postponed_forum_that_gets_its_date_is_rescheduled_even_after_its_old_day():
    event = _forum(start=datetime(2021, 6, 24, 16, 0, tzinfo=MINSK))
    event.status = Event.Status.POSTPONED
    event.save()
    assert _move(event, 24 * 365 * 10).status == "rescheduled"
    assert event.previous_start == datetime(2021, 6, 24, 16, 0, tzinfo=MINSK)


def test_a_cancelled_forum_stays_cancelled_when_moved_and_an_editor_who_postpones_is_obeyed():
    cancelled = _forum(status=Event.Status.CANCELLED)
    assert _move(cancelled, 24).status == "cancelled"
    event = _forum()
    event.status = Event.Status.POSTPONED
    event.start += timedelta(days=1)
    event.end += timedelta(days=1)
    event.save()
    assert event.status == "postponed"


def test_a_moved_session_keeps_where_it_was_and_loses_it_when_moved_back():
    event = _forum()
    session = make_session(event, start=START)
    session.start += timedelta(minutes=30)
    session.end += timedelta(minutes=30)
    session.save()
    assert session.previous_start == START
    session.start -= timedelta(minutes=30)
    session.end -= timedelta(minutes=30)
    session.save()
    assert session.previous_start is None


@pytest.mark.django_db(transaction=True)
def test_forums_already_cancelled_are_cancelled_by_status_after_the_migration():
    executor = MigrationExecutor(connection)
    executor.migrate([("events", "0007_organisers_language")])
    old = executor.loader.project_state([("events", "0007_organisers_language")]).apps.get_model("events", "Event")
    common = {"start": START, "end": START + timedelta(hours=3), "title_en": "x", "title": "x"}
    old.objects.create(slug="off", is_cancelled=True, **common)
    old.objects.create(slug="on", is_cancelled=False, **common)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert dict(Event.objects.values_list("slug", "status")) == {"off": "cancelled", "on": "scheduled"}


# --- Calendars ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "expected", "summary"),
    [
        ("scheduled", "CONFIRMED", "Week against Torture"),
        ("postponed", "TENTATIVE", "Postponed: Week against Torture"),
        ("cancelled", "CANCELLED", "Cancelled: Week against Torture"),
    ],
)
def test_the_forums_calendar_says_its_status_with_a_new_revision(client, status, expected, summary):
    event = _forum()
    (before,) = _entries(client, event)
    event.status = status
    event.status_note_en = "The hall is not available." if status != "scheduled" else ""
    event.save()
    (entry,) = _entries(client, event)
    assert str(entry["STATUS"]) == expected
    assert str(entry["SUMMARY"]) == summary
    assert str(entry["UID"]) == str(before["UID"])
    assert entry["SEQUENCE"] == before["SEQUENCE"] + (status != "scheduled")
    if status != "scheduled":
        assert "The hall is not available." in str(entry["DESCRIPTION"])


def test_a_rescheduled_forums_calendar_is_confirmed_and_says_where_it_was(client):
    event = _move(_forum(), 48)
    (entry,) = _entries(client, event, "be")
    assert str(entry["STATUS"]) == "CONFIRMED"
    assert entry.decoded("DTSTART").astimezone(UTC) == datetime(2030, 3, 12, 13, 0, tzinfo=UTC)
    assert "Форум перанесены. Раней ён павінен быў пачацца 10 сакавіка 2030 г., 16:00" in str(entry["DESCRIPTION"])


def test_every_sessions_entry_follows_the_forum_cancelled_and_back(client):
    event = _forum()
    first = make_session(event, start=START)
    make_session(event, start=START + timedelta(hours=1))
    before = {str(v["UID"]): v["SEQUENCE"] for v in _entries(client, event)}
    event.status = Event.Status.CANCELLED
    event.save()
    cancelled = _entries(client, event, "ru")
    assert {str(v["STATUS"]) for v in cancelled} == {"CANCELLED"}
    assert all(v["SEQUENCE"] == before[str(v["UID"])] + 1 for v in cancelled)
    assert all("Форум отменён." in str(v["DESCRIPTION"]) for v in cancelled)
    event.status = Event.Status.SCHEDULED
    event.save()
    back = _entries(client, event)
    assert {str(v["STATUS"]) for v in back} == {"CONFIRMED"}
    assert all(v["SEQUENCE"] == before[str(v["UID"])] + 2 for v in back)
    response = client.get(f"/en/events/{event.slug}/sessions/{first.pk}/calendar.ics")
    assert b"STATUS:CONFIRMED" in response.content


def test_a_postponed_forums_sessions_are_tentative(client):
    event = _forum()
    make_session(event, start=START)
    event.status = Event.Status.POSTPONED
    event.save()
    (entry,) = _entries(client, event)
    assert str(entry["STATUS"]) == "TENTATIVE"


# --- JSON-LD and Open Graph -----------------------------------------------------


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("scheduled", "https://schema.org/EventScheduled"),
        ("postponed", "https://schema.org/EventPostponed"),
        ("cancelled", "https://schema.org/EventCancelled"),
    ],
)
def test_jsonld_says_the_status(client, status, expected):
    event = _forum(status=status)
    data = _jsonld(client, event)
    assert data["eventStatus"] == expected
    assert "previousStartDate" not in data
    assert data["startDate"] == "2030-03-10T16:00:00+03:00"


def test_jsonld_of_a_rescheduled_forum_gives_the_previous_start(client):
    event = _move(_forum(), 48)
    data = _jsonld(client, event)
    assert data["eventStatus"] == "https://schema.org/EventRescheduled"
    assert data["previousStartDate"] == "2030-03-10T16:00:00+03:00"
    assert data["startDate"] == "2030-03-12T16:00:00+03:00"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "The forum is cancelled. Three hours on torture."),
        ("ru", "Форум отменён. Three hours on torture."),
        ("be", "Форум адменены. Three hours on torture."),
    ],
)
def test_open_graph_text_says_the_forum_is_cancelled(client, lang, expected):
    event = _forum(status=Event.Status.CANCELLED)
    page = soup(client.get(f"/{lang}/events/{event.slug}/"))
    assert page.select_one('meta[property="og:description"]')["content"] == expected
    assert page.select_one('meta[name="description"]')["content"] == expected


# --- Pages ----------------------------------------------------------------------

SENTENCES = {
    "cancelled": {"en": "The forum is cancelled.", "ru": "Форум отменён.", "be": "Форум адменены."},
    "postponed": {
        "en": "The forum is postponed. The new date will be announced.",
        "ru": "Форум отложен. Новая дата будет объявлена.",
        "be": "Форум адкладзены. Новая дата будзе абвешчана.",
    },
}
LABELS = {
    "cancelled": {"en": "Cancelled", "ru": "Отменено", "be": "Адменена"},
    "postponed": {"en": "Postponed", "ru": "Отложено", "be": "Адкладзена"},
}


@pytest.mark.parametrize("lang", ["en", "ru", "be"])
@pytest.mark.parametrize("status", ["cancelled", "postponed"])
def test_event_page_and_home_say_the_status_with_the_organisers_note(client, lang, status):
    event = _forum(status=status, status_note_en="See the organisers' statement.", status_note_ru="Заявление.")
    for path in (f"/{lang}/events/{event.slug}/", f"/{lang}/"):
        page = soup(client.get(path))
        assert text(page.select_one(".event-state")) == LABELS[status][lang]
        notice = page.select_one(".event-status")
        assert SENTENCES[status][lang] in text(notice)
        note = notice.select_one(".status-note")
        assert text(note) == ("Заявление." if lang == "ru" else "See the organisers' statement.")
        assert note.get("lang") == ("en" if lang == "be" else None)
    page = soup(client.get(f"/{lang}/events/{event.slug}/"))
    if status == "postponed":
        tba = {"en": "New date to be announced", "ru": "Новая дата будет объявлена", "be": "Новая дата будзе абвешчана"}
        assert text(page.select_one(".event-when .date-tba")) == tba[lang]


def test_a_scheduled_forum_says_no_status(client):
    event = _forum()
    page = soup(client.get(f"/ru/events/{event.slug}/"))
    assert page.select_one(".event-status") is None
    assert text(page.select_one(".event-state")) == "Скоро"


def test_a_rescheduled_forum_page_says_where_it_was_in_belarusian(client):
    event = _move(_forum(), 48)
    page = soup(client.get(f"/be/events/{event.slug}/"))
    assert "Форум перанесены. Раней ён павінен быў пачацца 10 сакавіка 2030 г., 16:00" in text(
        page.select_one(".event-status")
    )
    assert "12 сакавіка 2030 г." in text(page.select_one(".event-when"))


def test_the_schedule_marks_a_changed_and_a_cancelled_session(client):
    event = _forum()
    moved = make_session(event, title_ru="Свидетели", start=START)
    make_session(event, title_ru="Итоги", start=START + timedelta(hours=2), is_cancelled=True)
    moved.start += timedelta(minutes=30)
    moved.end += timedelta(minutes=30)
    moved.save()
    page = soup(client.get(f"/ru/events/{event.slug}/"))
    changed = page.select_one(f"#session-{moved.pk}")
    assert "is-changed" in changed["class"]
    assert text(changed.select_one(".badge")) == "Изменено"
    assert "Перенесена: раньше должна была начаться 10 марта 2030 г., 16:00" in text(
        changed.select_one(".session-change")
    )
    assert text(page.select_one(".is-cancelled .badge")) == "Отменено"


def test_home_features_a_coming_forum_before_a_cancelled_one(client):
    cancelled = _forum(status=Event.Status.CANCELLED)
    coming = make_event(title_en="Next forum", start=START + timedelta(days=30))
    page = soup(client.get("/en/"))
    assert text(page.h1) == coming.title_en
    other = page.select_one("#others-title").find_next("li")
    assert cancelled.title_en in text(other)
    assert "Cancelled" in text(other)
