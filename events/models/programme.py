import re
import uuid
import zoneinfo
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import status as status_words

TRANSLATED_LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)


def _validate_timezone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


def _scheduling_values(obj, names):
    values = []
    for name in names:
        if name == "title":
            values.extend(getattr(obj, f"title_{code}", None) for code in TRANSLATED_LANGUAGES)
        else:
            values.append(getattr(obj, name))
    return values


class HttpsURLField(models.URLField):
    """A URL field whose form adds https:// (not http://) to a bare domain."""

    def formfield(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        return super().formfield(**kwargs)


class ScheduledMixin(models.Model):
    """Stable calendar identity (UID) and a SEQUENCE that grows with each
    change a calendar client must notice. Keeping the row consistent is all
    `save()` does here."""

    # A change to one of these must reach calendars that already hold the
    # item, so it bumps the SEQUENCE (RFC 5545, 3.8.7.4).
    SCHEDULING_FIELDS = ("start", "end", "title")

    uid = models.UUIDField(_("calendar identifier"), default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("calendar revision"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            old = type(self).objects.filter(pk=self.pk).first()
            if old is not None:
                # From the stored revision, never from the one this object was read with (it may have grown since).
                changed = _scheduling_values(old, self.SCHEDULING_FIELDS) != _scheduling_values(
                    self, self.SCHEDULING_FIELDS
                )
                self.sequence = old.sequence + changed
                if changed and kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = {*kwargs["update_fields"], "sequence"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("The end must be after the start.")})


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def featured_and_others(self, now=None):
        """The event a visitor most likely came for (live now, else the next
        to start, else the one that ended last) and the other published
        events, newest first, from one query: there are only ever a few."""
        now = now or timezone.now()
        events = list(self.published().order_by("-start"))
        states = {e.pk: e.state(now) for e in events}
        live = [e for e in events if states[e.pk] == Event.State.LIVE]
        upcoming = sorted(
            (e for e in events if states[e.pk] in (Event.State.UPCOMING, Event.State.POSTPONED)),
            key=lambda e: e.start,
        )
        # A cancelled forum is featured only while nothing else is coming: its visitors learn it is off.
        called_off = sorted((e for e in events if e.is_cancelled and e.end > now), key=lambda e: e.start)
        ended = sorted((e for e in events if states[e.pk] == Event.State.ENDED), key=lambda e: e.end, reverse=True)
        featured = (live or upcoming or called_off or ended or [None])[0]
        return featured, [e for e in events if e is not featured]


def moved_before_the_day(old_start, new_start, zone, now=None):
    """Whether moving a start from `old_start` to `new_start` now is a
    rescheduling: a change made before the day it was to happen on (in the
    forum's zone). A change on the day itself is not."""
    if old_start == new_start:
        return False
    today = timezone.localdate(now or timezone.now(), zone)
    return today < timezone.localdate(old_start, zone)


class Event(ScheduledMixin):
    SCHEDULING_FIELDS = ("start", "end", "title", "status")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        RESCHEDULED = "rescheduled", _("Rescheduled")
        POSTPONED = "postponed", _("Postponed: new date to be announced")
        CANCELLED = "cancelled", _("Cancelled")

    class State(models.TextChoices):
        UPCOMING = "upcoming", _("Upcoming")
        LIVE = "live", _("Live now")
        ENDED = "ended", _("Ended")
        POSTPONED = "postponed", _("Postponed")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=100, unique=True, help_text=_("The address of the page: letters, digits and hyphens.")
    )
    tagline = models.CharField(_("tagline"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    goals = models.TextField(_("goals"), blank=True)
    participants = models.TextField(_("who takes part"), blank=True)
    languages_note = models.CharField(
        _("languages"),
        max_length=300,
        blank=True,
        help_text=_("For example: Russian and English on Zoom, the original language on YouTube."),
    )
    start = models.DateTimeField(_("start"), help_text=_("Entered in the site's time zone (Europe/Minsk)."))
    end = models.DateTimeField(_("end"), help_text=_("Entered in the site's time zone (Europe/Minsk)."))
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Minsk",
        validators=[_validate_timezone],
        help_text=_("The zone in which the page shows times, e.g. Europe/Minsk."),
    )
    facebook_url = HttpsURLField(_("Facebook event"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.SCHEDULED,
        help_text=_(
            "Moving the start before the forum's day makes it rescheduled by itself. Postponed keeps the dates "
            "but withholds the access until a new date is set; cancelled closes media registration. Approved "
            "journalists can then be sent the change for their calendars."
        ),
    )
    previous_start = models.DateTimeField(
        _("previous start"), null=True, blank=True, editable=False, help_text=_("Where a rescheduled forum was.")
    )
    status_note = models.TextField(
        _("note on the status"),
        blank=True,
        max_length=1000,
        help_text=_("Shown with the status on every page, e.g. why the forum was moved or cancelled."),
    )
    contact_email = models.EmailField(
        _("organisers' contact address"),
        blank=True,
        help_text=_("Never shown on the site. Notes for the organisers (such as a place freed) are mailed here."),
    )
    organisers_language = models.CharField(
        _("organisers' language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the notes mailed to the contact address; the site's default language if empty."),
    )
    retention_days = models.PositiveSmallIntegerField(
        _("keep personal data for (days)"),
        default=90,
        help_text=_("Registrations and signatures of this event are erased this many days after it ends; counts stay."),
    )
    organisations = models.ManyToManyField(
        "Organisation", through="EventOrganisation", related_name="events", verbose_name=_("organisations"), blank=True
    )

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="event_end_after_start"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        old_status = self._follow_the_start()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "status", "previous_start"}
        super().save(*args, **kwargs)
        if old_status is not None and old_status != self.status:
            # Every session's calendar entry says the forum's status: a new revision of each.
            self.sessions.update(sequence=models.F("sequence") + 1, updated_at=timezone.now())

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"slug": self.slug})

    def get_calendar_url(self):
        return reverse("events:calendar", kwargs={"slug": self.slug})

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.timezone)

    def _follow_the_start(self):
        """A start moved before the forum's day makes it rescheduled, keeping
        where it was; so does a postponed forum's new date, whenever it is
        set. Moved back where it was, it is scheduled again. A cancelled
        forum stays cancelled, and an editor who postpones it now is obeyed;
        a delay on the day itself changes no status. Returns the status
        stored before (None for a new forum)."""
        old = type(self).objects.filter(pk=self.pk).values("start", "status").first() if self.pk else None
        if self.status == self.Status.SCHEDULED:
            self.previous_start = None
        if old is None or old["start"] == self.start:
            return old and old["status"]
        dated = old["status"] == self.status == self.Status.POSTPONED
        if not dated and (
            self.status in (self.Status.CANCELLED, self.Status.POSTPONED)
            or not moved_before_the_day(old["start"], self.start, self.zone)
        ):
            return old["status"]
        if self.start == self.previous_start:
            self.status, self.previous_start = self.Status.SCHEDULED, None
        else:
            self.status, self.previous_start = self.Status.RESCHEDULED, old["start"]
        return old["status"]

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def is_postponed(self):
        return self.status == self.Status.POSTPONED

    @property
    def withholds_access(self):
        """Approved journalists' access is not given out: the forum is cancelled, or waits for a date."""
        return self.status in (self.Status.CANCELLED, self.Status.POSTPONED)

    def status_sentence(self):
        return status_words.status_sentence(self)

    def status_text(self):
        return status_words.status_text(self)

    def state(self, now=None):
        """What a visitor is told first: cancelled or postponed, else where the forum is in time."""
        if self.status in (self.Status.CANCELLED, self.Status.POSTPONED):
            return self.State(self.status)
        now = now or timezone.now()
        if now < self.start:
            return self.State.UPCOMING
        if now < self.end:
            return self.State.LIVE
        return self.State.ENDED

    def programme_changed(self):
        """A session was added, moved, renamed, cancelled or deleted: the
        forum's own calendar entry (which carries the programme in the
        invitations sent to journalists) is a new revision."""
        row = type(self).objects.filter(pk=self.pk)
        row.update(sequence=models.F("sequence") + 1, updated_at=timezone.now())
        values = row.values_list("sequence", "updated_at").first()
        if values is not None:
            self.sequence, self.updated_at = values


class Speaker(models.Model):
    name = models.CharField(_("name"), max_length=200)
    affiliation = models.CharField(_("affiliation"), max_length=300, blank=True)
    bio = models.TextField(_("short biography"), blank=True)

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Session(ScheduledMixin):
    SCHEDULING_FIELDS = ("start", "end", "title", "is_cancelled")

    class Language(models.TextChoices):
        BELARUSIAN = "be", _("Belarusian")
        RUSSIAN = "ru", _("Russian")
        ENGLISH = "en", _("English")
        SEVERAL = "multi", _("Several languages")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("event"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.RUSSIAN)
    speakers = models.ManyToManyField(Speaker, related_name="sessions", verbose_name=_("speakers"), blank=True)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    previous_start = models.DateTimeField(
        _("previous start"), null=True, blank=True, editable=False, help_text=_("Where a moved session was.")
    )
    # Set by an editor's "started now" / "ended now" on the day; the planned times above stay the schedule.
    actual_start = models.DateTimeField(_("started at"), null=True, blank=True, editable=False)
    actual_end = models.DateTimeField(_("ended at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="session_end_after_start"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        """A start moved before the forum's day is kept as where the session
        was (shown as a change); moved back, the change is gone. A session
        added, moved, renamed or cancelled changes its forum's programme,
        which approved journalists' invitation to the forum carries: the
        forum's SEQUENCE grows with it."""
        adding = self._state.adding
        old = type(self).objects.filter(pk=self.pk).values_list("start", "sequence").first() if self.pk else None
        if old is not None and moved_before_the_day(old[0], self.start, self.event.zone):
            self.previous_start = None if self.start == self.previous_start else old[0]
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "previous_start"}
        super().save(*args, **kwargs)
        if adding or old is None or self.sequence != old[1]:
            self.event.programme_changed()

    def get_absolute_url(self):
        return f"{self.event.get_absolute_url()}#session-{self.pk}"

    def get_calendar_url(self):
        return reverse("events:session_calendar", kwargs={"slug": self.event.slug, "pk": self.pk})

    def status_sentence(self):
        return status_words.session_sentence(self, zone=self.event.zone)


@receiver(post_delete, sender=Session)
def _session_deleted(sender, instance, **kwargs):
    """A deleted session (alone, or in a list's bulk delete) changes the programme too."""
    Event(pk=instance.event_id).programme_changed()


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    url = HttpsURLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class EventOrganisation(models.Model):
    """An organisation's role in one event: the same organisation can organise
    one forum and support the next."""

    class Role(models.TextChoices):
        ORGANISER = "organiser", _("Organiser")
        SUPPORTER = "supporter", _("Supporter")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="event_organisations", verbose_name=_("event")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="event_roles", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.ORGANISER)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("organisation of the event")
        verbose_name_plural = _("organisations of the event")
        ordering = ["event", "role", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "organisation"], name="one_role_per_organisation_and_event"),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"


_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")


def youtube_embed_url(url):
    """The privacy-enhanced embed address for a YouTube video or live link,
    or "" when the link is not one we can embed (a channel page, say)."""
    if not url:
        return ""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    video_id = ""
    if host == "youtu.be":
        video_id = parts.path.strip("/").split("/")[0]
    elif host in {"youtube.com", "youtube-nocookie.com"}:
        segments = [s for s in parts.path.split("/") if s]
        if segments[:1] == ["watch"]:
            video_id = parse_qs(parts.query).get("v", [""])[0]
        elif len(segments) >= 2 and segments[0] in {"live", "embed", "shorts"}:
            video_id = segments[1]
    if not _YOUTUBE_ID.match(video_id):
        return ""
    return f"https://www.youtube-nocookie.com/embed/{video_id}"
