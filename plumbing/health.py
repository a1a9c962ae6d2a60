"""/healthz for a monitor on the host itself (curl http://127.0.0.1:8000/healthz),
whatever host name it asks for: it knows the server's address, not the site's."""

import ipaddress

from django.conf import settings

from .views import healthz


def _from_this_host(meta):
    """A connection from loopback that no proxy relayed: nginx, also on loopback,
    always sets X-Forwarded-For (deploy/nginx-forum-site.conf)."""
    if "HTTP_X_FORWARDED_FOR" in meta:
        return False
    try:
        return ipaddress.ip_address(meta.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def loopback_health(get_response):
    """Answers /healthz from this host before the host name is checked (ALLOWED_HOSTS
    would refuse 127.0.0.1 with 400). Placed after the middleware that set the
    security headers, so the answer carries them; it tells nothing but up or down."""

    def middleware(request):
        if request.path_info == "/healthz" and _from_this_host(request.META):
            response = healthz(request)
            # The one header set by a middleware after this one (XFrameOptionsMiddleware).
            response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
            return response
        return get_response(request)

    return middleware
