from django.conf import settings
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline
from modeltranslation.utils import build_localized_fieldname

from .models import Event, EventOrganisation, Organisation, Session, Speaker


def translated_fields(*names):
    """`title` → `title_en`, `title_ru`, `title_be`: one per language in settings."""
    return tuple(build_localized_fieldname(name, code) for name in names for code, _label in settings.LANGUAGES)


class SessionInline(TranslationStackedInline):
    model = Session
    extra = 0
    fields = ("title", "description", ("start", "end"), "language", "speakers", "is_cancelled")
    filter_horizontal = ("speakers",)
    show_change_link = True


class EventOrganisationInline(admin.TabularInline):
    model = EventOrganisation
    extra = 0
    autocomplete_fields = ("organisation",)


@admin.register(Event)
class EventAdmin(TranslationAdmin):
    list_display = ("title", "start", "end", "timezone", "is_published", "session_count")
    list_filter = ("is_published", "timezone", "start")
    search_fields = (*translated_fields("title"), "slug")
    date_hierarchy = "start"
    prepopulated_fields = {"slug": ("title_en",)}
    readonly_fields = ("uid", "sequence", "created_at", "updated_at")
    inlines = (EventOrganisationInline, SessionInline)
    fieldsets = (
        (None, {"fields": ("title", "slug", "tagline", "is_published")}),
        (_("When"), {"fields": (("start", "end"), "timezone")}),
        (_("About the forum"), {"fields": ("description", "goals", "participants", "languages_note")}),
        (_("How to take part"), {"fields": ("stream_url", "facebook_url", "recording_url")}),
        (_("Privacy"), {"fields": ("retention_days",)}),
        (_("Calendar"), {"classes": ("collapse",), "fields": ("uid", "sequence", "created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_session_count=Count("sessions"))

    @admin.display(description=_("sessions"), ordering="_session_count")
    def session_count(self, obj):
        return obj._session_count


@admin.register(Session)
class SessionAdmin(TranslationAdmin):
    list_display = ("title", "event", "start", "end", "language", "is_cancelled")
    list_filter = ("event", "language", "is_cancelled", "start")
    list_select_related = ("event",)
    search_fields = translated_fields("title", "speakers__name")
    date_hierarchy = "start"
    filter_horizontal = ("speakers",)
    readonly_fields = ("uid", "sequence", "created_at", "updated_at")


@admin.register(Speaker)
class SpeakerAdmin(TranslationAdmin):
    list_display = ("name", "affiliation")
    search_fields = translated_fields("name", "affiliation")


@admin.register(Organisation)
class OrganisationAdmin(TranslationAdmin):
    list_display = ("name", "url")
    search_fields = translated_fields("name")
