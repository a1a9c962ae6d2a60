"""Tasks queued before the outbox moved to `registrations.services.outbox`
are stored under this module's path; the name keeps them runnable.

It may go once no row of the task queue names this path (`task_path LIKE
'registrations.tasks.%'` finds none): a queued mail task runs within
seconds, and its retries are queued under the new path."""

from .services.outbox import deliver_mail

__all__ = ["deliver_mail"]
