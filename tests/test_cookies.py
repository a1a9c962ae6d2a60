"""The cookies the site sets are the ones the privacy notice names, for the browser session only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import make_accreditation, make_declaration, make_event
from tests.html import soup, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    event = make_event(start=timezone.now() + timedelta(days=3))
    make_accreditation(event)
    make_declaration(event)
    return event


def _set_cookie_headers(response):
    return [morsel.OutputString() for morsel in response.cookies.values()]


@pytest.mark.parametrize("path", ["/en/events/{slug}/media/", "/en/events/{slug}/declaration/sign/"])
def test_form_pages_set_only_a_session_csrf_cookie(client, event, path):
    response = client.get(path.format(slug=event.slug))
    assert response.status_code == 200
    assert soup(response).select_one("form [name=csrfmiddlewaretoken]") is not None
    assert list(response.cookies) == ["csrftoken"]
    for header in _set_cookie_headers(response):
        attributes = {part.split("=")[0].strip().lower() for part in header.split(";")[1:]}
        assert "max-age" not in attributes, header
        assert "expires" not in attributes, header


def test_the_language_switcher_cookie_lasts_the_session_only(client):
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/ru/"})
    assert response.status_code == 302
    assert list(response.cookies) == ["django_language"]
    (header,) = _set_cookie_headers(response)
    assert "max-age" not in header.lower()
    assert "expires" not in header.lower()


@pytest.mark.parametrize(
    ("lang", "form_cookie", "language_cookie"),
    [
        # Since issue 14 the switcher is plain links and sets no cookie; the notice says so.
        ("en", "sets one cookie, csrftoken.", "Choosing a language sets no cookie"),
        ("ru", "сохраняет один файл cookie — csrftoken.", "Выбор языка не сохраняет файл cookie"),
        ("be", "захоўвае адзін файл cookie — csrftoken.", "Выбар мовы не захоўвае файл cookie"),
    ],
)
def test_privacy_notice_names_the_cookies_in_every_language(client, lang, form_cookie, language_cookie):
    page = soup(client.get(f"/{lang}/privacy/"))
    paragraphs = [text(p) for p in page.select("main p")]
    assert any(form_cookie in p for p in paragraphs)
    assert any(language_cookie in p for p in paragraphs)


def test_footer_of_a_form_page_names_its_cookie(client, event):
    page = soup(client.get(f"/en/events/{event.slug}/media/"))
    assert "A page with a form sets one cookie, csrftoken," in text(page.select_one("footer"))
