"""Headers Django does not set itself, on every response (static files too)."""

from django.conf import settings


def security_headers(get_response):
    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
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
