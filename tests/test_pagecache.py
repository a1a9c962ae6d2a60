"""Public pages are served from memory, revalidated with ETags, compressed,
fresh after every edit, and never shared when they carry anything personal."""

import gzip
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from registrations import services
from tests.factories import make_accreditation, make_declaration, make_event, make_session, make_signature
from tests.html import soup, text

pytestmark = pytest.mark.django_db

PUBLIC = [
    "/en/",
    "/en/events/{slug}/",
    "/ru/events/{slug}/declaration/",
    "/be/events/{slug}/calendar.ics",
    "/en/privacy/",
    "/sitemap.xml",
    "/robots.txt",
]


@pytest.fixture
def event():
    event = make_event(start=timezone.now() + timedelta(days=3))
    make_session(event)
    make_accreditation(event)
    make_declaration(event)
    return event


@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_are_public_with_an_etag_and_answer_304(client, event, path):
    url = path.format(slug=event.slug)
    first = client.get(url)
    assert first.status_code == 200
    assert first["Cache-Control"] == "public, max-age=10"
    etag = first["ETag"]
    assert etag.startswith('"')
    assert first.cookies == {}
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag


@pytest.mark.parametrize("path", ["/en/events/{slug}/media/", "/en/events/{slug}/declaration/sign/"])
def test_pages_with_a_form_are_never_stored(client, event, path):
    response = client.get(path.format(slug=event.slug))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert "ETag" not in response
    assert "csrftoken" in response.cookies


def test_a_repeat_is_served_without_touching_the_database(client, event, django_assert_max_num_queries):
    url = f"/en/events/{event.slug}/"
    first = client.get(url)
    with django_assert_max_num_queries(1):  # at most the content version, once a second
        second = client.get(url)
    assert second.content == first.content


def test_compressed_for_clients_that_accept_gzip(client, demo_event):
    # The demo forum's page: fixed content, so the ratio does not depend on the clock or test order.
    url = f"/en/events/{demo_event.slug}/"
    plain = client.get(url)
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, br")
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 3


def test_an_edit_shows_at_once_in_every_language(client, event):
    for lang in ("en", "ru", "be"):
        client.get(f"/{lang}/events/{event.slug}/")
    event.title_en, event.title_ru, event.title_be = "New title", "Новое название", "Новая назва"
    event.save()
    titles = {lang: text(soup(client.get(f"/{lang}/events/{event.slug}/")).h1) for lang in ("en", "ru", "be")}
    assert titles == {"en": "New title", "ru": "Новое название", "be": "Новая назва"}


def test_a_confirmed_signature_shows_at_once_in_the_count(client, event):
    url = f"/en/events/{event.slug}/declaration/"
    assert text(soup(client.get(url)).select_one(".signature-count")) == "0 signatures"
    signature = make_signature(event.declaration, status="unconfirmed", confirmed_at=None)
    services.declaration_confirm(signature=signature)
    assert text(soup(client.get(url)).select_one(".signature-count")) == "1 signature"
    services.declaration_withdraw(signature=signature)
    assert text(soup(client.get(url)).select_one(".signature-count")) == "0 signatures"


def test_no_visitor_receives_another_visitors_token_or_data(event):
    alice, bob = Client(), Client()
    form_a = soup(alice.get(f"/en/events/{event.slug}/media/"))
    form_b = soup(bob.get(f"/en/events/{event.slug}/media/"))
    token_a = form_a.select_one("[name=csrfmiddlewaretoken]")["value"]
    token_b = form_b.select_one("[name=csrfmiddlewaretoken]")["value"]
    assert token_a != token_b
    assert alice.cookies["csrftoken"].value != bob.cookies["csrftoken"].value
    # The cached event page carries no token and no cookie, whoever asked first.
    for client in (alice, bob, Client()):
        page = client.get(f"/en/events/{event.slug}/")
        assert b"csrfmiddlewaretoken" not in page.content
        assert page.cookies == {}


def test_logged_in_staff_never_get_or_fill_the_shared_cache(admin_client, client, event):
    staff_page = admin_client.get(f"/en/events/{event.slug}/")
    assert "ETag" not in staff_page
    public_page = client.get(f"/en/events/{event.slug}/")
    assert "ETag" in public_page


def _wsgi_get(path, **headers):
    from wsgiref.util import setup_testing_defaults

    from forum_site.wsgi import application

    environ = {"PATH_INFO": path, "HTTP_HOST": "127.0.0.1", **headers}
    setup_testing_defaults(environ)
    answer = {}

    def start_response(status, response_headers):
        answer["status"], answer["headers"] = status, dict(response_headers)

    body = b"".join(application(environ, start_response))
    return answer["status"], answer["headers"], body


@pytest.mark.django_db(transaction=True)  # the real WSGI handler closes connections between requests
def test_the_wsgi_application_answers_repeats_from_prebuilt_bytes(event, django_assert_max_num_queries):
    path = f"/en/events/{event.slug}/"
    status, headers, first = _wsgi_get(path)
    assert status == "200 OK"
    with django_assert_max_num_queries(1):
        status, headers, again = _wsgi_get(path, HTTP_ACCEPT_ENCODING="gzip")
    assert status == "200 OK"
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(again) == first
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    status, headers, body = _wsgi_get(path, HTTP_IF_NONE_MATCH=headers["ETag"])
    assert (status, body) == ("304 Not Modified", b"")
    # A host Django refuses is never answered from the cache.
    status, _headers, _body = _wsgi_get(path, HTTP_HOST="evil.example")
    assert status.startswith("400")


def test_the_live_state_may_lag_at_most_the_cache_time(client, monkeypatch, settings):
    event = make_event(start=timezone.now() + timedelta(hours=1))
    url = f"/en/events/{event.slug}/"
    assert text(soup(client.get(url)).select_one(".event-state")) == "Upcoming"
    # The clock moves on (no edit, so no new content version): the forum has started.
    type(event).objects.filter(pk=event.pk).update(start=timezone.now() - timedelta(minutes=1))
    assert text(soup(client.get(url)).select_one(".event-state")) == "Upcoming"
    from forum_site import pagecache

    later = pagecache.time.monotonic() + settings.PAGE_CACHE_SECONDS + 1
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: later)
    assert text(soup(client.get(url)).select_one(".event-state")) == "Live now"


def test_pages_with_a_form_are_compressed_too(client, event):
    plain = client.get(f"/en/events/{event.slug}/media/")
    packed = client.get(f"/en/events/{event.slug}/media/", HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip"
    assert b"csrfmiddlewaretoken" in gzip.decompress(packed.content)
    assert len(packed.content) < len(plain.content) / 3
