"""Reads that cross models: what the pages of other floors ask of people's
features. Small reads of one model stay QuerySet methods."""

from .models import Declaration, accreditation_of


def open_media_accreditation(event):
    """The event's media accreditation while it accepts registrations, else None."""
    accreditation = accreditation_of(event)
    if accreditation is not None and accreditation.accepts_registrations():
        return accreditation
    return None


def declaration_of(event):
    """The event's Declaration with its stored count (one query), or None."""
    return Declaration.objects.with_count().filter(event=event).select_related("event").first()


def event_offers(event):
    """What people can do at a forum, for its page: register as media while
    that is open (`media`), read or sign its Declaration (`declaration`)."""
    return {"media": open_media_accreditation(event), "declaration": declaration_of(event)}
