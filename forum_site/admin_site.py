"""The organisers' workspace: Django's admin under the site's own name, in the
staff member's language, with a second factor at login.

Technical models (accounts, second-factor devices, lockouts, task results)
are gathered in one "Security" section that only superusers see; reviewers
and editors see their own work first."""

from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite

from plumbing.staff_login import StaffLoginForm

# Apps whose models are the site's machinery, not the forums' content.
SECURITY_APPS = ("auth", "otp_totp", "otp_static", "plumbing", "axes", "django_tasks_database")


def _site_name():
    return str(settings.SITE_NAME or _("Forums against torture"))


site_name = lazy(_site_name, str)


class ForumAdminSite(OTPAdminSite):
    """Every staff member needs a verified second factor (OTPAdminSite); the
    login is one form with user name, password and code."""

    site_header = site_name()
    site_title = site_name()
    index_title = _("Workspace")
    login_form = StaffLoginForm
    login_template = "admin/staff_login.html"
    index_template = "admin/workspace_index.html"

    def index(self, request, extra_context=None):
        """The overview of every forum comes first, above the lists."""
        from registrations.overview import forum_overview

        extra_context = {**(extra_context or {}), "forums": forum_overview(user=request.user)}
        return super().index(request, extra_context)

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        if app_label is not None:
            return apps
        work = [app for app in apps if app["app_label"] not in SECURITY_APPS]
        technical = [app for app in apps if app["app_label"] in SECURITY_APPS]
        if technical and request.user.is_superuser:
            models = [model for app in technical for model in app["models"]]
            work.append(
                {
                    "name": _("Security"),
                    "app_label": "security",
                    "app_url": "",
                    "has_module_perms": True,
                    "models": sorted(models, key=lambda model: str(model["name"])),
                }
            )
        return work
