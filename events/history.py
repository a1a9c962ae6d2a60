"""A forum's short public history: what changed and when (a new time, a
postponement, a cancellation, a delay on the day, a recording added). The
Atom feed (events.feeds) tells it; the pages keep showing the present.

`change_record()` is the one way in: the paths that change a forum's status or
times call it in their transaction. An entry holds values, not sentences, so
each reader gets it in their own language."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Event, Session

# How many entries the feed carries per forum: a short history, not an archive.
KEEP_PER_EVENT = 20


class ChangeEntry(models.Model):
    class Kind(models.TextChoices):
        RESCHEDULED = "rescheduled", _("Moved to a new time")
        POSTPONED = "postponed", _("Postponed")
        CANCELLED = "cancelled", _("Cancelled")
        REINSTATED = "reinstated", _("Back on schedule")
        DELAYED = "delayed", _("Delayed")
        RECORDING = "recording", _("Recording")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="changes", verbose_name=_("event"))
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("session")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    start = models.DateTimeField(_("new start"), null=True, blank=True)
    previous_start = models.DateTimeField(_("previous start"), null=True, blank=True)
    minutes = models.PositiveIntegerField(_("minutes"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    url = models.URLField(_("address"), blank=True)

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["event", "-at"], name="events_change_event_at")]

    def __str__(self):
        return f"{self.event}: {self.get_kind_display()}"


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
