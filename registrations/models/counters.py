"""Stored counts, sharded so that a surge of signatures does not queue on one row."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models import Event


class ShardedCounter(models.Model):
    """A stored count that many transactions move at once. Each change adds
    to one of SHARDS rows picked at random (an `UPDATE … SET value = value +
    n` in the changing transaction), so concurrent confirmations do not all
    wait on one row's lock; a read sums the few rows of its key. Kept exact by
    `registrations.counts`; `manage.py recount` checks it against the rows."""

    SHARDS = 8

    shard = models.PositiveSmallIntegerField(_("shard"))
    value = models.BigIntegerField(_("value"), default=0)
    # When this shard last moved: the newest of a key's shards says when its
    # count was last true to the minute (the static mirror prints it).
    changed_at = models.DateTimeField(_("changed"), null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self._meta.model_name} {self.pk}"

    @classmethod
    def random_shard(cls):
        return secrets.randbelow(cls.SHARDS)


class SignatureCounter(ShardedCounter):
    """The public count of a Declaration: confirmed signatures not hidden as
    abuse, including those erased after the event (the purge keeps it)."""

    declaration = models.ForeignKey(
        "registrations.Declaration", on_delete=models.CASCADE, related_name="+", verbose_name=_("declaration")
    )

    class Meta:
        verbose_name = _("signature count")
        verbose_name_plural = _("signature counts")
        ordering = ["declaration", "shard"]
        constraints = [models.UniqueConstraint(fields=["declaration", "shard"], name="signature_counter_shard")]


class MediaCounter(ShardedCounter):
    """Media registrations of an event per status, for staff: each confirmed
    status, and `withdrawn` (those rows are deleted, so only this remembers
    them). Awaiting confirmation is not counted: it is no person yet."""

    WITHDRAWN = "withdrawn"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+", verbose_name=_("event"))
    status = models.CharField(_("status"), max_length=16)

    class Meta:
        verbose_name = _("media registration count")
        verbose_name_plural = _("media registration counts")
        ordering = ["event", "status", "shard"]
        constraints = [models.UniqueConstraint(fields=["event", "status", "shard"], name="media_counter_shard")]
