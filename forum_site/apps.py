from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ForumSiteConfig(AppConfig):
    """The roof: settings, URLs, the admin site, and what shows the programme
    together with people's features (a forum's page, the demo)."""

    default = True
    name = "forum_site"


class ForumAdminConfig(admin_apps.AdminConfig):
    """Django's admin app, with the workspace (forum_site.admin_site) as its site."""

    default = False  # INSTALLED_APPS names it; "forum_site" alone means the roof

    default_site = "forum_site.admin_site.ForumAdminSite"
