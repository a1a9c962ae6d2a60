"""Mail to registrants and signatories: rendered from templates in their
language, as plain text and HTML, when it is sent (so erased data is never
sent and nothing personal waits in a queue as text). Each feature has its
own mail base (`registrations/<feature>/mail/base.*`) over one shared base."""

import hashlib
from email.utils import formataddr, parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from events import ical
from events.localtime import describe_range
from events.status import when_text
from plumbing.context_processors import ways_in
from plumbing.sealed import is_erased

from . import links
from .access import links as access_links
from .models import OutgoingMail, accreditation_of


def access_text(accreditation, access_url=""):
    """The private access, as plain text (the calendar entry): the personal
    link and the note, never the meeting's own address or passcode."""
    if accreditation is None:
        return ""
    return "\n".join(part for part in (access_url, accreditation.access_note) if part)


def _on_onion(url):
    """The same link on the onion address (ONION_URL), or "" without one."""
    if not settings.ONION_URL or not url.startswith(settings.SITE_URL + "/"):
        return ""
    return settings.ONION_URL + url[len(settings.SITE_URL) :]


# Mail that carries the journalist's personal calendar invitation.
INVITATION_KINDS = (OutgoingMail.Kind.APPROVED, OutgoingMail.Kind.UPDATE, OutgoingMail.Kind.CANCEL)
# Mail that may cancel the calendar entry of a journalist whose access was withdrawn.
WITHDRAWING_KINDS = (OutgoingMail.Kind.REVOKED, OutgoingMail.Kind.REJECTED, OutgoingMail.Kind.WAITLISTED)


def _holds_access(person):
    return person.status == person.Status.APPROVED and not person.access_revoked


def _withdrawn_calendar(mail, person):
    """Whether this mail cancels the journalist's calendar entry: their access
    was withdrawn (they held an invitation before: their own revision grew)."""
    return mail.kind in WITHDRAWING_KINDS and person.access_revision > 0 and not _holds_access(person)


def site_name():
    """The site's name, in the active language: the sender's name on every mail."""
    return settings.SITE_NAME or translation.gettext("Forums against torture")


def sender():
    """From: the site's name with the configured address (DEFAULT_FROM_EMAIL;
    a name written there is replaced by the site's)."""
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((site_name(), address or settings.DEFAULT_FROM_EMAIL))


def message_id(mail):
    """A Message-ID on the site's domain that stays the same for one outbox
    row (a resend is the same mail to a mail client), and says nothing about
    how many mails the site sent."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    digest = hashlib.sha256(f"{mail.pk}:{mail.created_at.isoformat()}".encode()).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def _message(mail, *, subject, text, html, to):
    message = EmailMultiAlternatives(
        subject, text, from_email=sender(), to=to, headers={"Message-ID": message_id(mail)}
    )
    message.attach_alternative(html, "text/html")
    return message


class NoRecipient(Exception):
    """Nobody may receive this mail any more: the forum's contact address was
    removed, or the journalist an invitation was for is no longer approved."""


def build_organisers_message(mail):
    """Mail to a forum's contact address (no person's record): in the
    organisers' language (the site's default where none is set), naming no
    person, sent to the address as it is now."""
    event = mail.event
    if not event.contact_email:
        raise NoRecipient
    with translation.override(event.organisers_language or settings.LANGUAGE_CODE):
        context = {
            "event": event,
            "when": describe_range(event.start, event.end, event.zone),
            "page_url": f"{settings.SITE_URL}{event.get_absolute_url()}",
            "admin_url": f"{settings.SITE_URL}{reverse('admin:index')}",
            "site_name": site_name(),
        }
        template = f"registrations/media/mail/{mail.kind}"
        return _message(
            mail,
            subject=" ".join(render_to_string(f"{template}_subject.txt", context).split()),
            text=render_to_string(f"{template}.txt", context),
            html=render_to_string(f"{template}.html", context),
            to=[event.contact_email],
        )


def build_message(mail):
    if mail.recipient is None:
        return build_organisers_message(mail)
    person = mail.recipient
    if is_erased(person.email):
        # Its forum's key is gone (a restored backup, a lost key store): nobody to write to.
        raise NoRecipient
    if mail.kind in INVITATION_KINDS and not _holds_access(person):
        # The access goes to approved journalists only, whenever the mail was queued.
        raise NoRecipient
    event = person.event
    language = mail.language or person.mail_language
    with translation.override(language):
        approved = mail.kind in INVITATION_KINDS
        cancels = _withdrawn_calendar(mail, person)
        accreditation = accreditation_of(event) if approved or cancels else None
        # The programme goes with the invitation: in its text and its calendar entry.
        sessions = list(event.sessions.all()) if approved else []
        # A cancelled forum, or one waiting for its new date, gives out no access.
        access = None if event.withholds_access or not approved else accreditation
        access_url = access_links.absolute_link(person, language=language) if access else ""
        context = {
            "message": mail.message,
            "person": person,
            "event": event,
            "when": when_text(event),
            "page_url": f"{settings.SITE_URL}{person.parent.get_absolute_url()}",
            "accreditation": access,
            "access_url": access_url,
            "onion_access_url": _on_onion(access_url),
            "calendar_cancelled": cancels,
            "programme": ical.programme_text(event, sessions),
            "status_text": event.status_text(),
            "site_name": site_name(),
            "confirm_url": links.absolute_link(person, links.CONFIRM, language=language),
            "status_url": links.absolute_link(person, links.STATUS, language=language),
            **ways_in(),
        }
        # The private links again on the onion, beside them, for readers where the site is blocked.
        context["onion_confirm_url"] = _on_onion(context["confirm_url"])
        context["onion_status_url"] = _on_onion(context["status_url"])
        template = person.template(f"mail/{mail.kind}")
        message = _message(
            mail,
            subject=" ".join(render_to_string(f"{template}_subject.txt", context).split()),
            text=render_to_string(f"{template}.txt", context),
            html=render_to_string(f"{template}.html", context),
            to=[person.email],
        )
        if approved or cancels:
            # An iTIP request (or cancellation) that calendars keep and update:
            # where to join is the personal link, never the meeting's address.
            cancel = cancels or event.is_cancelled
            invitation = ical.event_invitation(
                event,
                page_url=access_url or f"{settings.SITE_URL}{event.get_absolute_url()}",
                private_text=access_text(access),
                location=access_url,
                # The site's own sender, never an address an editor typed: a
                # calendar's reply (the journalist's name and address) goes there.
                organizer=parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
                attendee=(person.name, person.email),
                revision=(accreditation.access_revision if accreditation else 0) + person.access_revision,
                sessions=sessions,
                cancel=cancels,
            )
            method = "CANCEL" if cancel else "REQUEST"
            message.attach(f"{event.slug}.ics", invitation, f"text/calendar; charset=utf-8; method={method}")
    return message
