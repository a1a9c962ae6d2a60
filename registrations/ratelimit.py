"""Requests per client address in a fixed window, counted in the cache.

The address is hashed before it becomes a cache key, so the cache holds no
address. With several workers or hosts the cache must be shared (Redis via
CACHE_URL); the default local-memory cache counts per process.
"""

import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

from forum_site.net import client_address


def _key(scope, address, window, now):
    digest = hashlib.blake2b(f"{scope}|{address}".encode(), key=settings.SECRET_KEY.encode()[:64], digest_size=16)
    return f"rl:{scope}:{digest.hexdigest()}:{int(now // window)}"


def hit(scope, address, *, limit, window):
    """Count one request; True while the address is within its limit."""
    now = time.time()
    key = _key(scope, address, window, now)
    if cache.add(key, 1, timeout=window + 1):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 1)
        return True
    return count <= limit


def limit_posts(scope, setting):
    """Refuse POSTs beyond the limit with a translated 429 page."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                limit, window = getattr(settings, setting)
                if not hit(scope, client_address(request), limit=limit, window=window):
                    response = render(request, "429.html", status=429)
                    response["Retry-After"] = str(window)
                    return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
