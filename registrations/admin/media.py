"""Media accreditation: its settings per forum, and the review of journalists."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from events import ical
from events.models import Event
from events.responses import CalendarResponse
from plumbing.admin_pages import action_page
from plumbing.sealed import is_erased

from .. import services
from ..access import zoom
from ..forms import MediaRegistrationForm
from ..models import MediaAccreditation, MediaRegistration
from .accreditation import FIELDS as ACCREDITATION_FIELDS
from .accreditation import MediaAccreditationForm, after_save
from .base import LANGUAGE_NAMES, CountryFilter, PersonalDataAdmin
from .forms import DecisionForm, MessageForm, NoteForm


@admin.register(MediaAccreditation)
class MediaAccreditationAdmin(TranslationAdmin):
    list_display = ("event", "is_open", "opens_at", "closes_at", "capacity")
    list_filter = ("is_open",)
    list_select_related = ("event",)
    autocomplete_fields = ("event",)
    form = MediaAccreditationForm
    fields = ("event", *ACCREDITATION_FIELDS)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        after_save(self, request, obj)

    def response_change(self, request, obj):
        """A changed meeting or access note: ask whether to tell approved journalists now."""
        response = super().response_change(request, obj)
        if "_continue" not in request.POST and services.invitation_holders_behind(event=obj.event).exists():
            return HttpResponseRedirect(reverse("admin:events_event_notify", args=[obj.event_id]))
        return response


def zoom_problem(registration):
    """What went wrong registering this journalist with Zoom, in the reader's language, or ""."""
    kind = registration.zoom_error
    if not kind:
        return ""
    return zoom.ZoomError(kind, retryable=False, kind=kind).explanation() if kind in zoom.EXPLANATIONS else kind


def places_text(full):
    """How many places are left at a forum, as a refused approval tells it."""
    return _("Places left at “%(event)s”: %(left)s of %(capacity)s.") % {
        "event": full.event,
        "left": full.left,
        "capacity": full.capacity,
    }


def cancelled_text(cancelled):
    """Why an approval at a cancelled forum was refused."""
    return _("The forum “%(event)s” is cancelled: nobody was approved. Un-cancel the forum first.") % {
        "event": cancelled.event
    }


def _places(registrations, *, approving):
    """Per forum of `registrations` with a number of places: the forum, its
    places, how many are left and (when approving) how many the selection needs."""
    forums = {}
    for registration in registrations:
        event = registration.event
        if event.pk not in forums:
            forums[event.pk] = {"event": event, "needed": 0}
        if approving and registration.status != MediaRegistration.Status.APPROVED:
            forums[event.pk]["needed"] += 1
    rows = []
    for row in forums.values():
        left = services.places_left(event=row["event"])
        if left is not None:
            rows.append({**row, "left": left, "capacity": row["event"].media_accreditation.capacity})
    return rows


# The decision buttons: (status, service), in the order shown.
DECISIONS = (
    (MediaRegistration.Status.APPROVED, services.registration_approve),
    (MediaRegistration.Status.WAITLISTED, services.registration_waitlist),
    (MediaRegistration.Status.REJECTED, services.registration_reject),
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
        # Whether the personal link was opened, how often, when last: nothing about who opened it.
        (_("Access"), {"fields": ("access_revoked", "access_opened_count", "access_opened_at")}),
    )

    change_form_template = "admin/registrations/mediaregistration/change_form.html"
    withdraw = staticmethod(services.registration_withdraw)

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
                "<path:object_id>/access/",
                self.admin_site.admin_view(self.access_view),
                name="registrations_mediaregistration_access",
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
                # The page is led by the person, not by the row's number.
                "title": registration.name,
                "subtitle": f"{registration.outlet} · {registration.event}",
                "places": _places([registration], approving=True),
                "zoom_problem": zoom_problem(registration),
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
            return HttpResponseRedirect(reverse("admin:registrations_mediaregistration_change", args=[registration.pk]))
        try:
            registration = service(registration=registration, by=request.user, reason=form.cleaned_data["reason"])
        except services.ForumCancelled as cancelled:
            self.message_user(request, cancelled_text(cancelled), messages.ERROR)
        except services.PlacesFull as full:
            self.message_user(
                request,
                f"{places_text(full)} "
                + _("The registration was not approved: put it on the waiting list instead, or free a place first."),
                messages.ERROR,
            )
        else:
            self.message_user(
                request,
                _("%(registration)s: %(status)s. The registrant is told by e-mail.")
                % {"registration": registration, "status": registration.get_status_display()},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:registrations_mediaregistration_change", args=[registration.pk]))

    def access_view(self, request, object_id):
        """Withdraw one journalist's access (the link dies, their calendar
        entry is cancelled), or send them a new link (the old one dies)."""
        registration = self._own_page(request, object_id)
        action = request.POST.get("access")
        service = {"revoke": services.access_revoke, "reissue": services.access_reissue}.get(action)
        try:
            if service is None:
                raise services.AccessError(action)
            service(registration=registration, by=request.user)
        except services.AccessError:
            self.message_user(request, _("Only an approved journalist's access can change."), messages.ERROR)
        else:
            text = (
                _("%(registration)s: access withdrawn; the link no longer works and their calendar entry is cancelled.")
                if action == "revoke"
                else _(
                    "%(registration)s: a new link is mailed with an updated invitation; the old one no longer works."
                )
            )
            self.message_user(request, text % {"registration": registration}, messages.SUCCESS)
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
            registration = services.registration_promote(event=event, by=request.user)
        except services.ForumCancelled as cancelled:
            self.message_user(request, cancelled_text(cancelled), messages.ERROR)
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
            services.registration_note_add(registration=registration, by=request.user, text=form.cleaned_data["note"])
            self.message_user(request, _("Note added."), messages.SUCCESS)
        else:
            self.message_user(request, _("A note needs some text (at most 2000 characters)."), messages.ERROR)
        return HttpResponseRedirect(reverse("admin:registrations_mediaregistration_change", args=[registration.pk]))

    def _decide(self, request, queryset, status, verb):
        """The confirmation of a decision on the selection (with the places
        left at each forum concerned), then the decision on all of them, or
        on none when approving them would pass a forum's places."""
        registrations = list(queryset.select_related("event__media_accreditation"))
        refused = None
        form = DecisionForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                services.registration_decide_all(
                    registrations=registrations, status=status, by=request.user, reason=form.cleaned_data["reason"]
                )
            except services.ForumCancelled as cancelled:
                self.message_user(request, cancelled_text(cancelled), messages.ERROR)
            except services.PlacesFull as full:
                refused = f"{places_text(full)} " + _(
                    "Places the selection needs: %(wanted)d. Nobody was approved: select fewer, "
                    "or put them on the waiting list instead."
                ) % {"wanted": full.wanted}
                self.message_user(request, refused, messages.ERROR)
            else:
                count = len(registrations)
                self.message_user(
                    request,
                    ngettext("%(count)d registration: %(verb)s.", "%(count)d registrations: %(verb)s.", count)
                    % {"count": count, "verb": verb},
                    messages.SUCCESS,
                )
                return None
        return action_page(
            self,
            request,
            "admin/registrations/decide.html",
            title=_("Decide on media registrations"),
            verb=verb,
            action=request.POST.get("action"),
            registrations=registrations,
            places=_places(registrations, approving=status == MediaRegistration.Status.APPROVED),
            refused=refused,
            form=form,
        )

    @admin.action(description=_("Approve selected registrations"), permissions=["change"])
    def approve(self, request, queryset):
        return self._decide(request, queryset, MediaRegistration.Status.APPROVED, _("approved"))

    @admin.action(description=_("Reject selected registrations"), permissions=["change"])
    def reject(self, request, queryset):
        return self._decide(request, queryset, MediaRegistration.Status.REJECTED, _("not approved"))

    @admin.action(description=_("Put selected registrations on the waiting list"), permissions=["change"])
    def waitlist(self, request, queryset):
        return self._decide(request, queryset, MediaRegistration.Status.WAITLISTED, _("on the waiting list"))

    def _message_held(self, request, message):
        """A message to many waits: its page says until when and can cancel it."""
        self.message_user(
            request,
            ngettext(
                "The message to %(count)d person goes in %(minutes)d minutes: until then you can cancel it here.",
                "The message to %(count)d people goes in %(minutes)d minutes: until then you can cancel it here.",
                message.recipients,
            )
            % {"count": message.recipients, "minutes": services.HOLD_FOR.seconds // 60},
            messages.WARNING,
        )
        return HttpResponseRedirect(reverse("admin:registrations_message_change", args=[message.pk]))

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
                if message.send_at > message.created_at:
                    return self._message_held(request, message)
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
        return action_page(
            self,
            request,
            "admin/registrations/message.html",
            title=_("Write to media registrants"),
            event=people[0].event,
            people=people,
            form=form,
            previews=previews,
        )

    @admin.action(description=_("Export selected registrations as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        self.audit_export(request, queryset)
        return self.export_csv_response(queryset, name="media")

    @admin.action(description=_("Export approved media of the selection as a calendar (.ics)"), permissions=["view"])
    def export_ics(self, request, queryset):
        approved = (
            queryset.filter(status=MediaRegistration.Status.APPROVED).select_related("event").order_by("event", "pk")
        )
        self.audit_export(request, approved)
        # Names are sealed: sorted here, once opened; a person whose forum's key is gone is left out.
        attendees = sorted(
            ((r.event, r.name, r.email) for r in approved if not is_erased(r.email)),
            key=lambda row: (row[0].pk, str(row[1]).casefold()),
        )
        content = ical.attendee_calendar(
            attendees,
            page_url_for=lambda event: request.build_absolute_uri(event.get_absolute_url()),
        )
        return CalendarResponse(content, filename="approved-media.ics")
