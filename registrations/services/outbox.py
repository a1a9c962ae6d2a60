"""The outbox: every mail is a row written in the caller's transaction, then
delivered by a task (claimed first, sent outside any transaction, retried
with a growing delay, finally left for staff).

With a backend that can defer (the database worker), a process queues one
task for all the mail it writes in MAIL_BATCH_SECONDS, not one per mail: the
task runs when that time is up and sends every mail then due. A burst of
submissions thus writes its mail rows and about one task row a second."""

import logging
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from plumbing import rows

from ..mail import NoRecipient, build_message
from ..models import OutgoingMail

logger = logging.getLogger(__name__)

# A mail being sent is claimed for this long; a worker that died meanwhile
# leaves it to be claimed again after that.
SENDING_LEASE = timedelta(minutes=10)
_SENDABLE = Q(status__in=[OutgoingMail.Status.QUEUED, OutgoingMail.Status.RETRYING]) | Q(
    status=OutgoingMail.Status.SENDING
)


@task()
def deliver_mail(mail_id):
    """Send one mail from the outbox (retries are scheduled by mail_deliver)."""
    mail_deliver(mail_id=mail_id)


@task()
def deliver_due_mail():
    """Send every mail whose time has come (a batch's task)."""
    mail_send_due()


class WindowBatch:
    """One task for all that a process writes in MAIL_BATCH_SECONDS (the
    window), not one per row: queued in the transaction of the first write
    of a window, to run when the window is up. `until` (monotonic): when the
    task this process queued, and saw committed, runs; what commits before
    then is handled by it. A write that counted on that task but commits
    after its time (a slow commit) queues another at once, so it never
    waits for cron."""

    def __init__(self, task):
        self.task = task
        self.until = 0.0
        self._lock = threading.Lock()

    def deferred(self):
        """True where the batch applies: a window, and a backend that can defer."""
        return settings.MAIL_BATCH_SECONDS > 0 and self.task.get_backend().supports_defer

    def queue(self):
        """In the writer's transaction: make sure the task will run for it."""
        window = settings.MAIL_BATCH_SECONDS
        now = time.monotonic()
        # Some margin: this transaction commits before the batch runs (else `late`).
        if self.until - now > window / 2:
            relied_on = self.until
            transaction.on_commit(lambda: self.late(relied_on))
            return
        until = now + window
        self.task.using(run_after=timezone.now() + timedelta(seconds=window)).enqueue()

        def committed():
            with self._lock:
                self.until = max(self.until, until)

        transaction.on_commit(committed)

    def late(self, relied_on):
        """After the commit: the task counted on was due before it; queue another."""
        if time.monotonic() >= relied_on:
            self.task.enqueue()


_batch = WindowBatch(deliver_due_mail)


def _deliver_soon(mail):
    """Queue the delivery of a mail just written, in the caller's transaction."""
    if _batch.deferred():
        _batch.queue()
    else:
        deliver_mail.enqueue(mail.pk)


def mail_enqueue(*, recipient=None, kind, message=None, event=None, language="", not_before=None, suppressed=False):
    """Write the mail for a person (a registration or a signature), or for a
    forum's contact address (`event`, no person), to the outbox and queue its
    delivery, in the caller's transaction: the change and its mail are
    committed together or not at all. `language`: where the mail is not to be
    written in the person's own. `not_before`: it waits until then (a held
    message; `send_queued_mail` takes it where the backend cannot defer).
    `suppressed`: written and queued all the same, but never sent (delivery
    deletes it): a submission over its mailbox's allowance takes the path of
    one within it."""
    person = {recipient.outbox_field: recipient} if recipient is not None else {}
    held = {"next_attempt_at": not_before} if not_before else {}
    if suppressed:
        held["status"] = OutgoingMail.Status.SUPPRESSED
    # One prepared INSERT (plumbing.rows): a public form's submission writes one.
    mail = rows.insert(OutgoingMail(**person, kind=kind, message=message, event=event, language=language, **held))
    if not not_before:
        _deliver_soon(mail)
    else:
        _schedule_retry(mail)
    return mail


def _retry_delay(attempts):
    """The wait before the next try after `attempts` failures; None after the last."""
    delays = settings.MAIL_RETRY_DELAYS
    return timedelta(seconds=delays[attempts - 1]) if attempts <= len(delays) else None


def mail_deliver(*, mail_id):
    """Send one mail whose time has come. It is claimed first (so two workers
    never send it twice) and sent outside any transaction (so a slow mail
    server holds no database lock). On failure the kind of error is noted (no
    personal data) and the next attempt scheduled with a growing delay; after
    the last, the mail waits for staff to resend it."""
    now = timezone.now()
    claimed = OutgoingMail.objects.filter(_SENDABLE, pk=mail_id, next_attempt_at__lte=now).update(
        status=OutgoingMail.Status.SENDING, next_attempt_at=now + SENDING_LEASE
    )
    if not claimed:
        # A suppressed mail was only ever written to take the same path: it goes now.
        OutgoingMail.objects.filter(pk=mail_id, status=OutgoingMail.Status.SUPPRESSED).delete()
        return None
    mail = (
        OutgoingMail.objects.select_related("registration__event", "signature__declaration__event", "message", "event")
        .filter(pk=mail_id)
        .first()
    )
    if mail is None:  # erased meanwhile, with its person
        return None
    mail.attempts += 1
    try:
        build_message(mail).send()
    except NoRecipient:
        # Not a failure to retry: nobody may receive it (the access of a
        # journalist no longer approved, say). Left failed for staff to see.
        mail.status, mail.last_error = OutgoingMail.Status.FAILED, NoRecipient.__name__
        mail.save(update_fields=["attempts", "last_error", "status"])
        logger.info("mail %s (%s) not sent: no recipient", mail.pk, mail.kind)
        return mail
    except Exception as exc:
        mail.last_error = type(exc).__name__
        delay = _retry_delay(mail.attempts)
        if delay is None:
            mail.status = OutgoingMail.Status.FAILED
        else:
            mail.status = OutgoingMail.Status.RETRYING
            mail.next_attempt_at = timezone.now() + delay
        mail.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
        logger.warning("mail %s (%s) not sent: %s, attempt %s", mail.pk, mail.kind, mail.last_error, mail.attempts)
        if delay is not None:
            transaction.on_commit(lambda: _schedule_retry(mail))
        return mail
    mail.status = OutgoingMail.Status.SENT
    mail.sent_at = timezone.now()
    mail.last_error = ""
    mail.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    logger.info("mail %s (%s) sent", mail.pk, mail.kind)
    return mail


def _schedule_retry(mail):
    """With a backend that can defer (the database worker), queue the next
    attempt for its time; otherwise `send_queued_mail` picks it up."""
    if deliver_mail.get_backend().supports_defer:
        deliver_mail.using(run_after=mail.next_attempt_at).enqueue(mail.pk)


def mail_send_due(*, now=None):
    """Deliver every queued or retrying mail whose time has come (cron's and
    the worker's safety net). Returns how many were sent."""
    now = now or timezone.now()
    OutgoingMail.objects.filter(status=OutgoingMail.Status.SUPPRESSED).delete()
    due = OutgoingMail.objects.filter(_SENDABLE, next_attempt_at__lte=now).order_by("pk").values_list("pk", flat=True)
    sent = 0
    for mail_id in list(due):
        mail = mail_deliver(mail_id=mail_id)
        sent += mail is not None and mail.status == OutgoingMail.Status.SENT
    return sent


@transaction.atomic
def mail_resend(*, mail):
    """Staff's resend: queue the mail again from the start."""
    mail.status = OutgoingMail.Status.QUEUED
    mail.next_attempt_at = timezone.now()
    mail.save(update_fields=["status", "next_attempt_at"])
    deliver_mail.enqueue(mail.pk)
    return mail


def mail_tasks_delete(*, mail_ids):
    """Task results name a mail by number only; they go with the mail (those
    queued under the task's earlier path, `registrations.tasks`, too)."""
    from django_tasks_db.models import DBTaskResult

    mail_ids = set(mail_ids)
    paths = [deliver_mail.module_path, "registrations.tasks.deliver_mail"]
    stale = [
        result.pk
        for result in DBTaskResult.objects.filter(task_path__in=paths).only("args_kwargs")
        if (result.args_kwargs.get("args") or [None])[0] in mail_ids
    ]
    DBTaskResult.objects.filter(pk__in=stale).delete()
    return len(stale)
