from functools import cache

from django.contrib.staticfiles import finders
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request):
    """200 when the database answers, 503 when not; nothing else is told."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def csrf_failure(request, reason=""):
    """A form refused by the CSRF check: the translated 403 page, saying what
    to do (reload and send again), instead of Django's English one."""
    return render(request, "403.html", {"csrf_failed": True}, status=403)


@cache
def _favicon_bytes():
    """Read once: the icon is a static file that changes only with a release."""
    with open(finders.find("img/favicon.ico"), "rb") as icon:
        return icon.read()


@require_safe
def favicon(request):
    """/favicon.ico, which browsers and feed readers ask for whatever the
    page's <link rel=icon> says: the site's icon, cacheable for a day."""
    response = HttpResponse(_favicon_bytes(), content_type="image/x-icon")
    patch_cache_control(response, public=True, max_age=86400)
    return response
