"""Public pages are served from memory, revalidated with ETags, compressed,
fresh after every edit, and never shared when they carry anything personal."""

import gzip
import time
from datetime import timedelta

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import path
from django.utils import timezone

from plumbing.pagecache import public_page
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
    # Pages that show the signature count are kept no longer than COUNT_REFRESH_SECONDS (5).
    shows_count = path in ("/en/events/{slug}/", "/ru/events/{slug}/declaration/")
    assert first["Cache-Control"] == f"public, max-age={5 if shows_count else 10}"
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


def test_a_confirmed_signature_shows_in_the_count_within_count_refresh_seconds(client, event, settings):
    # Issue 12: a confirmation empties no cached page; the pages that show the
    # count show the stored count at most COUNT_REFRESH_SECONDS later.
    settings.COUNT_REFRESH_SECONDS = 1
    urls = [f"/en/events/{event.slug}/declaration/", f"/en/events/{event.slug}/"]

    def counts():
        return [text(soup(client.get(url)).select_one(".signature-count")) for url in urls]

    assert counts() == ["0 signatures", "0 signatures"]
    signature = make_signature(event.declaration, status="unconfirmed", confirmed_at=None)
    services.person_confirm(person=signature)
    assert counts() == ["0 signatures", "0 signatures"]  # still the cached pages
    time.sleep(1.05)
    assert counts() == ["1 signature", "1 signature"]
    services.person_withdraw(person=signature)
    time.sleep(1.05)
    assert counts() == ["0 signatures", "0 signatures"]


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
    from plumbing import pagecache

    later = pagecache.time.monotonic() + settings.PAGE_CACHE_SECONDS + 1
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: later)
    assert text(soup(client.get(url)).select_one(".event-state")) == "Live now"


def test_pages_with_a_form_are_compressed_too(client, event):
    plain = client.get(f"/en/events/{event.slug}/media/")
    packed = client.get(f"/en/events/{event.slug}/media/", HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip"
    assert b"csrfmiddlewaretoken" in gzip.decompress(packed.content)
    assert len(packed.content) < len(plain.content) / 3


# What SecurityMiddleware and plumbing.middleware add; a hit must send them as the miss did.
SECURITY_HEADERS = (
    "Strict-Transport-Security",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Cross-Origin-Resource-Policy",
    "Content-Security-Policy",
    "X-Frame-Options",
    "Permissions-Policy",
)
REQUESTS = {
    "plain": {},
    "gzip": {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"},
    "head": {"REQUEST_METHOD": "HEAD"},
    "https behind the proxy": {"HTTP_X_FORWARDED_PROTO": "https"},
    "https behind the proxy, gzip": {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_ACCEPT_ENCODING": "gzip"},
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", REQUESTS)
def test_a_wsgi_level_hit_sends_the_same_headers_as_the_miss(event, settings, monkeypatch, kind):
    settings.BEHIND_PROXY = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    request = REQUESTS[kind]
    path = f"/en/events/{event.slug}/"
    miss_status, miss, _body = _wsgi_get(path, **request)

    from forum_site.wsgi import application

    def django_must_not_run(environ, start_response):
        raise AssertionError("a repeat must be answered before Django")

    monkeypatch.setattr(application, "application", django_must_not_run)
    hit_status, hit, body = _wsgi_get(path, **request)
    assert (miss_status, hit_status) == ("200 OK", "200 OK")
    assert hit == miss
    assert hit["X-Content-Type-Options"] == "nosniff"
    assert hit["Referrer-Policy"] == "same-origin"
    assert hit["Cross-Origin-Opener-Policy"] == "same-origin"
    if "HTTP_X_FORWARDED_PROTO" in request:
        assert hit["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    else:
        assert "Strict-Transport-Security" not in hit  # never over plain http
    if kind == "head":
        assert body == b""

    status, revalidated, body = _wsgi_get(path, HTTP_IF_NONE_MATCH=hit["ETag"], **request)
    assert (status, body) == ("304 Not Modified", b"")
    # A 304 carries what a 200 would for caching, and the same security headers.
    for name in ("ETag", "Cache-Control", "Vary", *SECURITY_HEADERS):
        assert revalidated.get(name) == hit.get(name), name
    assert "Content-Length" not in revalidated


@pytest.mark.parametrize(
    ("accept_encoding", "accepted"),
    [
        ("gzip", True),
        ("GZip, deflate, br", True),
        ("gzip;q=0.5", True),
        ("*", True),
        ("br, *;q=0.1", True),
        ("gzip;q=0", False),
        ("gzip; q=0.000, br", False),
        ("*, gzip;q=0", False),
        ("*;q=0", False),
        ("identity", False),
        ("br", False),
        ("", False),
    ],
)
def test_accepts_gzip_reads_q_values(accept_encoding, accepted):
    from plumbing.pagecache import accepts_gzip

    assert accepts_gzip(accept_encoding) is accepted


@pytest.mark.django_db(transaction=True)
def test_gzip_refused_with_q_0_gets_identity_from_the_page_cache(event, client):
    path = f"/en/events/{event.slug}/"
    _status, _headers, plain = _wsgi_get(path)
    # The WSGI wrapper's hit, then the middleware's (the test client bypasses the wrapper).
    status, headers, body = _wsgi_get(path, HTTP_ACCEPT_ENCODING="gzip;q=0, br")
    assert status == "200 OK"
    assert "Content-Encoding" not in headers
    assert body == plain
    response = client.get(path, HTTP_ACCEPT_ENCODING="gzip;q=0", HTTP_HOST="127.0.0.1")
    assert "Content-Encoding" not in response
    assert response.content == plain


def test_gzip_refused_with_q_0_gets_identity_from_a_form_page(client, event):
    url = f"/en/events/{event.slug}/media/"
    refused = client.get(url, HTTP_ACCEPT_ENCODING="gzip;q=0")
    assert "Content-Encoding" not in refused
    assert b"csrfmiddlewaretoken" in refused.content
    assert "Accept-Encoding" in refused["Vary"]
    accepted = client.get(url, HTTP_ACCEPT_ENCODING="gzip;q=0.8")
    assert accepted["Content-Encoding"] == "gzip"
    assert b"csrfmiddlewaretoken" in gzip.decompress(accepted.content)


@public_page
def _small_page(request):
    return HttpResponse("A public page of 300 bytes. ".ljust(300, "x"), content_type="text/plain")


urlpatterns = [path("small/", _small_page)]


@pytest.mark.urls("tests.test_pagecache")
@pytest.mark.django_db(transaction=True)
def test_a_small_public_page_is_answered_alike_by_miss_and_hit():
    """The page cache keeps pages under 512 bytes plain; GZipMiddleware must
    not compress the miss that a WSGI-level hit then answers plain."""
    miss = _wsgi_get("/small/", HTTP_ACCEPT_ENCODING="gzip")
    hit = _wsgi_get("/small/", HTTP_ACCEPT_ENCODING="gzip")
    assert hit == miss
    assert "Content-Encoding" not in hit[1]


def test_an_expired_page_is_rendered_again_by_one_request_while_others_get_the_old_copy(client, event, settings):
    from plumbing.pagecache import STORE

    settings.COUNT_REFRESH_SECONDS = 1
    url = f"/en/events/{event.slug}/declaration/"

    def count():
        return text(soup(client.get(url, HTTP_HOST="testserver")).select_one(".signature-count"))

    assert count() == "0 signatures"
    make_signature(event.declaration)
    time.sleep(1.05)
    # Another request has claimed the expired page and is rendering it.
    environ = {"REQUEST_METHOD": "GET", "wsgi.url_scheme": "http", "HTTP_HOST": "testserver", "PATH_INFO": url}
    key, entry = STORE.get(environ)
    assert entry is None
    assert count() == "0 signatures"  # the old copy, not a second rendering
    STORE.release(key)
    assert count() == "1 signature"


@pytest.mark.parametrize("path", ["/sitemap.xml", "/robots.txt"])
def test_language_neutral_pages_name_no_language_whoever_asked_first(event, path):
    """The first reader asked in Belarusian, the next in Russian: both get the
    same headers and bytes, naming no language (stored or not)."""
    answers = []
    for language, cookie in [("be", True), ("ru", False), ("en", False), ("be", False)]:
        client = Client()
        if cookie:
            client.cookies["django_language"] = language
        answers.append(client.get(path, HTTP_ACCEPT_LANGUAGE=f"{language},en;q=0.5"))
    assert {answer.status_code for answer in answers} == {200}
    assert all("Content-Language" not in answer for answer in answers)
    assert all("accept-language" not in answer.get("Vary", "").lower() for answer in answers)
    headers = {
        tuple((name, value) for name, value in answer.items() if name not in ("Date", "Age")) for answer in answers
    }
    assert len(headers) == 1
    assert len({answer.content for answer in answers}) == 1
