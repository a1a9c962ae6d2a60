from django.urls import path

from . import views

app_name = "events"


def patterns(*, detail=views.event_detail):
    """The programme's addresses; `detail` is the view of a forum's page (the
    site's URLs pass one that adds what people can do there)."""
    return [
        path("", views.home, name="home"),
        path("events/<slug:slug>/", detail, name="detail"),
        path("events/<slug:slug>/calendar.ics", views.event_calendar, name="calendar"),
        path("events/<slug:slug>/sessions/<int:pk>/calendar.ics", views.session_calendar, name="session_calendar"),
    ]


urlpatterns = patterns()
