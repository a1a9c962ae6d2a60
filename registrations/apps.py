from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "registrations"
    verbose_name = _("Registrations")

    def ready(self):
        from plumbing.publishing import watch

        from .access import checks  # noqa: F401 (registers the providers' check)

        # Public content: the Declaration's text, whether media registration is open.
        # People's rows are not watched: their services say what changed
        # (plumbing.publishing), a confirmed or withdrawn signature moving only a count.
        watch(self.get_model("Declaration"), self.get_model("MediaAccreditation"))
