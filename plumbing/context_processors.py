from django.conf import settings
from django.utils.translation import gettext as _


def site(request):
    """The site's name, translated unless the deployment names it."""
    return {"site_name": settings.SITE_NAME or _("Forums against torture")}


def ways_in(request=None):
    """The other addresses of this site, for the footer of every page and
    every mail: the onion address and the mirrors (settings.ONION_URL,
    settings.MIRROR_URLS)."""
    return {"onion_url": settings.ONION_URL, "mirror_urls": settings.MIRROR_URLS}
