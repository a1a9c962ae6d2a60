from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from events.models import Event
from forum_site.pagecache import public_page

from . import links, services
from .forms import MediaRegistrationForm, SignatureForm
from .models import Declaration, MediaRegistration, Signature, accreditation_of
from .ratelimit import limit_posts

SIGNATURES_PER_PAGE = 50


def _published_event(slug):
    return get_object_or_404(Event.objects.published(), slug=slug)


def _invalid_link(request):
    return render(request, "registrations/invalid_link.html", status=400)


def _from_link(request, model, purpose):
    """The row a private link names (token in the query or the form), or None."""
    token = request.POST.get("t") if request.method == "POST" else request.GET.get("t")
    try:
        return links.read_token(purpose, model, token), token
    except links.InvalidLink:
        return None, token


def _confirm(request, *, model, confirm, template):
    """GET shows a button; only the POST it sends confirms, so a mail
    scanner that opens the link confirms nothing."""
    row, token = _from_link(request, model, links.CONFIRM)
    if row is None:
        return _invalid_link(request)
    context = {"row": row, "event": row.event, "token": token}
    if request.method == "POST":
        context["row"] = confirm(row)
        return render(request, f"{template}_done.html", context)
    return render(request, f"{template}.html", context)


def _withdraw(request, *, model, erase, template):
    row, _token = _from_link(request, model, links.STATUS)
    if row is None:
        return _invalid_link(request)
    event = row.event
    erase(row)
    return render(request, template, {"event": event})


# --- Media accreditation ----------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@limit_posts("submit", "RATE_LIMIT_SUBMIT")
def register(request, slug):
    event = _published_event(slug)
    accreditation = accreditation_of(event)
    if accreditation is None or not accreditation.accepts_registrations():
        return render(
            request, "registrations/closed.html", {"event": event}, status=404 if accreditation is None else 200
        )
    form = MediaRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not form.is_bot():
            services.registration_submit(
                event=event, data=form.stored_data(), language=form.cleaned_data["mail_language"]
            )
        return redirect("registrations:check_mail", slug=event.slug)
    return render(request, "registrations/register.html", {"event": event, "form": form})


@require_safe
def check_mail(request, slug):
    return render(request, "registrations/check_mail.html", {"event": _published_event(slug)})


@never_cache
@require_http_methods(["GET", "POST"])
@limit_posts("confirm", "RATE_LIMIT_CONFIRM")
def confirm(request):
    return _confirm(
        request,
        model=MediaRegistration,
        confirm=lambda row: services.registration_confirm(registration=row),
        template="registrations/confirm",
    )


@never_cache
@require_safe
def status(request):
    registration, token = _from_link(request, MediaRegistration, links.STATUS)
    if registration is None:
        return _invalid_link(request)
    accreditation = None
    if registration.status == MediaRegistration.Status.APPROVED:
        accreditation = accreditation_of(registration.event)
    context = {
        "registration": registration,
        "event": registration.event,
        "accreditation": accreditation,
        "token": token,
    }
    return render(request, "registrations/status.html", context)


@never_cache
@require_POST
@limit_posts("confirm", "RATE_LIMIT_CONFIRM")
def withdraw(request):
    return _withdraw(
        request,
        model=MediaRegistration,
        erase=lambda row: services.registration_erase(registration=row),
        template="registrations/erased.html",
    )


# --- The Declaration --------------------------------------------------------------


def _declaration(slug):
    """The published event's Declaration with its live count, in one query."""
    return get_object_or_404(
        Declaration.objects.with_count().select_related("event").filter(event__is_published=True), event__slug=slug
    )


@public_page
@require_safe
def declaration(request, slug):
    """The text, the count and the list: no form here (it is a page of its
    own), so this page carries no token and can be cached."""
    declaration = _declaration(slug)
    signatures = (
        declaration.signatures.listed()
        .order_by("-confirmed_at", "-pk")
        .only("declaration", "name", "country", "organisation", "visibility", "confirmed_at")
    )
    page = Paginator(signatures, SIGNATURES_PER_PAGE).get_page(request.GET.get("page"))
    context = {"declaration": declaration, "event": declaration.event, "page": page}
    return render(request, "registrations/declaration.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@limit_posts("submit", "RATE_LIMIT_SUBMIT")
def sign(request, slug):
    declaration = _declaration(slug)
    if not declaration.is_open:
        return render(
            request, "registrations/declaration_closed.html", {"declaration": declaration, "event": declaration.event}
        )
    form = SignatureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not form.is_bot():
            services.signature_submit(
                declaration=declaration, data=form.stored_data(), language=form.cleaned_data["mail_language"]
            )
        return redirect("registrations:sign_check_mail", slug=slug)
    context = {"declaration": declaration, "event": declaration.event, "form": form}
    return render(request, "registrations/sign.html", context)


@require_safe
def sign_check_mail(request, slug):
    declaration = _declaration(slug)
    return render(
        request, "registrations/sign_check_mail.html", {"declaration": declaration, "event": declaration.event}
    )


@never_cache
@require_http_methods(["GET", "POST"])
@limit_posts("confirm", "RATE_LIMIT_CONFIRM")
def signature_confirm(request):
    return _confirm(
        request,
        model=Signature,
        confirm=lambda row: services.signature_confirm(signature=row),
        template="registrations/signature_confirm",
    )


@never_cache
@require_safe
def signature_status(request):
    signature, token = _from_link(request, Signature, links.STATUS)
    if signature is None:
        return _invalid_link(request)
    context = {"signature": signature, "event": signature.event, "token": token}
    return render(request, "registrations/signature_status.html", context)


@never_cache
@require_POST
@limit_posts("confirm", "RATE_LIMIT_CONFIRM")
def signature_withdraw(request):
    return _withdraw(
        request,
        model=Signature,
        erase=lambda row: services.signature_erase(signature=row),
        template="registrations/signature_erased.html",
    )


@public_page
@require_safe
def privacy(request):
    return render(request, "registrations/privacy.html")
