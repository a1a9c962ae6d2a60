from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from plumbing.pagecache import public_page

from . import ical
from .day import boundaries, expire_at_next_boundary
from .localtime import describe_range, group_by_day
from .models import Event, EventOrganisation
from .responses import CalendarResponse
from .seo import event_jsonld
from .status import summary


def _published_event(slug):
    return get_object_or_404(Event.objects.published(), slug=slug)


@public_page
@require_safe
def home(request):
    featured, others = Event.objects.featured_and_others()
    response = render(request, "events/home.html", {"featured": featured, "others": others})
    # The forums' own starts and ends (a block showing a forum's sessions would add theirs: `boundaries`).
    events = [e for e in (featured, *others) if e is not None]
    return expire_at_next_boundary(response, [instant for e in events for instant in boundaries(e, ())])


def event_page(request, slug, *, template_name="events/event_detail.html", offers=None):
    """A forum's page: what it is, when, its programme and its organisers.
    `offers(event)`, when given, adds to the context what a floor above lets
    people do there (the site composes it with registrations' offers)."""
    event = _published_event(slug)
    sessions = list(event.sessions.prefetch_related("speakers"))
    roles = EventOrganisation.objects.filter(event=event).select_related("organisation")
    page_url = request.build_absolute_uri(event.get_absolute_url())
    calendar_url = request.build_absolute_uri(event.get_calendar_url())
    when = describe_range(event.start, event.end, event.zone)
    details = "\n\n".join(part for part in (event.status_text(), event.tagline, when, page_url) if part)
    organisers = [r.organisation for r in roles if r.role == EventOrganisation.Role.ORGANISER]
    context = {
        "event": event,
        "state": event.state(),
        "days": group_by_day(sessions, event.zone),
        "organisers": organisers,
        "supporters": [r.organisation for r in roles if r.role == EventOrganisation.Role.SUPPORTER],
        "when": when,
        "page_url": page_url,
        "calendar_url": calendar_url,
        "webcal_url": calendar_url.replace("https://", "webcal://", 1).replace("http://", "webcal://", 1),
        "google_url": ical.google_calendar_url(
            title=event.title, start=event.start, end=event.end, details=details, zone_key=event.timezone
        ),
        "outlook_url": ical.outlook_calendar_url(title=event.title, start=event.start, end=event.end, details=details),
        "jsonld": event_jsonld(event, page_url=page_url, organisers=organisers),
        "summary": summary(event),
        **(offers(event) if offers else {}),
    }
    return expire_at_next_boundary(render(request, template_name, context), boundaries(event, sessions))


event_detail = public_page(require_safe(event_page))


@public_page
@require_safe
def event_calendar(request, slug):
    event = _published_event(slug)
    page_url = request.build_absolute_uri(event.get_absolute_url())
    sessions = list(event.sessions.all())
    content = ical.event_calendar(event, sessions, page_url=page_url)
    response = CalendarResponse(content, filename=f"{event.slug}.ics")
    return expire_at_next_boundary(response, boundaries(event, sessions))


@public_page
@require_safe
def session_calendar(request, slug, pk):
    event = _published_event(slug)
    session = get_object_or_404(event.sessions, pk=pk)
    page_url = request.build_absolute_uri(event.get_absolute_url())
    content = ical.session_calendar(session, event=event, page_url=page_url)
    response = CalendarResponse(content, filename=f"{event.slug}-{session.pk}.ics")
    return expire_at_next_boundary(response, boundaries(event, [session]))


@public_page
@require_safe
def robots_txt(request):
    return render(request, "robots.txt", content_type="text/plain; charset=utf-8")
