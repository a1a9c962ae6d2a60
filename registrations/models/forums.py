"""What a forum offers people: its media accreditation and its Declaration."""

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event, HttpsURLField

from .counters import SignatureCounter


class MediaAccreditation(models.Model):
    """Per event: when journalists can register, and the private access that
    approved journalists receive by mail (never on a public page)."""

    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, related_name="media_accreditation", verbose_name=_("event")
    )
    is_open = models.BooleanField(
        _("registration open"), default=True, help_text=_("Untick to close registration at once.")
    )
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True, help_text=_("Empty: open now."))
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True, help_text=_("Empty: when the event ends."))

    class Provider(models.TextChoices):
        SHARED = "shared", _("One shared meeting address")
        ZOOM = "zoom", _("Zoom: a registrant per journalist")
        JITSI = "jitsi", _("Jitsi Meet with tokens")

    # How approved journalists reach the meeting: always through their own
    # link on this site (registrations.access), never the meeting's address in a mail.
    provider = models.CharField(
        _("meeting provider"),
        max_length=8,
        choices=Provider.choices,
        default=Provider.SHARED,
        help_text=_(
            "Shared: each journalist gets a personal link that can be withdrawn, but whoever opens it in "
            "its window learns the meeting's address. Zoom and Jitsi give each journalist an access of "
            "their own (see the README)."
        ),
    )
    meeting_url = HttpsURLField(
        _("meeting address"),
        max_length=500,
        blank=True,
        help_text=_("The shared provider's meeting address. Never mailed: journalists are sent to it by their link."),
    )
    meeting_passcode = models.CharField(
        _("meeting passcode"),
        max_length=100,
        blank=True,
        help_text=_("Shown only on the page a journalist's link opens during its window, never mailed."),
    )
    zoom_meeting_id = models.CharField(
        _("Zoom meeting ID"),
        max_length=20,
        blank=True,
        help_text=_("The meeting with registration (manual approval, Zoom's own confirmation mail off)."),
    )
    zoom_real_address = models.BooleanField(
        _("give Zoom journalists' real addresses"),
        default=False,
        help_text=_("Unticked: Zoom receives an alias address per journalist on the domain the operator set."),
    )
    jitsi_room = models.CharField(_("Jitsi room"), max_length=100, blank=True)
    access_opens_before = models.PositiveIntegerField(
        _("access opens before the forum (minutes)"),
        default=60,
        help_text=_("From this long before the start until the forum's end (delays included), the links work."),
    )
    erased_count = models.PositiveIntegerField(_("registrations erased after the event"), default=0, editable=False)
    # Grows with each change of the access note: part of
    # the invitation's SEQUENCE, with the event's own.
    access_revision = models.PositiveIntegerField(_("access revision"), default=0, editable=False)
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        help_text=_("How many journalists can be approved. Empty: no limit."),
    )
    access_note = models.TextField(
        _("access note"),
        blank=True,
        max_length=2000,
        help_text=_(
            "Only what is safe to forward, such as interpretation channels: it is mailed to approved "
            "journalists. Never a meeting ID or passcode."
        ),
    )

    class Meta:
        verbose_name = _("media accreditation")
        verbose_name_plural = _("media accreditations")
        ordering = ["-event__start"]

    def __str__(self):
        return str(self.event)

    # What the invitation says of the access: the note. The meeting itself
    # (its address, passcode, provider) can change without a mail: journalists
    # keep their personal link, which leads to whatever is set now.
    ACCESS_FIELDS = tuple(f"access_note_{code}" for code, _name in settings.LANGUAGES)

    def save(self, *args, **kwargs):
        """A changed access makes a new revision of the invitation."""
        if self.pk is not None:
            old = type(self).objects.filter(pk=self.pk).values(*self.ACCESS_FIELDS, "access_revision").first()
            if old is not None and any(old[name] != getattr(self, name) for name in self.ACCESS_FIELDS):
                self.access_revision = old["access_revision"] + 1
                if kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = {*kwargs["update_fields"], "access_revision"}
        super().save(*args, **kwargs)

    @property
    def invitation_sequence(self):
        """The SEQUENCE of approved journalists' invitation: it grows when the
        forum's time or title changes, when it is cancelled, and when the access changes."""
        return self.event.sequence + self.access_revision

    def accepts_registrations(self, now=None):
        """Open, after `opens_at`, and before `closes_at` (when organisers set
        none, before the event ends; a postponed forum has no end yet). Never
        while the forum is cancelled: un-cancelled, it opens again within
        these dates."""
        now = now or timezone.now()
        if self.event.is_cancelled or not self.is_open or (self.opens_at and now < self.opens_at):
            return False
        if self.closes_at is None and self.event.is_postponed:
            return True
        return now < (self.closes_at or self.event.end)


def accreditation_of(event):
    """The event's media accreditation, or None; it comes back knowing its
    event, so asking whether it is open costs no second query."""
    try:
        return event.media_accreditation
    except MediaAccreditation.DoesNotExist:
        return None


class DeclarationQuerySet(models.QuerySet):
    def with_count(self):
        """Each Declaration with `signature_count`, read from its stored
        counter (a sum over a few shard rows, never a count of signatures):
        confirmed signatures not hidden as abuse, plus those erased after the
        event. One query with the Declaration."""
        shards = (
            SignatureCounter.objects.filter(declaration=OuterRef("pk"))
            .order_by()
            .values("declaration")
            .annotate(total=Sum("value"))
            .values("total")
        )
        return self.annotate(
            signature_count=Coalesce(Subquery(shards, output_field=models.BigIntegerField()), Value(0))
        )


class Declaration(models.Model):
    """A text that participants sign, per event, in every language."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="declaration", verbose_name=_("event"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    is_open = models.BooleanField(_("open for signing"), default=True)
    review_names = models.BooleanField(
        _("review names before they are listed"),
        default=True,
        help_text=_(
            "Signatures count at once; a name or initials appear on the public list only after an organiser "
            "accepts them. Untick only for a small forum whose signatories you trust."
        ),
    )
    erased_count = models.PositiveIntegerField(_("signatures erased after the event"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = DeclarationQuerySet.as_manager()

    class Meta:
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")
        ordering = ["-event__start"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("registrations:declaration", kwargs={"slug": self.event.slug})
