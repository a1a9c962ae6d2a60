"""The Declaration: a participant signs, confirms, may withdraw; staff hide
abuse from the list and the count."""

import logging

from django.db import transaction
from django.utils import timezone

from forum_site import pagecache

from ..models import Signature
from .people import person_confirm, person_submit, person_withdraw

logger = logging.getLogger(__name__)


def declaration_submit(*, declaration, data, language):
    """Sign a Declaration (see `person_submit`)."""
    return person_submit(model=Signature, parent=declaration, data=data, language=language)


def declaration_confirm(*, signature):
    return person_confirm(person=signature)


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
    logger.info("signature %s hidden by user %s", signature.pk, by.pk)
    return bool(updated)


@transaction.atomic
def signature_unhide(*, signature, by):
    Signature.objects.filter(pk=signature.pk).update(hidden_at=None, hidden_by=None)
    pagecache.bump()
    logger.info("signature %s shown again by user %s", signature.pk, by.pk)
