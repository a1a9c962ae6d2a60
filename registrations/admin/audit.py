"""The audit log: staff read it, nobody edits it."""

from django.contrib import admin

from ..models import AuditEntry


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
