from events.sitemaps import I18nSitemap

from .models import Declaration


class DeclarationSitemap(I18nSitemap):
    changefreq = "hourly"
    priority = 0.7

    def items(self):
        return Declaration.objects.filter(event__is_published=True).select_related("event").order_by("pk")

    def lastmod(self, declaration):
        return declaration.updated_at
