"""A system check: a meeting provider's credentials set only in part name
what is missing (the forum's form refuses that provider meanwhile)."""

from django.conf import settings
from django.core import checks

from .providers import JITSI_SETTINGS, ZOOM_SETTINGS

GROUPS = {"Zoom": (*ZOOM_SETTINGS, "ZOOM_ALIAS_DOMAIN"), "Jitsi": JITSI_SETTINGS}


@checks.register(checks.Tags.security)
def check_provider_credentials(app_configs=None, **kwargs):
    problems = []
    for provider, names in GROUPS.items():
        missing = [name for name in names if not getattr(settings, name, "")]
        if missing and len(missing) < len(names):
            problems.append(
                checks.Warning(
                    f"{provider} is configured in part: {', '.join(missing)} missing.",
                    hint=f"Set every one of {', '.join(names)}, or none; the README says how.",
                    id="registrations.W020",
                )
            )
    return problems
