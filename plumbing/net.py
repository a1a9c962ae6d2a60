"""Where a request comes from."""

import ipaddress

from django.conf import settings

# Tor's onion service, with `HiddenServiceExportCircuitID haproxy`, tells the proxy
# in front of the site (nginx, `listen ... proxy_protocol`) that each client comes
# from fc00:dead:beef:4dad::<circuit>: this fixed /64, the circuit's number in the
# last 32 bits. Every onion reader is in it, so it is counted per address (per
# circuit), not per /64 (deploy/tor-onion-service.conf, deploy/nginx-onion.conf).
ONION_CIRCUITS = ipaddress.ip_network("fc00:dead:beef:4dad::/64")


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


def is_onion(address):
    """Whether a client address (as client_address() gives it) is a Tor circuit."""
    try:
        return ipaddress.ip_address(address) in ONION_CIRCUITS
    except ValueError:
        return False


def _network(address):
    """An IPv6 client holds a whole /64 and can pick any address in it: rate
    limits and lockouts count the /64, as they count one IPv4 address. A Tor
    circuit (ONION_CIRCUITS) counts by its full address: one circuit, one client."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    if ip in ONION_CIRCUITS:
        return str(ip)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))
