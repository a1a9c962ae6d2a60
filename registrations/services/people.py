"""The one flow both features share: a person submits a form, confirms by a
link in a mail, may correct what they confirmed, and may withdraw (erasing
their row and its mail). Each model's class attributes say what differs: its
parent, its confirmed status, its mail kinds, whether a public page shows it.

What a person confirms is what they themselves typed last: until a mailbox
confirms, each new submission replaces the data (and counts a new version);
after, a submission changes nothing. A mailbox receives at most one
confirmation mail per form and parent (forum or Declaration) in 24 hours,
whoever submits, and no other ceiling: that mail's link keeps working for its
lifetime and always opens the latest submission, so whatever others submit
with a person's address, the person's own submission is confirmable from
their mailbox. The confirm button carries the version it shows: a click
confirms only what the person saw. Every submission gets the same answer and
the same mail, so neither tells whether an address was known."""

import functools
import logging
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from plumbing import rows
from plumbing.publishing import public_changed

from .. import counts
from ..mailbox import email_digest
from ..models import MailboxSend, OutgoingMail
from .erasure import erased_bytes_flush
from .outbox import mail_enqueue

logger = logging.getLogger(__name__)

_DAY = timedelta(hours=24)


def mail_thread(model, parent):
    """What one confirmation mail a day is counted per: a form and its parent."""
    return f"{model.feature}:{parent.pk}"


def mailbox_allowance_take(*, digest, thread, now=None):
    """Count one confirmation mail to a mailbox in a thread (`mail_thread`);
    False, counting nothing, when that mailbox had one in that thread in the
    24 hours before `now` (a sliding window). Call it inside the transaction
    that sends the mail. One statement: the mailbox's row in the thread is
    made, or its time moved when the last mail is a day old. Two submissions
    at once cannot both get the mail: the unique row makes the second wait
    for the first's transaction and then see its time (PostgreSQL re-reads
    the row it conflicts with; SQLite's writers take turns)."""
    now = now or timezone.now()
    table = connection.ops.quote_name(MailboxSend._meta.db_table)
    at = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (digest, thread, sent_at) VALUES (%s, %s, %s) "  # noqa: S608 (a model's table name)
            f"ON CONFLICT (digest, thread) DO UPDATE SET sent_at = excluded.sent_at WHERE {table}.sent_at <= %s",
            [digest, thread, at(now), at(now - _DAY)],
        )
        return cursor.rowcount == 1


@functools.cache
def _returning(model, vendor):
    """The columns an upsert returns, each with its converters (from the
    database's value to the field's), worked out once per model."""
    table = model._meta.db_table
    columns = []
    for field in model._meta.concrete_fields:
        col = field.get_col(table)
        columns.append((field, connection.ops.get_db_converters(col) + col.get_db_converters(connection), col))
    return columns


def returned_row(model, row):
    """A row read back from the database (RETURNING) as the model's object."""
    values, names = [], []
    for (field, converters, col), value in zip(_returning(model, connection.vendor), row, strict=True):
        for converter in converters:
            value = converter(value, col, connection)
        values.append(value)
        names.append(field.attname)
    return model.from_db(connection.alias, names, values)


@functools.cache
def _upsert_sql(model, vendor, replaced):
    """The upsert statement of a model, for the columns a submission replaces."""
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    fields = rows.fields_of(model)
    unconfirmed = f"{table}.{qn('status')} = %s"
    sets = [f"{qn(c)} = CASE WHEN {unconfirmed} THEN excluded.{qn(c)} ELSE {table}.{qn(c)} END" for c in replaced]
    version = f"{table}.{qn('version')}"
    sets.append(f"{qn('version')} = CASE WHEN {unconfirmed} THEN {version} + 1 ELSE {version} END")
    parent_column = model._meta.get_field(model.parent_field).column
    sql = (
        f"INSERT INTO {table} ({', '.join(qn(f.column) for f in fields)}) "  # noqa: S608 (the model's own names)
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT ({qn(parent_column)}, {qn('email_digest')}) DO UPDATE SET {', '.join(sets)} "
        f"RETURNING {', '.join(f'{table}.{qn(f.column)}' for f in model._meta.concrete_fields)}"
    )
    return sql, len(sets)


def _upsert_statement(*, model, parent, digest, values):
    """The statement that stores a submission, whatever there was: a new
    row; or the unconfirmed one with the new data and its next version; or
    the confirmed one, left as it was (its columns set to themselves). The
    unique constraint (parent, digest) is the conflict target, so two
    identical submissions at the same moment make one row. Known and new
    addresses thus cost the same statement (no INSERT-then-IntegrityError,
    no read first). Prepared before the transaction: it needs no database.

    `values` are stored as given (each field's own preparation applies):
    whatever a value is to be stored as is decided before this."""
    row = model(**{model.parent_field: parent}, **values)
    row.email_digest = digest
    fields = rows.fields_of(model)
    params = rows.params(row, fields)
    # An unconfirmed row takes the new values sealed under this row's seal_id:
    # its seal_id goes with them, so they open where they now are.
    replaced = tuple(f.column for f in fields if f.attname in values or f.attname in ("email", "seal_id"))
    sql, cases = _upsert_sql(model, connection.vendor, replaced)
    return sql, [*params, *[model.UNCONFIRMED] * cases]


def _upsert(model, statement):
    """Run the statement; returns (row, created)."""
    with connection.cursor() as cursor:
        cursor.execute(*statement)
        person = returned_row(model, cursor.fetchone())
    return person, person.version == 1 and not person.is_confirmed


def person_submit(*, model, parent, data, language, now=None):
    """Take a submission. A new mailbox gets a row; an unconfirmed one gets
    the new data and its next version (the links already sent keep working
    and now show it); a confirmed one is left as it is. A confirmation mail,
    the same for all three, goes out when the mailbox had none in this thread
    (`mail_thread`) in 24 hours; its link opens the confirm page or, once
    confirmed, the status page. Returns the row.

    Every case takes the same path, statement for statement: the allowance
    (one upsert that may change nothing), the row (one upsert), the mail
    written to the outbox and queued (marked suppressed, so it never goes,
    when the allowance was spent). So the time of the answer does not tell a
    known address, or one over its allowance, from a new one.

    What needs no database is done before the transaction: on SQLite it
    holds the one write lock, which other submissions wait for. `now`: when
    the person submitted (and consented), if not now (`services.intake`)."""
    digest = email_digest(data["email"])
    now = now or timezone.now()
    values = {**data, "mail_language": language, "consent_at": now, "submitted_at": now}
    statement = _upsert_statement(model=model, parent=parent, digest=digest, values=values)
    with transaction.atomic():
        mails = mailbox_allowance_take(digest=digest, thread=mail_thread(model, parent), now=now)
        person, created = _upsert(model, statement)
        # In the submission's language, whatever a confirmed row holds.
        mail_enqueue(recipient=person, kind=model.mail_kinds["confirm"], language=language, suppressed=not mails)
    logger.info(
        "%s %s %s, %s",
        model.feature,
        person.pk,
        "created" if created else "again",
        "confirmation queued" if mails else "a confirmation went out in the last day",
    )
    return person


class VersionChanged(Exception):
    """The data changed after the page the person confirmed from was shown."""


def _apply(person, data):
    """Set the fields a person corrected; True if any changed."""
    changed = [field for field, value in (data or {}).items() if getattr(person, field) != value]
    for field in changed:
        setattr(person, field, data[field])
    return changed


@transaction.atomic
def person_confirm(*, person, data=None, version=None):
    """Double opt-in: the owner pressed the button from the mail link, after
    correcting, if they wished, what the confirm page showed (`data`).
    `version`: the version that page showed (the button carries it); a
    submission since then raises VersionChanged and confirms nothing, so a
    click confirms only what the person saw. The row is taken with the link
    key the link was read with (None if it was erased). Confirming twice
    changes nothing and mails nothing."""
    model = type(person)
    person = model.objects.select_for_update().filter(pk=person.pk, link_key=person.link_key).first()
    if person is None:
        return None
    if person.is_confirmed:
        return person
    if version is not None and version != person.version:
        raise VersionChanged
    changed = _apply(person, data)
    before = person.counted_as
    person.status = model.confirmed_status
    person.confirmed_at = timezone.now()
    person.save(update_fields=["status", "confirmed_at", *changed])
    if "name" not in changed:
        # Staff see and search confirmed rows only: the name's word digests are
        # stored now, not on the public form (a corrected name stored its own).
        person.name_words_store(replace=True)
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
