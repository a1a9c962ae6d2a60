import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from events.models import EventOrganisation
from tests.factories import make_event, make_organisation, make_session, make_speaker
from tests.html import soup, text

pytestmark = pytest.mark.django_db

EVENT_PATH = "/{lang}/events/new-belarus-against-torture/"
TITLES = {
    "en": "New Belarus against Torture",
    "ru": "Новая Беларусь против пыток",
    "be": "Новая Беларусь супраць катаванняў",
}


@pytest.mark.parametrize(
    ("accept", "expected"), [("ru", "/ru/"), ("be,ru;q=0.8", "/be/"), ("en-GB", "/en/"), ("de", "/en/")]
)
def test_root_redirects_by_accept_language(client, accept, expected):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302
    assert response["Location"] == expected


def test_unprefixed_event_address_redirects_to_the_visitors_language(client, demo_event):
    response = client.get("/events/new-belarus-against-torture/", HTTP_ACCEPT_LANGUAGE="be")
    assert response["Location"] == EVENT_PATH.format(lang="be")


@pytest.mark.parametrize("lang", ["en", "ru", "be"])
def test_event_page_shows_title_in_each_language(client, demo_event, lang):
    page = soup(client.get(EVENT_PATH.format(lang=lang)))
    assert page.html["lang"] == lang
    assert text(page.h1) == TITLES[lang]
    assert text(page.title).startswith(TITLES[lang])


@pytest.mark.parametrize("lang", ["en", "ru", "be"])
def test_home_page_features_the_demo_forum(client, demo_event, lang):
    page = soup(client.get(f"/{lang}/"))
    assert text(page.h1) == TITLES[lang]
    assert page.h1.a["href"] == EVENT_PATH.format(lang=lang)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "24 June 2021, 16:00–19:00 Minsk time (UTC+03:00)"),
        ("ru", "24 июня 2021 г., 16:00–19:00 по минскому времени (UTC+03:00)"),
        ("be", "24 чэрвеня 2021 г., 16:00–19:00 па мінскім часе (UTC+03:00)"),
    ],
)
def test_event_page_shows_minsk_time_and_its_utc_instant(client, demo_event, lang, expected):
    page = soup(client.get(EVENT_PATH.format(lang=lang)))
    when = page.select_one(".event-when time")
    assert text(when) == expected
    assert when["datetime"] == "2021-06-24T13:00:00Z"
    assert when["data-end"] == "2021-06-24T16:00:00Z"


def test_schedule_lists_sessions_in_order_with_minsk_times_speakers_and_language(client, demo_event):
    page = soup(client.get(EVENT_PATH.format(lang="en")))
    items = page.select(".schedule-item")
    sessions = list(demo_event.sessions.order_by("start"))
    assert [text(item.h4) for item in items] == [s.title_en for s in sessions]
    first = items[0]
    assert text(first.time) == "16:00–16:15"
    assert first.time["datetime"] == "2021-06-24T13:00:00Z"
    speakers = list(sessions[0].speakers.all())
    shown = first.select(".speakers li")
    assert [text(li.strong) for li in shown] == [sp.name_en for sp in speakers]
    assert [text(li.select_one(".speaker-bio")) for li in shown if li.select_one(".speaker-bio")] == [
        sp.bio_en for sp in speakers if sp.bio_en
    ]
    assert text(first.select_one(".badge")) == sessions[0].get_language_display()
    assert [text(h) for h in page.select("#schedule-title ~ h3")] == ["24 June 2021"]


def test_schedule_marks_a_cancelled_session(client):
    event = make_event()
    make_session(event, title_en="Kept")
    make_session(event, title_en="Dropped", is_cancelled=True, start=event.start + timedelta(hours=1))
    page = soup(client.get(f"/en/events/{event.slug}/"))
    dropped = page.select(".schedule-item")[1]
    assert text(dropped.h4) == "Cancelled Dropped"
    assert "is-cancelled" in dropped["class"]
    assert dropped.select_one("a[download]") is None


def test_language_switcher_keeps_the_current_page(client, demo_event):
    # Plain links since issue 14 (mirrors): the address carries the language, no cookie or POST.
    page = soup(client.get(EVENT_PATH.format(lang="en")))
    nav = page.select_one("nav.language-switcher")
    assert [a["href"] for a in nav.select("a")] == [EVENT_PATH.format(lang=code) for code in ("en", "ru", "be")]
    assert [a["hreflang"] for a in nav.select("a")] == ["en", "ru", "be"]
    assert [text(a) for a in nav.select("a")] == ["English", "Русский", "Беларуская"]

    response = client.get(nav.select("a")[1]["href"])
    assert response.status_code == 200
    assert soup(response).html["lang"] == "ru"
    assert not response.cookies
    # The old switcher's address still answers (pages kept from before).
    response = client.post("/i18n/setlang/", {"language": "ru", "next": EVENT_PATH.format(lang="en")})
    assert response.status_code == 302
    assert response["Location"] == EVENT_PATH.format(lang="ru")


def test_public_pages_set_no_cookie(client, demo_event):
    for path in ("/en/", EVENT_PATH.format(lang="ru"), EVENT_PATH.format(lang="be") + "calendar.ics"):
        assert client.get(path).cookies == {}


def test_event_page_links_every_language_with_hreflang(client, demo_event):
    page = soup(client.get(EVENT_PATH.format(lang="ru")))
    links = {link["hreflang"]: link["href"] for link in page.select("link[rel=alternate][hreflang]")}
    assert links == {
        "en": "http://testserver" + EVENT_PATH.format(lang="en"),
        "ru": "http://testserver" + EVENT_PATH.format(lang="ru"),
        "be": "http://testserver" + EVENT_PATH.format(lang="be"),
        "x-default": "http://testserver/events/new-belarus-against-torture/",
    }


def _event_at(offset_start, offset_end, **values):
    now = timezone.now()
    return make_event(start=now + offset_start, end=now + offset_end, **values)


@pytest.mark.parametrize(
    ("start", "end", "state"),
    [
        (timedelta(hours=2), timedelta(hours=5), "Upcoming"),
        (timedelta(hours=-1), timedelta(hours=2), "Live now"),
        (timedelta(hours=-5), timedelta(hours=-2), "Ended"),
    ],
)
def test_event_state_follows_the_clock(client, start, end, state):
    event = _event_at(start, end, recording_url="https://www.youtube.com/watch?v=recording01")
    page = soup(client.get(f"/en/events/{event.slug}/"))
    assert text(page.select_one(".event-state")) == state
    recording = page.select_one(".forum-recordings a")
    assert (recording is not None) == (state == "Ended")
    assert recording is None or (text(recording), recording["href"]) == (
        "Recording in the original language",
        "https://www.youtube.com/watch?v=recording01",
    )


def test_home_features_the_live_event_over_the_next_one(client):
    _event_at(timedelta(days=3), timedelta(days=3, hours=2), title_en="Later")
    _event_at(timedelta(hours=-1), timedelta(hours=1), title_en="Now")
    _event_at(timedelta(days=-30), timedelta(days=-30, hours=2), title_en="Past")
    page = soup(client.get("/en/"))
    assert text(page.h1) == "Now"
    assert [text(a) for a in page.select("#others-title + ul a")] == ["Later", "Past"]


def test_unknown_links_are_hidden(client, demo_event):
    page = soup(client.get(EVENT_PATH.format(lang="en")))
    assert page.find("a", string="Watch on YouTube") is None
    assert page.find("a", string="The event on Facebook") is None
    assert page.select(".video-slot") == []


def test_youtube_is_a_plain_link_and_the_embed_waits_for_a_click(client):
    event = make_event(
        stream_url="https://www.youtube.com/watch?v=abcDEF12345", facebook_url="https://facebook.com/events/1"
    )
    page = soup(client.get(f"/en/events/{event.slug}/"))
    link = page.find("a", string="Watch in the original language")
    assert link["href"] == "https://www.youtube.com/watch?v=abcDEF12345"
    assert page.find("a", string="The event on Facebook")["href"] == "https://facebook.com/events/1"
    assert page.select_one(".video-slot")["data-embed"] == "https://www.youtube-nocookie.com/embed/abcDEF12345"
    assert page.find("iframe") is None


def test_page_loads_nothing_from_another_host(client):
    event = make_event(stream_url="https://youtu.be/abcDEF12345")
    make_session(event)
    page = soup(client.get(f"/en/events/{event.slug}/"))
    loaded = [tag.get("src") for tag in page.find_all(["script", "img", "iframe", "video", "audio"]) if tag.get("src")]
    loaded += [link["href"] for link in page.find_all("link") if set(link["rel"]) & {"stylesheet", "icon", "preload"}]
    assert loaded
    assert all(urlsplit(url).netloc == "" for url in loaded), loaded
    assert page.find(style=True) is None
    assert [s for s in page.find_all("script") if not s.get("src") and s.get("type") != "application/ld+json"] == []


def test_missing_translation_falls_back_to_english_marked_as_english(client):
    event = make_event(title_en="Only in English", title_ru="", goals_en="English goals", goals_ru="")
    page = soup(client.get(f"/ru/events/{event.slug}/"))
    assert text(page.h1) == "Only in English"
    assert page.h1["lang"] == "en"
    goals = page.select_one("section[aria-labelledby=goals-title]")
    assert goals["lang"] == "en"
    assert "English goals" in text(goals)


def test_organisers_and_supporters_are_listed_by_role(client):
    event = make_event()
    make_organisation(event, name_en="Org A", url="https://a.example.org/")
    make_organisation(event, name_en="Supporter B", role=EventOrganisation.Role.SUPPORTER)
    page = soup(client.get(f"/en/events/{event.slug}/"))
    section = page.select_one("section[aria-labelledby=organisers-title]")
    lists = section.find_all("ul")
    assert [text(li) for li in lists[0].find_all("li")] == ["Org A"]
    assert lists[0].a["href"] == "https://a.example.org/"
    assert [text(li) for li in lists[1].find_all("li")] == ["Supporter B"]


def test_unpublished_event_is_not_found(client):
    event = make_event(is_published=False)
    assert client.get(f"/en/events/{event.slug}/").status_code == 404
    assert client.get(f"/en/events/{event.slug}/calendar.ics").status_code == 404


def test_event_page_query_count_does_not_grow_with_sessions(client, django_assert_num_queries):
    one = make_event()
    make_session(one, speakers=[make_speaker()])
    many = make_event()
    speakers = [make_speaker() for _ in range(3)]
    for i in range(30):
        make_session(many, start=many.start + timedelta(minutes=5 * i), speakers=speakers)
    make_organisation(one)
    make_organisation(many)
    # The content version, then the page (with its channels and recordings, one query each).
    with django_assert_num_queries(9):
        client.get(f"/en/events/{one.slug}/")
    with django_assert_num_queries(9):
        response = client.get(f"/en/events/{many.slug}/")
    assert len(soup(response).select(".schedule-item")) == 30


def test_home_page_query_count_does_not_grow_with_events(client, django_assert_num_queries):
    make_event()
    # The content version, the events, then the featured one's day: its sessions, channels and recordings.
    with django_assert_num_queries(5):
        client.get("/en/")
    for _ in range(20):
        make_event()
    with django_assert_num_queries(5):
        response = client.get("/en/")
    assert len(soup(response).select("#others-title + ul li")) == 20


def test_event_page_has_open_graph_and_event_json_ld(client, demo_event):
    page = soup(client.get(EVENT_PATH.format(lang="be")))
    og = {m["property"]: m["content"] for m in page.select("meta[property^='og:']")}
    assert og["og:title"] == TITLES["be"]
    assert og["og:url"] == "http://testserver" + EVENT_PATH.format(lang="be")
    assert og["og:locale"] == "be_BY"
    data = json.loads(page.select_one("script[type='application/ld+json']").string)
    assert data["@type"] == "Event"
    assert data["name"] == TITLES["be"]
    assert data["startDate"] == "2021-06-24T16:00:00+03:00"
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["location"]["@type"] == "VirtualLocation"
    assert len(data["organizer"]) == 4


def test_json_ld_cannot_close_its_script_element(client):
    event = make_event(title_en="</script><script>alert(1)</script>")
    page = soup(client.get(f"/en/events/{event.slug}/"))
    data = json.loads(page.select_one("script[type='application/ld+json']").string)
    assert data["name"] == "</script><script>alert(1)</script>"
    assert len(page.find_all("script")) == 2  # ours and the JSON-LD, nothing injected


def test_event_page_announces_its_calendar(client, demo_event):
    page = soup(client.get(EVENT_PATH.format(lang="en")))
    link = page.select_one("link[rel=alternate][type='text/calendar']")
    assert link["href"] == "http://testserver/en/events/new-belarus-against-torture/calendar.ics"
    links = {text(a): a["href"] for a in page.select(".calendar-links a")}
    assert links["Subscribe (webcal)"] == "webcal://testserver/en/events/new-belarus-against-torture/calendar.ics"
    assert "dates=20210624T130000Z%2F20210624T160000Z" in links["Google Calendar"]
    assert "startdt=2021-06-24T13%3A00%3A00Z" in links["Outlook"]


@pytest.mark.parametrize(
    ("lang", "heading"), [("en", "Page not found"), ("ru", "Страница не найдена"), ("be", "Старонка не знойдзена")]
)
def test_not_found_page_is_translated(client, lang, heading):
    response = client.get(f"/{lang}/events/no-such-forum/")
    assert response.status_code == 404
    page = soup(response)
    assert text(page.h1) == heading
    assert page.html["lang"] == lang


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines
    assert lines[-1] == "Sitemap: http://testserver/sitemap.xml"
