"""A cache of whole public responses, so a surge of readers costs little more
than serving a file.

Views opt in with `@public_page`: pages with no form, no token, nothing
personal. The middleware, outermost, stores such a response (headers, body,
and its gzip) per path and content version, answers repeats from memory with
an ETag, 304 to a client that has it, and gzip to a client that accepts it.
Anything with a cookie to set, a Vary on Cookie, or a session in the request
is never stored or served from here.

Every edit of public content bumps one version number in the database
(`bump()`), which each process reads at most once a second
(PAGE_CACHE_VERSION_SECONDS), so an edit shows everywhere within that; the
live / ended state may lag by up to PAGE_CACHE_SECONDS.
"""

import gzip
import hashlib
import threading
import time
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers

_COMPRESSIBLE = ("text/", "application/json", "application/xml", "application/ld+json", "image/svg+xml")
_version = {"value": None, "read_at": 0.0}
_version_lock = threading.Lock()


def public_page(view):
    """Mark a view's successful responses as public and cacheable."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            response["Cache-Control"] = f"public, max-age={settings.PAGE_CACHE_BROWSER_SECONDS}"
            response.page_cacheable = True
        return response

    return wrapped


def current_version():
    from events.models import ContentVersion

    now = time.monotonic()
    with _version_lock:
        if _version["value"] is not None and now - _version["read_at"] < settings.PAGE_CACHE_VERSION_SECONDS:
            return _version["value"]
    try:
        value = ContentVersion.objects.filter(pk=1).values_list("value", flat=True).first() or 0
    except DatabaseError:
        value = -1  # the page itself will fail the same way, uncached
    with _version_lock:
        _version.update(value=value, read_at=now)
    return value


def bump(**kwargs):
    """Public content changed: every cached page is stale, in every process.
    The number changes in the caller's transaction, so other processes see it
    exactly when they can see the new content."""
    from events.models import ContentVersion

    if not ContentVersion.objects.filter(pk=1).update(value=F("value") + 1):
        try:
            with transaction.atomic():
                ContentVersion.objects.create(pk=1, value=1)
        except IntegrityError:
            ContentVersion.objects.filter(pk=1).update(value=F("value") + 1)
    with _version_lock:
        _version.update(value=None, read_at=0.0)


class _Entry:
    __slots__ = ("body", "etag", "expires", "gzipped", "headers", "status")

    def __init__(self, response, expires):
        self.status = response.status_code
        self.headers = {
            name: value
            for name, value in response.items()
            if name.lower() not in ("content-length", "content-encoding")
        }
        self.body = response.content
        self.etag = '"' + hashlib.blake2b(self.body, digest_size=16).hexdigest() + '"'
        content_type = response.get("Content-Type", "")
        self.gzipped = None
        if len(self.body) > 512 and content_type.startswith(_COMPRESSIBLE):
            self.gzipped = gzip.compress(self.body, compresslevel=6, mtime=0)
        self.expires = expires

    def respond(self, request):
        if self.etag in [tag.strip() for tag in request.META.get("HTTP_IF_NONE_MATCH", "").split(",")]:
            response = HttpResponseNotModified()
            for name in ("Cache-Control", "Vary", "Content-Security-Policy"):
                if name in self.headers:
                    response[name] = self.headers[name]
        else:
            use_gzip = self.gzipped is not None and "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "")
            response = HttpResponse(self.gzipped if use_gzip else self.body, status=self.status)
            for name, value in self.headers.items():
                response[name] = value
            if use_gzip:
                response["Content-Encoding"] = "gzip"
        response["ETag"] = self.etag
        if self.gzipped is not None:
            patch_vary_headers(response, ["Accept-Encoding"])
        return response


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.store = OrderedDict()
        self.lock = threading.Lock()

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return self.get_response(request)
        try:
            host = request.get_host()
        except DisallowedHost:
            return self.get_response(request)  # Django answers 400
        key = (current_version(), request.scheme, host, request.path, request.META.get("QUERY_STRING", ""))
        now = time.monotonic()
        with self.lock:
            entry = self.store.get(key)
            if entry is not None and entry.expires > now:
                self.store.move_to_end(key)
                hit = entry
            else:
                hit = None
        if hit is not None:
            return hit.respond(request)
        response = self.get_response(request)
        if not self._storable(response):
            return response
        entry = _Entry(response, expires=now + settings.PAGE_CACHE_SECONDS)
        with self.lock:
            self.store[key] = entry
            while len(self.store) > settings.PAGE_CACHE_ENTRIES:
                self.store.popitem(last=False)
        return entry.respond(request)

    @staticmethod
    def _storable(response):
        return (
            getattr(response, "page_cacheable", False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "cookie" not in response.get("Vary", "").lower()
        )
