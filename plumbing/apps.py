from django.apps import AppConfig


class PlumbingConfig(AppConfig):
    """The ground floor: what every page needs and no page is about (the
    page cache, the SQLite backend, middleware, logs, staff login and
    lockout, rate limits, the admin at scale, the static mirror, publishing).
    It imports nothing of `events` or `registrations`."""

    name = "plumbing"

    def ready(self):
        from . import hosts, keys, ratelimit  # noqa: F401 (register their system checks)
        from .staff_secrets import install

        install()
