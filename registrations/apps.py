from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "registrations"
    verbose_name = _("Registrations")

    def ready(self):
        from django.core import checks

        from plumbing.publishing import watch

        from .access.checks import check_meeting_credentials

        # A forum on Zoom or Jitsi whose credentials are missing from the environment.
        checks.register(check_meeting_credentials)

        # Public content: the Declaration's text, whether media registration is open.
        # People's rows are not watched: their services say what changed
        # (plumbing.publishing), a confirmed or withdrawn signature moving only a count.
        watch(self.get_model("Declaration"), self.get_model("MediaAccreditation"))
