"""The audit log of what staff saw and did with people's data."""

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event


class AuditEntry(models.Model):
    """Who looked at or exported personal data, when, and how much. It names
    rows by number only; staff can read it, nobody can edit it."""

    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        LIST = "list", _("listed")
        SEARCH = "search", _("searched")
        EXPORT = "export", _("exported")
        MESSAGE = "message", _("wrote to")
        CHANGE = "change", _("changed")
        CANCEL = "cancel", _("cancelled")
        ERASE = "erase", _("erased the people of")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("account")
    )
    # Kept when the account is deleted: the log still says who acted.
    username = models.CharField(_("who"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    model = models.CharField(_("what"), max_length=64)
    object_id = models.BigIntegerField(_("number"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=1)
    event = models.ForeignKey(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("event")
    )

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.model_name}"

    @staticmethod
    def name_of(label):
        """A model's name in the reader's language ("media registration"),
        from its stored label ("registrations.MediaRegistration"); the label
        itself for a model that is gone."""
        try:
            return str(apps.get_model(label)._meta.verbose_name)
        except (LookupError, ValueError):
            return label

    @property
    def model_name(self):
        return self.name_of(self.model)
