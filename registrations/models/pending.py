"""A public form's submission as it arrives, before it is stored as a person."""

from django.db import models
from django.db.models import Case, F, OuterRef, Subquery, When
from django.utils.translation import gettext_lazy as _

from .forums import Declaration
from .media import MediaRegistration
from .signatures import Signature


class PendingSubmissionQuerySet(models.QuerySet):
    def of_forums(self, event_ids):
        """The submissions to these forums' forms, each with `forum`, its
        forum's (event's) id: a media registration's parent is the event, a
        signature's its Declaration."""
        declaration_forum = Declaration.objects.filter(pk=OuterRef("parent_id")).values("event_id")
        forum = Case(
            When(feature=MediaRegistration.feature, then=F("parent_id")),
            When(feature=Signature.feature, then=Subquery(declaration_forum)),
            output_field=models.BigIntegerField(),
        )
        return self.annotate(forum=forum).filter(forum__in=event_ids)


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

    objects = PendingSubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("submission being stored")
        verbose_name_plural = _("submissions being stored")

    def __str__(self):
        return str(self.pk)
