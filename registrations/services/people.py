"""The one flow both features share: a person submits a form, confirms by a
link in a mail, may correct what they confirmed, and may withdraw (erasing
their row and its mail). Each model's class attributes say what differs: its
parent, its confirmed status, its mail kinds, whether a public page shows it.

What a person confirms is what they themselves typed last: until a mailbox
confirms, each new submission replaces the data and makes every earlier link
useless; after, a submission changes nothing. Every submission sends the same
mail, so a mailbox reader cannot tell whether an address was known, and a
mailbox receives at most MAILBOX_MAILS_PER_DAY of them."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from plumbing.publishing import public_changed

from .. import counts
from ..mailbox import email_digest
from ..models import MailboxSend, OutgoingMail, new_link_key
from .erasure import erased_bytes_flush
from .outbox import mail_enqueue

logger = logging.getLogger(__name__)

_DAY = timedelta(hours=24)


def _mailbox_lock(digest):
    """Serialise the allowance of one mailbox: SQLite's writers already take
    turns (IMMEDIATE transactions); PostgreSQL takes a transaction-scoped
    advisory lock on the digest, so two submissions cannot both see room."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [digest])


def mailbox_allowance_take(*, digest, now=None):
    """Count one mail to a mailbox; False, counting nothing, when it already
    had MAILBOX_MAILS_PER_DAY in the 24 hours before `now` (a sliding window:
    never more than that in any 24 hours). Call it inside the transaction
    that sends the mail. The count and the row are one statement (an INSERT
    of a row only where the count leaves room), through the digest's index."""
    now = now or timezone.now()
    _mailbox_lock(digest)
    table = connection.ops.quote_name(MailboxSend._meta.db_table)
    at = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (digest, sent_at) SELECT %s, %s "  # noqa: S608 (a model's table name)
            f"WHERE (SELECT COUNT(*) FROM {table} WHERE digest = %s AND sent_at > %s) < %s",
            [digest, at(now), digest, at(now - _DAY), settings.MAILBOX_MAILS_PER_DAY],
        )
        return cursor.rowcount == 1


def _create_or_lock(*, model, parent, digest, values):
    """The row for this mailbox and parent: a new one, or the one there is,
    locked. Returns (row, created). A new mailbox, the common case, costs one
    INSERT; two identical submissions at the same moment still make one row:
    the unique constraint decides, and the loser reads the winner's."""
    try:
        with transaction.atomic():
            return model.objects.create(**{model.parent_field: parent}, **values), True
    except IntegrityError:
        lookup = {model.parent_field: parent, "email_digest": digest}
        return model.objects.select_for_update().get(**lookup), False


def person_submit(*, model, parent, data, language):
    """Take a submission. A new mailbox gets a row; an unconfirmed one gets
    the new data and a new link key (every earlier link stops working); a
    confirmed one is left as it is. Each gets the same confirmation mail,
    whose link opens the confirm page or, once confirmed, the status page.
    Over the mailbox's daily allowance nothing at all changes and no mail is
    sent. Returns the row, or None when nothing was done.

    What needs no database is done before the transaction: on SQLite it
    holds the one write lock, which other submissions wait for."""
    digest = email_digest(data["email"])
    now = timezone.now()
    values = {**data, "mail_language": language, "consent_at": now, "submitted_at": now}
    with transaction.atomic():
        if not mailbox_allowance_take(digest=digest, now=now):
            person = None
        else:
            person, created = _create_or_lock(model=model, parent=parent, digest=digest, values=values)
            if not created and not person.is_confirmed:
                for field, value in values.items():
                    setattr(person, field, value)
                person.link_key = new_link_key()
                person.save()
            # In the submission's language, whatever a confirmed row holds.
            mail_enqueue(recipient=person, kind=model.mail_kinds["confirm"], language=language)
    if person is None:
        logger.info("%s submission over its mailbox's daily allowance: nothing changed", model.feature)
    else:
        logger.info("%s %s %s, confirmation queued", model.feature, person.pk, "created" if created else "again")
    return person


def _apply(person, data):
    """Set the fields a person corrected; True if any changed."""
    changed = [field for field, value in (data or {}).items() if getattr(person, field) != value]
    for field in changed:
        setattr(person, field, data[field])
    return changed


@transaction.atomic
def person_confirm(*, person, data=None):
    """Double opt-in: the owner pressed the button from the mail link, after
    correcting, if they wished, what the confirm page showed (`data`).
    The row is taken with the link key the link was read with: a submission
    that replaced the data in between made that link useless, and nothing is
    confirmed (returns None). Confirming twice changes nothing and mails nothing."""
    model = type(person)
    person = model.objects.select_for_update().filter(pk=person.pk, link_key=person.link_key).first()
    if person is None:
        return None
    if person.is_confirmed:
        return person
    changed = _apply(person, data)
    before = person.counted_as
    person.status = model.confirmed_status
    person.confirmed_at = timezone.now()
    person.save(update_fields=["status", "confirmed_at", *changed])
    # Only the stored count moves: the pages that show it refresh it within
    # COUNT_REFRESH_SECONDS, and no cached page is emptied.
    counts.person_count_move(person, before=before, after=person.counted_as)
    if model.shown_publicly:
        public_changed(counts_only=True)
    mail_enqueue(recipient=person, kind=model.mail_kinds["confirmed"])
    logger.info("%s %s confirmed", model.feature, person.pk)
    return person


@transaction.atomic
def person_correct(*, person, data, needs_review=lambda row, data: False, reset=(), allowed=lambda row: True):
    """The owner corrects their data on their status page, while `allowed`
    holds for the stored row (checked under its lock). Where `needs_review`
    says the change needs it, the fields in `reset` are cleared (a listed name
    goes back to review).
    Compared with the stored row, not the object passed in (a bound form has
    already set its values on that). Returns the row, or None if not allowed."""
    model = type(person)
    person = model.objects.select_for_update().get(pk=person.pk)
    if not allowed(person):
        return None
    reset = reset if needs_review(person, data) else ()
    changed = _apply(person, data)
    if changed:
        for field in reset:
            setattr(person, field, None)
        person.save(update_fields=[*changed, *reset])
        if model.shown_publicly:
            public_changed()
        logger.info("%s %s corrected by its owner", model.feature, person.pk)
    return person


@transaction.atomic
def person_withdraw(*, person):
    """Withdraw and erase: the row and its queued mail are deleted, not
    hidden; the stored counts move (a withdrawn registration is counted as
    withdrawn). Only the fact that some row was erased is logged. The public
    list drops a withdrawn name within COUNT_REFRESH_SECONDS."""
    model = type(person)
    row = model.objects.select_for_update().filter(pk=person.pk).first()
    if row is None:  # withdrawn already
        return
    row.delete()
    counts.person_count_move(row, before=row.counted_as, after=model.counted_when_withdrawn)
    erased_bytes_flush(models=[model, OutgoingMail])
    if model.shown_publicly:
        public_changed(counts_only=True)
    logger.info("%s %s withdrawn and erased", model.feature, person.pk)
