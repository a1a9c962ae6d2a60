from django.conf import settings
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .mirror import MIRROR_DESCRIBES_KEY, is_mirror_request


def site(request):
    """The site's name, translated unless the deployment names it."""
    return {"site_name": settings.SITE_NAME or _("Forums against torture")}


def ways_in(request=None):
    """The other addresses of this site, for the footer of every page and
    every mail: the onion address and the mirrors (settings.ONION_URL,
    settings.MIRROR_URLS)."""
    return {"onion_url": settings.ONION_URL, "mirror_urls": settings.MIRROR_URLS}


def mirror_describes(request):
    """On a page of the static copy: the time it describes, in the site's zone
    (plumbing.mirror); nothing on the live site."""
    value = is_mirror_request(request) and request.META.get(MIRROR_DESCRIBES_KEY)
    if not value:
        return {}
    at = timezone.localtime(parse_datetime(value))
    return {"mirror_describes": f"{formats.date_format(at, 'DATETIME_FORMAT')} ({settings.TIME_ZONE})"}
