"""What every list of people in the workspace shares: read-only rows,
confirmed people only, erasure through the feature's own service, the
audit log, indexed search, exports and the cap on "select all"."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.utils.translation import gettext_lazy as _

from events.models import Event
from plumbing.adminlists import OwnFiltersOnly
from plumbing.exports import (
    CappedPaginator,
    UnorderedCountPaginator,
    csv_export_response,
    distinct_values,
    with_date_spans,
)
from plumbing.sealed import sealed_fields

from .. import services
from ..countries import country_name
from ..mailbox import email_digest
from ..models import AuditEntry

LANGUAGE_NAMES = dict(settings.LANGUAGES)


class CountryFilter(admin.SimpleListFilter):
    title = _("country")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        codes = distinct_values(model_admin.get_queryset(request), "country")
        return sorted(((code, country_name(code)) for code in codes), key=lambda item: item[1])

    def queryset(self, request, queryset):
        return queryset.filter(country=self.value()) if self.value() else queryset


class ReadOnlyAdmin(OwnFiltersOnly, admin.ModelAdmin):
    """Every field shown is read-only: the list is derived from the fieldsets
    (or, without them, from the model), never kept by hand."""

    def get_readonly_fields(self, request, obj=None):
        if self.fieldsets:
            return flatten_fieldsets(self.fieldsets)
        return [field.name for field in self.model._meta.fields if not field.primary_key]

    def get_sortable_by(self, request):
        """No column of a sealed value sorts: its order would be the tokens'."""
        sealed = {field.name for field in sealed_fields(self.model)}
        return [name for name in self.get_list_display(request) if name not in sealed]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """Nothing on the page can be saved: no Save buttons (a superuser's
        Delete, and the way back to the list, stay)."""
        context.update(show_save=False, show_save_and_continue=False, show_save_and_add_another=False)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)


class PersonalDataAdmin(ReadOnlyAdmin):
    """Rows about people who opted in. Staff see only those who confirmed;
    nobody adds them here, only superusers delete them (erasure is the
    person's, or the retention purge's); each list, search, detail view and
    export is recorded in the audit log (how many rows, never the search
    term). Search is by whole words of a name, or by a whole address (each
    by keyed digests, exact match); names are sealed, so no list sorts by them."""

    search_help_text = _(
        "Search by whole words of a name (“Anna Petrova”, not “Ann”), or by a whole e-mail address; "
        "exact matches only, any case."
    )

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

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # A search's rows come from the word digests: counted from there (UnorderedCountPaginator).
        searched = bool(request.GET.get("q", "").strip())
        paginator = UnorderedCountPaginator if searched else self.paginator
        return paginator(queryset, per_page, orphans, allow_empty_first_page)

    # A superuser's delete is the person's withdrawal, through the feature's own
    # service: the stored counts follow, and what the feature does when someone
    # goes (the organisers told that a place is free) happens too.
    withdraw = staticmethod(services.person_withdraw)

    def delete_model(self, request, obj):
        self.withdraw(person=obj)

    def delete_queryset(self, request, queryset):
        for person in queryset:
            self.withdraw(person=person)

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
        digest, a name by the digests of its whole words under each forum's
        key (OptInQuerySet.name_words; names are sealed, so no prefix)."""
        term = search_term.strip()
        if not term:
            return queryset, False
        if "@" in term:
            return queryset.filter(email_digest=email_digest(term)), False
        return queryset.name_words(term, forum_ids=list(Event.objects.values_list("pk", flat=True))), False

    # What may act on "all found" past the count's cap: an export reads them in
    # chunks; a change to rows nobody could page to is refused.
    acts_on_all_found = ("export_csv", "export_ics")

    def response_action(self, request, queryset):
        # Read as Django's action form reads it: "on", "true", "yes"… all mean all.
        across = self.action_form.base_fields["select_across"].clean(request.POST.get("select_across"))
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
