"""A forum and its sessions, composed: the programme's own admins (events)
with what people's features add to them (the accreditation and the
Declaration inline, sending approved journalists their updated invitation
after a change of the forum or its programme, a copy for the next forum).
Registered here, once."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationStackedInline

from events import admin as programme
from events.models import Event, Session
from plumbing.admin_pages import action_page

from .. import services
from ..models import AuditEntry, Declaration, MediaAccreditation, MediaRegistration, Signature
from .accreditation import FIELDS as ACCREDITATION_FIELDS
from .accreditation import MediaAccreditationForm, after_save
from .forms import CopyForm, DelayForm


class MediaAccreditationInline(TranslationStackedInline):
    model = MediaAccreditation
    form = MediaAccreditationForm
    extra = 1
    max_num = 1
    can_delete = False
    fields = ACCREDITATION_FIELDS


class DeclarationInline(TranslationStackedInline):
    model = Declaration
    extra = 1
    max_num = 1
    can_delete = False
    fields = ("title", "text", "is_open", "review_names")


@admin.register(Event)
class EventAdmin(programme.EventAdmin):
    """A forum in one form: its texts, its media accreditation and its
    Declaration (inline), its organisations and sessions; and a copy of a past
    forum to start the next one."""

    inlines = (MediaAccreditationInline, DeclarationInline, *programme.EventAdmin.inlines)
    actions = ("copy_forum", "erase_people")
    change_form_template = "admin/events/event/change_form.html"

    def get_urls(self):
        notify = path(
            "<path:object_id>/notify/",
            self.admin_site.admin_view(self.notify_view),
            name="events_event_notify",
        )
        day = path("<path:object_id>/day/", self.admin_site.admin_view(self.day_view), name="events_event_day")
        return [notify, day, *super().get_urls()]

    def get_readonly_fields(self, request, obj=None):
        """The contact address receives the organisers' notes; only a
        superuser changes it (an editor sees it)."""
        fields = super().get_readonly_fields(request, obj)
        return fields if request.user.is_superuser else (*fields, "contact_email")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "contact_email" in form.changed_data:
            services.audit_record(
                user=request.user, action=AuditEntry.Action.CHANGE, model=Event, object_id=obj.pk, event=obj
            )

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is MediaAccreditation:
            for accreditation_form in formset.forms:
                if accreditation_form.instance.pk:
                    after_save(self, request, accreditation_form.instance)

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
            if event.is_cancelled:
                text = ngettext(
                    "%(count)d approved journalist will receive the cancellation.",
                    "%(count)d approved journalists will receive the cancellation.",
                    count,
                )
            else:
                text = ngettext(
                    "%(count)d approved journalist will receive the updated invitation.",
                    "%(count)d approved journalists will receive the updated invitation.",
                    count,
                )
            self.message_user(request, text % {"count": count}, messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:events_event_change", args=[event.pk]))
        return action_page(
            self,
            request,
            "admin/events/notify.html",
            title=_("Tell approved journalists"),
            event=event,
            count=services.invitation_holders_behind(event=event).count(),
        )

    def day_view(self, request, object_id):
        """The day's controls: a session started or ended now, the rest of the programme delayed."""
        event = self.get_object(request, object_id)
        if event is None:
            raise Http404
        if not self.has_change_permission(request, event):
            raise PermissionDenied
        form = DelayForm(request.POST if "delay" in request.POST else None)
        if request.method == "POST":
            try:
                done = self._day_control(request, event, form)
            except ValidationError as error:
                if form.is_bound and hasattr(error, "error_dict"):
                    form.add_error(None, error)  # on its field: the form shows it there
                else:
                    for text in error.messages:
                        self.message_user(request, text, messages.ERROR)
                    return HttpResponseRedirect(request.path)
            else:
                if done is not None:
                    self.message_user(request, done, messages.SUCCESS)
                    return HttpResponseRedirect(request.path)
        return action_page(
            self,
            request,
            "admin/events/day.html",
            title=_("The forum's day"),
            event=event,
            sessions=event.sessions.all(),
            form=form,
        )

    def _day_control(self, request, event, form):
        """What the posted button did, said for the editor, or None (the form is invalid)."""
        for name, service, said in (
            ("start", services.session_start_mark, _("“%(session)s” is marked started now.")),
            ("end", services.session_end_mark, _("“%(session)s” is marked ended now.")),
        ):
            if name in request.POST:
                session = event.sessions.filter(pk=request.POST[name]).first() if request.POST[name].isdigit() else None
                if session is None:
                    raise Http404
                return said % {"session": service(session=session, by=request.user)}
        if not form.is_valid():
            return None
        minutes = form.cleaned_data["minutes"]
        moved, sent = services.programme_delay(event=event, minutes=minutes, by=request.user)
        return ngettext(
            "The sessions not yet ended are delayed by %(minutes)d minutes (%(moved)d sessions); "
            "%(count)d approved journalist will receive the updated invitation.",
            "The sessions not yet ended are delayed by %(minutes)d minutes (%(moved)d sessions); "
            "%(count)d approved journalists will receive the updated invitation.",
            sent,
        ) % {"minutes": minutes, "moved": moved, "count": sent}

    @admin.action(description=_("Copy this forum to a new date"), permissions=["add"])
    def copy_forum(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select one forum to copy."), messages.WARNING)
            return None
        event = queryset.get()
        form = CopyForm(
            request.POST if "apply" in request.POST else None, event=event, initial={"slug": f"{event.slug}-copy"}
        )
        if form.is_valid():
            copy = services.event_copy(
                event=event,
                start_date=form.cleaned_data["start_date"],
                slug=form.cleaned_data["slug"],
                titles=form.titles(),
            )
            self.message_user(
                request,
                _("“%(event)s” copied, unpublished: check its texts and sessions, set the meeting, then publish.")
                % {"event": event},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:events_event_change", args=[copy.pk]))
        return action_page(
            self,
            request,
            "admin/events/copy.html",
            title=_("Copy this forum to a new date"),
            event=event,
            form=form,
        )

    def has_erase_permission(self, request):
        return request.user.is_superuser

    @admin.action(description=_("Erase this forum's people"), permissions=["erase"])
    def erase_people(self, request, queryset):
        """What the retention purge does to a forum, now: its registrations,
        signatures and their mail go, then its key, so that no backup can show
        them either. A confirmation page first; audited."""
        if queryset.count() != 1:
            self.message_user(request, _("Select one forum."), messages.WARNING)
            return None
        event = queryset.get()
        if "apply" in request.POST:
            result = services.event_people_erase(event=event, by=request.user)
            self.message_user(
                request,
                _(
                    "The people of “%(event)s” are erased (media registrations: %(registrations)d, signatures: "
                    "%(signatures)d), and the forum's key with them: no backup can show them any more."
                )
                % {"event": event, **result},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:events_event_changelist"))
        return action_page(
            self,
            request,
            "admin/events/erase_people.html",
            title=_("Erase this forum's people"),
            event=event,
            registrations=MediaRegistration.objects.filter(event=event).count(),
            signatures=Signature.objects.filter(declaration__event=event).count(),
        )


@admin.register(Session)
class SessionAdmin(programme.SessionAdmin):
    """Sessions: a change of one that approved journalists' invitation
    carries (its time, title, cancellation) asks, as the forum's own form
    does, whether to send them the updated invitation."""

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        if obj.event.is_cancelled:
            # Its cancellation told journalists all there is: no update about a session.
            self.message_user(
                request,
                _("Nothing was sent about “%(event)s”: the forum is cancelled, and its cancellation told journalists.")
                % {"event": obj.event},
                messages.WARNING,
            )
            return response
        if "_continue" not in request.POST and services.invitation_holders_behind(event=obj.event).exists():
            return HttpResponseRedirect(reverse("admin:events_event_notify", args=[obj.event_id]))
        return response
