from django.urls import path
from django.views.decorators.http import require_safe

from plumbing.pagecache import public_page

from . import views
from .feeds import ForumFeed

feed = public_page(require_safe(ForumFeed()))

app_name = "events"


def patterns(*, detail=views.event_detail):
    """The programme's addresses; `detail` is the view of a forum's page (the
    site's URLs pass one that adds what people can do there)."""
    return [
        path("", views.home, name="home"),
        path("feed.xml", feed, name="feed"),
        path("events/<slug:slug>/", detail, name="detail"),
        path("events/<slug:slug>/calendar.ics", views.event_calendar, name="calendar"),
        path("events/<slug:slug>/sessions/<int:pk>/calendar.ics", views.session_calendar, name="session_calendar"),
    ]


urlpatterns = patterns()
