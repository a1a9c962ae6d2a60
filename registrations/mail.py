"""Mail to registrants: rendered from templates in the registrant's
language, as plain text and HTML, when it is sent."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from events import ical
from events.localtime import describe_range

from . import links
from .models import MediaAccreditation, OutgoingMail


def access_text(accreditation):
    """The private access, as plain text (mail body and calendar entry)."""
    if accreditation is None:
        return ""
    return "\n".join(part for part in (accreditation.zoom_url, accreditation.access_note) if part)


def _accreditation(event):
    return MediaAccreditation.objects.filter(event=event).first()


def build_message(mail):
    registration = mail.registration
    event = registration.event
    language = registration.mail_language
    with translation.override(language):
        accreditation = _accreditation(event) if mail.kind == OutgoingMail.Kind.APPROVED else None
        page_url = f"{settings.SITE_URL}{event.get_absolute_url()}"
        context = {
            "registration": registration,
            "event": event,
            "when": describe_range(event.start, event.end, event.zone),
            "page_url": page_url,
            "confirm_url": links.absolute_link("registrations:confirm", links.CONFIRM, registration, language=language),
            "status_url": links.absolute_link("registrations:status", links.STATUS, registration, language=language),
            "accreditation": accreditation,
            "site_name": settings.SITE_NAME or translation.gettext("Forums against torture"),
        }
        base = f"registrations/mail/{mail.kind}"
        subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
        text = render_to_string(f"{base}.txt", context)
        html = render_to_string(f"{base}.html", context)
        message = EmailMultiAlternatives(subject, text, to=[registration.email])
        message.attach_alternative(html, "text/html")
        if mail.kind == OutgoingMail.Kind.APPROVED:
            invitation = ical.event_invitation(event, page_url=page_url, private_text=access_text(accreditation))
            message.attach(f"{event.slug}.ics", invitation, "text/calendar; charset=utf-8; method=PUBLISH")
    return message
