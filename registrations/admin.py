from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from events import ical
from events.admin import EventAdmin, SessionAdmin, translated_fields
from events.models import Event, Session
from events.responses import CalendarResponse
from plumbing.exports import CappedPaginator, csv_export_response, distinct_values, with_date_spans

from . import overview, services
from .countries import country_name
from .forms import MediaRegistrationForm, SignatureForm
from .mailbox import email_digest
from .models import (
    AuditEntry,
    Declaration,
    MediaAccreditation,
    MediaRegistration,
    Message,
    OutgoingMail,
    Signature,
)
from .services.people import person_withdraw


@admin.register(MediaAccreditation)
class MediaAccreditationAdmin(TranslationAdmin):
    list_display = ("event", "is_open", "opens_at", "closes_at", "capacity")
    list_filter = ("is_open",)
    list_select_related = ("event",)
    autocomplete_fields = ("event",)

    def response_change(self, request, obj):
        """A changed Zoom link or access note: ask whether to tell approved journalists now."""
        response = super().response_change(request, obj)
        if "_continue" not in request.POST and services.invitation_holders_behind(event=obj.event).exists():
            return HttpResponseRedirect(reverse("admin:events_event_notify", args=[obj.event_id]))
        return response


LANGUAGE_NAMES = dict(settings.LANGUAGES)


class CountryFilter(admin.SimpleListFilter):
    title = _("country")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        codes = distinct_values(model_admin.get_queryset(request), "country")
        return sorted(((code, country_name(code)) for code in codes), key=lambda item: item[1])

    def queryset(self, request, queryset):
        return queryset.filter(country=self.value()) if self.value() else queryset


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional, the registrant sees it)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


class MessageForm(forms.Form):
    """A subject and a text per language (from settings.LANGUAGES); English
    is required, as every person without their language receives it."""

    previewed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, name in settings.LANGUAGES:
            required = code == settings.MODELTRANSLATION_DEFAULT_LANGUAGE
            self.fields[f"subject_{code}"] = forms.CharField(
                label=_("Subject (%(language)s)") % {"language": name}, max_length=200, required=required
            )
            self.fields[f"body_{code}"] = forms.CharField(
                label=_("Text (%(language)s)") % {"language": name},
                max_length=10000,
                required=required,
                widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
            )

    def texts(self):
        return {name: value for name, value in self.cleaned_data.items() if name != "previewed"}

    def previews(self, people):
        """Per language: the subject and text as its readers will get them
        (English where left empty), and how many people read that language."""
        counts = {}
        for person in people:
            counts[person.mail_language] = counts.get(person.mail_language, 0) + 1
        default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
        data = self.cleaned_data
        return [
            {
                "code": code,
                "name": name,
                "readers": counts.get(code, 0),
                "fallback": not data.get(f"subject_{code}") or not data.get(f"body_{code}"),
                "subject": data.get(f"subject_{code}") or data[f"subject_{default}"],
                "body": data.get(f"body_{code}") or data[f"body_{default}"],
            }
            for code, name in settings.LANGUAGES
        ]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Internal note (only reviewers see it)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


# The decision buttons: (status, service), in the order shown.
DECISIONS = (
    (MediaRegistration.Status.APPROVED, services.media_approve),
    (MediaRegistration.Status.WAITLISTED, services.media_waitlist),
    (MediaRegistration.Status.REJECTED, services.media_reject),
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Every field shown is read-only: the list is derived from the fieldsets
    (or, without them, from the model), never kept by hand."""

    def get_readonly_fields(self, request, obj=None):
        if self.fieldsets:
            return flatten_fieldsets(self.fieldsets)
        return [field.name for field in self.model._meta.fields if not field.primary_key]


class PersonalDataAdmin(ReadOnlyAdmin):
    """Rows about people who opted in. Staff see only those who confirmed;
    nobody adds them here, only superusers delete them (erasure is the
    person's, or the retention purge's); each list, search, detail view and
    export is recorded in the audit log (how many rows, never the search
    term). Search is by name, or by a whole address: its digest, exact match."""

    search_help_text = _("Search by the start of a name, or by a whole e-mail address (exact match only).")

    # The count of all rows, next to the filtered count, is a second full
    # count; the filtered one stops at COUNT_CAP (the list then says "more than").
    show_full_result_count = False
    paginator = CappedPaginator

    def get_queryset(self, request):
        queryset = super().get_queryset(request).confirmed()
        # Every queryset the changelist derives from this one keeps the class.
        queryset.__class__ = with_date_spans(queryset.__class__)
        return queryset

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    # A superuser's delete erases as a withdrawal does, so the stored counts follow.
    def delete_model(self, request, obj):
        person_withdraw(person=obj)

    def delete_queryset(self, request, queryset):
        for person in queryset:
            person_withdraw(person=person)

    # Exports show names, not codes, and times in the forum's own zone.
    csv_computed = {
        "country": lambda obj: country_name(obj.country),
        "languages": lambda obj: ", ".join(str(LANGUAGE_NAMES.get(code, code)) for code in obj.languages),
    }

    def export_csv_response(self, queryset, *, name):
        return csv_export_response(
            queryset,
            fields=self.csv_fields,
            computed=self.csv_computed,
            name=name,
            zone=lambda obj: obj.event.zone,
            related=[self.model.event_path],
        )

    @admin.display(description=_("country"), ordering="country")
    def country_display(self, obj):
        return country_name(obj.country)

    def get_search_results(self, request, queryset, search_term):
        """Both searches are indexed at any size: a whole address by its
        digest, a name by its start (OptInQuerySet.name_starts)."""
        term = search_term.strip()
        if "@" in term:
            return queryset.filter(email_digest=email_digest(term)), False
        return queryset.name_starts(term), False

    # What may act on "all found" past the count's cap: an export reads them in
    # chunks; a change to rows nobody could page to is refused.
    acts_on_all_found = ("export_csv", "export_ics")

    def response_action(self, request, queryset):
        across = request.POST.get("select_across") == "1"
        changes = request.POST.get("action") not in self.acts_on_all_found
        if across and changes and CappedPaginator(queryset, self.list_per_page).capped:
            self.message_user(
                request,
                _(
                    "Past %(count)s found, only an export acts on all of them; nothing was changed. "
                    "Narrow the list with a filter, a date or a search, then select all again."
                )
                % {"count": CappedPaginator.cap_shown()},
                messages.WARNING,
            )
            return None
        return super().response_action(request, queryset)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None and changelist.paginator.capped:
            response.context_data["selection_note_all"] = _("All found selected (%(count)s or more)") % {
                "count": changelist.paginator.cap_shown()
            }
        if request.method == "GET" and response.status_code == 200 and changelist is not None:
            services.audit_record(
                user=request.user,
                action=AuditEntry.Action.SEARCH if changelist.query else AuditEntry.Action.LIST,
                model=self.model,
                rows=len(changelist.result_list),
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = getattr(response, "context_data", {}).get("original")
        if request.method == "GET" and response.status_code == 200 and obj is not None:
            services.audit_record(
                user=request.user, action=AuditEntry.Action.VIEW, model=self.model, object_id=obj.pk, event=obj.event
            )
        return response

    def audit_export(self, request, queryset):
        events = list(queryset.order_by().values_list(self.model.event_path, flat=True).distinct()[:2])
        services.audit_record(
            user=request.user,
            action=AuditEntry.Action.EXPORT,
            model=self.model,
            rows=queryset.count(),
            event=Event.objects.get(pk=events[0]) if len(events) == 1 else None,
        )


@admin.register(MediaRegistration)
class MediaRegistrationAdmin(PersonalDataAdmin):
    list_display = (
        "__str__",
        "name",
        "outlet",
        "role",
        "country_display",
        "status",
        "event",
        "created_at",
        "decided_at",
    )
    list_display_links = ("__str__", "name")
    list_filter = ("status", "event", CountryFilter, "role", "created_at", "decided_at")
    list_select_related = ("event",)
    search_fields = ("name",)  # shows the search box; get_search_results decides how
    date_hierarchy = "created_at"
    list_per_page = 50
    actions = ("approve", "reject", "waitlist", "write_message", "export_csv", "export_ics")
    # The row's number, event and status, what the journalist typed, then the review.
    csv_fields = (
        *("id", "event", "status"),
        *MediaRegistrationForm.Meta.fields,
        *("created_at", "confirmed_at", "decided_at", "decision_reason"),
    )
    fieldsets = (
        (None, {"fields": ("event", "status", "decided_at", "decided_by", "decision_reason")}),
        (
            _("Journalist"),
            {
                "fields": (
                    "name",
                    "outlet",
                    "role",
                    "country_display",
                    "work_url",
                    "languages_display",
                    "interview_request",
                )
            },
        ),
        (_("Contact"), {"fields": ("email", "phone", "mail_language")}),
        (_("Dates"), {"fields": ("consent_at", "created_at", "confirmed_at")}),
    )

    change_form_template = "admin/registrations/mediaregistration/change_form.html"

    def get_queryset(self, request):
        # Only registrations their owner confirmed reach review.
        return super().get_queryset(request).confirmed()

    @admin.display(description=_("languages followed"))
    def languages_display(self, obj):
        return ", ".join(str(LANGUAGE_NAMES.get(code, code)) for code in obj.languages) or "–"

    def get_urls(self):
        own = [
            path(
                "<path:object_id>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="registrations_mediaregistration_decide",
            ),
            path(
                "promote/<int:event_id>/",
                self.admin_site.admin_view(self.promote_view),
                name="registrations_mediaregistration_promote",
            ),
            path(
                "<path:object_id>/note/",
                self.admin_site.admin_view(self.note_view),
                name="registrations_mediaregistration_note",
            ),
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        registration = self.get_object(request, object_id)
        if registration is not None:
            extra_context = {
                **(extra_context or {}),
                "history": registration.review_entries.all(),
                "decisions": DECISIONS,
                "decision_form": DecisionForm(),
                "note_form": NoteForm(),
                "can_decide": self.has_change_permission(request, registration),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def _own_page(self, request, object_id):
        registration = self.get_object(request, object_id)
        if registration is None:
            raise Http404
        if request.method != "POST" or not self.has_change_permission(request, registration):
            raise PermissionDenied
        return registration

    def decide_view(self, request, object_id):
        """The decision buttons on a registration's own page."""
        registration = self._own_page(request, object_id)
        service = dict(DECISIONS).get(request.POST.get("decision"))
        form = DecisionForm(request.POST)
        if service is None or not form.is_valid():
            self.message_user(
                request, _("Choose a decision; the reason may be at most 1000 characters."), messages.ERROR
            )
        else:
            registration = service(registration=registration, by=request.user, reason=form.cleaned_data["reason"])
            self.message_user(
                request,
                _("%(registration)s: %(status)s. The registrant is told by e-mail.")
                % {"registration": registration, "status": registration.get_status_display()},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:registrations_mediaregistration_change", args=[registration.pk]))

    def promote_view(self, request, event_id):
        """From the overview: approve the oldest waitlisted journalist of a
        forum whose place was freed; they are mailed their access."""
        if request.method != "POST" or not self.has_change_permission(request):
            raise PermissionDenied
        event = Event.objects.filter(pk=event_id).first()
        if event is None:
            raise Http404
        try:
            registration = services.media_promote(event=event, by=request.user)
        except services.DecisionError:
            self.message_user(request, _("No place is free at this forum."), messages.WARNING)
        else:
            if registration is None:
                self.message_user(request, _("Nobody is on the waiting list."), messages.WARNING)
            else:
                self.message_user(
                    request,
                    _("%(registration)s approved from the waiting list; they are told by e-mail.")
                    % {"registration": registration},
                    messages.SUCCESS,
                )
        return HttpResponseRedirect(reverse("admin:index"))

    def note_view(self, request, object_id):
        """An internal note: in the history, never shown to the registrant."""
        registration = self._own_page(request, object_id)
        form = NoteForm(request.POST)
        if form.is_valid():
            services.media_note_add(registration=registration, by=request.user, text=form.cleaned_data["note"])
            self.message_user(request, _("Note added."), messages.SUCCESS)
        else:
            self.message_user(request, _("A note needs some text (at most 2000 characters)."), messages.ERROR)
        return HttpResponseRedirect(reverse("admin:registrations_mediaregistration_change", args=[registration.pk]))

    def _decide(self, request, queryset, service, verb):
        if "apply" in request.POST:
            form = DecisionForm(request.POST)
            if form.is_valid():
                for registration in queryset:
                    service(registration=registration, by=request.user, reason=form.cleaned_data["reason"])
                count = len(queryset)
                self.message_user(
                    request,
                    ngettext("%(count)d registration: %(verb)s.", "%(count)d registrations: %(verb)s.", count)
                    % {"count": count, "verb": verb},
                    messages.SUCCESS,
                )
                return None
        else:
            form = DecisionForm()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Decide on media registrations"),
            "verb": verb,
            "action": request.POST.get("action"),
            "registrations": queryset,
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/registrations/decide.html", context)

    @admin.action(description=_("Approve selected registrations"), permissions=["change"])
    def approve(self, request, queryset):
        return self._decide(request, queryset, services.media_approve, _("approved"))

    @admin.action(description=_("Reject selected registrations"), permissions=["change"])
    def reject(self, request, queryset):
        return self._decide(request, queryset, services.media_reject, _("not approved"))

    @admin.action(description=_("Put selected registrations on the waiting list"), permissions=["change"])
    def waitlist(self, request, queryset):
        return self._decide(request, queryset, services.media_waitlist, _("on the waiting list"))

    @admin.action(description=_("Write a message to the selected registrants"), permissions=["change"])
    def write_message(self, request, queryset):
        """One message, a subject and text per language; a preview of each
        language first, then one mail per person through the outbox."""
        people = list(queryset.order_by("pk"))
        events = {person.event_id for person in people}
        if len(events) != 1:
            self.message_user(
                request, _("Select registrants of one forum (filter the list by forum)."), messages.WARNING
            )
            return None
        form = MessageForm(request.POST if "apply" in request.POST else None)
        previews = None
        if form.is_valid():
            if form.cleaned_data["previewed"] and "send" in request.POST:
                message = services.message_send(registrations=people, texts=form.texts(), by=request.user)
                self.message_user(
                    request,
                    ngettext(
                        "Message queued for %(count)d person, in their language.",
                        "Message queued for %(count)d people, each in their language.",
                        message.recipients,
                    )
                    % {"count": message.recipients},
                    messages.SUCCESS,
                )
                return None
            previews = form.previews(people)
            form = MessageForm({**form.cleaned_data, "previewed": True})
            form.is_valid()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Write to media registrants"),
            "event": people[0].event,
            "people": people,
            "form": form,
            "previews": previews,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/registrations/message.html", context)

    @admin.action(description=_("Export selected registrations as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        self.audit_export(request, queryset)
        return self.export_csv_response(queryset, name="media")

    @admin.action(description=_("Export approved media of the selection as a calendar (.ics)"), permissions=["view"])
    def export_ics(self, request, queryset):
        approved = (
            queryset.filter(status=MediaRegistration.Status.APPROVED).select_related("event").order_by("event", "name")
        )
        self.audit_export(request, approved)
        content = ical.attendee_calendar(
            [(r.event, r.name, r.email) for r in approved],
            page_url_for=lambda event: request.build_absolute_uri(event.get_absolute_url()),
        )
        return CalendarResponse(content, filename="approved-media.ics")


@admin.register(Declaration)
class DeclarationAdmin(TranslationAdmin):
    list_display = ("title", "event", "is_open", "review_names", "updated_at")
    list_filter = ("is_open",)
    list_select_related = ("event",)
    search_fields = translated_fields("title")
    autocomplete_fields = ("event",)


class NameReviewFilter(admin.SimpleListFilter):
    title = _("name review")
    parameter_name = "name_review"

    def lookups(self, request, model_admin):
        return [("awaiting", _("Awaiting review")), ("accepted", _("Accepted for the list"))]

    def queryset(self, request, queryset):
        if self.value() == "awaiting":
            return queryset.awaiting_name_review()
        if self.value() == "accepted":
            return queryset.filter(name_accepted_at__isnull=False)
        return queryset


class HiddenFilter(admin.SimpleListFilter):
    title = _("hidden as abuse")
    parameter_name = "hidden"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(hidden_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(hidden_at__isnull=True)
        return queryset


@admin.register(Signature)
class SignatureAdmin(PersonalDataAdmin):
    list_display = (
        "__str__",
        "name",
        "country_display",
        "visibility",
        "name_accepted_at",
        "created_at",
        "hidden_at",
        "declaration",
    )
    list_display_links = ("__str__", "name")
    list_filter = ("declaration", NameReviewFilter, CountryFilter, "visibility", HiddenFilter, "created_at")
    list_select_related = ("declaration",)
    search_fields = ("name",)  # shows the search box; get_search_results decides how
    date_hierarchy = "created_at"
    list_per_page = 100
    actions = ("accept_names", "hide", "unhide", "export_csv")
    # The row's number, Declaration and status, what the signatory typed, then the dates.
    csv_fields = ("id", "declaration", "status", *SignatureForm.Meta.fields, "created_at", "confirmed_at", "hidden_at")
    fieldsets = (
        (None, {"fields": ("declaration", "status", "name_accepted_at", "name_accepted_by", "hidden_at", "hidden_by")}),
        (_("Signatory"), {"fields": ("name", "country_display", "organisation", "visibility")}),
        (_("Contact"), {"fields": ("email", "mail_language")}),
        (_("Dates"), {"fields": ("consent_at", "created_at", "confirmed_at")}),
    )

    @admin.action(
        description=_("Accept the names of the selected signatures for the public list"), permissions=["change"]
    )
    def accept_names(self, request, queryset):
        count = services.signature_names_accept(signatures=queryset, by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d name accepted for the list.", "%(count)d names accepted for the list.", count)
            % {"count": count},
        )

    @admin.action(description=_("Hide selected signatures as abuse"), permissions=["change"])
    def hide(self, request, queryset):
        count = sum(services.signature_hide(signature=s, by=request.user) for s in queryset)
        self.message_user(
            request, ngettext("%(count)d signature hidden.", "%(count)d signatures hidden.", count) % {"count": count}
        )

    @admin.action(description=_("Show selected signatures again"), permissions=["change"])
    def unhide(self, request, queryset):
        for signature in queryset:
            services.signature_unhide(signature=signature, by=request.user)

    @admin.action(description=_("Export selected signatures as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        self.audit_export(request, queryset)
        return self.export_csv_response(queryset, name="signatures")


class MailEventFilter(admin.SimpleListFilter):
    """Mail of one forum: to its registrants, its signatories, or its contact address."""

    title = _("event")
    parameter_name = "event"

    def lookups(self, request, model_admin):
        return [(str(event.pk), str(event)) for event in Event.objects.order_by("-start")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return queryset.filter(
            Q(registration__event_id=self.value())
            | Q(signature__declaration__event_id=self.value())
            | Q(event_id=self.value())
        )


class MailStateFilter(admin.SimpleListFilter):
    title = _("needs attention")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("waiting", _("Queued or retrying")), ("failed", _("Failed, needs staff"))]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(status__in=overview.MAIL_WAITING)
        if self.value() == "failed":
            return queryset.filter(status=OutgoingMail.Status.FAILED)
        return queryset


@admin.register(OutgoingMail)
class OutgoingMailAdmin(ReadOnlyAdmin):
    list_display = (
        "__str__",
        "kind",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "registration",
        "signature",
        "event",
    )
    list_filter = (MailStateFilter, "status", "kind", MailEventFilter, "created_at")
    list_select_related = ("registration", "signature", "event")
    date_hierarchy = "created_at"
    actions = ("resend",)

    # Staff see mail to people who confirmed, never the confirmation requests:
    # those concern data nobody confirmed, and would tell that an address was
    # submitted again (a person whose request failed simply submits again).
    _REQUESTS = [model.mail_kinds["confirm"] for model in (MediaRegistration, Signature)]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .exclude(kind__in=self._REQUESTS)
            .exclude(registration__status=MediaRegistration.UNCONFIRMED)
            .exclude(signature__status=Signature.UNCONFIRMED)
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send the selected mail again"), permissions=["change"])
    def resend(self, request, queryset):
        count = 0
        for mail in queryset:
            services.mail_resend(mail=mail)
            count += 1
        self.message_user(
            request, ngettext("%(count)d mail queued again.", "%(count)d mails queued again.", count) % {"count": count}
        )


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    """What reviewers wrote, in every language, to how many; written only
    through the registrations list's action."""

    list_display = ("__str__", "subject", "event", "username", "created_at", "recipients")
    list_filter = ("event", "created_at")
    list_select_related = ("event",)
    fieldsets = (
        (None, {"fields": ("event", "session", "username", "created_at", "recipients")}),
        (_("Text"), {"fields": translated_fields("subject", "body")}),
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "action", "model", "object_id", "rows", "event")
    list_filter = ("action", "model", "at", "event")
    list_select_related = ("event",)
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MediaAccreditationInline(TranslationStackedInline):
    model = MediaAccreditation
    extra = 1
    max_num = 1
    can_delete = False
    fields = ("is_open", ("opens_at", "closes_at"), "capacity", "zoom_url", "access_note")


class DeclarationInline(TranslationStackedInline):
    model = Declaration
    extra = 1
    max_num = 1
    can_delete = False
    fields = ("title", "text", "is_open", "review_names")


class CopyForm(forms.Form):
    start_date = forms.DateField(
        label=_("Date of the new forum"),
        help_text=_("Its sessions move by as many days; times of day stay."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    slug = forms.SlugField(label=_("Address of the new forum's page"), max_length=100)

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Event.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("Another forum already has this address."))
        return slug


admin.site.unregister(Event)


@admin.register(Event)
class ForumAdmin(EventAdmin):
    """A forum in one form: its texts, its media accreditation and its
    Declaration (inline), its organisations and sessions; and a copy of a past
    forum to start the next one."""

    inlines = (MediaAccreditationInline, DeclarationInline, *EventAdmin.inlines)
    actions = ("copy_forum",)

    def get_urls(self):
        notify = path(
            "<path:object_id>/notify/",
            self.admin_site.admin_view(self.notify_view),
            name="events_event_notify",
        )
        return [notify, *super().get_urls()]

    def response_change(self, request, obj):
        """After a change that approved journalists' calendars must follow,
        the editor is asked whether to send them the update now."""
        response = super().response_change(request, obj)
        if "_continue" not in request.POST and services.invitation_holders_behind(event=obj).exists():
            return HttpResponseRedirect(reverse("admin:events_event_notify", args=[obj.pk]))
        return response

    def notify_view(self, request, object_id):
        event = self.get_object(request, object_id)
        if event is None:
            raise Http404
        if not self.has_change_permission(request, event):
            raise PermissionDenied
        if request.method == "POST":
            count = services.invitation_update_send(event=event, by=request.user)
            self.message_user(
                request,
                ngettext(
                    "%(count)d approved journalist will receive the updated invitation.",
                    "%(count)d approved journalists will receive the updated invitation.",
                    count,
                )
                % {"count": count},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:events_event_change", args=[event.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Tell approved journalists"),
            "event": event,
            "count": services.invitation_holders_behind(event=event).count(),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/events/notify.html", context)

    @admin.action(description=_("Copy this forum to a new date"), permissions=["add"])
    def copy_forum(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select one forum to copy."), messages.WARNING)
            return None
        event = queryset.get()
        form = CopyForm(request.POST if "apply" in request.POST else None, initial={"slug": f"{event.slug}-copy"})
        if form.is_valid():
            copy = services.event_copy(
                event=event, start_date=form.cleaned_data["start_date"], slug=form.cleaned_data["slug"]
            )
            self.message_user(
                request,
                _("“%(event)s” copied, unpublished: check its texts and sessions, add the Zoom link, then publish.")
                % {"event": event},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:events_event_change", args=[copy.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Copy this forum to a new date"),
            "event": event,
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/events/copy.html", context)


admin.site.unregister(Session)


@admin.register(Session)
class ProgrammeSessionAdmin(SessionAdmin):
    """Sessions, and telling approved journalists when one changes: a message
    with the new programme and the session's calendar entry."""

    actions = ("tell_journalists",)

    @admin.action(
        description=_("Tell approved journalists about the selected sessions' change"), permissions=["change"]
    )
    def tell_journalists(self, request, queryset):
        sent = 0
        for session in queryset.select_related("event"):
            message = services.session_change_send(session=session, by=request.user)
            sent += message.recipients if message else 0
        self.message_user(
            request,
            ngettext(
                "%(count)d message queued to approved journalists.",
                "%(count)d messages queued to approved journalists.",
                sent,
            )
            % {"count": sent},
            messages.SUCCESS,
        )
