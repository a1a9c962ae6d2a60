"""The writes that matter: register, confirm, decide, erase, and the mail
each of them sends. Views and admin actions call these; nothing else writes
registrations."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from forum_site import pagecache

from .models import MediaRegistration, OutgoingMail, Signature, normalise_email

logger = logging.getLogger(__name__)

Status = MediaRegistration.Status
Kind = OutgoingMail.Kind


# --- Mail ------------------------------------------------------------------------


def mail_enqueue(*, recipient, kind):
    """Write the mail for a registration or a signature to the outbox and
    queue its delivery, in the caller's transaction: the change and its mail
    are committed together or not at all."""
    from .tasks import deliver_mail

    field = "signature" if isinstance(recipient, Signature) else "registration"
    mail = OutgoingMail.objects.create(**{field: recipient}, kind=kind)
    deliver_mail.enqueue(mail.pk)
    return mail


def _retry_delay(attempts):
    """The wait before the next try after `attempts` failures; None after the last."""
    delays = settings.MAIL_RETRY_DELAYS
    return timedelta(seconds=delays[attempts - 1]) if attempts <= len(delays) else None


# A mail being sent is claimed for this long; a worker that died meanwhile
# leaves it to be claimed again after that.
SENDING_LEASE = timedelta(minutes=10)
_SENDABLE = Q(status__in=[OutgoingMail.Status.QUEUED, OutgoingMail.Status.RETRYING]) | Q(
    status=OutgoingMail.Status.SENDING
)


def mail_deliver(*, mail_id):
    """Send one mail whose time has come. It is claimed first (so two workers
    never send it twice) and sent outside any transaction (so a slow mail
    server holds no database lock). On failure the kind of error is noted (no
    personal data) and the next attempt scheduled with a growing delay; after
    the last, the mail waits for staff to resend it."""
    from .mail import build_message

    now = timezone.now()
    claimed = OutgoingMail.objects.filter(_SENDABLE, pk=mail_id, next_attempt_at__lte=now).update(
        status=OutgoingMail.Status.SENDING, next_attempt_at=now + SENDING_LEASE
    )
    if not claimed:
        return None
    mail = (
        OutgoingMail.objects.select_related("registration__event", "signature__declaration__event")
        .filter(pk=mail_id)
        .first()
    )
    if mail is None:  # erased meanwhile, with its registration
        return None
    mail.attempts += 1
    try:
        build_message(mail).send()
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
    from .tasks import deliver_mail

    if deliver_mail.get_backend().supports_defer:
        deliver_mail.using(run_after=mail.next_attempt_at).enqueue(mail.pk)


def mail_send_due(*, now=None):
    """Deliver every queued or retrying mail whose time has come (cron's and
    the worker's safety net). Returns how many were sent."""
    now = now or timezone.now()
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
    from .tasks import deliver_mail

    deliver_mail.enqueue(mail.pk)
    return mail


# --- Registrations -------------------------------------------------------------------


def _submit_once(*, model, parent, data, language):
    """Create the row, unless this address already has one for the same
    parent (event or declaration). Returns (row, created). Two identical
    submissions at the same moment still make one row: the database's unique
    constraint decides, and the loser reads the winner's row."""
    parent_field = model._meta.get_field("event" if model is MediaRegistration else "declaration").name
    lookup = {parent_field: parent, "email_normalised": normalise_email(data["email"])}
    existing = model.objects.filter(**lookup).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            row = model.objects.create(
                **{parent_field: parent}, mail_language=language, consent_at=timezone.now(), **data
            )
    except IntegrityError:
        return model.objects.get(**lookup), False
    return row, True


def _confirm_once(*, model, row, confirmed_status):
    """Double opt-in: the owner pressed the button from the mail link.
    Returns (row, changed); confirming twice changes nothing."""
    row = model.objects.select_for_update().get(pk=row.pk)
    if row.status != model.Status.UNCONFIRMED:
        return row, False
    row.status = confirmed_status
    row.confirmed_at = timezone.now()
    row.save(update_fields=["status", "confirmed_at"])
    return row, True


@transaction.atomic
def registration_submit(*, event, data, language):
    """Register a journalist, or, for an address already registered for this
    event, send the confirmation link again (unconfirmed) or a reminder. The
    caller answers the same either way, so the response never tells whether
    an address is registered."""
    registration, created = _submit_once(model=MediaRegistration, parent=event, data=data, language=language)
    kind = Kind.CONFIRM if created or registration.status == Status.UNCONFIRMED else Kind.REMINDER
    mail_enqueue(recipient=registration, kind=kind)
    logger.info("media registration %s %s, %s queued", registration.pk, "created" if created else "repeated", kind)
    return registration


@transaction.atomic
def registration_confirm(*, registration):
    registration, changed = _confirm_once(model=MediaRegistration, row=registration, confirmed_status=Status.PENDING)
    if changed:
        mail_enqueue(recipient=registration, kind=Kind.CONFIRMED)
        logger.info("media registration %s confirmed", registration.pk)
    return registration


_DECISION_MAIL = {Status.APPROVED: Kind.APPROVED, Status.REJECTED: Kind.REJECTED, Status.WAITLISTED: Kind.WAITLISTED}


class DecisionError(Exception):
    pass


@transaction.atomic
def registration_decide(*, registration, status, by, reason=""):
    """Approve, reject or waitlist a confirmed registration, recording who
    and when, and mail the registrant (with the reason, if any)."""
    if status not in _DECISION_MAIL:
        raise DecisionError(f"not a decision: {status}")
    registration = MediaRegistration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Status.UNCONFIRMED:
        raise DecisionError("an unconfirmed registration cannot be reviewed")
    registration.status = status
    registration.decided_at = timezone.now()
    registration.decided_by = by
    registration.decision_reason = reason.strip()
    registration.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
    mail_enqueue(recipient=registration, kind=_DECISION_MAIL[status])
    logger.info("media registration %s %s by user %s", registration.pk, status, by.pk)
    return registration


def registration_approve(*, registration, by, reason=""):
    return registration_decide(registration=registration, status=Status.APPROVED, by=by, reason=reason)


def registration_reject(*, registration, by, reason=""):
    return registration_decide(registration=registration, status=Status.REJECTED, by=by, reason=reason)


def registration_waitlist(*, registration, by, reason=""):
    return registration_decide(registration=registration, status=Status.WAITLISTED, by=by, reason=reason)


@transaction.atomic
def registration_erase(*, registration):
    """Withdraw and erase: the row and its queued mail are deleted, not
    hidden. Only the fact that some registration was erased is logged."""
    pk = registration.pk
    MediaRegistration.objects.filter(pk=pk).delete()
    logger.info("media registration %s withdrawn and erased", pk)


@transaction.atomic
def purge_unconfirmed(*, now=None):
    """Erase registrations and signatures nobody confirmed before their link
    expired. Returns {model label: rows erased}."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.CONFIRMATION_LINK_MAX_AGE)
    counts = {}
    for model in (MediaRegistration, Signature):
        _, per_model = model.objects.filter(status=model.Status.UNCONFIRMED, created_at__lt=cutoff).delete()
        counts[model._meta.label] = per_model.get(model._meta.label, 0)
    logger.info("unconfirmed rows erased: %s", counts)
    return counts


# --- Declaration signatures -----------------------------------------------------------


@transaction.atomic
def signature_submit(*, declaration, data, language):
    """Sign, or, for an address that already signed, send the confirmation
    link again (unconfirmed) or a reminder; the caller answers the same."""
    signature, created = _submit_once(model=Signature, parent=declaration, data=data, language=language)
    kind = Kind.SIGN_CONFIRM if created or signature.status == Signature.Status.UNCONFIRMED else Kind.SIGN_REMINDER
    mail_enqueue(recipient=signature, kind=kind)
    logger.info("signature %s %s, %s queued", signature.pk, "created" if created else "repeated", kind)
    return signature


@transaction.atomic
def signature_confirm(*, signature):
    signature, changed = _confirm_once(model=Signature, row=signature, confirmed_status=Signature.Status.CONFIRMED)
    if changed:
        pagecache.bump()  # the public count and list change
        mail_enqueue(recipient=signature, kind=Kind.SIGNED)
        logger.info("signature %s confirmed", signature.pk)
    return signature


@transaction.atomic
def signature_erase(*, signature):
    """Withdraw and erase: the row and its mail are deleted, not hidden."""
    pk = signature.pk
    Signature.objects.filter(pk=pk).delete()
    pagecache.bump()
    logger.info("signature %s withdrawn and erased", pk)


@transaction.atomic
def signature_hide(*, signature, by):
    """Staff hide an abusive signature from the list and the count,
    recording who and when."""
    updated = Signature.objects.filter(pk=signature.pk, hidden_at__isnull=True).update(
        hidden_at=timezone.now(), hidden_by=by
    )
    pagecache.bump()
    logger.info("signature %s hidden by user %s", signature.pk, by.pk)
    return bool(updated)


@transaction.atomic
def signature_unhide(*, signature, by):
    Signature.objects.filter(pk=signature.pk).update(hidden_at=None, hidden_by=None)
    pagecache.bump()
    logger.info("signature %s shown again by user %s", signature.pk, by.pk)


# --- Audit and retention ---------------------------------------------------------------


def audit_record(*, user, action, model, object_id=None, rows=1, event=None):
    """Note that staff viewed or exported personal data."""
    from .models import AuditEntry

    AuditEntry.objects.create(
        user=user, action=action, model=model._meta.label, object_id=object_id, rows=rows, event=event
    )
    logger.info("audit: user %s %s %s rows of %s", getattr(user, "pk", None), action, rows, model._meta.label)


def _delete_mail_tasks(mail_ids):
    """Task results name a mail by number only; they go with the mail."""
    from django_tasks_db.models import DBTaskResult

    mail_ids = set(mail_ids)
    stale = [
        result.pk
        for result in DBTaskResult.objects.filter(task_path="registrations.tasks.deliver_mail").only("args_kwargs")
        if (result.args_kwargs.get("args") or [None])[0] in mail_ids
    ]
    DBTaskResult.objects.filter(pk__in=stale).delete()
    return len(stale)


@transaction.atomic
def event_purge_personal_data(*, event):
    """Erase every personal field of an event's registrations and signatures
    (the rows themselves), their mail and task results, and the audit entries
    about them; keep only how many there were."""
    from .models import AuditEntry, Declaration, MediaAccreditation

    registrations = MediaRegistration.objects.filter(event=event)
    signatures = Signature.objects.filter(declaration__event=event)
    counted = signatures.counted().count()
    mail_ids = list(
        OutgoingMail.objects.filter(Q(registration__event=event) | Q(signature__declaration__event=event)).values_list(
            "pk", flat=True
        )
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
        "tasks": _delete_mail_tasks(mail_ids),
        "audit": AuditEntry.objects.filter(event=event).delete()[0],
    }
    logger.info("event %s: personal data erased %s", event.pk, result)
    return result


def purge_personal_data(*, now=None):
    """Erase the personal data of every event whose retention period has
    passed, expired sessions, and unconfirmed rows. Safe to run daily."""
    from django.contrib.sessions.models import Session as SessionRow

    from events.models import Event

    now = now or timezone.now()
    due = [
        event
        for event in Event.objects.filter(end__lt=now)
        if event.end + timedelta(days=event.retention_days) <= now
        and (
            MediaRegistration.objects.filter(event=event).exists()
            or Signature.objects.filter(declaration__event=event).exists()
        )
    ]
    results = {event.slug: event_purge_personal_data(event=event) for event in due}
    if results:
        pagecache.bump()
    purge_unconfirmed(now=now)
    SessionRow.objects.filter(expire_date__lt=now).delete()
    return results
