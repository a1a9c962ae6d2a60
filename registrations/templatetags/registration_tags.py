from django import template

from ..models import Declaration, accreditation_of

register = template.Library()


@register.simple_tag
def open_media_accreditation(event):
    """The event's media accreditation while it accepts registrations, else None."""
    accreditation = accreditation_of(event)
    if accreditation is not None and accreditation.accepts_registrations():
        return accreditation
    return None


@register.simple_tag
def declaration_of(event):
    """The event's Declaration with its live count (one query), or None."""
    return Declaration.objects.with_count().filter(event=event).select_related("event").first()
