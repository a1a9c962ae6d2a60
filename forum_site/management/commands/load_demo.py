"""Load the demo forum "New Belarus against Torture" in en/ru/be.

Idempotent: every row is found by a stable key and written only when a value
differs, so a second run changes nothing (not even `updated_at`, so calendar
clients see no new revision).

The forum was held on 24 June 2021, so its media registration is closed.
`--upcoming` moves the same forum (same slug, same calendar identities) to the
first day on the same weekday at least 60 days ahead, at the same Minsk times,
so media registration and signing can be tried end to end; a plain run puts it
back on its real date.
"""

import uuid
import zoneinfo
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from events.models import Channel, Event, EventOrganisation, Organisation, Session, Speaker
from forum_site import demo_content as demo
from registrations.models import Declaration, MediaAccreditation

LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
# Stable identities for the demo rows, derived from their keys.
NAMESPACE = uuid.UUID("6f2d0c1e-8a4b-4f7e-9d0a-3c5b2e1f4a60")
# How far ahead `--upcoming` puts the forum: time to register, confirm and be
# reviewed before it starts.
UPCOMING_AFTER_DAYS = 60


def _translated(field, texts):
    if isinstance(texts, str):  # the same (usually empty) text in every language
        texts = dict.fromkeys(LANGUAGES, texts)
    return {f"{field}_{code}": texts[code] for code in LANGUAGES}


def _local(value, zone, shift=timedelta(0)):
    """A wall-clock time in the zone, moved by whole days (same local time)."""
    return (datetime.strptime(value, "%Y-%m-%d %H:%M") + shift).replace(tzinfo=zone)


def upcoming_date(real, today):
    """The first day on `real`'s weekday at least UPCOMING_AFTER_DAYS after `today`."""
    earliest = today + timedelta(days=UPCOMING_AFTER_DAYS)
    return earliest + timedelta(days=(real.weekday() - earliest.weekday()) % 7)


def _upsert(model, lookup, values):
    """Create the row, or update only the fields that differ. Returns (obj, changed)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**{**lookup, **values}), True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save()
    return obj, bool(changed)


class Command(BaseCommand):
    help = 'Create or update the demo forum "New Belarus against Torture" in English, Russian and Belarusian.'

    def add_arguments(self, parser):
        parser.add_argument(
            "--upcoming",
            action="store_true",
            help=(
                f"Hold the forum on the first day on its weekday at least {UPCOMING_AFTER_DAYS} days from today, "
                "at the same local times, so media registration and signing are open. "
                "Without it, the forum is on its real date (24 June 2021)."
            ),
        )
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            help="With --upcoming: count from this day (YYYY-MM-DD) instead of today in the forum's time zone.",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        zone = zoneinfo.ZoneInfo(demo.EVENT["timezone"])
        changes = 0

        if options["today"] and not options["upcoming"]:
            raise CommandError("--today goes with --upcoming.")
        real = _local(demo.EVENT["start_local"], zone).date()
        shift = timedelta(0)
        if options["upcoming"]:
            today = options["today"] or timezone.localdate(timezone=zone)
            shift = upcoming_date(real, today) - real

        event_values = {
            "timezone": demo.EVENT["timezone"],
            "start": _local(demo.EVENT["start_local"], zone, shift),
            "end": _local(demo.EVENT["end_local"], zone, shift),
            "is_published": True,
        }
        for field in ("title", "tagline", "description", "goals", "participants", "languages_note"):
            event_values.update(_translated(field, demo.EVENT[field]))
        event, changed = _upsert(Event, {"slug": demo.EVENT["slug"]}, event_values)
        changes += changed
        if event.status != Event.Status.SCHEDULED:
            # Moving the demo is no news: it is scheduled on whichever day it is put.
            Event.objects.filter(pk=event.pk).update(status=Event.Status.SCHEDULED, previous_start=None)
            event.refresh_from_db()
            changes += 1

        for position, item in enumerate(demo.CHANNELS):
            # An address an editor filled in on the day is kept: the demo only says where the stream will be.
            values = {"language": item["language"], "name": item["name"]}
            _, changed = _upsert(Channel, {"event": event, "position": position}, values)
            changes += changed

        for position, item in enumerate(demo.ORGANISATIONS):
            organisation, changed = _upsert(
                Organisation,
                {"name_en": item["name"]["en"]},
                _translated("name", item["name"]),
            )
            changes += changed
            _, changed = _upsert(
                EventOrganisation,
                {"event": event, "organisation": organisation},
                {"role": item["role"], "position": position},
            )
            changes += changed

        speakers = {}
        for item in demo.SPEAKERS:
            values = {}
            for field in ("name", "affiliation", "bio"):
                values.update(_translated(field, item[field]))
            speakers[item["key"]], changed = _upsert(Speaker, {"name_en": item["name"]["en"]}, values)
            changes += changed

        for item in demo.SESSIONS:
            values = {
                "event": event,
                "start": _local(item["start_local"], zone, shift),
                "end": _local(item["end_local"], zone, shift),
                "language": item["language"],
                **_translated("title", item["title"]),
                **_translated("description", item["description"]),
            }
            uid = uuid.uuid5(NAMESPACE, f"{demo.EVENT['slug']}/{item['key']}")
            session, changed = _upsert(Session, {"uid": uid}, values)
            changes += changed
            wanted = {speakers[key].pk for key in item["speakers"]}
            if set(session.speakers.values_list("pk", flat=True)) != wanted:
                session.speakers.set(wanted)
                changes += 1

        # Nor does it move a session.
        changes += Session.objects.filter(event=event).exclude(previous_start=None).update(previous_start=None)

        # Open from now until the forum ends: on the real date that is closed,
        # with --upcoming it is open.
        _, changed = _upsert(
            MediaAccreditation, {"event": event}, {"is_open": True, "opens_at": None, "closes_at": None}
        )
        changes += changed
        _, changed = _upsert(
            Declaration,
            {"event": event},
            {
                "is_open": True,
                **_translated("title", demo.DECLARATION["title"]),
                **_translated("text", demo.DECLARATION["text"]),
            },
        )
        changes += changed

        verb = "updated" if changes else "already up to date"
        self.stdout.write(f"Demo forum {verb}: {event.get_absolute_url()}")
        if options["upcoming"]:
            local = timezone.localtime(event.start, zone)
            self.stdout.write(
                f"The forum is on {local:%Y-%m-%d} ({local:%A}) at {local:%H:%M} {zone.key}: "
                "media registration and signing are open. "
                "Run load_demo without --upcoming to put it back on its real date."
            )
