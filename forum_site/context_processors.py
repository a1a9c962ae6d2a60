from django.conf import settings
from django.utils.translation import gettext as _


def site(request):
    """The site's name, translated unless the deployment names it."""
    return {"site_name": settings.SITE_NAME or _("Forums against torture")}
