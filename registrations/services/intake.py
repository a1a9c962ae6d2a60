"""A public form's submission: taken in one INSERT, stored by the worker.

The POST of the sign form and of the media form writes one row
(`PendingSubmission`, what the person typed, sealed under the forum's key)
in its own transaction and answers: on SQLite that transaction holds the one
write lock, so it is as short as a write can be, and every submission, new
address or known, runs the same statement. The worker (`store_submissions`,
queued at most once a MAIL_BATCH_SECONDS per process, by the mail's own
`WindowBatch`) then stores each one as `person_submit` always did (the mailbox's
allowance, the person's row, the confirmation mail) and deletes it, then
sends the mail now due. Where the task backend cannot defer (the immediate
backend of development and tests), the submission is stored at once, after
its commit, in the request.

Nothing is lost between the two: a submission answered with a redirect is a
committed row, and a row is deleted only in the transaction that stores it.
One the worker cannot store (its forum deleted, or its key destroyed, since)
is dropped, and the log says which forum, never who."""

import json
import logging

from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task

from events.models import Event
from plumbing import keys

from ..models import Declaration, MediaRegistration, PendingSubmission, Signature
from .outbox import WindowBatch, mail_send_due
from .people import person_submit, returned_row

logger = logging.getLogger(__name__)

MODELS = {model.feature: model for model in (Signature, MediaRegistration)}
PARENTS = {Signature.feature: Declaration, MediaRegistration.feature: Event}


def _associated(feature, parent_id):
    return f"{PendingSubmission._meta.label}:{feature}:{parent_id}".encode()


@task()
def store_submissions():
    """Store the submissions waiting when it starts, then send the mail now
    due; if more came meanwhile, queue itself again at once (a surge never
    holds the mail, or the worker's other tasks, behind one endless run)."""
    upto = PendingSubmission.objects.order_by("-pk").values_list("pk", flat=True).first()
    if upto is not None:
        submissions_store(upto=upto)
    mail_send_due()
    # Only for submissions that came meanwhile: one that failed waits for the next run.
    if PendingSubmission.objects.filter(pk__gt=upto or 0).exists():
        store_submissions.enqueue()


# One task a window per process, as the outbox's.
_batch = WindowBatch(store_submissions)


def submission_take(*, model, parent, data, language):
    """A public form's valid submission: one sealed row, one INSERT, one
    transaction; stored as a person by `submissions_store`."""
    now = timezone.now()
    text = json.dumps({"data": data, "language": language})
    sealed = keys.seal(keys.forum_key_name(model.forum_of(parent)), text, _associated(model.feature, parent.pk))
    table = connection.ops.quote_name(PendingSubmission._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (feature, parent_id, sealed, received_at) VALUES (%s, %s, %s, %s) "  # noqa: S608
            "RETURNING id",
            [model.feature, parent.pk, sealed, connection.ops.adapt_datetimefield_value(now)],
        )
        (pk,) = cursor.fetchone()
        deferred = _batch.deferred()
        if deferred:
            _batch.queue()
    if not deferred:  # no worker to wait for (development, tests): stored now, after the commit
        submissions_store(ids=[pk])
    return pk


def _taken(pk):
    """Delete one pending submission and return it (None if another worker
    took it): the caller's transaction stores it or puts it back."""
    qn = connection.ops.quote_name
    table = qn(PendingSubmission._meta.db_table)
    columns = ", ".join(qn(field.column) for field in PendingSubmission._meta.concrete_fields)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s RETURNING {columns}", [pk])  # noqa: S608
        row = cursor.fetchone()
    return None if row is None else returned_row(PendingSubmission, row)


def _store_one(pk, parents=None):
    """Store one pending submission in one transaction (a savepoint in the
    caller's); returns the person row, or None (taken by another worker, or
    dropped). `parents`: the forms' parents read so far, by (feature, id)."""
    parents = {} if parents is None else parents
    with transaction.atomic():
        taken = _taken(pk)
        if taken is None:
            return None
        feature, parent_id = taken.feature, taken.parent_id
        model = MODELS.get(feature)
        if model and (feature, parent_id) not in parents:
            parents[feature, parent_id] = PARENTS[feature].objects.filter(pk=parent_id).first()
        parent = parents.get((feature, parent_id))
        if parent is None:
            logger.warning("a pending submission (%s) was dropped: its form's parent is gone", feature)
            return None
        forum = model.forum_of(parent)
        text = keys.unseal(keys.forum_key_name(forum), taken.sealed, _associated(feature, parent_id))
        if text is None:
            logger.warning("a pending submission to forum %s was dropped: it cannot be opened", forum)
            return None
        submitted = json.loads(text)
        return person_submit(
            model=model, parent=parent, data=submitted["data"], language=submitted["language"], now=taken.received_at
        )


# Submissions stored in one transaction: fewer commits for the worker, and on
# SQLite the write lock held for a few tens of milliseconds at most, which a
# POST arriving meanwhile waits for.
TOGETHER = 20


def _store_together(pks):
    """Store these submissions in one transaction, each in a savepoint of
    its own: a failure leaves its submission for the next run and goes on."""
    stored, parents = 0, {}
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A foreign key broken meanwhile (a forum deleted) fails its own
            # row's savepoint, not the batch's commit.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for pk in pks:
            try:
                stored += _store_one(pk, parents) is not None
            except Exception as error:  # left for the next run; the others go on
                logger.error("a pending submission was not stored (%s): left for the next run", type(error).__name__)
    return stored


def submissions_store(*, ids=None, upto=None, batch=500):
    """Store pending submissions, oldest first: those in `ids`, or every one
    there is (up to the key `upto`), read `batch` at a time and stored
    TOGETHER in a transaction. Returns how many were stored."""
    stored = 0
    last = 0
    while True:
        pending = PendingSubmission.objects.filter(pk__gt=last).order_by("pk")
        if ids is not None:
            pending = pending.filter(pk__in=ids)
        if upto is not None:
            pending = pending.filter(pk__lte=upto)
        keys_ = list(pending.values_list("pk", flat=True)[:batch])
        if not keys_:
            return stored
        for start in range(0, len(keys_), TOGETHER):
            stored += _store_together(keys_[start : start + TOGETHER])
        last = keys_[-1]
        if ids is not None:
            return stored
