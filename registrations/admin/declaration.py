"""The Declaration: its text per forum, and the signatures."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from events.admin import translated_fields

from .. import services
from ..forms import SignatureForm
from ..models import Declaration, Signature
from .base import CountryFilter, PersonalDataAdmin


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
