from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from plumbing.mirror import mirror_export
from tests.factories import make_accreditation

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SLUG = "new-belarus-against-torture"


def test_reader_without_javascript_follows_the_mirrored_forum_in_belarusian(
    page_for, static_host, demo_event, settings
):
    settings.MIRROR_URLS = ["https://mirror.example.net/m/"]
    make_accreditation(demo_event, closes_at=timezone.now() + timedelta(days=30))
    root, server = static_host
    mirror_export(directory=root / "m")
    mirror = f"{server}/m/"
    sessions = demo_event.sessions.count()

    page = page_for(locale="be-BY", javascript=False)
    page.goto(f"{mirror}be/events/{SLUG}/index.html")
    assert page.locator("h1").inner_text() == "Новая Беларусь супраць катаванняў"
    assert page.locator(".schedule-item").count() == sessions
    assert page.locator("footer .ways-in a").first.get_attribute("href") == "https://mirror.example.net/m/"
    # The stylesheet came from the mirror (Bootstrap's container is laid out).
    assert page.locator("main").evaluate("m => getComputedStyle(m).paddingTop") != "0px"

    page.locator(".calls-to-action").get_by_role("link", name="Падпісаць Дэкларацыю").click()
    page.wait_for_url(f"{mirror}be/events/{SLUG}/declaration/index.html")
    assert page.locator(".signature-count").inner_text() == "0 подпісаў"
    assert page.locator(".signatory").count() == 0

    page.get_by_role("link", name="Падпісаць Дэкларацыю").click()
    page.wait_for_url(f"{mirror}be/events/{SLUG}/declaration/sign/index.html")
    assert page.locator("h1").inner_text() == "Гэтая форма — на самім сайце"
    assert page.locator("main a").first.get_attribute("href") == f"http://testserver/be/events/{SLUG}/declaration/sign/"

    page.get_by_role("link", name="English").click()
    page.wait_for_url(f"{mirror}en/events/{SLUG}/declaration/sign/index.html")
    assert page.locator("h1").inner_text() == "This form is on the site itself"

    page.get_by_role("link", name="Privacy notice").click()
    page.wait_for_url(f"{mirror}en/privacy/index.html")
    page.locator(".site-name").click()
    page.wait_for_url(f"{mirror}en/index.html")
    assert page.locator("h1").count() >= 1

    # Every request went to the mirror's host, under its path.
    assert {urlsplit(url).netloc for url in page.requests} == {urlsplit(server).netloc}
    assert all(urlsplit(url).path.startswith("/m/") for url in page.requests)
