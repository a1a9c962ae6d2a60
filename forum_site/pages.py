"""Pages that show the programme together with what people can do there:
composed here, above both `events` and `registrations`."""

from django.views.decorators.http import require_safe

from events.views import event_page
from plumbing.pagecache import public_page, shows_count
from registrations.selectors import event_offers


@public_page
@shows_count  # the Declaration's count
@require_safe
def event_detail(request, slug):
    return event_page(request, slug, template_name="forum_site/event_page.html", offers=event_offers)
