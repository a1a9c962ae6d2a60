from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Event


class I18nSitemap(Sitemap):
    # Every page in every language, each listing the others (and x-default).
    i18n = True
    alternates = True
    x_default = True


class HomeSitemap(I18nSitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["events:home"]

    def location(self, item):
        return reverse(item)


class EventSitemap(I18nSitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return Event.objects.published().order_by("pk")

    def lastmod(self, event):
        return event.updated_at
