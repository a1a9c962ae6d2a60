"""The Declaration: a participant signs, confirms, may withdraw; staff hide
abuse from the list and the count."""

import logging

from django.db import transaction
from django.utils import timezone

from events.mirror import mirror_export_schedule
from forum_site import pagecache

from ..models import Signature
from .people import person_confirm, person_correct, person_submit, person_withdraw

logger = logging.getLogger(__name__)


def declaration_submit(*, declaration, data, language):
    """Sign a Declaration (see `person_submit`)."""
    return person_submit(model=Signature, parent=declaration, data=data, language=language)


def declaration_confirm(*, signature, data=None):
    return person_confirm(person=signature, data=data)


def declaration_correct(*, signature, data):
    """The signatory corrects their name, organisation or how they appear; a
    changed name waits for review again before it is listed."""
    return person_correct(
        person=signature, data=data, review=("name", "organisation"), reset=("name_accepted_at", "name_accepted_by")
    )


@transaction.atomic
def signature_names_accept(*, signatures, by):
    """Organisers accept names for the public list, in bulk, recording who
    and when. Returns how many were accepted."""
    accepted = Signature.objects.filter(pk__in=[s.pk for s in signatures], name_accepted_at__isnull=True).update(
        name_accepted_at=timezone.now(), name_accepted_by=by
    )
    if accepted:
        pagecache.bump()
        mirror_export_schedule()
    logger.info("%s signature names accepted by user %s", accepted, by.pk)
    return accepted


def declaration_withdraw(*, signature):
    person_withdraw(person=signature)


@transaction.atomic
def signature_hide(*, signature, by):
    """Staff hide an abusive signature from the list and the count,
    recording who and when."""
    updated = Signature.objects.filter(pk=signature.pk, hidden_at__isnull=True).update(
        hidden_at=timezone.now(), hidden_by=by
    )
    pagecache.bump()
    mirror_export_schedule()
    logger.info("signature %s hidden by user %s", signature.pk, by.pk)
    return bool(updated)


@transaction.atomic
def signature_unhide(*, signature, by):
    Signature.objects.filter(pk=signature.pk).update(hidden_at=None, hidden_by=None)
    pagecache.bump()
    mirror_export_schedule()
    logger.info("signature %s shown again by user %s", signature.pk, by.pk)
