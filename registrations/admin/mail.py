"""The mail the site sent and what reviewers wrote: read-only."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from events.admin import translated_fields
from events.models import Event

from .. import overview, services
from ..models import MediaRegistration, Message, OutgoingMail, Signature
from .base import ReadOnlyAdmin


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
        (None, {"fields": ("event", "username", "created_at", "recipients")}),
        (_("Text"), {"fields": translated_fields("subject", "body")}),
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        cancel = path(
            "<path:object_id>/cancel/",
            self.admin_site.admin_view(self.cancel_view),
            name="registrations_message_cancel",
        )
        return [cancel, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        message = self.get_object(request, object_id)
        now = timezone.now()
        extra = {
            "held": message is not None and message.send_at is not None and now < message.send_at,
            "can_cancel": message is not None and services.message_cancellable(message=message, user=request.user),
        }
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def cancel_view(self, request, object_id):
        """A held message cancelled by its writer or a superuser (audited)."""
        message = self.get_object(request, object_id)
        if message is None:
            raise Http404
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:registrations_message_change", args=[message.pk]))
        if not services.message_cancellable(message=message, user=request.user):
            if message.created_by_id != request.user.pk and not request.user.is_superuser:
                raise PermissionDenied
            self.message_user(
                request, _("This message has gone already: it can no longer be cancelled."), messages.ERROR
            )
        else:
            services.message_cancel(message=message, by=request.user)
            self.message_user(request, _("The message is cancelled: nobody will receive it."), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:registrations_message_change", args=[message.pk]))
