"""Messages from reviewers to media registrants (R11): one text per language,
one mail per person in their own language, all through the outbox.
Signatories receive no such messages: their consent covers their signature only."""

import logging

from django.db import transaction

from ..models import AuditEntry, MediaRegistration, Message, OutgoingMail
from .audit import audit_record
from .outbox import mail_enqueue

logger = logging.getLogger(__name__)


class MessageError(Exception):
    pass


@transaction.atomic
def message_send(*, registrations, texts, by):
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
    message = Message.objects.create(
        event_id=events.pop(),
        created_by=by,
        username=by.get_username(),
        recipients=len(people),
        **texts,
    )
    for person in people:
        mail_enqueue(recipient=person, kind=OutgoingMail.Kind.MESSAGE, message=message)
    audit_record(
        user=by, action=AuditEntry.Action.MESSAGE, model=MediaRegistration, rows=len(people), event=message.event
    )
    logger.info("message %s to %s media registrants by user %s", message.pk, len(people), by.pk)
    return message
