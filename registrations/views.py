from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from events.models import Event

from . import links, services
from .forms import MediaRegistrationForm
from .models import MediaAccreditation, MediaRegistration
from .ratelimit import limit_posts


def _accreditation(slug):
    event = get_object_or_404(Event.objects.published(), slug=slug)
    accreditation = MediaAccreditation.objects.filter(event=event).first()
    return event, accreditation


def _invalid_link(request):
    return render(request, "registrations/invalid_link.html", status=400)


@never_cache
@require_http_methods(["GET", "POST"])
@limit_posts("media-register", "RATE_LIMIT_SUBMIT")
def register(request, slug):
    event, accreditation = _accreditation(slug)
    if accreditation is None or not accreditation.accepts_registrations():
        return render(
            request, "registrations/closed.html", {"event": event}, status=404 if accreditation is None else 200
        )
    form = MediaRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not form.is_bot():
            services.registration_submit(
                event=event, data=form.registration_data(), language=form.cleaned_data["mail_language"]
            )
        return redirect("registrations:check_mail", slug=event.slug)
    return render(request, "registrations/register.html", {"event": event, "form": form})


@require_safe
def check_mail(request, slug):
    event = get_object_or_404(Event.objects.published(), slug=slug)
    return render(request, "registrations/check_mail.html", {"event": event})


@never_cache
@require_http_methods(["GET", "POST"])
@limit_posts("media-confirm", "RATE_LIMIT_CONFIRM")
def confirm(request):
    """GET shows a button; only the POST it sends confirms, so a mail
    scanner that opens the link confirms nothing."""
    token = request.POST.get("t") if request.method == "POST" else request.GET.get("t")
    try:
        registration = links.read_token(links.CONFIRM, MediaRegistration, token)
    except links.InvalidLink:
        return _invalid_link(request)
    if request.method == "POST":
        registration = services.registration_confirm(registration=registration)
        return render(
            request, "registrations/confirmed.html", {"registration": registration, "event": registration.event}
        )
    return render(
        request,
        "registrations/confirm.html",
        {"registration": registration, "event": registration.event, "token": token},
    )


@never_cache
@require_safe
def status(request):
    token = request.GET.get("t")
    try:
        registration = links.read_token(links.STATUS, MediaRegistration, token)
    except links.InvalidLink:
        return _invalid_link(request)
    accreditation = None
    if registration.status == MediaRegistration.Status.APPROVED:
        accreditation = MediaAccreditation.objects.filter(event=registration.event).first()
    context = {
        "registration": registration,
        "event": registration.event,
        "accreditation": accreditation,
        "token": token,
    }
    return render(request, "registrations/status.html", context)


@never_cache
@require_POST
@limit_posts("media-confirm", "RATE_LIMIT_CONFIRM")
def withdraw(request):
    try:
        registration = links.read_token(links.STATUS, MediaRegistration, request.POST.get("t"))
    except links.InvalidLink:
        return _invalid_link(request)
    event = registration.event
    services.registration_erase(registration=registration)
    return render(request, "registrations/erased.html", {"event": event})


@require_safe
def privacy(request):
    return render(request, "registrations/privacy.html")
