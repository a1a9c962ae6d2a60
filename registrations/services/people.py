"""The one flow both features share: a person submits a form, confirms by a
link in a mail, and may withdraw (erasing their row and its mail). Each
model's class attributes say what differs: its parent, its confirmed status,
its mail kinds, and whether a public page shows it."""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from forum_site import pagecache

from ..models import normalise_email
from .outbox import mail_enqueue

logger = logging.getLogger(__name__)


def _create_once(*, model, parent, data, language):
    """Create the row, unless this address already has one for the same
    parent. Returns (row, created). Two identical submissions at the same
    moment still make one row: the database's unique constraint decides, and
    the loser reads the winner's row."""
    lookup = {model.parent_field: parent, "email_normalised": normalise_email(data["email"])}
    existing = model.objects.filter(**lookup).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            row = model.objects.create(
                **{model.parent_field: parent}, mail_language=language, consent_at=timezone.now(), **data
            )
    except IntegrityError:
        return model.objects.get(**lookup), False
    return row, True


@transaction.atomic
def person_submit(*, model, parent, data, language):
    """Take a submission, or, for an address already known for this parent,
    send the confirmation link again (unconfirmed) or a reminder. The caller
    answers the same either way, so the response never tells whether an
    address is known."""
    person, created = _create_once(model=model, parent=parent, data=data, language=language)
    kind = model.mail_kinds["reminder" if person.is_confirmed else "confirm"]
    mail_enqueue(recipient=person, kind=kind)
    logger.info("%s %s %s, %s queued", model.feature, person.pk, "created" if created else "repeated", kind)
    return person


@transaction.atomic
def person_confirm(*, person):
    """Double opt-in: the owner pressed the button from the mail link.
    Confirming twice changes nothing and mails nothing."""
    model = type(person)
    person = model.objects.select_for_update().get(pk=person.pk)
    if person.is_confirmed:
        return person
    person.status = model.confirmed_status
    person.confirmed_at = timezone.now()
    person.save(update_fields=["status", "confirmed_at"])
    if model.shown_publicly:
        pagecache.bump()
    mail_enqueue(recipient=person, kind=model.mail_kinds["confirmed"])
    logger.info("%s %s confirmed", model.feature, person.pk)
    return person


@transaction.atomic
def person_withdraw(*, person):
    """Withdraw and erase: the row and its queued mail are deleted, not
    hidden. Only the fact that some row was erased is logged."""
    model = type(person)
    model.objects.filter(pk=person.pk).delete()
    if model.shown_publicly:
        pagecache.bump()
    logger.info("%s %s withdrawn and erased", model.feature, person.pk)
