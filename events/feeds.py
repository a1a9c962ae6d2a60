"""The site's Atom feed, in each language: its forums, their changes (a new
time, a postponement, a cancellation, a delay: events.history) and their
recordings. Links lead to the forum's page (and its session), so the static
mirror's copy of the feed leads into the mirror (plumbing.mirror)."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .localtime import describe_range
from .models import ORIGINAL, RECORDING_LABELS, ChangeEntry, Event
from .status import status_sentence, when_text

# At most this many entries: a feed reader needs the recent news, not the archive.
MAX_ENTRIES = 50


@dataclass(frozen=True)
class Entry:
    guid: str
    title: str
    link: str
    description: str
    published: datetime
    updated: datetime


def _forum_entry(event):
    text = " ".join(part for part in (status_sentence(event), when_text(event), event.tagline) if part)
    return Entry(
        guid=f"urn:uuid:{event.uid}",
        title=event.title,
        link=event.get_absolute_url(),
        description=text,
        published=event.created_at,
        updated=event.updated_at,
    )


def _change_title(entry):
    event, session = entry.event, entry.session
    subject = session.title if session is not None else event.title
    kind = ChangeEntry.Kind
    if entry.kind == kind.DELAYED:
        minutes = entry.minutes or 0
        return ngettext(
            "Delayed by %(minutes)d minute: %(title)s", "Delayed by %(minutes)d minutes: %(title)s", minutes
        ) % {"minutes": minutes, "title": subject}
    if entry.kind == kind.RECORDING:
        label = RECORDING_LABELS.get(entry.language, RECORDING_LABELS[ORIGINAL])
        return _("%(recording)s: %(title)s") % {"recording": label, "title": subject}
    words = {
        kind.RESCHEDULED: _("New time: %(title)s"),
        kind.POSTPONED: _("Postponed: %(title)s"),
        kind.CANCELLED: _("Cancelled: %(title)s"),
        kind.REINSTATED: _("Back on schedule: %(title)s"),
    }
    return words[entry.kind] % {"title": subject}


def _change_description(entry):
    event, session = entry.event, entry.session
    parts = []
    if entry.kind == ChangeEntry.Kind.RECORDING:
        parts.append(entry.url)
    elif entry.kind in (ChangeEntry.Kind.RESCHEDULED, ChangeEntry.Kind.DELAYED) and entry.start is not None:
        item = session or event
        end = entry.start + (item.end - item.start)
        parts.append(describe_range(entry.start, end, event.zone))
    if session is not None:
        parts.append(event.title)
    elif entry.kind in (ChangeEntry.Kind.POSTPONED, ChangeEntry.Kind.CANCELLED):
        parts.append(event.status_note)
    return " — ".join(part for part in parts if part)


def _change_entry(entry):
    link = entry.event.get_absolute_url()
    if entry.session_id is not None:
        link += f"#session-{entry.session_id}"
    return Entry(
        guid=f"urn:uuid:{uuid.uuid5(entry.event.uid, f'change-{entry.pk}')}",
        title=_change_title(entry),
        link=link,
        description=_change_description(entry),
        published=entry.at,
        updated=entry.at,
    )


def feed_entries(events, changes):
    """The feed's entries, newest first: one per forum, one per change."""
    entries = [_forum_entry(event) for event in events]
    entries += [_change_entry(change) for change in changes]
    entries.sort(key=lambda entry: (entry.updated, entry.guid), reverse=True)
    return entries[:MAX_ENTRIES]


class ForumFeed(Feed):
    feed_type = Atom1Feed

    def title(self):
        return settings.SITE_NAME or _("Forums against torture")

    def subtitle(self):
        return _("Forums, their changes of time and status, and their recordings.")

    def link(self):
        from django.urls import reverse

        return reverse("events:home")

    def feed_guid(self):
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, settings.SITE_URL + '/feed')}"

    def items(self):
        events = list(Event.objects.published().order_by("-start")[:MAX_ENTRIES])
        changes = (
            ChangeEntry.objects.filter(event__is_published=True)
            .select_related("event", "session")
            .order_by("-at", "-pk")[:MAX_ENTRIES]
        )
        return feed_entries(events, changes)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.description

    def item_link(self, item):
        return item.link

    def item_guid(self, item):
        return item.guid

    def item_pubdate(self, item):
        return item.published

    def item_updateddate(self, item):
        return item.updated
