"""Retention and erasure: unconfirmed rows when their link expires, and all
personal data of an event once its retention period has passed (or when a
superuser erases a forum's people): the rows, then the forum's key, so that
every copy of the database, of any date, reads that forum's people as erased."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from plumbing import keys, wal
from plumbing.publishing import public_changed

from ..models import (
    AuditEntry,
    Declaration,
    MailboxSend,
    MediaAccreditation,
    MediaRegistration,
    MediaRegistrationWord,
    OutgoingMail,
    PendingSubmission,
    ReviewEntry,
    Signature,
    SignatureWord,
)
from .audit import audit_record
from .erasure import erased_bytes_flush
from .outbox import mail_tasks_delete

logger = logging.getLogger(__name__)

PEOPLE = (MediaRegistration, Signature)
# What a person's erasure removes from the files too (services/erasure.py).
ERASED_WITH_PEOPLE = (*PEOPLE, MediaRegistrationWord, SignatureWord)
ERASED_WITH_FORUM = (*ERASED_WITH_PEOPLE, ReviewEntry, OutgoingMail, AuditEntry, MailboxSend)


@transaction.atomic
def unconfirmed_purge(*, now=None):
    """Erase registrations and signatures nobody confirmed before their
    latest link expired (counted from the latest submission, not the first),
    and mailbox allowances whose day is over. Returns {model label: rows erased}."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.CONFIRMATION_LINK_MAX_AGE)
    counts = {}
    for model in PEOPLE:
        _, per_model = model.objects.filter(status=model.UNCONFIRMED, submitted_at__lt=cutoff).delete()
        counts[model._meta.label] = per_model.get(model._meta.label, 0)
    MailboxSend.objects.filter(sent_at__lt=now - timedelta(hours=24)).delete()
    if any(counts.values()):
        erased_bytes_flush(models=ERASED_WITH_PEOPLE)
    logger.info("unconfirmed rows erased: %s", counts)
    return counts


def _of_event(model, event):
    return model.objects.filter(**{model.event_path: event})


@transaction.atomic
def event_personal_data_purge(*, event):
    """Erase every personal field of an event's registrations and signatures
    (the rows themselves), their mail and task results, and the audit entries
    about them; keep only how many there were. Then destroy the forum's key:
    what any backup holds of its people (and its messages) can no longer be
    read. (Destroyed before the commit: should the commit fail, the rows left
    read as erased, which is where they were going.)"""
    registrations = _of_event(MediaRegistration, event)
    signatures = _of_event(Signature, event)
    counted = signatures.counted().count()
    mail_ids = list(
        OutgoingMail.objects.filter(
            Q(**{f"registration__{MediaRegistration.event_path}": event})
            | Q(**{f"signature__{Signature.event_path}": event})
        ).values_list("pk", flat=True)
    )
    erased_registrations = registrations.count()
    MediaAccreditation.objects.filter(event=event).update(erased_count=F("erased_count") + erased_registrations)
    Declaration.objects.filter(event=event).update(erased_count=F("erased_count") + counted)
    registrations.delete()
    _, per_model = signatures.delete()
    result = {
        "registrations": erased_registrations,
        "signatures": per_model.get(Signature._meta.label, 0),
        "mail": len(mail_ids),
        "tasks": mail_tasks_delete(mail_ids=mail_ids),
        "audit": AuditEntry.objects.filter(event=event).delete()[0],
        "waiting submissions": PendingSubmission.objects.of_forums([event.pk]).delete()[0],
    }
    keys.destroy(keys.forum_key_name(event.pk))
    logger.info("event %s: personal data erased %s", event.pk, result)
    return result


def personal_data_purge(*, now=None):
    """Erase the personal data of every event whose retention period has
    passed, expired sessions, and unconfirmed rows. Safe to run daily."""
    from django.contrib.sessions.models import Session as SessionRow

    from events.models import Event

    now = now or timezone.now()
    due = [
        event
        for event in Event.objects.filter(end__lt=now)
        if event.end + timedelta(days=event.retention_days) <= now
        and any(_of_event(model, event).exists() for model in PEOPLE)
    ]
    results = {event.slug: event_personal_data_purge(event=event) for event in due}
    if results:
        public_changed()
        erased_bytes_flush(
            models=[*ERASED_WITH_PEOPLE, ReviewEntry, OutgoingMail, AuditEntry, MailboxSend], rewrite=True
        )
    unconfirmed_purge(now=now)
    SessionRow.objects.filter(expire_date__lt=now).delete()
    if results:
        # Last: the write-ahead log lets go of what the purge erased (PostgreSQL).
        wal.forget()
    return results


@transaction.atomic
def event_people_erase(*, event, by):
    """A superuser's "erase this forum's people": what the retention purge
    does to a forum, now (its key too), recorded in the audit log."""
    result = event_personal_data_purge(event=event)
    from events.models import Event

    audit_record(
        user=by,
        action=AuditEntry.Action.ERASE,
        model=Event,
        object_id=event.pk,
        rows=result["registrations"] + result["signatures"],
        event=event,
    )
    public_changed()
    erased_bytes_flush(models=ERASED_WITH_FORUM, rewrite=True)
    # Last: the write-ahead log lets go of what was erased (PostgreSQL).
    wal.forget()
    return result
