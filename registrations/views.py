"""The public forms and the private pages of both opt-in flows. Each step is
one generic view helper; each feature's view names its model and service."""

import copy
import functools

from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from events.models import Event
from plumbing import memo
from plumbing.mirror import is_mirror_request
from plumbing.pagecache import public_page, shows_count
from plumbing.ratelimit import limit_posts

from . import access_page, counts, links, services
from .access import links as access_links
from .forms import MediaCorrectionForm, MediaRegistrationForm, SignatureCorrectionForm, SignatureForm
from .mail import _on_onion
from .models import Declaration, MediaRegistration, Signature, accreditation_of

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


@functools.lru_cache(maxsize=512)
def _check_mail_url(name, slug, language, prefix):
    """Where a submission is sent on to: the same for every submission to a
    form in a language, so worked out once (`language` and `prefix` are the
    active language and script prefix `reverse` reads)."""
    return reverse(name, kwargs={"slug": slug})


def _submit(request, *, model, form_class, submit, context):
    """The form: valid and not a bot → the service, then "check your mail";
    the answer is the same whether or not the address was known."""
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not form.is_bot():
            submit(data=form.stored_data(), language=form.cleaned_data["mail_language"])
        url = _check_mail_url(model.url_name("check_mail"), context["event"].slug, get_language(), get_script_prefix())
        return HttpResponseRedirect(url)
    return render(request, model.template("form.html"), {**context, "form": form})


def _confirm(request, *, model, correction_form, status, done=None):
    """The link from the mail. To a person who has not confirmed it shows
    exactly what will be confirmed (the latest submission, and how often it
    changed since the link was sent), with a form to correct it; only the
    POST that form sends confirms, and only the version it showed: a newer
    submission shows the page again. A mail scanner that opens the link
    confirms nothing. To a person who already confirmed it shows their status page."""
    person, token = _from_link(request, model, links.CONFIRM)
    if person is None:
        return _invalid_link(request)
    if person.is_confirmed:
        return status(request, person=person)
    # The button alone confirms what is shown; with the form's fields, what they hold.
    corrected = request.method == "POST" and any(name in request.POST for name in correction_form.base_fields)
    form = correction_form(request.POST if corrected else None, instance=person)
    stale = False
    if request.method == "POST" and (not corrected or form.is_valid()):
        shown = request.POST.get("version", "")
        try:
            confirmed = services.person_confirm(
                person=person,
                data=form.cleaned_data if corrected else None,
                version=int(shown) if shown.isdigit() else 0,
            )
        except services.VersionChanged:
            link_version, person = person.link_version, model.objects.get(pk=person.pk)
            person.link_version, form, stale = link_version, correction_form(instance=person), True
        else:
            if confirmed is None:  # erased in between
                return _invalid_link(request)
            context = {"person": confirmed, "event": confirmed.event, **(done(confirmed) if done else {})}
            return render(request, model.template("confirm_done.html"), context)
    context = {
        "person": person,
        "event": person.event,
        "token": token,
        "form": form,
        "stale": stale,
        "changes": links.changes_since_sent(person),
    }
    return render(request, model.template("confirm.html"), context)


def _status(request, *, model, correction_form, correct, may_correct=lambda person: True, extra=None, person=None):
    """A person's own page: their data, what they may correct, withdrawal.
    Reached by the status link, or by the confirm link once confirmed (then
    the page carries a status token of its own for its forms)."""
    if person is None:
        person, _token = _from_link(request, model, links.STATUS)
        if person is None:
            return _invalid_link(request)
    form, saved = None, False
    if may_correct(person):
        data = request.POST if request.method == "POST" and "correct" in request.POST else None
        form = correction_form(data, instance=person)
        if data is not None and form.is_valid():
            corrected = correct(person=person, data=form.cleaned_data)
            person, saved = corrected or model.objects.get(pk=person.pk), corrected is not None
            form = correction_form(instance=person) if may_correct(person) else None
    context = {
        "person": person,
        "event": person.event,
        "token": links.make_token(links.STATUS, person),
        "form": form,
        "saved": saved,
        **(extra(person) if extra else {}),
    }
    return render(request, model.template("status.html"), context)


def _withdraw(request, *, model, withdraw):
    person, _token = _from_link(request, model, links.STATUS)
    if person is None:
        return _invalid_link(request)
    event = person.event
    withdraw(person=person)
    return render(request, model.template("withdrawn.html"), {"event": event, "parent": person.parent})


# --- Media accreditation ----------------------------------------------------------


def _published_event(slug):
    return get_object_or_404(Event.objects.published(), slug=slug)


def _accreditation_to_register(slug):
    """The published event and its accreditation (None if it has none), kept
    per process for the content version (plumbing.memo): a registration
    reads neither row. Whether it is open is asked at each request (it
    depends on the time)."""

    def load():
        event = _published_event(slug)
        return event, accreditation_of(event)

    event, accreditation = memo.kept(("media_register", slug), load)
    event = copy.copy(event)
    if accreditation is not None:
        accreditation = copy.copy(accreditation)
        accreditation.event = event
    return event, accreditation


@never_cache
@require_http_methods(["GET", "POST"])
@limit_posts("submit", "RATE_LIMIT_SUBMIT")
def media_register(request, slug):
    event, accreditation = _accreditation_to_register(slug)
    if accreditation is None or not accreditation.accepts_registrations():
        status = 404 if accreditation is None else 200
        context = {"event": event, "parent": event}
        return render(request, MediaRegistration.template("closed.html"), context, status=status)
    return _submit(
        request,
        model=MediaRegistration,
        form_class=MediaRegistrationForm,
        submit=functools.partial(services.submission_take, model=MediaRegistration, parent=event),
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
        request,
        model=MediaRegistration,
        correction_form=MediaCorrectionForm,
        status=_media_status,
    )


def _access(registration):
    """An approved journalist's status page shows their personal link to the
    meeting (never the meeting's address), unless the forum is cancelled or
    waits for its new date, or their access was withdrawn."""
    approved = registration.status == MediaRegistration.Status.APPROVED
    given = approved and not registration.event.withholds_access and not registration.access_revoked
    accreditation = accreditation_of(registration.event) if given else None
    context = {"accreditation": accreditation, "approved": approved}
    if accreditation is not None:
        url = access_links.absolute_link(registration, language=get_language())
        context.update(access_url=url, onion_access_url=_on_onion(url), **access_page.opening(accreditation))
    return context


def _media_status(request, person=None):
    return _status(
        request,
        model=MediaRegistration,
        correction_form=MediaCorrectionForm,
        correct=services.registration_correct,
        may_correct=lambda person: person.status == MediaRegistration.Status.PENDING,
        extra=_access,
        person=person,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@limit_posts("confirm", "RATE_LIMIT_CONFIRM")
def media_status(request):
    return _media_status(request)


@never_cache
@require_POST
@limit_posts("confirm", "RATE_LIMIT_CONFIRM")
def media_withdraw(request):
    return _withdraw(request, model=MediaRegistration, withdraw=services.registration_withdraw)


@never_cache
@require_safe
def media_access(request):
    """The personal link to the meeting: checked each time it is opened (the
    registration, the forum's state, the window), then on to the meeting.
    Never cached, never on a mirror; its answers name the meeting only to an
    approved journalist inside the window."""
    try:
        registration = access_links.read_token(MediaRegistration, request.GET.get("t"))
    except access_links.InvalidLink:
        return _invalid_link(request)
    except access_links.Withdrawn:
        return access_page.withdrawn(request)
    return access_page.answer(request, registration)


# --- The Declaration --------------------------------------------------------------


# What a signature's POST needs of its Declaration: not the texts in every language.
_TO_SIGN = ("is_open", "event__slug", "event__is_published")


def _declaration(slug, *, with_count=False, fields=()):
    """The published event's Declaration and its event, in one query; with
    its stored count (never a count of signatures) where the page shows it,
    and only `fields` where that is all the request needs."""
    declarations = Declaration.objects.with_count() if with_count else Declaration.objects.all()
    if fields:
        declarations = declarations.only(*fields)
    return get_object_or_404(declarations.select_related("event").filter(event__is_published=True), event__slug=slug)


class _Page:
    """A page of a list without counting the list: one more row than the
    page holds says whether an older page exists."""

    def __init__(self, queryset, number, per_page):
        self.number = number
        rows = list(queryset[(number - 1) * per_page : number * per_page + 1])
        self.object_list = rows[:per_page]
        self.has_next = len(rows) > per_page
        self.has_previous = number > 1
        self.has_other_pages = self.has_next or self.has_previous
        self.next_page_number = number + 1
        self.previous_page_number = number - 1


def _page_number(value, last=10_000):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), last)


@public_page
@shows_count
@require_safe
def declaration(request, slug):
    """The text, the count and the list: no form here (it is a page of its
    own), so this page carries no token and can be cached. Its count and list
    may be COUNT_REFRESH_SECONDS old."""
    declaration = _declaration(slug, with_count=True)
    if is_mirror_request(request):
        # Names could never be erased from a mirror's hosts: the copy has the text and count only.
        context = {"declaration": declaration, "event": declaration.event}
        return render(request, "registrations/declaration/declaration_mirror.html", context)
    signatures = (
        declaration.signatures.listed(reviewed=declaration.review_names)
        .order_by("-confirmed_at", "-pk")
        .only("declaration", "seal_id", "name", "country", "organisation", "visibility", "confirmed_at")
    )
    page = _Page(signatures, _page_number(request.GET.get("page")), SIGNATURES_PER_PAGE)
    context = {"declaration": declaration, "event": declaration.event, "page": page}
    return render(request, "registrations/declaration/declaration.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@limit_posts("submit", "RATE_LIMIT_SUBMIT")
def declaration_sign(request, slug):
    # A valid POST only redirects: it reads no text (an invalid one loads what its page shows).
    if request.method == "POST":
        # Kept per process for the content version (plumbing.memo): a sign POST reads no row of it.
        declaration = memo.kept(("declaration_sign", slug), lambda: _declaration(slug, fields=_TO_SIGN))
    else:
        declaration = _declaration(slug)
    context = {"declaration": declaration, "event": declaration.event, "parent": declaration}
    if not declaration.is_open:
        return render(request, Signature.template("closed.html"), context)
    return _submit(
        request,
        model=Signature,
        form_class=SignatureForm,
        submit=functools.partial(services.submission_take, model=Signature, parent=declaration),
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
    return _confirm(
        request,
        model=Signature,
        correction_form=SignatureCorrectionForm,
        status=_declaration_status,
        done=_signature_counted,
    )


def _signature_counted(person):
    """The stored count, read after the confirmation's commit: the signatory
    sees their own signature counted (the Declaration's page may be a few
    seconds old)."""
    return {"signature_count": counts.declaration_counts([person.declaration_id])[person.declaration_id]}


def _declaration_status(request, person=None):
    return _status(
        request,
        model=Signature,
        correction_form=SignatureCorrectionForm,
        correct=services.signature_correct,
        person=person,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@limit_posts("confirm", "RATE_LIMIT_CONFIRM")
def declaration_status(request):
    return _declaration_status(request)


@never_cache
@require_POST
@limit_posts("confirm", "RATE_LIMIT_CONFIRM")
def declaration_withdraw(request):
    return _withdraw(request, model=Signature, withdraw=services.person_withdraw)


@public_page
@require_safe
def privacy(request):
    return render(request, "registrations/privacy.html")
