"""The accreditation's form, for Editors: the meeting provider and its
settings (refused when half-configured), and a warning (not an error) when
the access note, which is mailed, looks like it holds a meeting ID or passcode."""

import re

from django import forms
from django.conf import settings
from django.contrib import messages
from django.utils.translation import gettext_lazy as _

from .. import services
from ..access import providers
from ..models import MediaAccreditation

# 9 to 11 digits, maybe grouped by spaces or hyphens: a Zoom meeting ID.
MEETING_ID = re.compile(r"(?<!\d)\d(?:[ -]?\d){8,10}(?!\d)")
PASSCODE = re.compile(r"pass\s*code|password|\bpwd\b|парол|код\s+доступ|код\s+доступу|пароль", re.IGNORECASE)
FIELDS = (
    "is_open",
    ("opens_at", "closes_at"),
    "capacity",
    "provider",
    "meeting_url",
    "meeting_passcode",
    ("zoom_meeting_id", "zoom_real_address"),
    "jitsi_room",
    "access_opens_before",
    "access_note",
)


class MediaAccreditationForm(forms.ModelForm):
    class Meta:
        model = MediaAccreditation
        fields = [name for row in FIELDS for name in (row if isinstance(row, tuple) else (row,))]

    def clean(self):
        cleaned = super().clean()
        draft = MediaAccreditation(
            **{name: cleaned.get(name) for name in ("provider", "zoom_meeting_id", "zoom_real_address", "jitsi_room")}
        )
        problem = providers.provider_of(draft).problem(draft)
        if problem:
            self.add_error("provider", problem)
        return cleaned


def note_warnings(accreditation):
    """The languages whose access note looks like it holds a meeting ID or a passcode."""
    found = []
    for code, name in settings.LANGUAGES:
        note = getattr(accreditation, f"access_note_{code}", "") or ""
        passcode = accreditation.meeting_passcode
        if MEETING_ID.search(note) or PASSCODE.search(note) or (passcode and passcode in note):
            found.append(str(name))
    return found


def after_save(modeladmin, request, accreditation):
    """Warn about an unsafe note; with Zoom, register those approved before it was chosen."""
    services.access_provider_sync(accreditation=accreditation)
    warn_about_notes(modeladmin, request, accreditation)


def warn_about_notes(modeladmin, request, accreditation):
    found = note_warnings(accreditation)
    if found:
        modeladmin.message_user(
            request,
            _(
                "The access note (%(languages)s) looks like it holds a meeting ID or passcode. It is mailed to "
                "journalists and can be forwarded: keep the meeting's details in the provider's settings."
            )
            % {"languages": ", ".join(found)},
            messages.WARNING,
        )
