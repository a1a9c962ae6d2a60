from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from plumbing.pagecache import language_neutral, public_page

from . import ical
from .day import boundaries, day_at, expire_at_next_boundary, recordings_shown
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
    now = timezone.now()
    featured, others = Event.objects.featured_and_others(now)
    context = {"featured": featured, "others": others}
    instants = [instant for e in others for instant in boundaries(e, ())]
    if featured is not None:
        context.update(the_day(featured, now))
        # The featured forum shows its sessions (now and next): their starts and ends count too.
        instants += boundaries(featured, context["sessions"])
    return expire_at_next_boundary(render(request, "events/home.html", context), instants)


def the_day(event, now, *, with_speakers=False):
    """The forum day's part of a page at `now`: its channels, what is on now
    and next, and the recordings that can be watched (each session's are put
    on the session as `shown_recordings`). Returns a context, and the
    sessions in programme order."""
    prefetch_related_objects([event], "channels", "recordings")
    sessions = list(event.sessions.prefetch_related("speakers") if with_speakers else event.sessions.all())
    recordings = list(event.recordings.all())
    channels = list(event.channels.all())
    shown = recordings_shown(recordings, now)
    for session in sessions:
        session.shown_recordings = [r for r in shown if r.session_id == session.pk]
    return {
        "day": day_at(event, sessions, now, recordings),
        "sessions": sessions,
        "channels": channels,
        "channels_with_links": [c for c in channels if c.url],
        "forum_recordings": [r for r in shown if r.session_id is None],
    }


def event_page(request, slug, *, template_name="events/event_detail.html", offers=None):
    """A forum's page: what it is, when, its programme and its organisers.
    `offers(event)`, when given, adds to the context what a floor above lets
    people do there (the site composes it with registrations' offers)."""
    event = _published_event(slug)
    now = timezone.now()
    day = the_day(event, now, with_speakers=True)
    sessions = day["sessions"]
    roles = EventOrganisation.objects.filter(event=event).select_related("organisation")
    page_url = request.build_absolute_uri(event.get_absolute_url())
    calendar_url = request.build_absolute_uri(event.get_calendar_url())
    when = describe_range(event.start, event.end, event.zone)
    details = "\n\n".join(part for part in (event.status_text(), event.tagline, when, page_url) if part)
    organisers = [r.organisation for r in roles if r.role == EventOrganisation.Role.ORGANISER]
    context = {
        "event": event,
        **day,
        "state": event.state(now),
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
    prefetch_related_objects([event], "channels")
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
    # Once the session has ended, its URL is its recording (in the reader's language when there is one).
    shown = recordings_shown(session.recordings.all(), timezone.now())
    language = get_language()
    recording = next((r for r in shown if r.language == language), shown[0] if shown else None)
    content = ical.session_calendar(
        session, event=event, page_url=page_url, recording_url=recording.url if recording else ""
    )
    response = CalendarResponse(content, filename=f"{event.slug}-{session.pk}.ics")
    return expire_at_next_boundary(response, boundaries(event, [session]))


@public_page
@language_neutral
@require_safe
def robots_txt(request):
    return render(request, "robots.txt", content_type="text/plain; charset=utf-8")
