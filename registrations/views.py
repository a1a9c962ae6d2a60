"""The public forms and the private pages of both opt-in flows. Each step is
one generic view helper; each feature's view names its model and service."""

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


def _invalid_link(request):
    return render(request, "registrations/invalid_link.html", status=400)


def _from_link(request, model, purpose):
    """The person a private link names (token in the query or the form), or None."""
    token = request.POST.get("t") if request.method == "POST" else request.GET.get("t")
    try:
        return links.read_token(purpose, model, token), token
    except links.InvalidLink:
        return None, token


def _submit(request, *, model, form_class, submit, context):
    """The form: valid and not a bot → the service, then "check your mail";
    the answer is the same whether or not the address was known."""
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not form.is_bot():
            submit(data=form.stored_data(), language=form.cleaned_data["mail_language"])
        return redirect(model.url_name("check_mail"), slug=context["event"].slug)
    return render(request, model.template("form.html"), {**context, "form": form})


def _confirm(request, *, model, confirm):
    """GET shows a button; only the POST it sends confirms, so a mail
    scanner that opens the link confirms nothing."""
    person, token = _from_link(request, model, links.CONFIRM)
    if person is None:
        return _invalid_link(request)
    if request.method == "POST":
        person = confirm(person)
        return render(request, model.template("confirm_done.html"), {"person": person, "event": person.event})
    return render(request, model.template("confirm.html"), {"person": person, "event": person.event, "token": token})


def _status(request, *, model, extra=None):
    person, token = _from_link(request, model, links.STATUS)
    if person is None:
        return _invalid_link(request)
    context = {"person": person, "event": person.event, "token": token, **(extra(person) if extra else {})}
    return render(request, model.template("status.html"), context)


def _withdraw(request, *, model, withdraw):
    person, _token = _from_link(request, model, links.STATUS)
    if person is None:
        return _invalid_link(request)
    event = person.event
    withdraw(person)
    return render(request, model.template("withdrawn.html"), {"event": event, "parent": person.parent})


# --- Media accreditation ----------------------------------------------------------


def _published_event(slug):
    return get_object_or_404(Event.objects.published(), slug=slug)


@never_cache
@require_http_methods(["GET", "POST"])
@limit_posts("submit", "RATE_LIMIT_SUBMIT")
def media_register(request, slug):
    event = _published_event(slug)
    accreditation = accreditation_of(event)
    if accreditation is None or not accreditation.accepts_registrations():
        status = 404 if accreditation is None else 200
        context = {"event": event, "parent": event}
        return render(request, MediaRegistration.template("closed.html"), context, status=status)
    return _submit(
        request,
        model=MediaRegistration,
        form_class=MediaRegistrationForm,
        submit=lambda **values: services.media_submit(event=event, **values),
        context={"event": event},
    )


@require_safe
def media_check_mail(request, slug):
    event = _published_event(slug)
    return render(request, MediaRegistration.template("check_mail.html"), {"event": event, "parent": event})


@never_cache
@require_http_methods(["GET", "POST"])
@limit_posts("confirm", "RATE_LIMIT_CONFIRM")
def media_confirm(request):
    return _confirm(
        request, model=MediaRegistration, confirm=lambda person: services.media_confirm(registration=person)
    )


def _access(registration):
    """An approved journalist's status page shows their private access."""
    approved = registration.status == MediaRegistration.Status.APPROVED
    return {"accreditation": accreditation_of(registration.event) if approved else None}


@never_cache
@require_safe
def media_status(request):
    return _status(request, model=MediaRegistration, extra=_access)


@never_cache
@require_POST
@limit_posts("confirm", "RATE_LIMIT_CONFIRM")
def media_withdraw(request):
    return _withdraw(
        request, model=MediaRegistration, withdraw=lambda person: services.media_withdraw(registration=person)
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
    return render(request, "registrations/declaration/declaration.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@limit_posts("submit", "RATE_LIMIT_SUBMIT")
def declaration_sign(request, slug):
    declaration = _declaration(slug)
    context = {"declaration": declaration, "event": declaration.event, "parent": declaration}
    if not declaration.is_open:
        return render(request, Signature.template("closed.html"), context)
    return _submit(
        request,
        model=Signature,
        form_class=SignatureForm,
        submit=lambda **values: services.declaration_submit(declaration=declaration, **values),
        context=context,
    )


@require_safe
def declaration_check_mail(request, slug):
    declaration = _declaration(slug)
    context = {"declaration": declaration, "event": declaration.event, "parent": declaration}
    return render(request, Signature.template("check_mail.html"), context)


@never_cache
@require_http_methods(["GET", "POST"])
@limit_posts("confirm", "RATE_LIMIT_CONFIRM")
def declaration_confirm(request):
    return _confirm(request, model=Signature, confirm=lambda person: services.declaration_confirm(signature=person))


@never_cache
@require_safe
def declaration_status(request):
    return _status(request, model=Signature)


@never_cache
@require_POST
@limit_posts("confirm", "RATE_LIMIT_CONFIRM")
def declaration_withdraw(request):
    return _withdraw(request, model=Signature, withdraw=lambda person: services.declaration_withdraw(signature=person))


@public_page
@require_safe
def privacy(request):
    return render(request, "registrations/privacy.html")
