"""A URL that fails, to see the 500 page a visitor gets."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import path


def broken(request):
    raise RuntimeError("boom")


urlpatterns = i18n_patterns(path("broken/", broken))
