from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_visitor_switches_to_russian_sees_local_time_and_loads_the_video(site_url, page_for, demo_event):
    demo_event.channels.update(url="https://www.youtube.com/watch?v=abcDEF12345")
    page = page_for(locale="en-GB", timezone_id="Europe/Berlin")

    page.goto(f"{site_url}/en/")
    assert page.locator("h1").inner_text() == "New Belarus against Torture"
    page.get_by_role("link", name="Programme and how to take part").click()
    page.wait_for_url(f"{site_url}/en/events/new-belarus-against-torture/")

    page.get_by_role("link", name="Русский").click()
    page.wait_for_url(f"{site_url}/ru/events/new-belarus-against-torture/")
    assert page.locator("h1").inner_text() == "Новая Беларусь против пыток"
    assert page.locator("html").get_attribute("lang") == "ru"

    # The forum's own time, and the visitor's (Berlin: 15:00) filled in by our script.
    assert (
        page.locator(".event-when time").inner_text() == "24 июня 2021 г., 16:00–19:00 по минскому времени (UTC+03:00)"
    )
    local = page.locator(".event-when .local-time")
    assert local.is_visible()
    assert local.inner_text().startswith("В вашем часовом поясе: ")
    assert "15:00" in local.inner_text()
    assert "Europe/Berlin" in local.inner_text()

    # Everything so far came from this site alone.
    assert {urlsplit(url).netloc for url in page.requests} == {urlsplit(site_url).netloc}
    assert page.locator("iframe").count() == 0

    page.route("**/*", lambda route: route.abort() if "youtube" in route.request.url else route.continue_())
    page.get_by_role("button", name="Воспроизвести видео на этой странице").click()
    frame = page.locator(".video-slot iframe")
    assert frame.get_attribute("src") == "https://www.youtube-nocookie.com/embed/abcDEF12345?autoplay=1"
    # The video may go fullscreen and picture-in-picture: the frame asks, and the
    # page's Permissions-Policy grants it to that origin (Chromium's own reading).
    assert frame.get_attribute("allowfullscreen") is not None
    allows = frame.evaluate(
        "f => Object.fromEntries(['fullscreen', 'picture-in-picture', 'encrypted-media', 'camera', 'microphone',"
        " 'geolocation'].map(name => [name, f.featurePolicy.allowsFeature(name)]))"
    )
    assert allows == {
        "fullscreen": True,
        "picture-in-picture": True,
        "encrypted-media": True,
        "camera": False,
        "microphone": False,
        "geolocation": False,
    }
    assert any(urlsplit(url).netloc == "www.youtube-nocookie.com" for url in page.requests)


def test_page_is_complete_without_javascript(site_url, page_for, demo_event):
    session_count = demo_event.sessions.count()
    page = page_for(locale="be-BY", javascript=False)
    page.goto(f"{site_url}/be/events/new-belarus-against-torture/")
    assert page.locator("h1").inner_text() == "Новая Беларусь супраць катаванняў"
    assert page.locator(".schedule-item").count() == session_count
    assert page.locator(".local-time").first.is_hidden()
    # The switcher is plain links: it works without scripts.
    page.get_by_role("link", name="English").click()
    page.wait_for_url(f"{site_url}/en/events/new-belarus-against-torture/")
    assert page.locator("h1").inner_text() == "New Belarus against Torture"
