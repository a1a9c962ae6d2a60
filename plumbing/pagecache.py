"""A cache of whole public responses, so a surge of readers costs little more
than serving a file.

Views opt in with `@public_page`: pages with no form, no token, nothing
personal. The middleware, outermost, stores such a response (headers, body,
and its gzip) per path and content version, answers repeats from memory with
an ETag, 304 to a client that has it, and gzip to a client that accepts it.
Anything with a cookie to set, a Vary on Cookie, or a session in the request
is never stored or served from here.

A stored entry is the response as the whole stack finished it, security
headers included (SecurityMiddleware and the others run inside this one), so
a hit, from here or from the WSGI wrapper, carries exactly the headers of the
miss that filled it, for the same scheme.

Every edit of public content bumps one version number in the database
(`bump()`), which each process reads at most once a second
(PAGE_CACHE_VERSION_SECONDS), so an edit shows everywhere within that. What
changes by itself in time (a session starting or ending) is marked by the
view with `expires_within()`: the page is kept here, and in browsers and nginx
(its max-age, lowered on each hit to what is left), no longer than until then.

Stored counts (the Declaration's signatures) are not content: confirming a
signature bumps nothing. A page that shows a count is marked `@shows_count`
and kept for COUNT_REFRESH_SECONDS instead, so a signing surge refreshes
those few pages every few seconds and empties no other.
"""

import gzip
import hashlib
import math
import threading
import time
from functools import wraps

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone

_COMPRESSIBLE = ("text/", "application/json", "application/xml", "application/ld+json", "image/svg+xml")
# Representation metadata a 304 leaves out (RFC 9110, 15.4.5): the client keeps
# these from the 200 it has. Every other header, security headers included, is sent.
_NOT_ON_304 = ("content-type", "content-length", "content-encoding", "content-language", "content-disposition")
_version = {"state": (None, 0.0)}
# How long one request's claim to render an expired page again holds off the others.
REFRESH_CLAIM_SECONDS = 10
# Set in the WSGI environ of the requests plumbing.mirror renders for the static copy.
MIRROR_EXPORT_KEY = "forum_site.mirror_export"


def accepts_gzip(accept_encoding):
    """Whether an Accept-Encoding header value accepts gzip, its q-values
    read (RFC 9110, 12.5.3): "gzip;q=0" refuses it, "*" accepts it unless
    gzip is listed on its own."""
    gzip_q = star_q = None
    for item in accept_encoding.lower().split(","):
        coding, *params = (part.strip() for part in item.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if coding in ("gzip", "x-gzip"):
            gzip_q = q if gzip_q is None else max(gzip_q, q)
        elif coding == "*":
            star_q = q
    if gzip_q is not None:
        return gzip_q > 0
    return star_q is not None and star_q > 0


def public_page(view):
    """Mark a view's successful responses as public and cacheable (and the
    view as one the static mirror copies, plumbing.mirror)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            seconds = _seconds(response)
            response["Cache-Control"] = f"public, max-age={min(settings.PAGE_CACHE_BROWSER_SECONDS, seconds)}"
            response.page_cacheable = True
        return response

    wrapped.is_public_page = True
    return wrapped


def language_neutral(view):
    """The answer is the same in every language (sitemap.xml, robots.txt): it
    names none (no Content-Language, no Vary on Accept-Language), so what is
    stored does not carry the language of whoever asked first."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.language_neutral = True
        return response

    return wrapped


def _without_language(response):
    if getattr(response, "language_neutral", False):
        del response["Content-Language"]
        vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
        kept = [v for v in vary if v.lower() != "accept-language"]
        if kept:
            response["Vary"] = ", ".join(kept)
        else:
            del response["Vary"]
    return response


def shows_count(view):
    """Under `@public_page`: the page shows a stored count, so it is kept (here
    and in browsers) for at most COUNT_REFRESH_SECONDS."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return expires_within(view(request, *args, **kwargs), settings.COUNT_REFRESH_SECONDS)

    return wrapped


def expires_within(response, seconds):
    """The page changes by itself within `seconds` (a count, a session
    starting): it is kept no longer, here and by browsers and nginx."""
    response.page_cache_seconds = min(seconds, getattr(response, "page_cache_seconds", seconds))
    return response


def _seconds(response):
    return min(settings.PAGE_CACHE_SECONDS, getattr(response, "page_cache_seconds", settings.PAGE_CACHE_SECONDS))


def current_version():
    """The content version, read from the database at most once per
    PAGE_CACHE_VERSION_SECONDS in this process."""
    value, read_at = _version["state"]  # one tuple, swapped whole: no lock to read it
    now = time.monotonic()
    if value is not None and now - read_at < settings.PAGE_CACHE_VERSION_SECONDS:
        return value
    from .models import ContentVersion  # only when the database is read, not on every hit

    try:
        value = ContentVersion.objects.filter(pk=1).values_list("value", flat=True).first() or 0
    except DatabaseError:
        value = -1  # the page itself will fail the same way, uncached
    _version["state"] = (value, now)
    return value


def bump(**kwargs):
    """Public content changed: every cached page is stale, in every process.
    The number changes in the caller's transaction, so other processes see it
    exactly when they can see the new content."""
    from .models import ContentVersion

    now = timezone.now()
    if not ContentVersion.objects.filter(pk=1).update(value=F("value") + 1, changed_at=now):
        try:
            with transaction.atomic():
                ContentVersion.objects.create(pk=1, value=1, changed_at=now)
        except IntegrityError:
            ContentVersion.objects.filter(pk=1).update(value=F("value") + 1, changed_at=now)
    _version["state"] = (None, 0.0)


class _Entry:
    """A stored response, with its WSGI status line and header lists ready
    for each answer: plain, gzip, and 304."""

    __slots__ = ("etag", "expires", "gzipped", "max_age", "not_modified", "plain")

    def __init__(self, response, expires):
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() not in ("content-length", "content-encoding", "vary", "etag")
        ]
        body = response.content
        self.etag = '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
        self.expires = expires
        self.max_age = _max_age(response.get("Cache-Control", ""))
        vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
        compressible = len(body) > 512 and response.get("Content-Type", "").startswith(_COMPRESSIBLE)
        if compressible and "Accept-Encoding" not in vary:
            vary.append("Accept-Encoding")
        common = [*headers, ("ETag", self.etag)] + ([("Vary", ", ".join(vary))] if vary else [])
        status = f"{response.status_code} {response.reason_phrase}"
        self.plain = (status, [*common, ("Content-Length", str(len(body)))], body)
        self.gzipped = None
        if compressible:
            packed = gzip.compress(body, compresslevel=6, mtime=0)
            self.gzipped = (
                status,
                [*common, ("Content-Encoding", "gzip"), ("Content-Length", str(len(packed)))],
                packed,
            )
        kept = [(n, v) for n, v in common if n.lower() not in _NOT_ON_304]
        self.not_modified = ("304 Not Modified", kept, b"")

    def answer(self, environ):
        """(status, headers, body) for this request."""
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if if_none_match and self.etag in [tag.strip() for tag in if_none_match.split(",")]:
            return self._aged(self.not_modified)
        if self.gzipped is not None and accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", "")):
            return self._aged(self.gzipped)
        return self._aged(self.plain)

    def _aged(self, answer):
        """A copy served later is kept by its reader (a browser, nginx) only
        for what is left of its time here: no cache outlives this one."""
        if self.max_age is None:
            return answer
        left = max(0, math.ceil(self.expires - time.monotonic()))
        if left >= self.max_age:
            return answer
        status, headers, body = answer
        headers = [
            (name, _with_max_age(value, left) if name.lower() == "cache-control" else value) for name, value in headers
        ]
        return status, headers, body


def _max_age(cache_control):
    for directive in cache_control.split(","):
        name, _, value = directive.strip().partition("=")
        if name.lower() == "max-age" and value.isdigit():
            return int(value)
    return None


def _with_max_age(cache_control, seconds):
    return ", ".join(
        f"max-age={seconds}" if part.strip().lower().startswith("max-age=") else part.strip()
        for part in cache_control.split(",")
    )


class _Store:
    """Entries per (content version, scheme, host, path, query), at most
    PAGE_CACHE_ENTRIES, each for PAGE_CACHE_SECONDS."""

    def __init__(self):
        self.entries = {}
        self.refreshing = {}  # key: when a request claimed its new rendering
        self.lock = threading.Lock()

    @staticmethod
    def key(environ, version):
        scheme = environ.get("wsgi.url_scheme", "http")
        proxy_header = settings.SECURE_PROXY_SSL_HEADER
        if proxy_header and environ.get(proxy_header[0]) == proxy_header[1]:
            scheme = "https"
        return (
            version,
            scheme,
            environ.get("HTTP_HOST", ""),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
        )

    @staticmethod
    def eligible(environ):
        cookies = environ.get("HTTP_COOKIE", "")
        return (
            environ.get("REQUEST_METHOD") in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME + "=" not in cookies
            # The mirror's export renders pages as of now, never from memory.
            and not environ.get(MIRROR_EXPORT_KEY)
        )

    def get(self, environ, *, claim=True):
        """(key, entry or None); the key holds the content version read now,
        so a page rendered while content changes is stored under the old one.
        Reads take no lock (a dict lookup is atomic); the oldest stored entry
        is the first evicted.

        An entry past its time, of the current content version, is rendered
        again by one request (the one that claims it) while the others get the
        old copy (it differs at most by a count or the live state): a page
        that expires every few seconds under a surge is not rendered by every
        thread at once. A claim lapses after REFRESH_CLAIM_SECONDS."""
        key = self.key(environ, current_version())
        entry = self.entries.get(key)
        if entry is None:
            return key, None
        now = time.monotonic()
        if entry.expires > now:
            return key, entry
        with self.lock:
            claimed = self.refreshing.get(key)
            if claimed is not None and now - claimed < REFRESH_CLAIM_SECONDS:
                return key, entry
            if claim:
                self.refreshing[key] = now
        return key, None

    def release(self, key):
        """The claiming request is done, stored or not."""
        self.refreshing.pop(key, None)

    def put(self, key, response):
        entry = _Entry(response, expires=time.monotonic() + _seconds(response))
        with self.lock:
            self.entries[key] = entry
            while len(self.entries) > settings.PAGE_CACHE_ENTRIES:
                del self.entries[next(iter(self.entries))]
        return entry

    def clear(self):
        with self.lock:
            self.entries.clear()
            self.refreshing.clear()


STORE = _Store()


def _response(answer):
    status, headers, body = answer
    response = HttpResponseNotModified() if status.startswith("304") else HttpResponse(body, status=int(status[:3]))
    for name, value in headers:
        response[name] = value
    # Final, as the WSGI wrapper sends it: the encoding is already chosen
    # (plumbing.middleware.GZipMiddleware leaves it alone).
    response.page_cache_answer = True
    return response


class PageCacheMiddleware:
    """Inside Django: answers hits (for servers that bypass the WSGI wrapper,
    and the test client) and stores what public views return. It comes before
    every middleware that sets headers (settings.MIDDLEWARE), so what it
    stores is what a miss sends."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not STORE.eligible(request.META):
            return _without_language(self.get_response(request))
        try:
            request.get_host()
        except DisallowedHost:
            return self.get_response(request)  # Django answers 400
        key, entry = STORE.get(request.META)
        if entry is not None:
            return _response(entry.answer(request.META))
        try:
            response = _without_language(self.get_response(request))
            if not self._storable(response):
                return response
            return _response(STORE.put(key, response).answer(request.META))
        finally:
            STORE.release(key)

    @staticmethod
    def _storable(response):
        return (
            getattr(response, "page_cacheable", False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "cookie" not in response.get("Vary", "").lower()
        )


class PageCacheApplication:
    """Outside Django (forum_site.wsgi): a hit is answered from prebuilt
    bytes, without building a request or running any middleware. Only pages
    Django itself stored for this host and scheme are found here."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        # The middleware claims a page to render again, not this wrapper.
        entry = STORE.get(environ, claim=False)[1] if STORE.eligible(environ) else None
        if entry is None:
            return self.application(environ, start_response)
        status, headers, body = entry.answer(environ)
        start_response(status, list(headers))
        return [b"" if environ.get("REQUEST_METHOD") == "HEAD" else body]
