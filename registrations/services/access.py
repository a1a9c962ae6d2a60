"""Approved journalists' personal access: granted with the approval,
revoked (the link dies at once, the journalist's calendar entry is
cancelled), reissued (a new link in an updated invitation, a higher
SEQUENCE of their own), counted when opened. With the Zoom provider, the
registrant is added and cancelled by the task worker, with retries: an
outage never loses an approval, and the cancellation holds only Zoom's ids,
so it survives the erasure of the row."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext, override
from django_tasks import task

from plumbing.sealed import is_erased, seal_for

from ..access import providers
from ..mail import build_message
from ..models import MediaAccreditation, MediaRegistration, OutgoingMail, ReviewEntry, accreditation_of, new_link_key
from .outbox import mail_enqueue

logger = logging.getLogger(__name__)

Status = MediaRegistration.Status
# Waits before the task worker tries Zoom again (seconds); then the error stays on the registration's page.
ZOOM_RETRY_DELAYS = (60, 300, 1800)


class AccessError(Exception):
    pass


def access_sequence(registration, accreditation):
    """This journalist's invitation SEQUENCE: the forum's, its access's, and their own revisions."""
    return accreditation.invitation_sequence + registration.access_revision


def access_rotate(registration):
    """A new key (the old link dies) and a new revision of this journalist's
    invitation; on the row given, saved by the caller. With Zoom, the old
    registrant is cancelled once the transaction commits."""
    _zoom_cancel_later(registration)
    registration.access_key = new_link_key()
    registration.access_revision += 1
    registration.zoom_registrant_id = registration.zoom_join_url = registration.zoom_error = ""
    return ["access_key", "access_revision", "zoom_registrant_id", "zoom_join_url", "zoom_error"]


def access_granted(registration, accreditation):
    """After an approval or a reissue (the row saved): with Zoom, add the registrant."""
    if accreditation is not None and accreditation.provider == MediaAccreditation.Provider.ZOOM:
        registration_id = registration.pk
        transaction.on_commit(lambda: zoom_registrant_add.enqueue(registration_id))


def _history(registration, by, text):
    with override(settings.LANGUAGE_CODE):
        text = gettext(text)
    ReviewEntry.objects.create(registration=registration, by=by, username=by.get_username(), text=text)


@transaction.atomic
def access_revoke(*, registration, by):
    """Withdraw one approved journalist's access: their link says so from
    now on, and they are sent the cancellation of their calendar entry."""
    registration = MediaRegistration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Status.APPROVED or registration.access_revoked:
        raise AccessError("no access to withdraw")
    changed = access_rotate(registration)
    registration.access_revoked = True
    registration.save(update_fields=[*changed, "access_revoked"])
    _history(registration, by, "Access withdrawn")
    mail_enqueue(recipient=registration, kind=OutgoingMail.Kind.REVOKED)
    logger.info("media registration %s: access withdrawn by user %s", registration.pk, by.pk)
    return registration


@transaction.atomic
def access_reissue(*, registration, by):
    """A new personal link for an approved journalist (the old one dies),
    mailed with an updated invitation: their own SEQUENCE grows."""
    registration = MediaRegistration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Status.APPROVED:
        raise AccessError("only an approved journalist has access")
    accreditation = accreditation_of(registration.event)
    changed = access_rotate(registration)
    registration.access_revoked = False
    registration.invitation_sequence = access_sequence(registration, accreditation) if accreditation else 0
    registration.save(update_fields=[*changed, "access_revoked", "invitation_sequence"])
    _history(registration, by, "New access link sent")
    access_granted(registration, accreditation)
    mail_enqueue(recipient=registration, kind=OutgoingMail.Kind.UPDATE)
    logger.info("media registration %s: access reissued by user %s", registration.pk, by.pk)
    return registration


def calendar_cancel_send(*, registration):
    """A withdrawing journalist's calendar entry cancelled (METHOD:CANCEL,
    a higher SEQUENCE), sent once the withdrawal commits: the row, and so
    the outbox, are erased with it, so the mail is built now and not retried."""
    access_rotate(registration)
    registration.access_revoked = True
    message = build_message(OutgoingMail(registration=registration, kind=OutgoingMail.Kind.REVOKED))
    transaction.on_commit(lambda: _send_once(message))


def _send_once(message):
    try:
        message.send()
    except Exception as exc:
        logger.warning("cancellation after a withdrawal not sent: %s", type(exc).__name__)


def access_opened(*, registration, now=None):
    """Count one opening of the link, and when (nothing about who opened it)."""
    MediaRegistration.objects.filter(pk=registration.pk).update(
        access_opened_count=F("access_opened_count") + 1, access_opened_at=now or timezone.now()
    )


# --- Zoom -------------------------------------------------------------------------


def access_provider_sync(*, accreditation):
    """After the forum's form is saved: with Zoom, register each approved
    journalist who has no registrant yet (approved before Zoom was chosen,
    or whose registration kept failing). Returns how many were queued."""
    if accreditation.provider != MediaAccreditation.Provider.ZOOM:
        return 0
    waiting = list(
        MediaRegistration.objects.filter(
            event_id=accreditation.event_id, status=Status.APPROVED, access_revoked=False, zoom_registrant_id=""
        ).values_list("pk", flat=True)
    )
    transaction.on_commit(lambda: [zoom_registrant_add.enqueue(pk) for pk in waiting])
    return len(waiting)


def zoom_registrant_release(registration):
    """The forum was cancelled: the journalist's Zoom registrant is cancelled
    (once the transaction commits) and forgotten here; saving the forum's
    form once it is un-cancelled registers them again (access_provider_sync)."""
    if registration.zoom_registrant_id:
        _zoom_cancel_later(registration)
        registration.zoom_registrant_id = registration.zoom_join_url = registration.zoom_error = ""
        registration.save(update_fields=["zoom_registrant_id", "zoom_join_url", "zoom_error"])


def _zoom_cancel_later(registration):
    if registration.zoom_registrant_id:
        meeting_id = registration.event.media_accreditation.zoom_meeting_id
        registrant_id = registration.zoom_registrant_id
        transaction.on_commit(lambda: zoom_registrant_cancel.enqueue(meeting_id, registrant_id))


def _retry(task_, attempt, *args):
    """Queue the task again after its next delay, where the backend can defer; False after the last."""
    if attempt >= len(ZOOM_RETRY_DELAYS) or not task_.get_backend().supports_defer:
        return False
    run_after = timezone.now() + timedelta(seconds=ZOOM_RETRY_DELAYS[attempt])
    task_.using(run_after=run_after).enqueue(*args, attempt + 1)
    return True


@task()
def zoom_registrant_add(registration_id, attempt=0):
    """Register an approved journalist with Zoom; keep the join address
    Zoom returns. An error is retried, then shown on the registration's page."""
    from ..access import zoom

    registration = MediaRegistration.objects.select_related("event__media_accreditation").filter(
        pk=registration_id, status=Status.APPROVED, access_revoked=False, zoom_registrant_id=""
    )
    registration = registration.first()
    if registration is None or is_erased(registration.email):  # erased, or its forum's key gone
        return
    accreditation = registration.event.media_accreditation
    first_name, last_name = zoom.split_name(registration.name)
    try:
        # An alias per access key: a retry is the same registrant, a reissued link a new one.
        email = registration.email if accreditation.zoom_real_address else zoom.alias_address(registration.access_key)
        added = providers.zoom_client().add_registrant(
            accreditation.zoom_meeting_id, email=email, first_name=first_name, last_name=last_name
        )
    except zoom.ZoomError as exc:
        # What the registration's page shows: the kind of error, in the reader's language there.
        MediaRegistration.objects.filter(pk=registration_id).update(zoom_error=exc.kind)
        logger.warning("media registration %s: Zoom: %s (attempt %s)", registration_id, exc, attempt)
        if exc.retryable:
            _retry(zoom_registrant_add, attempt, registration_id)
        return
    # Kept only if the access was not withdrawn or reissued meanwhile.
    kept = MediaRegistration.objects.filter(
        pk=registration_id, access_key=registration.access_key, zoom_registrant_id=""
    ).update(
        zoom_registrant_id=seal_for(registration, "zoom_registrant_id", added["registrant_id"]),
        zoom_join_url=seal_for(registration, "zoom_join_url", added["join_url"]),
        zoom_error="",
    )
    if not kept:
        zoom_registrant_cancel.enqueue(accreditation.zoom_meeting_id, added["registrant_id"])
    logger.info("media registration %s: Zoom registrant added", registration_id)


@task()
def zoom_registrant_cancel(meeting_id, registrant_id, attempt=0):
    """Cancel a Zoom registrant: only Zoom's ids, so it runs after the row is erased."""
    from ..access import zoom

    try:
        providers.zoom_client().cancel_registrant(meeting_id, registrant_id)
    except zoom.ZoomError as exc:
        logger.warning("Zoom registrant not cancelled (attempt %s): %s", attempt, type(exc).__name__)
        if exc.retryable:
            _retry(zoom_registrant_cancel, attempt, meeting_id, registrant_id)
