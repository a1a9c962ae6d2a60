"""A public form's submission as it arrives, before it is stored as a person."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PendingSubmission(models.Model):
    """One submission of a public form (a signature, a media registration),
    written by the POST in one INSERT and turned into its person's row and
    confirmation mail by the worker (registrations.services.intake) within a
    second or so; then deleted. What the person typed is sealed under the
    forum's key (`sealed`, a JSON object), so nothing personal is readable
    here, and a forum whose key is destroyed leaves nothing to read. No
    index but the key: the POST pays for one row and nothing else."""

    feature = models.CharField(max_length=16)  # the person model's `feature`
    parent_id = models.BigIntegerField()  # its Declaration or event (no foreign key: no index, no lookup)
    sealed = models.TextField()
    received_at = models.DateTimeField()

    class Meta:
        verbose_name = _("submission being stored")
        verbose_name_plural = _("submissions being stored")

    def __str__(self):
        return str(self.pk)
