from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from events import urls as events_urls
from events.sitemaps import EventSitemap, HomeSitemap
from events.views import robots_txt
from plumbing.pagecache import language_neutral, public_page
from plumbing.views import favicon, healthz
from registrations.sitemaps import DeclarationSitemap

from . import pages

# admin.site is the workspace (forum_site.admin_site.ForumAdminSite): a second
# factor for every staff user, one login form (user name, password and code).

sitemaps = {"home": HomeSitemap, "events": EventSitemap, "declarations": DeclarationSitemap}

urlpatterns = [
    # The switcher posts here. Its only effect is a language cookie and a
    # redirect to a page on this site (Django checks `next`), so it takes no
    # CSRF token: a token would set a cookie for every reader and make every
    # public page uncacheable, for no protection worth having.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path(
        "sitemap.xml",
        public_page(language_neutral(sitemap)),
        {"sitemaps": sitemaps},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
]

urlpatterns += i18n_patterns(
    # The programme's addresses, with a forum's page composed with registrations' offers.
    path("", include((events_urls.patterns(detail=pages.event_detail), "events"))),
    path("", include("registrations.urls")),
)
