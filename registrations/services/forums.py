"""Forums as editors run them: copying a past forum to start the next one."""

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from modeltranslation.translator import translator

from events.models import Channel, Event, EventOrganisation, Session

from ..models import Declaration, MediaAccreditation, accreditation_of

logger = logging.getLogger(__name__)

# Never copied: the copy's own identity, its state, and what belongs to the day itself.
# A copy is a new forum: never cancelled because its model was.
_EVENT_SKIP = {
    "id",
    "uid",
    "sequence",
    "created_at",
    "updated_at",
    "slug",
    "start",
    "end",
    "is_published",
    "status",
    "previous_start",
    *(f"status_note_{code}" for code, _name in settings.LANGUAGES),
}
_EVENT_CLEAR = {"facebook_url": ""}


def _values(obj, skip):
    """The row's own values; a translated field by its columns per language
    (`title_en`, `title_ru`…), never through the field that reads the
    current language."""
    translated = set(translator.get_options_for_model(type(obj)).all_fields) if _is_translated(obj) else set()
    return {
        field.attname: getattr(obj, field.attname)
        for field in obj._meta.concrete_fields
        if field.attname not in skip and field.attname not in translated and not field.primary_key
    }


def _is_translated(obj):
    return type(obj) in translator.get_registered_models()


@transaction.atomic
def event_copy(*, event, start_date, slug, titles):
    """A new, unpublished forum titled `titles` ({language code: title})
    with `event`'s other texts in every language, the same organisations and
    speakers (linked, not duplicated), its sessions moved by as many days as
    the forum, its Declaration's text and its accreditation settings (places;
    opening and closing moved with the forum), but no Zoom link or access
    note, no channel address, no recording, no registrations, no signatures.
    Returns the new forum."""
    zone = event.zone
    local_start = event.start.astimezone(zone)
    new_start = datetime.combine(start_date, local_start.timetz()).replace(tzinfo=zone)
    shift = new_start - event.start
    titles = {f"title_{code}": title for code, title in titles.items()}
    copy = Event.objects.create(
        **_values(event, _EVENT_SKIP | set(_EVENT_CLEAR) | set(titles)),
        **titles,
        **_EVENT_CLEAR,
        slug=slug,
        start=event.start + shift,
        end=event.end + shift,
        is_published=False,
    )
    EventOrganisation.objects.bulk_create(
        EventOrganisation(event=copy, organisation_id=role.organisation_id, role=role.role, position=role.position)
        for role in event.event_organisations.all()
    )
    # The same ways to follow it, by language and name; each address is the new day's own.
    Channel.objects.bulk_create(
        Channel(event=copy, language=channel.language, name=channel.name, position=channel.position)
        for channel in event.channels.all()
    )
    for session in event.sessions.prefetch_related("speakers"):
        new = Session.objects.create(
            **_values(
                session,
                {
                    "id",
                    "uid",
                    "sequence",
                    "created_at",
                    "updated_at",
                    "event_id",
                    "start",
                    "end",
                    "is_cancelled",
                    "previous_start",
                },
            ),
            event=copy,
            start=session.start + shift,
            end=session.end + shift,
        )
        new.speakers.set(session.speakers.all())
    accreditation = accreditation_of(event)
    if accreditation is not None:
        MediaAccreditation.objects.create(
            event=copy,
            is_open=accreditation.is_open,
            capacity=accreditation.capacity,
            provider=accreditation.provider,
            access_opens_before=accreditation.access_opens_before,
            opens_at=accreditation.opens_at and accreditation.opens_at + shift,
            closes_at=accreditation.closes_at and accreditation.closes_at + shift,
        )
    declaration = Declaration.objects.filter(event=event).first()
    if declaration is not None:
        Declaration.objects.create(
            **_values(declaration, {"id", "event_id", "erased_count", "created_at", "updated_at"}), event=copy
        )
    logger.info("event %s copied as event %s", event.pk, copy.pk)
    return copy
