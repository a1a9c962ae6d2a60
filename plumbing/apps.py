from django.apps import AppConfig


class PlumbingConfig(AppConfig):
    """The ground floor: what every page needs and no page is about (the
    page cache, the SQLite backend, middleware, logs, staff login and
    lockout, rate limits, the admin at scale, the static mirror, publishing).
    It imports nothing of `events` or `registrations`."""

    name = "plumbing"

    def ready(self):
        from . import ratelimit  # noqa: F401 (registers its system check)
        from .staff_secrets import install

        install()
