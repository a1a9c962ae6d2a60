"""Meeting providers, chosen per forum (MediaAccreditation.provider). Each
answers two questions: is it configured (`problem`, for the forum's form),
and where does an approved journalist go once their link lets them in
(`meeting`). The outbound calls are `zoom` and `jitsi`, imported only when
that provider is chosen; a provider whose module or credentials are missing
is refused on the forum's form, never half-used.

- shared: the forum's one meeting address. The link hides it from mail and
  can be revoked, but whoever opens it in its window learns the address.
- zoom: a registrant per journalist (added by the task worker,
  `registrations.services.access`); the personal join address Zoom returns
  is kept on the registration and never mailed.
- jitsi: a self-hosted Jitsi Meet with token authentication; a short-lived
  token is made for each opening, so nothing long-lived leaves the site."""

import importlib
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Meeting:
    """Where the link sends a journalist; `passcode` is shown beside it, if any."""

    url: str
    passcode: str = ""


def _module(name):
    """The provider's client module, or None where this installation lacks it."""
    try:
        return importlib.import_module(f"registrations.access.{name}")
    except ImportError:
        return None


def _missing(names):
    return [name for name in names if not getattr(settings, name, "")]


class SharedProvider:
    code = "shared"

    def problem(self, accreditation):
        return None

    def meeting(self, registration, accreditation):
        if not accreditation.meeting_url:
            return None
        return Meeting(accreditation.meeting_url, accreditation.meeting_passcode)


class ZoomProvider:
    code = "zoom"

    def problem(self, accreditation):
        if _module("zoom") is None:
            return _("Zoom is not configured on this site.")
        missing = _missing(_module("zoom").CREDENTIALS)
        if not accreditation.zoom_real_address:
            missing += _missing(["ZOOM_ALIAS_DOMAIN"])
        if missing:
            return _("Zoom is not configured on this site: %(names)s missing.") % {"names": ", ".join(missing)}
        try:
            _module("zoom").meeting_path(accreditation.zoom_meeting_id)
        except _module("zoom").ZoomError:
            return _("Zoom needs the meeting's ID: 9 to 12 digits.")
        return None

    def meeting(self, registration, accreditation):
        # Added by the task worker after the approval; until then, being prepared.
        return Meeting(registration.zoom_join_url) if registration.zoom_join_url else None


class JitsiProvider:
    code = "jitsi"

    def problem(self, accreditation):
        if _module("jitsi") is None:
            return _("Jitsi is not configured on this site.")
        missing = _missing(_module("jitsi").CREDENTIALS)
        if missing:
            return _("Jitsi is not configured on this site: %(names)s missing.") % {"names": ", ".join(missing)}
        try:
            _module("jitsi").room_name(accreditation.jitsi_room)
        except ValueError:
            return _("Jitsi needs the room's name: letters, digits, - and _.")
        return None

    def meeting(self, registration, accreditation):
        jitsi = _module("jitsi")
        if jitsi is None:
            return None
        # A token of its own for each opening, valid JITSI_TOKEN_SECONDS.
        return Meeting(jitsi.join_url_from_settings(room=accreditation.jitsi_room, name=registration.name))


PROVIDERS = {provider.code: provider for provider in (SharedProvider(), ZoomProvider(), JitsiProvider())}


def provider_of(accreditation):
    return PROVIDERS.get(accreditation.provider, PROVIDERS["shared"])


def zoom_client():
    """The Zoom client from the settings (raises ImportError where there is none)."""
    from registrations.access.zoom import ZoomClient

    return ZoomClient.from_settings()
