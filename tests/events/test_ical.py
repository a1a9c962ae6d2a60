from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from events import ical
from events.models import Event, Session
from tests.factories import make_event, make_session

pytestmark = pytest.mark.django_db

CALENDAR_URL = "/{lang}/events/new-belarus-against-torture/calendar.ics"


def _parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def _events(cal):
    return list(cal.walk("VEVENT"))


def test_event_calendar_opens_at_1300_utc_in_minsk_zone(client, demo_event):
    cal = _parse(client.get(CALENDAR_URL.format(lang="en")))
    vevents = _events(cal)
    assert len(vevents) == demo_event.sessions.count()
    opening = min(vevents, key=lambda v: v.decoded("dtstart"))
    start = opening.decoded("dtstart")
    assert start.astimezone(UTC) == datetime(2021, 6, 24, 13, 0, tzinfo=UTC)
    assert opening["DTSTART"].params["TZID"] == "Europe/Minsk"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Minsk"]
    assert cal["METHOD"] == "PUBLISH"
    assert cal["X-WR-CALNAME"] == "New Belarus against Torture"


def test_event_calendar_entries_link_back_and_spell_out_local_time(client, demo_event):
    cal = _parse(client.get(CALENDAR_URL.format(lang="ru")))
    opening = min(_events(cal), key=lambda v: v.decoded("dtstart"))
    session = demo_event.sessions.order_by("start").first()
    assert str(opening["URL"]) == f"http://testserver/ru/events/new-belarus-against-torture/#session-{session.pk}"
    assert str(opening["SUMMARY"]) == session.title_ru
    description = str(opening["DESCRIPTION"])
    assert description.splitlines()[0] == "24 июня 2021 г., 16:00–16:15 по минскому времени (UTC+03:00)"
    assert str(opening["UID"]) == str(session.uid)
    assert opening["STATUS"] == "CONFIRMED"
    assert opening.decoded("dtstamp") == session.updated_at.astimezone(UTC).replace(microsecond=0)


def test_session_calendar_holds_one_entry(client, demo_event):
    session = demo_event.sessions.order_by("start").last()
    response = client.get(f"/en/events/{demo_event.slug}/sessions/{session.pk}/calendar.ics")
    assert response["Content-Disposition"] == f'attachment; filename="{demo_event.slug}-{session.pk}.ics"'
    (vevent,) = _events(_parse(response))
    assert vevent.decoded("dtstart").astimezone(UTC) == session.start
    assert vevent.decoded("dtend").astimezone(UTC) == session.end
    assert str(vevent["SUMMARY"]) == session.title_en


def test_session_of_another_event_is_not_found(client, demo_event):
    other = make_session(make_event())
    assert client.get(f"/en/events/{demo_event.slug}/sessions/{other.pk}/calendar.ics").status_code == 404


def test_uid_stays_and_sequence_grows_when_organisers_change_a_time(client, demo_event):
    session = demo_event.sessions.order_by("start").first()

    def entry():
        cal = _parse(client.get(f"/en/events/{demo_event.slug}/sessions/{session.pk}/calendar.ics"))
        return _events(cal)[0]

    before = entry()
    assert before["SEQUENCE"] == 0
    session.start += timedelta(minutes=10)
    session.save()
    after = entry()
    assert str(after["UID"]) == str(before["UID"])
    assert after["SEQUENCE"] == 1
    assert after.decoded("dtstart").astimezone(UTC) == datetime(2021, 6, 24, 13, 10, tzinfo=UTC)

    session.title_be = session.title_be + " (абноўлена)"
    session.save()
    assert entry()["SEQUENCE"] == 2
    # An edit that calendars need not know about keeps the revision.
    session.description_en = "More detail."
    session.save()
    assert entry()["SEQUENCE"] == 2


def test_cancelled_session_is_marked_cancelled_with_a_higher_sequence(client, demo_event):
    session = demo_event.sessions.order_by("start").last()
    session.is_cancelled = True
    session.save()
    cal = _parse(client.get(CALENDAR_URL.format(lang="en")))
    (entry,) = [v for v in _events(cal) if str(v["UID"]) == str(session.uid)]
    assert entry["STATUS"] == "CANCELLED"
    assert entry["SEQUENCE"] == 1
    assert str(entry["SUMMARY"]) == f"Cancelled: {session.title_en}"


def test_event_without_programme_is_one_entry_for_the_whole_event(client):
    event = make_event(tagline_en="A forum.")
    response = client.get(f"/en/events/{event.slug}/calendar.ics")
    (vevent,) = _events(_parse(response))
    assert str(vevent["UID"]) == str(event.uid)
    assert vevent.decoded("dtstart").astimezone(UTC) == datetime(2021, 6, 24, 13, 0, tzinfo=UTC)
    assert vevent.decoded("dtend").astimezone(UTC) == datetime(2021, 6, 24, 16, 0, tzinfo=UTC)
    assert str(vevent["URL"]) == f"http://testserver/en/events/{event.slug}/"


def test_event_sequence_grows_when_its_time_changes():
    event = make_event()
    event.end += timedelta(hours=1)
    event.save()
    event.refresh_from_db()
    assert event.sequence == 1


def test_calendar_is_the_same_bytes_for_the_same_data(demo_event):
    sessions = list(Session.objects.filter(event=demo_event))
    first = ical.event_calendar(demo_event, sessions, page_url="https://forum.example.org/en/x/")
    second = ical.event_calendar(demo_event, sessions, page_url="https://forum.example.org/en/x/")
    assert first == second
    assert first.startswith(b"BEGIN:VCALENDAR\r\n")


def test_calendar_feed_asks_subscribers_to_refresh_hourly(client, demo_event):
    cal = _parse(client.get(CALENDAR_URL.format(lang="en")))
    assert cal.decoded("REFRESH-INTERVAL") == timedelta(hours=1)


def test_the_forums_sequence_grows_with_its_programme_and_never_falls_back():
    event = make_event()
    stale = Event.objects.get(pk=event.pk)
    session = make_session(event)
    event.refresh_from_db()
    assert event.sequence == 1
    session.description_en = "Not in any calendar's programme."
    session.save()
    event.refresh_from_db()
    assert event.sequence == 1
    session.end += timedelta(minutes=15)
    session.save()
    event.refresh_from_db()
    assert event.sequence == 2
    # Saved from an instance read before those changes: the stored revision stays.
    stale.tagline_en = "A forum."
    stale.save()
    event.refresh_from_db()
    assert event.sequence == 2
    session.delete()
    event.refresh_from_db()
    assert event.sequence == 3
