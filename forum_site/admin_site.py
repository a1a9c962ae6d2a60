"""The organisers' workspace: Django's admin under the site's own name, in the
staff member's language, with a second factor at login.

Technical models (accounts, second-factor devices, lockouts, task results)
are gathered in one "Security" section that only superusers see; reviewers
and editors see their own work first."""

from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext_lazy
from django_otp.admin import OTPAdminSite

from plumbing.staff_login import StaffLoginForm

# Apps whose models are the site's machinery, not the forums' content.
SECURITY_APPS = ("auth", "otp_totp", "otp_static", "axes", "django_tasks_database")


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


# Strings of Django's own admin on the pages reviewers and editors use (index,
# login, change lists, change forms, actions) whose Belarusian in Django's
# catalogue is in the classical spelling. Listed here so that our catalogue
# (LOCALE_PATHS comes first) carries them in the official orthography.
OFFICIAL_BELARUSIAN = (
    gettext_noop("Action:"),
    gettext_noop("Action"),
    gettext_noop("Today"),
    gettext_noop("Any date"),
    gettext_noop("Change"),
    gettext_noop("Change %s"),
    gettext_noop("Select %s to change"),
    gettext_noop("Select %s to view"),
    gettext_noop("The {name} “{obj}” was added successfully."),
    gettext_noop("The {name} “{obj}” was changed successfully."),
    gettext_noop("The %(name)s “%(obj)s” was deleted successfully."),
    gettext_noop("You may edit it again below."),
    gettext_noop("No action selected."),
    gettext_noop("Items must be selected in order to perform actions on them. No items have been changed."),
    gettext_noop("Log in"),
    gettext_noop("Log out"),
    gettext_noop("Log in again"),
    gettext_noop("Run the selected action"),
    gettext_noop("Go"),
    gettext_noop("Click here to select the objects across all pages"),
    gettext_noop("Clear selection"),
    gettext_noop("You don’t have permission to view or edit anything."),
    gettext_noop("Change password"),
    gettext_noop("Password change"),
    gettext_noop("Your password was changed."),
    gettext_noop("Change my password"),
    gettext_noop("Documentation"),
    gettext_noop("View site"),
    gettext_noop("View on site"),
    gettext_noop("Filter"),
    gettext_noop("Clear all filters"),
    gettext_noop("My actions"),
    gettext_noop("Select this object for an action - {}"),
    gettext_noop("Select all objects on this page for an action"),
    gettext_noop("Change history: %s"),
    gettext_noop("Changed {fields}."),
    gettext_noop("No fields changed."),
    gettext_noop("Changed:"),
    gettext_noop("Change:"),
    gettext_noop("Thanks for spending some quality time with the web site today."),
    gettext_noop("We’re sorry, but the requested page could not be found."),
    gettext_noop("Home"),
    gettext_noop("None available"),
    gettext_noop("0 of %(cnt)s selected"),
    gettext_noop("Database error"),
    gettext_noop("Server error"),
    ngettext_lazy(
        "%(count)s %(name)s was changed successfully.", "%(count)s %(name)s were changed successfully.", "count"
    ),
    ngettext_lazy("Please correct the error below.", "Please correct the errors below.", "count"),
)
