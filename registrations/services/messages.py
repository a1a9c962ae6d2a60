"""Messages from reviewers to media registrants (R11): one text per language,
one mail per person in their own language, all through the outbox.
Signatories receive no such messages: their consent covers their signature only."""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ..models import AuditEntry, MediaRegistration, Message, OutgoingMail
from .audit import audit_record
from .outbox import mail_enqueue, mail_tasks_delete

logger = logging.getLogger(__name__)


class MessageError(Exception):
    pass


# A message staff write to more than HOLD_OVER people waits HOLD_FOR before it
# goes: time for its writer, or a superuser, to cancel it. (Notices the site
# composes itself, invitations, updates, cancellations, go at once.)
HOLD_OVER = 20
HOLD_FOR = timedelta(minutes=10)


@transaction.atomic
def message_send(*, registrations, texts, by, now=None):
    """Write `texts` ({"subject_en": …, "body_en": …, "subject_ru": …}) to
    the confirmed media registrations given, all of one forum; each receives
    it in their mail language (English where that language's text is empty).
    One audit entry says who wrote to how many. Returns the Message."""
    # Only media registrations their owner confirmed, whatever was selected.
    people = list(MediaRegistration.objects.confirmed().filter(pk__in=[r.pk for r in registrations]))
    if not people:
        raise MessageError("nobody to write to")
    events = {person.event_id for person in people}
    if len(events) != 1:
        raise MessageError("a message concerns one forum")
    now = now or timezone.now()
    held = len(people) > HOLD_OVER
    message = Message.objects.create(
        event_id=events.pop(),
        created_by=by,
        username=by.get_username(),
        recipients=len(people),
        created_at=now,
        send_at=now + HOLD_FOR if held else now,
        **texts,
    )
    for person in people:
        mail_enqueue(
            recipient=person,
            kind=OutgoingMail.Kind.MESSAGE,
            message=message,
            not_before=message.send_at if held else None,
        )
    audit_record(
        user=by, action=AuditEntry.Action.MESSAGE, model=MediaRegistration, rows=len(people), event=message.event
    )
    logger.info("message %s to %s media registrants by user %s", message.pk, len(people), by.pk)
    return message


def message_cancellable(*, message, user, now=None):
    """Whether `user` may still cancel `message`: it is held and has not gone,
    and they wrote it or are a superuser."""
    now = now or timezone.now()
    return (
        message.cancelled_at is None
        and message.send_at is not None
        and now < message.send_at
        and (user.is_superuser or message.created_by_id == user.pk)
    )


@transaction.atomic
def message_cancel(*, message, by, now=None):
    """Cancel a held message before it goes: its mails leave the outbox, the
    audit log says who cancelled it."""
    now = now or timezone.now()
    message = Message.objects.select_for_update().get(pk=message.pk)
    if not message_cancellable(message=message, user=by, now=now):
        raise MessageError("this message can no longer be cancelled")
    waiting = message.mails.filter(status=OutgoingMail.Status.QUEUED, next_attempt_at__gt=now)
    mail_ids = list(waiting.values_list("pk", flat=True))
    OutgoingMail.objects.filter(pk__in=mail_ids).delete()
    mail_tasks_delete(mail_ids=mail_ids)
    message.cancelled_at = now
    message.save(update_fields=["cancelled_at"])
    audit_record(user=by, action=AuditEntry.Action.CANCEL, model=Message, object_id=message.pk, event=message.event)
    logger.info("message %s cancelled by user %s", message.pk, by.pk)
    return message
