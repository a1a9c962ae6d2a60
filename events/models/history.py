"""A forum's short public history (events.history writes it; events.feeds reads it)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .programme import Event, Session

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
