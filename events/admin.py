"""The programme's admins. Speakers and organisations are registered here;
the forum's and the session's admins are defined here and registered, composed
with people's features, by registrations.admin.forums (once).
"""

import zoneinfo

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline
from modeltranslation.utils import build_localized_fieldname

from .models import EventOrganisation, Organisation, Session, Speaker


def translated_fields(*names):
    """`title` → `title_en`, `title_ru`, `title_be`: one per language in settings."""
    return tuple(build_localized_fieldname(name, code) for name in names for code, _label in settings.LANGUAGES)


TIME_ZONES = sorted(zoneinfo.available_timezones() - {"Factory", "localtime"})


class SessionInline(TranslationStackedInline):
    model = Session
    extra = 0
    fields = ("title", "description", ("start", "end"), "language", "speakers", "is_cancelled")
    filter_horizontal = ("speakers",)
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        """A new session starts on the forum's day (once the forum exists), and
        the form says in which zone its times are entered."""
        formset = super().get_formset(request, obj, **kwargs)
        zone = timezone.get_current_timezone_name()
        for name in ("start", "end"):
            field = formset.form.base_fields[name]
            field.help_text = _("Entered in the time zone %(zone)s.") % {"zone": zone}
            if obj is not None:
                field.initial = getattr(obj, name)
        return formset


class EventForm(forms.ModelForm):
    # A choice of the zones Python knows, not free text.
    timezone = forms.ChoiceField(
        label=_("time zone"),
        choices=[(zone, zone) for zone in TIME_ZONES],
        initial="Europe/Minsk",
        help_text=_("The zone in which the page shows times, e.g. Europe/Minsk."),
    )


class EventOrganisationInline(admin.TabularInline):
    model = EventOrganisation
    extra = 0
    autocomplete_fields = ("organisation",)


class EventAdmin(TranslationAdmin):
    form = EventForm
    list_display = ("title", "start", "end", "timezone", "status", "is_published", "session_count")
    list_filter = ("is_published", "status", "timezone", "start")
    search_fields = (*translated_fields("title"), "slug")
    date_hierarchy = "start"
    prepopulated_fields = {"slug": ("title_en",)}
    readonly_fields = ("previous_start", "uid", "sequence", "created_at", "updated_at")
    inlines = (EventOrganisationInline, SessionInline)
    fieldsets = (
        (
            None,
            {"fields": ("title", "slug", "tagline", "is_published", "contact_email", "organisers_language")},
        ),
        (_("When"), {"fields": (("start", "end"), "timezone", "status", "previous_start", "status_note")}),
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
