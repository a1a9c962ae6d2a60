"""Stored counts: the public count of each Declaration and the media
registrations of each event per status. Reading one costs the same at any
number of rows (a sum over a few shard rows); the services move them in the
same transaction as the change they count, and `recount` checks them against
the rows (`manage.py recount`).

What moves them:
- a signature: +1 when confirmed, -1 when withdrawn or hidden as abuse (if it
  was counted), +1 when shown again; erasure after the event keeps the count;
  accepting a name changes only the list.
- a media registration: +1 to `pending` when confirmed, -1/+1 between statuses
  at a decision, and on withdrawal -1 from its status and +1 to `withdrawn`.
"""

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Sum
from django.utils import timezone

from .models import Declaration, MediaAccreditation, MediaCounter, MediaRegistration, Signature, SignatureCounter

WITHDRAWN = MediaCounter.WITHDRAWN
MEDIA_STATUSES = [status for status in MediaRegistration.Status.values if status != MediaRegistration.UNCONFIRMED]


def _add(model, key, *, delta):
    """Add `delta` to one random shard of `key`, in the caller's transaction."""
    if not delta:
        return
    shard = model.random_shard()
    rows = model.objects.filter(**key, shard=shard)
    now = timezone.now()
    if rows.update(value=F("value") + delta, changed_at=now):
        return
    try:
        with transaction.atomic():
            model.objects.create(**key, shard=shard, value=delta, changed_at=now)
    except IntegrityError:  # another transaction made the row first
        rows.update(value=F("value") + delta, changed_at=now)


# --- Reads --------------------------------------------------------------------


def declaration_counts(declaration_ids):
    """{declaration id: its public count}, one query, for any number of ids."""
    ids = list(declaration_ids)
    found = dict(
        SignatureCounter.objects.filter(declaration__in=ids)
        .order_by()
        .values("declaration")
        .annotate(total=Sum("value"))
        .values_list("declaration", "total")
    )
    return {pk: found.get(pk, 0) for pk in ids}


def declaration_counted_at(declaration):
    """When the Declaration's stored count last changed (its creation if it
    never did): what the count is true as of, read from the rows, so the
    same state always gives the same instant."""
    changed = SignatureCounter.objects.filter(declaration=declaration).aggregate(at=Max("changed_at"))["at"]
    return changed or declaration.created_at


def media_status_counts(event_ids):
    """{event id: {status: n, …, "withdrawn": n}} for every confirmed status
    (awaiting review, approved, rejected, waitlisted) and withdrawn; one query."""
    ids = list(event_ids)
    counts = {pk: dict.fromkeys([*MEDIA_STATUSES, WITHDRAWN], 0) for pk in ids}
    rows = (
        MediaCounter.objects.filter(event__in=ids)
        .order_by()
        .values("event", "status")
        .annotate(total=Sum("value"))
        .values_list("event", "status", "total")
    )
    for event_id, status, total in rows:
        counts[event_id][status] = total
    return counts


# --- Writes (called by the services, inside their transaction) -----------------


def person_count_move(person, *, before, after):
    """A person's row went from stored count `before` to `after` (their
    `counted_as` values; None: in no count)."""
    if before == after:
        return
    if before is not None:
        _add(*person.counter(before), delta=-1)
    if after is not None:
        _add(*person.counter(after), delta=+1)


# --- Recount ------------------------------------------------------------------


def _collapse(model, key, value):
    """Replace a key's shards by one row holding `value`."""
    model.objects.filter(**key).delete()
    model.objects.create(**key, shard=0, value=value, changed_at=timezone.now())


@transaction.atomic
def recount(*, fix=False):
    """Compare every stored count with the rows; with `fix`, store what the
    rows say. Returns the drift found: a list of (what, stored, counted).

    A Declaration's count is its counted signatures plus those erased after
    the event. Media counts per status are checkable only for events nothing
    was erased from (erasure keeps the counts but not the rows); for the
    others their confirmed total is checked against rows plus erased.
    Withdrawn registrations left no row: that count is reported, not checked."""
    drift = []
    stored = declaration_counts(Declaration.objects.values_list("pk", flat=True))
    counted = dict(
        Signature.objects.counted()
        .order_by()
        .values("declaration")
        .annotate(n=Count("pk"))
        .values_list("declaration", "n")
    )
    for pk, erased in Declaration.objects.values_list("pk", "erased_count"):
        expected = counted.get(pk, 0) + erased
        if stored[pk] != expected:
            drift.append((f"declaration {pk}", stored[pk], expected))
            if fix:
                _collapse(SignatureCounter, {"declaration_id": pk}, expected)
    rows = {}
    for event_id, status, n in (
        MediaRegistration.objects.confirmed()
        .order_by()
        .values("event", "status")
        .annotate(n=Count("pk"))
        .values_list("event", "status", "n")
    ):
        rows.setdefault(event_id, {})[status] = n
    erased = dict(MediaAccreditation.objects.filter(erased_count__gt=0).values_list("event", "erased_count"))
    event_ids = set(rows) | set(MediaCounter.objects.values_list("event", flat=True).distinct())
    for event_id, counts in media_status_counts(event_ids).items():
        found = rows.get(event_id, {})
        if event_id in erased:
            total, expected = sum(counts[s] for s in MEDIA_STATUSES), sum(found.values()) + erased[event_id]
            if total != expected:
                drift.append((f"event {event_id} media (confirmed, erased included)", total, expected))
            continue
        for status in MEDIA_STATUSES:
            if counts[status] != found.get(status, 0):
                drift.append((f"event {event_id} media {status}", counts[status], found.get(status, 0)))
                if fix:
                    _collapse(MediaCounter, {"event_id": event_id, "status": status}, found.get(status, 0))
    return drift
