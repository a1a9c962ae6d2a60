"""Django's own admin phrases that our catalogues translate anew (LOCALE_PATHS
comes before Django's catalogues). Listed with gettext_noop so that
`make messages` keeps them in locale/*/django.po; nothing imports this module.

Two reasons, two lists:

- GRAMMATICAL: Django's generic patterns put a model's name into a fixed
  sentence ("Add another %(verbose_name)s", "The {name} “{obj}” was changed
  successfully."). In Russian and Belarusian the verb and the name must agree
  in case and gender, which a generic pattern cannot know, so Django's
  translations read «Добавить еще один Сессия». Ours are worded so the name
  stands alone in the nominative (after a colon or in brackets) or not at
  all («Объект «…» изменён.»).
- OFFICIAL_BELARUSIAN: Django's Belarusian is in the classical spelling; ours
  is in the official orthography.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

GRAMMATICAL = (
    gettext_noop("Add %s"),
    gettext_noop("View %s"),
    gettext_noop("Select %s"),
    gettext_noop("Add %(name)s"),
    gettext_noop("Add another %(verbose_name)s"),
    gettext_noop("Add another %(model)s"),
    gettext_noop("Change selected %(model)s"),
    gettext_noop("Delete selected %(model)s"),
    gettext_noop("View selected %(model)s"),
    gettext_noop("Cannot delete %(name)s"),
    gettext_noop("Models in the %(name)s application"),
    gettext_noop("The {name} “{obj}” was added successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may edit it again below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may add another {name} below."),
    gettext_noop("%(name)s with ID “%(key)s” doesn’t exist. Perhaps it was deleted?"),
    gettext_noop("Successfully deleted %(count)d %(items)s."),
    gettext_noop("Added {name} “{object}”."),
    gettext_noop("Changed {fields} for {name} “{object}”."),
    gettext_noop("Deleted {name} “{object}”."),
    gettext_noop("Added “%(object)s”."),
    gettext_noop("Changed “%(object)s” — %(changes)s"),
    gettext_noop("Deleted “%(object)s.”"),
    gettext_noop(
        "Deleting the %(object_name)s '%(escaped_object)s' would result in deleting related objects, but your "
        "account doesn't have permission to delete the following types of objects:"
    ),
    gettext_noop(
        "Deleting the %(object_name)s '%(escaped_object)s' would require deleting the following protected related "
        "objects:"
    ),
    gettext_noop(
        'Are you sure you want to delete the %(object_name)s "%(escaped_object)s"? All of the following related '
        "items will be deleted:"
    ),
    gettext_noop(
        "Deleting the selected %(objects_name)s would result in deleting related objects, but your account doesn't "
        "have permission to delete the following types of objects:"
    ),
    gettext_noop(
        "Deleting the selected %(objects_name)s would require deleting the following protected related objects:"
    ),
    gettext_noop(
        "Are you sure you want to delete the selected %(objects_name)s? All of the following objects and their "
        "related items will be deleted:"
    ),
)

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
