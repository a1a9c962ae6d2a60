"""Where a request comes from."""

import ipaddress

from django.conf import settings


def client_address(request):
    """The client's address. Behind one trusted reverse proxy (BEHIND_PROXY),
    the last address in X-Forwarded-For is the one that proxy saw: earlier
    entries are whatever the client chose to send and are not trusted."""
    address = request.META.get("REMOTE_ADDR", "")
    if settings.BEHIND_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            address = forwarded[-1]
    return _network(address)


def _network(address):
    """An IPv6 client holds a whole /64 and can pick any address in it: rate
    limits and lockouts count the /64, as they count one IPv4 address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))
