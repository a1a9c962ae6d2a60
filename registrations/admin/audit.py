"""The audit log: staff read it, nobody edits it."""

from django.contrib import admin
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from plumbing.adminlists import OwnFiltersOnly

from ..models import AuditEntry


class ModelFilter(admin.SimpleListFilter):
    """The kinds of rows the log names, by their translated names."""

    title = _("what")
    parameter_name = "model"

    def lookups(self, request, model_admin):
        labels = AuditEntry.objects.order_by().values_list("model", flat=True).distinct()
        return sorted(((label, capfirst(AuditEntry.name_of(label))) for label in labels), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        return queryset.filter(model=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(OwnFiltersOnly, admin.ModelAdmin):
    list_display = ("at", "username", "action", "what", "object_id", "rows", "event")
    list_filter = ("action", ModelFilter, "at", "event")
    list_select_related = ("event",)
    fields = ("at", "username", "action", "what", "object_id", "rows", "event")
    readonly_fields = ("what",)
    date_hierarchy = "at"

    @admin.display(description=_("what"), ordering="model")
    def what(self, entry):
        return capfirst(entry.model_name)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
