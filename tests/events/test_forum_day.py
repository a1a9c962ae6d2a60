"""The forum day: what is on now and next, the public channels by language,
the recordings after each session, and the Atom feed, at moments moved with
the clock (before the forum, during its first session, between sessions,
after it)."""

from datetime import datetime, timedelta
from urllib.parse import urlsplit

import feedparser
import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from events.day import boundaries, day_at
from events.history import ChangeEntry, change_record
from events.models import Channel, Recording, Session
from plumbing.mirror import mirror_export
from plumbing.pagecache import STORE
from tests.conftest import verified_client
from tests.factories import MINSK, make_channel, make_event, make_recording, make_session
from tests.html import soup, text
from tests.registrations.test_forums import _form_values

pytestmark = pytest.mark.django_db

START = datetime(2030, 3, 10, 16, 0, tzinfo=MINSK)
BEFORE = START - timedelta(hours=2)
IN_FIRST = START + timedelta(minutes=30)
BETWEEN = START + timedelta(minutes=70)
AFTER = START + timedelta(hours=4)
RU_VIDEO = "https://www.youtube.com/watch?v=ruChannel01"
ORIGINAL_CHANNEL = "https://www.youtube.com/@belarusians/live"
RECORDING = "https://video.example.org/first-ru"


@pytest.fixture
def forum():
    """A test forum with two sessions and channels in two languages."""
    event = make_event(
        slug="day-forum",
        title_en="Day Forum",
        title_ru="Форум дня",
        title_be="Форум дня (be)",
        start=START,
        end=START + timedelta(hours=3),
    )
    first = make_session(
        event, title_en="Opening", title_ru="Открытие", title_be="Адкрыццё", start=START, end=START + timedelta(hours=1)
    )
    second = make_session(
        event,
        title_en="Witnesses",
        title_ru="Свидетели",
        title_be="Сведкі",
        start=START + timedelta(minutes=90),
        end=START + timedelta(hours=3),
    )
    make_channel(event, language="original", name="YouTube: Belarusians Abroad", url=ORIGINAL_CHANNEL)
    make_channel(event, language="ru", name="Русский канал", url=RU_VIDEO)
    make_recording(first, language="ru", url=RECORDING)
    return event, first, second


def _page(client, url, at):
    with time_machine.travel(at, tick=False):
        return soup(client.get(url))


def test_boundaries_are_each_start_and_end_sorted(forum):
    event, first, second = forum
    assert boundaries(event, [second, first]) == [
        START,
        START + timedelta(hours=1),
        START + timedelta(minutes=90),
        START + timedelta(hours=3),
    ]
    # An actual time (marked by an editor on the day) counts instead of the planned one.
    first.actual_end = START + timedelta(minutes=65)
    assert START + timedelta(minutes=65) in boundaries(event, [first, second])
    assert START + timedelta(hours=1) not in boundaries(event, [first, second])


def test_the_day_at_each_moment(forum):
    event, first, second = forum
    sessions, recordings = [first, second], list(event.recordings.all())
    assert day_at(event, sessions, BEFORE, recordings).phase == "before"
    during = day_at(event, sessions, IN_FIRST, recordings)
    assert (during.phase, during.current, during.following, during.recordings) == ("during", first, second, ())
    between = day_at(event, sessions, BETWEEN, recordings)
    assert (between.current, between.following, between.last_ended) == (None, second, first)
    assert [r.url for r in between.recordings] == [RECORDING]
    after = day_at(event, sessions, AFTER, recordings)
    assert (after.phase, after.current, after.following, after.last_ended) == ("after", None, None, second)
    event.status = event.Status.POSTPONED
    assert day_at(event, sessions, IN_FIRST, recordings).phase == "off"


NOW_NEXT = {
    "en": ("On now", "Next", "Opening", "Witnesses"),
    "ru": ("Сейчас идёт", "Далее", "Открытие", "Свидетели"),
    "be": ("Цяпер ідзе", "Далей", "Адкрыццё", "Сведкі"),
}


@pytest.mark.parametrize("lang", ["en", "ru", "be"])
@pytest.mark.parametrize("path", ["/{lang}/events/day-forum/", "/{lang}/"])
def test_event_and_home_pages_show_now_and_next_during_the_first_session(client, forum, lang, path):
    on_now, next_word, first_title, second_title = NOW_NEXT[lang]
    page = _page(client, path.format(lang=lang), IN_FIRST)
    block = page.select_one(".now-next")
    now_on, next_on = block.select_one(".now-on"), block.select_one(".next-on")
    assert text(now_on).startswith(f"{on_now} {first_title}")
    assert "16:00–17:00" in text(now_on)
    assert text(next_on).startswith(f"{next_word} {second_title}")
    assert "17:30–19:00" in text(next_on)
    # The visitor's own time: a slot our script fills (hidden without it).
    assert now_on.select_one("time.event-time")["datetime"] == "2030-03-10T13:00:00Z"
    assert now_on.select_one(".local-time").has_attr("hidden")
    follow = [a["href"] for a in now_on.select("a")]
    assert follow[1:] == [f"/{lang}/events/day-forum/#channel-{c.pk}" for c in forum[0].channels.all()]
    # Not ended: no recording yet, anywhere.
    assert RECORDING not in str(page)


def test_before_the_forum_the_page_says_when_it_starts(client, forum):
    page = _page(client, "/be/events/day-forum/", BEFORE)
    block = page.select_one(".now-next")
    assert text(block.h2) == "Калі пачатак"
    assert "Форум пачнецца 10 сакавіка 2030 г., 16:00–19:00 па мінскім часе" in text(block)
    assert block.select_one(".now-on") is None
    assert RECORDING not in str(page)


def test_between_sessions_the_recording_of_the_first_is_shown(client, forum):
    _event, first, _second = forum
    page = _page(client, "/ru/events/day-forum/", BETWEEN)
    block = page.select_one(".now-next")
    assert text(block.select_one(".now-on")) == "Сейчас перерыв: ни одна сессия не идёт."
    assert text(block.select_one(".next-on")).startswith("Далее Свидетели")
    assert [(text(a), a["href"]) for a in block.select(".just-ended a")] == [("Запись на русском", RECORDING)]
    scheduled = page.select_one(f"#session-{first.pk} .recordings a")
    assert (text(scheduled), scheduled["href"]) == ("Запись на русском", RECORDING)


def test_after_the_forum(client, forum):
    page = _page(client, "/en/events/day-forum/", AFTER)
    block = page.select_one(".now-next")
    assert text(block.h2) == "The forum has ended"
    assert block.select_one(".next-on") is None
    assert page.select_one(".event-state").get_text() == "Ended"


@pytest.mark.parametrize(
    ("lang", "original", "russian", "note"),
    [
        ("en", "Watch in the original language", "Watch in Russian", "Interpretation into Russian and English"),
        ("ru", "Смотреть на языке оригинала", "Смотреть на русском", "Синхронный перевод на русский и английский"),
        ("be", "Глядзець на мове арыгінала", "Глядзець па-руску", "Сінхронны пераклад на рускую і англійскую"),
    ],
)
def test_channels_are_links_and_only_a_video_gets_the_player(client, forum, lang, original, russian, note):
    page = _page(client, f"/{lang}/events/day-forum/", IN_FIRST)
    channels = page.select("li.channel")
    assert [(text(c.select_one("a.channel-link")), c.select_one("a.channel-link")["href"]) for c in channels] == [
        (original, ORIGINAL_CHANNEL),
        (russian, RU_VIDEO),
    ]
    # A channel page (/@name/live) has no video id: a link only. The video: a player, loaded on Play.
    assert channels[0].select_one(".video-slot") is None
    assert channels[1].select_one(".video-slot")["data-embed"] == "https://www.youtube-nocookie.com/embed/ruChannel01"
    assert page.find("iframe") is None
    assert note in text(page.select_one(".interpretation-note"))
    loaded = [tag.get("src") for tag in page.find_all(["script", "img", "iframe"]) if tag.get("src")]
    assert all(urlsplit(url).netloc == "" for url in loaded)


def test_jsonld_and_calendars_name_the_first_channel_and_the_recording(client, forum):
    _event, first, second = forum
    page = _page(client, "/en/events/day-forum/", BEFORE)
    assert f'"url": "{ORIGINAL_CHANNEL}"' in page.find("script", type="application/ld+json").string
    with time_machine.travel(BEFORE, tick=False):
        before = Calendar.from_ical(client.get(f"/ru/events/day-forum/sessions/{first.pk}/calendar.ics").content)
    # The page cache's lifetime at a boundary is the time side's (tested there): here, a fresh cache.
    cache.clear()
    STORE.clear()
    with time_machine.travel(BETWEEN, tick=False):
        after = Calendar.from_ical(client.get(f"/ru/events/day-forum/sessions/{first.pk}/calendar.ics").content)
        other = Calendar.from_ical(client.get(f"/ru/events/day-forum/sessions/{second.pk}/calendar.ics").content)
    (vbefore,), (vafter,), (vother,) = (c.walk("VEVENT") for c in (before, after, other))
    assert str(vbefore["URL"]) == f"http://testserver/ru/events/day-forum/#session-{first.pk}"
    assert str(vafter["URL"]) == RECORDING
    assert f"Recording: {RECORDING}" in str(vafter["DESCRIPTION"]).replace("Запись", "Recording")
    assert str(vother["URL"]) == f"http://testserver/ru/events/day-forum/#session-{second.pk}"
    assert str(vbefore["LOCATION"]) == ORIGINAL_CHANNEL


FEED_WORDS = {
    "en": ("Day Forum", "Postponed: Day Forum", "Delayed by 15 minutes: Witnesses", "Recording in Russian: Opening"),
    "ru": ("Форум дня", "Отложено: Форум дня", "Перенесено на 15 минут: Свидетели", "Запись на русском: Открытие"),
    "be": (
        "Форум дня (be)",
        "Адкладзена: Форум дня (be)",
        "Перанесена на 15 хвілін: Сведкі",
        "Запіс па-руску: Адкрыццё",
    ),
}


@pytest.mark.parametrize("lang", ["en", "ru", "be"])
def test_the_feed_tells_forums_changes_and_recordings_in_each_language(client, forum, lang):
    event, first, second = forum
    with time_machine.travel(BEFORE - timedelta(days=3), tick=False):
        change_record(event, "postponed")
    with time_machine.travel(IN_FIRST, tick=False):
        change_record(event, "delayed", session=second, minutes=15, start=second.start + timedelta(minutes=15))
    with time_machine.travel(BETWEEN, tick=False):
        change_record(event, "recording", session=first, language="ru", url=RECORDING)
        response = client.get(f"/{lang}/feed.xml")
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.language == lang
    forum_title, postponed, delayed, recording = FEED_WORDS[lang]
    titles = [entry.title for entry in feed.entries]
    assert titles == [recording, delayed, postponed, forum_title]
    by_title = {entry.title: entry for entry in feed.entries}
    assert by_title[forum_title].link == f"http://testserver/{lang}/events/day-forum/"
    assert by_title[recording].link == f"http://testserver/{lang}/events/day-forum/#session-{first.pk}"
    assert RECORDING in by_title[recording].summary
    assert "17:45" in by_title[delayed].summary
    page = soup(client.get(f"/{lang}/"))
    (alternate,) = page.select('link[rel=alternate][type="application/atom+xml"]')
    assert alternate["href"] == f"/{lang}/feed.xml"


def test_the_history_keeps_a_short_list(forum):
    event = forum[0]
    for minutes in range(1, 26):
        change_record(event, ChangeEntry.Kind.DELAYED, minutes=minutes)
    assert list(event.changes.values_list("minutes", flat=True)[:3]) == [25, 24, 23]
    assert event.changes.count() == 20
    with pytest.raises(ValueError, match="renamed"):
        change_record(event, "renamed")


def test_the_mirror_carries_its_own_feed_leading_into_the_mirror(forum, tmp_path):
    with time_machine.travel(BETWEEN, tick=False):
        change_record(forum[0], "recording", session=forum[1], language="ru", url=RECORDING)
        mirror_export(directory=tmp_path / "mirror")
    body = (tmp_path / "mirror" / "ru" / "feed.xml").read_bytes()
    feed = feedparser.parse(
        body,
        response_headers={
            "content-location": "https://mirror.example.net/m/ru/feed.xml",
            "content-type": "application/atom+xml",
        },
    )
    assert not feed.bozo, feed.bozo_exception
    links = {entry.link for entry in feed.entries}
    assert links == {
        "https://mirror.example.net/m/ru/events/day-forum/index.html",
        f"https://mirror.example.net/m/ru/events/day-forum/index.html#session-{forum[1].pk}",
    }
    assert b"testserver" not in body.replace(b"tag:testserver", b"")
    page = (tmp_path / "mirror" / "ru" / "events" / "day-forum" / "index.html").read_text()
    assert 'type="application/atom+xml" title="Новости форумов (Atom)" href="../../feed.xml"' in page


# --- The admin -------------------------------------------------------------------------


@pytest.fixture
def editor():
    user = User.objects.create_user("day-editor", password="x" * 20, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return verified_client(user)


def _posted(form):
    """What a browser posts for the form as rendered (an empty multiple choice posts nothing)."""
    return {name: value for name, value in _form_values(form).items() if not (name.endswith("speakers") and not value)}


def _event_form(editor, event):
    url = reverse("admin:events_event_change", args=[event.pk])
    return url, _posted(soup(editor.get(url)).select_one("form#event_form"))


def test_a_channel_address_must_be_https_and_nothing_is_saved(editor, forum):
    event = forum[0]
    url, values = _event_form(editor, event)
    values.update(
        {"channels-2-language": "en", "channels-2-url": "http://stream.example.org/en", "channels-2-position": "2"}
    )
    values.update({"channels-TOTAL_FORMS": "3", "title_en": "Renamed", "_save": "Save"})
    page = soup(editor.post(url, values))
    (error,) = page.select("#channels-2 .errorlist")
    assert text(error) == "Enter an address that starts with https://."
    event.refresh_from_db()
    assert (event.title_en, event.channels.count()) == ("Day Forum", 2)
    values["channels-2-url"] = "https://stream.example.org/en"
    values["lang"] = "ru"
    response = editor.post(url, values, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 302
    assert Channel.objects.filter(event=event, language="en", url="https://stream.example.org/en").exists()


def test_a_youtube_address_the_player_cannot_take_is_saved_as_a_link_and_said_so(editor, forum):
    event = forum[0]
    url, values = _event_form(editor, event)
    values.update({"channels-TOTAL_FORMS": "3", "channels-2-language": "be", "channels-2-position": "2"})
    values.update({"channels-2-url": "https://www.youtube.com/@belarusians", "_save": "Save"})
    response = editor.post(url, values)
    assert response.status_code == 302
    told = [str(m) for m in get_messages(response.wsgi_request)]
    assert (
        "“https://www.youtube.com/@belarusians” is saved as a link only: the player needs the address of a video "
        "or a live video."
    ) in told
    channel = Channel.objects.get(event=event, language="be")
    assert channel.url == "https://www.youtube.com/@belarusians"
    assert channel.embed_url == ""


def test_a_recording_for_a_session_not_ended_is_refused_then_taken_and_summarised(editor, forum):
    event, _first, second = forum
    url = reverse("admin:events_session_change", args=[second.pk])
    values = _posted(soup(editor.get(url)).select_one("form#session_form"))
    values.update({"recordings-TOTAL_FORMS": "1", "recordings-0-language": "be"})
    values.update({"recordings-0-url": "https://video.example.org/second-be", "_save": "Save"})
    # The forum is ahead (in 2030): the session has not ended.
    page = soup(editor.post(url, values))
    assert "This session has not ended yet: add its recording once it is over." in text(page.select_one(".errorlist"))
    assert not Recording.objects.filter(session=second).exists()
    # Held a week ago instead: it has ended.
    past = timezone.now() - timedelta(days=7)
    Session.objects.filter(pk=second.pk).update(start=past, end=past + timedelta(hours=1))
    values.update(
        {"start_0": past.astimezone(MINSK).strftime("%Y-%m-%d"), "start_1": past.astimezone(MINSK).strftime("%H:%M:%S")}
    )
    values.update(
        {
            "end_0": (past + timedelta(hours=1)).astimezone(MINSK).strftime("%Y-%m-%d"),
            "end_1": (past + timedelta(hours=1)).astimezone(MINSK).strftime("%H:%M:%S"),
        }
    )
    response = editor.post(url, values)
    assert response.status_code == 302
    assert Recording.objects.filter(session=second, language="be").exists()
    (entry,) = event.changes.filter(kind="recording")
    assert (entry.session, entry.language, entry.url) == (second, "be", "https://video.example.org/second-be")
    form = soup(editor.get(reverse("admin:events_event_change", args=[event.pk])))
    summary = text(form.select_one(".field-recordings_summary"))
    assert "Witnesses: Belarusian — https://video.example.org/second-be" in summary
    assert f"Opening: Russian — {RECORDING}" in summary


def test_postponing_a_forum_in_its_form_enters_the_history(editor, forum):
    event = forum[0]
    url, values = _event_form(editor, event)
    values.update({"status": "postponed", "_continue": "1"})
    assert editor.post(url, values).status_code == 302
    assert list(event.changes.values_list("kind", flat=True)) == ["postponed"]
