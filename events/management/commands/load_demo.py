"""Load the demo forum "New Belarus against Torture" in en/ru/be.

Idempotent: every row is found by a stable key and written only when a value
differs, so a second run changes nothing (not even `updated_at`, so calendar
clients see no new revision).
"""

import uuid
import zoneinfo
from datetime import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from events import demo_content as demo
from events.models import Event, EventOrganisation, Organisation, Session, Speaker
from registrations.models import Declaration, MediaAccreditation

LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
# Stable identities for the demo rows, derived from their keys.
NAMESPACE = uuid.UUID("6f2d0c1e-8a4b-4f7e-9d0a-3c5b2e1f4a60")


def _translated(field, texts):
    if isinstance(texts, str):  # the same (usually empty) text in every language
        texts = dict.fromkeys(LANGUAGES, texts)
    return {f"{field}_{code}": texts[code] for code in LANGUAGES}


def _local(value, zone):
    return datetime.strptime(value, "%Y-%m-%d %H:%M").replace(tzinfo=zone)


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

    @transaction.atomic
    def handle(self, *args, **options):
        zone = zoneinfo.ZoneInfo(demo.EVENT["timezone"])
        changes = 0

        event_values = {
            "timezone": demo.EVENT["timezone"],
            "start": _local(demo.EVENT["start_local"], zone),
            "end": _local(demo.EVENT["end_local"], zone),
            "is_published": True,
        }
        for field in ("title", "tagline", "description", "goals", "participants", "languages_note"):
            event_values.update(_translated(field, demo.EVENT[field]))
        event, changed = _upsert(Event, {"slug": demo.EVENT["slug"]}, event_values)
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
                "start": _local(item["start_local"], zone),
                "end": _local(item["end_local"], zone),
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

        _, changed = _upsert(MediaAccreditation, {"event": event}, {"is_open": True})
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
