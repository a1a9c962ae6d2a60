"""A forum's short public history: what changed and when (a new time, a
postponement, a cancellation, a delay on the day, a recording added). The
Atom feed (events.feeds) tells it; the pages keep showing the present.

`change_record()` is the one way in: the paths that change a forum's status or
times call it in their transaction. An entry holds values, not sentences, so
each reader gets it in their own language."""

from django.utils import timezone

from .models import KEEP_PER_EVENT, ChangeEntry


def change_record(
    event, kind, *, session=None, start=None, previous_start=None, minutes=None, language="", url="", now=None
):
    """Write one entry of `event`'s history (`kind`: one of ChangeEntry.Kind)
    and forget the oldest beyond KEEP_PER_EVENT. Returns the entry."""
    kind = ChangeEntry.Kind(kind)
    entry = ChangeEntry.objects.create(
        event=event,
        session=session,
        kind=kind,
        at=now or timezone.now(),
        start=start,
        previous_start=previous_start,
        minutes=minutes,
        language=language,
        url=url,
    )
    stale = ChangeEntry.objects.filter(event=event).order_by("-at", "-pk").values_list("pk", flat=True)[KEEP_PER_EVENT:]
    stale = list(stale)
    if stale:
        ChangeEntry.objects.filter(pk__in=stale).delete()
    return entry


def status_change_kind(old_status, new_status):
    """The history's kind for a forum's status moving from old to new, or None."""
    if old_status == new_status:
        return None
    if new_status in ("rescheduled", "postponed", "cancelled"):
        return new_status
    if new_status == "scheduled" and old_status in ("postponed", "cancelled", "rescheduled"):
        return ChangeEntry.Kind.REINSTATED
    return None
