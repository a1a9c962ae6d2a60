"""Mail to registrants and signatories: rendered from templates in their
language, as plain text and HTML, when it is sent (so erased data is never
sent and nothing personal waits in a queue as text). Each feature has its
own mail base (`registrations/<feature>/mail/base.*`) over one shared base."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from events import ical
from events.localtime import describe_range
from events.status import when_text
from plumbing.context_processors import ways_in

from . import links
from .models import OutgoingMail, accreditation_of


def access_text(accreditation):
    """The private access, as plain text (mail body and calendar entry)."""
    if accreditation is None:
        return ""
    return "\n".join(part for part in (accreditation.zoom_url, accreditation.access_note) if part)


def _on_onion(url):
    """The same link on the onion address (ONION_URL), or "" without one."""
    if not settings.ONION_URL or not url.startswith(settings.SITE_URL + "/"):
        return ""
    return settings.ONION_URL + url[len(settings.SITE_URL) :]


# Mail that carries the journalist's personal calendar invitation.
INVITATION_KINDS = (OutgoingMail.Kind.APPROVED, OutgoingMail.Kind.UPDATE, OutgoingMail.Kind.CANCEL)


class NoRecipient(Exception):
    """Nobody may receive this mail any more: the forum's contact address was
    removed, or the journalist an invitation was for is no longer approved."""


def build_organisers_message(mail):
    """Mail to a forum's contact address (no person's record): in the site's
    default language, naming no person, sent to the address as it is now."""
    event = mail.event
    if not event.contact_email:
        raise NoRecipient
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "event": event,
            "when": describe_range(event.start, event.end, event.zone),
            "page_url": f"{settings.SITE_URL}{event.get_absolute_url()}",
            "admin_url": f"{settings.SITE_URL}{reverse('admin:index')}",
            "site_name": settings.SITE_NAME or translation.gettext("Forums against torture"),
        }
        template = f"registrations/media/mail/{mail.kind}"
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        message = EmailMultiAlternatives(
            subject, render_to_string(f"{template}.txt", context), to=[event.contact_email]
        )
        message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def build_message(mail):
    if mail.recipient is None:
        return build_organisers_message(mail)
    person = mail.recipient
    if mail.kind in INVITATION_KINDS and person.status != person.Status.APPROVED:
        # The access goes to approved journalists only, whenever the mail was queued.
        raise NoRecipient
    event = person.event
    language = mail.language or person.mail_language
    with translation.override(language):
        approved = mail.kind in INVITATION_KINDS
        accreditation = accreditation_of(event) if approved else None
        # A cancelled forum, or one waiting for its new date, gives out no access.
        access = None if event.withholds_access else accreditation
        context = {
            "message": mail.message,
            "person": person,
            "event": event,
            "when": when_text(event),
            "page_url": f"{settings.SITE_URL}{person.parent.get_absolute_url()}",
            "accreditation": access,
            "status_text": event.status_text(),
            "site_name": settings.SITE_NAME or translation.gettext("Forums against torture"),
            "confirm_url": links.absolute_link(person, links.CONFIRM, language=language),
            "status_url": links.absolute_link(person, links.STATUS, language=language),
            **ways_in(),
        }
        # The private links again on the onion, beside them, for readers where the site is blocked.
        context["onion_confirm_url"] = _on_onion(context["confirm_url"])
        context["onion_status_url"] = _on_onion(context["status_url"])
        template = person.template(f"mail/{mail.kind}")
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        message = EmailMultiAlternatives(subject, render_to_string(f"{template}.txt", context), to=[person.email])
        message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
        if approved:
            # An iTIP request (or cancellation) that calendars keep and update.
            invitation = ical.event_invitation(
                event,
                page_url=f"{settings.SITE_URL}{event.get_absolute_url()}",
                private_text=access_text(access),
                location=access.zoom_url if access else "",
                organizer=event.contact_email or settings.DEFAULT_FROM_EMAIL,
                attendee=(person.name, person.email),
                revision=accreditation.access_revision if accreditation else 0,
            )
            method = "CANCEL" if event.is_cancelled else "REQUEST"
            message.attach(f"{event.slug}.ics", invitation, f"text/calendar; charset=utf-8; method={method}")
        session = mail.message.session if mail.message else None
        if session is not None:
            # A changed session: its own calendar entry, with the new time.
            entry = ical.session_calendar(session, event=event, page_url=context["page_url"])
            message.attach(f"{event.slug}-{session.pk}.ics", entry, "text/calendar; charset=utf-8")
    return message
