"""The programme (forums, sessions, speakers, organisations), where the public
follows a forum and watches it again (channels), and its short public history.
Migrations name `events.models.HttpsURLField` and `_validate_timezone`: they
stay importable from here."""

from .channels import LANGUAGE_CHOICES, ORIGINAL, RECORDING_LABELS, WATCH_LABELS, Channel, Recording
from .history import KEEP_PER_EVENT, ChangeEntry
from .programme import (
    TRANSLATED_LANGUAGES,
    Event,
    EventOrganisation,
    EventQuerySet,
    HttpsURLField,
    Organisation,
    ScheduledMixin,
    Session,
    Speaker,
    _validate_timezone,
    moved_before_the_day,
    youtube_embed_url,
)

__all__ = [
    "KEEP_PER_EVENT",
    "LANGUAGE_CHOICES",
    "ORIGINAL",
    "RECORDING_LABELS",
    "TRANSLATED_LANGUAGES",
    "WATCH_LABELS",
    "ChangeEntry",
    "Channel",
    "Event",
    "EventOrganisation",
    "EventQuerySet",
    "HttpsURLField",
    "Organisation",
    "Recording",
    "ScheduledMixin",
    "Session",
    "Speaker",
    "_validate_timezone",
    "moved_before_the_day",
    "youtube_embed_url",
]
