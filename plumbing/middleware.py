"""The project's middleware: compression that reads q-values, headers Django
does not set itself (on every response, static files too), limits on what a
request may carry."""

import csp.constants
import csp.middleware
import csp.utils
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.middleware.gzip import GZipMiddleware as DjangoGZipMiddleware
from django.utils.cache import patch_vary_headers

from plumbing.pagecache import accepts_gzip


class GZipMiddleware(DjangoGZipMiddleware):
    """Django's, with its random padding against BREACH, but it honours
    "gzip;q=0" (Django's looks for the word gzip only) and leaves alone what
    the page cache answered, whose encoding is already chosen."""

    def process_response(self, request, response):
        if getattr(response, "page_cache_answer", False):
            return response
        if accepts_gzip(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            return super().process_response(request, response)
        # Identity for this client; the Vary header is the same as for one that accepts gzip.
        if (response.streaming or len(response.content) >= 200) and not response.has_header("Content-Encoding"):
            patch_vary_headers(response, ("Accept-Encoding",))
        return response


def security_headers(get_response):
    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware


def onion_location(get_response):
    """With ONION_URL set, every public page tells Tor Browser that it also
    lives at the onion address, except when read there (private pages, forms
    and the admin do not: their address may carry a token). Inside the page
    cache, so a stored page keeps the header."""

    def middleware(request):
        response = get_response(request)
        onion = settings.ONION_URL
        if (
            onion
            and getattr(response, "page_cacheable", False)
            and response.get("Content-Type", "").startswith("text/html")
            and request.META.get("HTTP_HOST", "").split(":")[0] != onion.split("://", 1)[-1]
        ):
            response.headers.setdefault("Onion-Location", onion + request.get_full_path())
        return response

    return middleware


def limit_public_posts(get_response):
    """Refuse a public form post larger than PUBLIC_POST_MAX_BYTES with 400,
    from its Content-Length, before anything reads it."""
    from django.core.exceptions import RequestDataTooBig
    from django.views.defaults import bad_request

    def middleware(request):
        if request.method == "POST" and not request.path.startswith("/admin/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > settings.PUBLIC_POST_MAX_BYTES:
                return bad_request(request, RequestDataTooBig())
        return get_response(request)

    return middleware


def reject_nul_bytes(get_response):
    """Refuse with 400 a request whose path, query, form fields or cookies
    hold a NUL character. No person types one, and PostgreSQL refuses it in
    any text it is given, so a filter, a search or a session cookie carrying
    one would otherwise end in a 500 (SQLite stores it silently)."""
    from django.core.exceptions import SuspiciousOperation
    from django.views.defaults import bad_request

    def holds_nul(query_dict):
        return any("\x00" in key or any("\x00" in value for value in values) for key, values in query_dict.lists())

    def middleware(request):
        if (
            "\x00" in request.path_info
            or holds_nul(request.GET)
            or (request.method == "POST" and holds_nul(request.POST))
            or any("\x00" in key or "\x00" in value for key, value in request.COOKIES.items())
        ):
            return bad_request(request, SuspiciousOperation("NUL character in the request"))
        return get_response(request)

    return middleware


# The attributes through which a view (django-csp's decorators) asks for a policy of its own.
_OWN_POLICY = tuple(f"_csp_{part}{ro}" for part in ("config", "update", "replace") for ro in ("", "_ro"))


class CSPMiddleware(csp.middleware.CSPMiddleware):
    """django-csp's, with the policy built once per process instead of on
    every answer: the site uses no nonce and no per-view policy, so every
    answer carries the same header, set as django-csp sets it (not over a
    header already there, not on an exempted answer or an excluded prefix).
    An answer whose view asks for its own policy (a decorator) or that used a
    nonce is left to django-csp. Written against django-csp 4.0's
    process_response (requirements.txt pins it); tests/test_public_post_path.py
    compares both on plain, decorated, exempted and pre-set answers."""

    # report_only → (the header, the prefixes it is not sent on), from the settings.
    _built = {}

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(hasattr(response, a) for a in _OWN_POLICY):
            return super().process_response(request, response)
        if response.status_code in (500, 404) and settings.DEBUG:
            return response
        for header, setting, exempt, report_only in _POLICIES:
            built = self._built.get(report_only)
            if built is None:
                prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
                built = self._built[report_only] = (csp.utils.build_policy(report_only=report_only), tuple(prefixes))
            policy, excluded = built
            if (
                policy
                and header not in response
                and not getattr(response, exempt, False)
                and not request.path_info.startswith(excluded)
            ):
                response[header] = policy
        request.csp_nonce = csp.middleware.CheckableLazyObject(self._csp_nonce_post_response)
        return response


_POLICIES = (
    (csp.constants.HEADER, "CONTENT_SECURITY_POLICY", "_csp_exempt", False),
    (csp.constants.HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", "_csp_exempt_ro", True),
)


@receiver(setting_changed)
def _policy_changed(*, setting, **_signal):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        CSPMiddleware._built.clear()
