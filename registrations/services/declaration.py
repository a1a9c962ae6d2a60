"""The Declaration: a participant signs, confirms, may withdraw; staff hide
abuse from the list and the count."""

import logging

from django.db import transaction
from django.utils import timezone

from plumbing.publishing import public_changed

from .. import counts
from ..models import Signature
from .people import person_correct, person_submit

logger = logging.getLogger(__name__)


def signature_submit(*, declaration, data, language):
    """Sign a Declaration (see `person_submit`)."""
    return person_submit(model=Signature, parent=declaration, data=data, language=language)


def signature_correct(*, person, data):
    """The signatory corrects their name, organisation or how they appear. A
    new name or organisation, or showing more than the organisers accepted
    (initials or the full name), waits for review again before it is listed."""
    return person_correct(
        person=person, data=data, needs_review=_needs_review, reset=("name_accepted_at", "name_accepted_by")
    )


_SHOWN = {Signature.Visibility.HIDDEN: 0, Signature.Visibility.INITIALS: 1, Signature.Visibility.FULL_NAME: 2}


def _needs_review(signature, data):
    if any(
        data.get(field, getattr(signature, field)) != getattr(signature, field) for field in ("name", "organisation")
    ):
        return True
    return _SHOWN[data.get("visibility", signature.visibility)] > _SHOWN[signature.visibility]


@transaction.atomic
def signature_names_accept(*, signatures, by):
    """Organisers accept names for the public list, in bulk, recording who
    and when. Returns how many were accepted."""
    # Only names there are to see: a signature that shows no name is not "accepted"
    # (if its owner later chooses to appear, the name waits for review).
    awaiting = Signature.objects.filter(pk__in=[s.pk for s in signatures]).awaiting_name_review()
    accepted = awaiting.update(name_accepted_at=timezone.now(), name_accepted_by=by)
    if accepted:
        public_changed()
    logger.info("%s signature names accepted by user %s", accepted, by.pk)
    return accepted


@transaction.atomic
def signature_hide(*, signature, by):
    """Staff hide an abusive signature from the list and the count,
    recording who and when."""
    signature = Signature.objects.select_for_update().get(pk=signature.pk)
    before, updated = signature.counted_as, signature.hidden_at is None
    if updated:
        signature.hidden_at, signature.hidden_by = timezone.now(), by
        signature.save(update_fields=["hidden_at", "hidden_by"])
        counts.person_count_move(signature, before=before, after=signature.counted_as)
        public_changed()
        logger.info("signature %s hidden by user %s", signature.pk, by.pk)
    return bool(updated)


@transaction.atomic
def signature_unhide(*, signature, by):
    signature = Signature.objects.select_for_update().get(pk=signature.pk)
    if signature.hidden_at is None:
        return False
    before = signature.counted_as
    signature.hidden_at, signature.hidden_by = None, None
    signature.save(update_fields=["hidden_at", "hidden_by"])
    counts.person_count_move(signature, before=before, after=signature.counted_as)
    public_changed()
    logger.info("signature %s shown again by user %s", signature.pk, by.pk)
    return True
