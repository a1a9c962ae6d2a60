"""Where the public follows a forum (channels) and watches a session again
(recordings), each in one language. The journalists' meeting is not here: it
is personal (registrations)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .programme import Event, HttpsURLField, Session, youtube_embed_url

ORIGINAL = "original"
LANGUAGE_CHOICES = [(ORIGINAL, _("Original language (as the speakers speak)")), *settings.LANGUAGES]

# Whole phrases per language (a language's name cannot be put into a Russian or Belarusian sentence as it is).
WATCH_LABELS = {
    ORIGINAL: _("Watch in the original language"),
    "en": _("Watch in English"),
    "ru": _("Watch in Russian"),
    "be": _("Watch in Belarusian"),
}
RECORDING_LABELS = {
    ORIGINAL: _("Recording in the original language"),
    "en": _("Recording in English"),
    "ru": _("Recording in Russian"),
    "be": _("Recording in Belarusian"),
}

https_only = URLValidator(schemes=["https"], message=_("Enter an address that starts with https://."), code="not_https")


class Channel(models.Model):
    """One public way to follow a forum: a plain link, and the click-to-load
    player when the address is a YouTube video or live video."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="channels", verbose_name=_("event"))
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES, default=ORIGINAL)
    name = models.CharField(
        _("name"), max_length=200, blank=True, help_text=_("For example: YouTube, channel “Belarusians Abroad”.")
    )
    url = HttpsURLField(
        _("address"),
        blank=True,
        validators=[https_only],
        help_text=_(
            "https only. A YouTube video or live-video address also gets a player that loads when a visitor "
            "presses Play; any other address (a channel page, say) is a link. Empty: “link on the day”."
        ),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("public channel")
        verbose_name_plural = _("public channels")
        ordering = ["event", "position", "pk"]

    def __str__(self):
        return self.name or self.url or self.get_language_display()

    @property
    def link_label(self):
        return WATCH_LABELS.get(self.language, WATCH_LABELS[ORIGINAL])

    @property
    def embed_url(self):
        return youtube_embed_url(self.url)

    @property
    def is_youtube(self):
        host = (self.url.split("/")[2] if self.url.count("/") >= 2 else "").lower()
        return host.removeprefix("www.").removeprefix("m.") in {"youtube.com", "youtu.be"}


class Recording(models.Model):
    """A session's recording in one language. A recording with no session is
    the whole forum's (kept from the forum's single recording address of
    before, where the forum had no session to hold it)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="recordings", verbose_name=_("event"))
    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        related_name="recordings",
        null=True,
        blank=True,
        verbose_name=_("session"),
    )
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES, default=ORIGINAL)
    url = HttpsURLField(_("address"), validators=[https_only])
    created_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("recording")
        verbose_name_plural = _("recordings")
        ordering = ["event", "session__start", "language", "pk"]

    def __str__(self):
        return f"{self.session or self.event} ({self.get_language_display()})"

    def save(self, *args, **kwargs):
        if self.session_id is not None:
            self.event_id = self.session.event_id
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.session_id is not None and self.session.event_id:
            self.event_id = self.session.event_id
        if self.session_id is not None and self.available_from > timezone.now():
            raise ValidationError(
                {"url": _("This session has not ended yet: add its recording once it is over.")}, code="not_ended"
            )

    @property
    def available_from(self):
        """Shown once what it records has ended (the session, or the forum)."""
        item = self.session or self.event
        return getattr(item, "actual_end", None) or item.end

    @property
    def link_label(self):
        return RECORDING_LABELS.get(self.language, RECORDING_LABELS[ORIGINAL])
