"""The forum's day with the clock moved through it: before, each session's
start and end, a delay, a session marked started, after. At each point the
page (en, ru, be) and its .ics say what is true then, and no cached copy
(the page cache, a browser's, nginx's) is kept past the next boundary."""

import time
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from icalendar import Calendar

from events.day import boundaries
from plumbing.mirror import mirror_export
from plumbing.pagecache import STORE
from registrations import services
from tests.factories import MINSK, make_event, make_session
from tests.html import soup

pytestmark = pytest.mark.django_db

DAY = datetime(2027, 6, 24, tzinfo=MINSK)
STATES = {
    "en": {"upcoming": "Upcoming", "live": "Live now", "ended": "Ended"},
    "ru": {"upcoming": "Скоро", "live": "Идёт сейчас", "ended": "Завершён"},
    "be": {"upcoming": "Хутка", "live": "Ідзе зараз", "ended": "Завершаны"},
}


def at(hour, minute=0, second=0, microsecond=0):
    return DAY.replace(hour=hour, minute=minute, second=second, microsecond=microsecond)


@pytest.fixture
def forum():
    event = make_event(slug="the-day", start=at(16), end=at(19))
    for title, start, end in (
        ("Opening", at(16), at(17)),
        ("Testimonies", at(17, 10), at(18)),
        ("Law", at(18), at(19)),
    ):
        make_session(event, title_en=title, title_ru=title, title_be=title, start=start, end=end)
    return event


def _page(client, language):
    response = client.get(f"/{language}/events/the-day/")
    page = soup(response)
    return {
        "state": page.select_one(".event-state").get_text(strip=True),
        "times": [t.get_text(" ", strip=True) for t in page.select(".schedule time.event-time")],
        "max_age": response["Cache-Control"],
    }


def _calendar(client, language):
    cal = Calendar.from_ical(client.get(f"/{language}/events/the-day/calendar.ics").content)
    return {
        str(v["SUMMARY"]): (v.decoded("DTSTART").astimezone(UTC), int(v.get("SEQUENCE", 0))) for v in cal.walk("VEVENT")
    }


def _lifetime(path):
    """Seconds the page cache keeps the stored copy of `path` from now."""
    (entry,) = [entry for key, entry in STORE.entries.items() if key[3] == path]
    return entry.expires - time.monotonic()


def _see(client, state, times=None):
    for language in ("en", "ru", "be"):
        page = _page(client, language)
        assert page["state"] == STATES[language][state]
        if times is not None:
            assert [t.split(" ")[0] for t in page["times"]] == times


def test_the_day_with_the_clock_moving(client, forum, time_machine):
    time_machine.move_to(at(15), tick=False)
    _see(client, "upcoming", ["16:00–17:00", "17:10–18:00", "18:00–19:00"])
    first = _calendar(client, "en")
    assert first["Testimonies"][0] == at(17, 10).astimezone(UTC)

    time_machine.move_to(at(15, 59, 57), tick=False)
    STORE.clear()
    assert _page(client, "en")["max_age"] == "public, max-age=3"  # kept until the forum starts, not 10 s

    time_machine.move_to(at(16), tick=False)
    STORE.clear()
    _see(client, "live")

    time_machine.move_to(at(16, 59, 58), tick=False)
    STORE.clear()
    assert _page(client, "be")["max_age"] == "public, max-age=2"

    # A delay at 17:05, in the gap: the sessions not yet ended move; the page and the .ics follow at once.
    time_machine.move_to(at(17, 5), tick=False)
    moved, _sent = services.programme_delay(event=forum, minutes=20, by=User.objects.create_user("editor"))
    assert moved == 2
    _see(client, "live", ["16:00–17:00", "17:30–18:20", "18:20–19:20"])
    for language in ("en", "ru", "be"):
        after = _calendar(client, language)
        assert after["Testimonies"][0] == at(17, 30).astimezone(UTC)
        assert after["Testimonies"][1] > first["Testimonies"][1]
        assert after["Opening"] == first["Opening"]

    # Marked started at 17:25: its planned start (17:30) is no longer a boundary; its end is.
    time_machine.move_to(at(17, 25), tick=False)
    testimonies = forum.sessions.get(title_en="Testimonies")
    services.session_start_mark(session=testimonies, by=User.objects.get(username="editor"))
    time_machine.move_to(at(17, 29, 58), tick=False)
    assert _page(client, "en")["max_age"] == "public, max-age=5"  # its count's 5 s, not 2
    time_machine.move_to(at(18, 19, 57), tick=False)
    STORE.clear()
    assert _page(client, "ru")["max_age"] == "public, max-age=3"

    time_machine.move_to(at(19, 20), tick=False)
    STORE.clear()
    _see(client, "ended", ["16:00–17:00", "17:30–18:20", "18:20–19:20"])


def test_boundaries_use_the_actual_times_and_skip_a_cancelled_session(forum):
    sessions = list(forum.sessions.order_by("start"))
    sessions[0].actual_end = at(16, 50)
    sessions[1].is_cancelled = True
    assert boundaries(forum, sessions) == [at(16), at(16, 50), at(18), at(19)]


@pytest.mark.parametrize(
    ("now", "max_age", "lifetime"),
    [
        (at(12), 10, 60),  # far from any boundary: today's caps (browser 10 s, page cache 60 s)
        (at(16, 59, 30), 10, 30),  # the page cache keeps it until the session ends, browsers 10 s
        (at(16, 59, 56, 500_000), 4, 4),  # both end at the boundary (rounded up to the second)
    ],
)
def test_max_age_and_the_page_caches_lifetime_end_at_the_next_boundary(
    client, forum, time_machine, now, max_age, lifetime
):
    time_machine.move_to(now, tick=False)
    path = "/en/events/the-day/calendar.ics"
    response = client.get(path)
    assert response["Cache-Control"] == f"public, max-age={max_age}"
    assert lifetime - 1 < _lifetime(path) <= lifetime
    # The event page also shows the Declaration's count: kept 5 s at most, less when a boundary is nearer.
    response = client.get("/en/events/the-day/")
    assert response["Cache-Control"] == f"public, max-age={min(max_age, 5)}"
    assert min(lifetime, 5) - 1 < _lifetime("/en/events/the-day/") <= min(lifetime, 5)


def test_the_home_page_is_kept_until_the_forum_starts(client, forum, time_machine):
    time_machine.move_to(at(15, 59, 53), tick=False)
    assert client.get("/en/")["Cache-Control"] == "public, max-age=7"
    assert 6 < _lifetime("/en/") <= 7


@pytest.mark.slow
def test_the_mirror_at_two_points_of_the_day(client, forum, time_machine, tmp_path, settings):
    time_machine.move_to(at(15), tick=False)
    forum.save()  # content changed at 15:00
    mirror_export(directory=tmp_path / "before")
    page = (tmp_path / "before" / "be" / "events" / "the-day" / "index.html").read_text()
    assert soup_text(page, ".event-state") == "Хутка"
    assert (
        soup_text(page, ".mirror-describes")
        == "Гэтая копія сайта паказвае яго па стане на 24 чэрвеня 2027 г., 15:00 (Europe/Minsk)."
    )

    # At 16:00:30 (a boundary passed at 16:00), twice: the copy says 16:00, and both are the same bytes.
    time_machine.move_to(at(16, 0, 30), tick=False)
    mirror_export(directory=tmp_path / "live")
    time_machine.move_to(at(16, 0, 50), tick=False)
    mirror_export(directory=tmp_path / "again")
    page = (tmp_path / "live" / "ru" / "events" / "the-day" / "index.html").read_text()
    assert soup_text(page, ".event-state") == "Идёт сейчас"
    assert (
        soup_text(page, ".mirror-describes")
        == "Эта копия сайта показывает его по состоянию на 24 июня 2027 г., 16:00 (Europe/Minsk)."
    )
    files = lambda d: {p.relative_to(d): p.read_bytes() for p in d.rglob("*") if p.is_file()}  # noqa: E731
    assert files(tmp_path / "live") == files(tmp_path / "again")
    assert files(tmp_path / "live") != files(tmp_path / "before")


def soup_text(html, selector):
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser").select_one(selector).get_text(" ", strip=True)
