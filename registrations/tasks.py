"""Tasks queued before the outbox moved to `registrations.services.outbox`
are stored under this module's path; the name keeps them runnable."""

from .services.outbox import deliver_mail

__all__ = ["deliver_mail"]
