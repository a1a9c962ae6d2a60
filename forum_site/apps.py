from django.contrib.admin.apps import AdminConfig


class ForumAdminConfig(AdminConfig):
    """Django's admin app, with the workspace (forum_site.admin_site) as its site."""

    default_site = "forum_site.admin_site.ForumAdminSite"
