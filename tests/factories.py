"""Small factories for the tests: plain functions with sensible defaults."""

import itertools
import zoneinfo
from datetime import datetime, timedelta

from events.models import Channel, Event, EventOrganisation, Organisation, Recording, Session, Speaker

MINSK = zoneinfo.ZoneInfo("Europe/Minsk")
_counter = itertools.count(1)


def make_event(**values):
    """A published forum. `stream_url` and `recording_url` (the forum's
    addresses of before) become its first public channel (original language)
    and its own recording, as the data migration moved them."""
    n = next(_counter)
    stream_url = values.pop("stream_url", "")
    recording_url = values.pop("recording_url", "")
    start = values.pop("start", datetime(2021, 6, 24, 16, 0, tzinfo=MINSK))
    defaults = {
        "title_en": f"Forum {n}",
        "title_ru": f"Форум {n}",
        "title_be": f"Форум {n} (be)",
        "slug": f"forum-{n}",
        "start": start,
        "end": start + timedelta(hours=3),
        "is_published": True,
    }
    defaults.update(values)
    event = Event.objects.create(**defaults)
    if stream_url:
        make_channel(event, url=stream_url)
    if recording_url:
        Recording.objects.create(event=event, url=recording_url)
    return event


def make_channel(event, **values):
    defaults = {"event": event, "language": "original", "position": event.channels.count()}
    defaults.update(values)
    return Channel.objects.create(**defaults)


def make_recording(session, **values):
    defaults = {"session": session, "event": session.event, "language": "original"}
    defaults.update(values)
    return Recording.objects.create(**defaults)


def make_speaker(**values):
    n = next(_counter)
    defaults = {"name_en": f"Speaker {n}", "name_ru": f"Докладчик {n}", "affiliation_en": f"Organisation {n}"}
    defaults.update(values)
    return Speaker.objects.create(**defaults)


def make_session(event, *, speakers=(), **values):
    n = next(_counter)
    start = values.pop("start", event.start)
    defaults = {
        "event": event,
        "title_en": f"Session {n}",
        "title_ru": f"Сессия {n}",
        "start": start,
        "end": start + timedelta(minutes=30),
    }
    defaults.update(values)
    session = Session.objects.create(**defaults)
    if speakers:
        session.speakers.set(speakers)
    return session


def make_organisation(event, *, role=EventOrganisation.Role.ORGANISER, **values):
    n = next(_counter)
    defaults = {"name_en": f"Organisation {n}", "name_ru": f"Организация {n}"}
    defaults.update(values)
    organisation = Organisation.objects.create(**defaults)
    EventOrganisation.objects.create(event=event, organisation=organisation, role=role)
    return organisation


def make_accreditation(event, **values):
    from registrations.models import MediaAccreditation

    defaults = {
        "is_open": True,
        "meeting_url": "https://zoom.example.org/j/123456789",
        "access_note_en": "Interpretation: channel 2",
    }
    defaults.update(values)
    accreditation, _ = MediaAccreditation.objects.update_or_create(event=event, defaults=defaults)
    return accreditation


def make_registration(event, **values):
    from django.utils import timezone

    from registrations.models import MediaRegistration

    n = next(_counter)
    defaults = {
        "event": event,
        "status": MediaRegistration.Status.PENDING,
        "name": f"Journalist {n}",
        "outlet": f"Outlet {n}",
        "role": "journalist",
        "country": "LT",
        "email": f"journalist{n}@example.org",
        "work_url": f"https://news.example.org/{n}",
        "languages": ["ru"],
        "mail_language": "en",
        "consent_at": timezone.now(),
        "confirmed_at": timezone.now(),
    }
    defaults.update(values)
    return _counted(MediaRegistration.objects.create(**defaults))


def make_declaration(event, **values):
    from registrations.models import Declaration

    defaults = {"title_en": "Declaration", "title_ru": "Декларация", "text_en": "We declare.", "is_open": True}
    defaults.update(values)
    return Declaration.objects.create(event=event, **defaults)


def _counted(person):
    """A row made here in a counted state is in its stored count, as the
    services would have left it."""
    from registrations import counts

    counts.person_count_move(person, before=None, after=person.counted_as)
    return person


def make_signature(declaration, **values):
    from django.utils import timezone

    from registrations.models import Signature

    n = next(_counter)
    defaults = {
        "declaration": declaration,
        "status": Signature.Status.CONFIRMED,
        "name": f"Signatory {n}",
        "country": "BY",
        "email": f"signatory{n}@example.org",
        "visibility": Signature.Visibility.FULL_NAME,
        "mail_language": "en",
        "consent_at": timezone.now(),
        "confirmed_at": timezone.now(),
    }
    defaults.update(values)
    if defaults["status"] == Signature.Status.CONFIRMED:
        # Reviewed: its name is listed where the Declaration lists names.
        defaults.setdefault("name_accepted_at", defaults["confirmed_at"])
    return _counted(Signature.objects.create(**defaults))
