"""The site on more than one host (README, "More than one host").

Two application hosts share nothing but PostgreSQL, Redis (CACHE_URL) and the
key store. What already holds across hosts: the page cache's version is a row
read every PAGE_CACHE_VERSION_SECONDS, the staff lockout and login delay are
rows, sessions are rows, mail is claimed with a lease, rate limits count in
Redis, and the mirror export takes a PostgreSQL advisory lock (plumbing.mirror).

With SITE_HOSTS above 1, `manage.py check` fails, naming each piece of state
that would stay on one host: the check is what stops a second host from
quietly keeping its own counts, its own keys or its own copy of the mirror.
"""

from django.conf import settings
from django.core import checks

from . import ratelimit


def several_hosts():
    return settings.SITE_HOSTS > 1


def _database_is_local():
    return "sqlite" in settings.DATABASES["default"]["ENGINE"]


def _rate_limits_are_local():
    if ratelimit._kind() == "file":
        return True
    backend = settings.CACHES["default"]["BACKEND"].lower()
    return not any(name in backend for name in ratelimit.SHARED_CACHES)


def _keys_are_local():
    """Per-forum keys in a directory of this host (KEY_DIR) rather than the shared
    store (KEY_STORE_URL)."""
    return not settings.KEY_STORE_URL


def _mirror_is_local():
    return bool(
        settings.MIRROR_EXPORT_DIR
        and not settings.MIRROR_EXPORT_SHARED
        and not getattr(settings, "MIRROR_PUBLISH_COMMAND", "")
    )


@checks.register(checks.Tags.compatibility)
def check_several_hosts(app_configs=None, **kwargs):
    if not several_hosts():
        return []
    hosts = settings.SITE_HOSTS
    errors = []
    if _database_is_local():
        errors.append(
            checks.Error(
                f"SITE_HOSTS is {hosts}, but the database is SQLite: a file on one host.",
                hint="Set DATABASE_URL=postgres://… on every host (README, 'More than one host').",
                id="plumbing.E020",
            )
        )
    if _rate_limits_are_local():
        errors.append(
            checks.Error(
                f"SITE_HOSTS is {hosts}, but rate limits count on each host (the file in RATE_LIMIT_DIR, "
                "or a cache of one process): a flood spread over the hosts would get each host's allowance.",
                hint="Set CACHE_URL=redis://… (the same on every host) and leave RATE_LIMIT_STORE empty or `cache`.",
                id="plumbing.E021",
            )
        )
    if _keys_are_local():
        errors.append(
            checks.Error(
                f"SITE_HOSTS is {hosts}, but the per-forum keys are kept in a directory of each host "
                "(KEY_STORE_URL is empty): one host could not read what another encrypted.",
                hint="Set KEY_STORE_URL to the shared key store, the same on every host.",
                id="plumbing.E022",
            )
        )
    if _mirror_is_local():
        errors.append(
            checks.Error(
                f"SITE_HOSTS is {hosts}, but MIRROR_EXPORT_DIR is a directory of whichever host exported last: "
                "the copies on the other hosts would fall behind.",
                hint="Put MIRROR_EXPORT_DIR on storage every host mounts and set MIRROR_EXPORT_SHARED=True, or "
                "set MIRROR_PUBLISH_COMMAND (e.g. an rsync to the mirror's host) so the host that exported "
                "publishes it to the one place.",
                id="plumbing.E023",
            )
        )
    return errors
