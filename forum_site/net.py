"""Where a request comes from."""

from django.conf import settings


def client_address(request):
    """The client's address. Behind one trusted reverse proxy (BEHIND_PROXY),
    the last address in X-Forwarded-For is the one that proxy saw: earlier
    entries are whatever the client chose to send and are not trusted."""
    if settings.BEHIND_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")
