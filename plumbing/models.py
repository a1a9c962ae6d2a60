"""The site's own bookkeeping rows: what the page cache and the static
mirror need to agree on across processes and hosts; and the staff's recovery
codes, as digests."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, TimestampMixin


class ContentVersion(models.Model):
    """One row whose number grows with every change to public content; the
    page cache keys on it, so an edit shows at once in every process."""

    value = models.PositiveBigIntegerField(_("version"), default=0)
    # When public content last changed: the time a static copy describes (plumbing.mirror).
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)

    class Meta:
        db_table = "events_contentversion"  # the table it had in events
        verbose_name = _("content version")
        verbose_name_plural = _("content versions")

    def __str__(self):
        return str(self.value)


class MirrorExport(models.Model):
    """One row: whether a re-export of the static mirror is queued for the
    task worker, and when the last one started (plumbing.mirror)."""

    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    started_at = models.DateTimeField(_("last started at"), null=True, blank=True)
    # The exports given to the worker at the boundaries ahead: their plan number and instants (ISO 8601, UTC).
    plan = models.PositiveIntegerField(_("boundary plan"), default=0)
    boundaries_planned = models.TextField(_("boundaries planned"), blank=True)

    class Meta:
        db_table = "events_mirrorexport"  # the table it had in events
        verbose_name = _("mirror export")
        verbose_name_plural = _("mirror exports")

    def __str__(self):
        return str(self.started_at or "")


class RecoveryCodeDevice(TimestampMixin, Device):
    """A staff member's recovery codes (`manage.py issue_recovery_codes`), a
    second factor of django-otp's kind: each code is kept only as a keyed
    digest under the key store's staff key (plumbing.staff_secrets), used up
    when used."""

    class Meta:
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")

    def verify_token(self, token):
        from .staff_secrets import recovery_code_use

        return recovery_code_use(device=self, code=token)


class RecoveryCode(models.Model):
    """One unused recovery code: its keyed digest, never the code."""

    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(_("digest"), max_length=64)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")

    def __str__(self):
        return str(self.pk)
