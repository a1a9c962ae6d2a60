import xml.etree.ElementTree as ET

import pytest

from tests.factories import make_event

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def _sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    return {
        url.find("s:loc", NS).text: {link.get("hreflang"): link.get("href") for link in url.findall("x:link", NS)}
        for url in root.findall("s:url", NS)
    }


def test_sitemap_lists_every_public_page_in_every_language_with_alternates(client, demo_event):
    make_event(is_published=False, slug="draft")
    urls = _sitemap(client)
    event_alternates = {
        "en": "http://testserver/en/events/new-belarus-against-torture/",
        "ru": "http://testserver/ru/events/new-belarus-against-torture/",
        "be": "http://testserver/be/events/new-belarus-against-torture/",
        "x-default": "http://testserver/events/new-belarus-against-torture/",
    }
    home_alternates = {
        "en": "http://testserver/en/",
        "ru": "http://testserver/ru/",
        "be": "http://testserver/be/",
        "x-default": "http://testserver/",
    }
    declaration_alternates = {
        lang: url.replace("/new-belarus-against-torture/", "/new-belarus-against-torture/declaration/")
        for lang, url in event_alternates.items()
    }
    expected = {}
    for lang in ("en", "ru", "be"):
        expected[home_alternates[lang]] = home_alternates
        expected[event_alternates[lang]] = event_alternates
        expected[declaration_alternates[lang]] = declaration_alternates
    assert urls == expected
