"""The forum day in a browser: a visitor on a phone, without scripts, finds
the session on now and follows the Russian channel; nothing from another host
loads before Play; the first load of the event page stays small."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from tests.factories import make_channel, make_event, make_recording, make_session

pytestmark = [pytest.mark.browser, pytest.mark.slow]

RU_VIDEO = "https://www.youtube.com/watch?v=ruChannel01"
ORIGINAL = "https://www.youtube.com/@belarusians/live"


@pytest.fixture
def forum_now(site_url):
    """A test forum whose first session is on at this moment (by the real clock: the
    browser and the server share it), with channels in two languages."""
    start = timezone.now() - timedelta(minutes=30)
    event = make_event(
        slug="day-forum",
        title_en="Day Forum",
        title_ru="Форум дня",
        title_be="Форум дня",
        start=start,
        end=start + timedelta(hours=3),
    )
    first = make_session(event, title_en="Opening", title_be="Адкрыццё", start=start, end=start + timedelta(hours=1))
    make_session(
        event,
        title_en="Witnesses",
        title_be="Сведкі",
        start=start + timedelta(minutes=90),
        end=start + timedelta(hours=3),
    )
    earlier = make_session(
        event,
        title_en="Warm-up",
        title_be="Размінка",
        start=start - timedelta(hours=1),
        end=start - timedelta(minutes=10),
    )
    make_recording(earlier, language="ru", url="https://video.example.org/warm-up-ru")
    make_channel(event, language="original", name="YouTube", url=ORIGINAL)
    make_channel(event, language="ru", name="YouTube (RU)", url=RU_VIDEO)
    return event, first


def test_a_belarusian_visitor_without_scripts_finds_the_session_on_now_and_follows_the_russian_channel(
    site_url, page_for, forum_now
):
    page = page_for(locale="be-BY", timezone_id="Europe/Minsk", javascript=False)
    page.set_viewport_size({"width": 375, "height": 740})
    followed = []
    page.route(
        "**/*",
        lambda route: (
            (followed.append(route.request.url), route.abort())
            if urlsplit(route.request.url).netloc != urlsplit(site_url).netloc
            else route.continue_()
        ),
    )
    page.goto(f"{site_url}/be/")
    block = page.locator(".now-next")
    assert block.locator(".now-on").inner_text().startswith("Цяпер ідзе Адкрыццё")
    assert block.locator(".next-on").inner_text().startswith("Далей Сведкі")
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    block.get_by_role("link", name="Глядзець па-руску").click()
    page.wait_for_url(f"{site_url}/be/events/day-forum/#channel-*")
    assert page.locator(".now-next .now-on").inner_text().startswith("Цяпер ідзе Адкрыццё")
    # Without scripts the player never appears: the channel is a plain link.
    assert page.locator(".js-load-video").first.is_hidden()
    assert followed == []
    link = page.locator("li.channel", has_text="YouTube (RU)").get_by_role("link", name="Глядзець па-руску")
    assert link.get_attribute("href") == RU_VIDEO
    with page.expect_request(RU_VIDEO):
        link.click()
    assert followed == [RU_VIDEO]


def test_the_event_page_during_the_forum_loads_little_and_nothing_from_another_host_before_play(
    site_url, page_for, forum_now
):
    page = page_for(locale="ru-RU", timezone_id="Europe/Warsaw")
    page.set_viewport_size({"width": 375, "height": 740})
    sizes = []
    page.on("requestfinished", lambda request: sizes.append(request.sizes()["responseBodySize"]))
    page.route("**/*", lambda route: route.abort() if "youtube" in route.request.url else route.continue_())
    page.goto(f"{site_url}/ru/events/day-forum/")
    page.wait_for_load_state("networkidle")
    here = urlsplit(site_url).netloc
    assert {urlsplit(url).netloc for url in page.requests} == {here}
    assert len(page.requests) <= 6, page.requests
    assert sum(sizes) <= 60 * 1024, sizes
    # The visitor's own time beside the session on now (our script), then Play loads the player.
    assert page.locator(".now-on .local-time").inner_text().startswith("В вашем часовом поясе: ")
    page.locator(".video-slot").get_by_role("button", name="Воспроизвести видео на этой странице").click()
    src = page.locator(".video-slot iframe").get_attribute("src")
    assert src == "https://www.youtube-nocookie.com/embed/ruChannel01?autoplay=1"
    assert any("youtube-nocookie.com" in url for url in page.requests)
