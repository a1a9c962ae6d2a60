"""The system check: a forum set to Zoom or Jitsi while the environment lacks
a credential that provider needs (registered in RegistrationsConfig.ready)."""

from django.conf import settings
from django.core import checks

from . import jitsi, zoom

# What each provider needs from the environment (the shared address needs nothing).
# Zoom's alias domain too: journalists are registered under aliases by default.
NEEDED = {
    "zoom": (*zoom.CREDENTIALS, "ZOOM_ALIAS_DOMAIN"),
    "jitsi": jitsi.CREDENTIALS,
}
NAMES = {"zoom": "Zoom", "jitsi": "Jitsi"}


def missing_credentials(providers):
    """[(provider, variable)] for each setting the given providers need and lack."""
    return [
        (provider, name)
        for provider in sorted(set(providers) & set(NEEDED))
        for name in NEEDED[provider]
        if not getattr(settings, name, "")
    ]


def check_meeting_credentials(app_configs=None, providers=None, **kwargs):
    """An Error per missing variable of a provider some forum uses. The
    database is read only when a variable is missing."""
    from . import providers_in_use

    if not missing_credentials(NEEDED):
        return []
    if providers is None:
        providers = providers_in_use()
    return [
        checks.Error(
            f"A forum's journalists join through {NAMES[provider]}, but {name} is not set.",
            hint=f"Set {name} in the environment (see .env.example and the README's Staff section).",
            id="registrations.E001",
        )
        for provider, name in missing_credentials(providers)
    ]
