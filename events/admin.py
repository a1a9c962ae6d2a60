"""The programme's admins. Speakers and organisations are registered here;
the forum's and the session's admins are defined here and registered, composed
with people's features, by registrations.admin.forums (once).
"""

import zoneinfo

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline
from modeltranslation.utils import build_localized_fieldname

from . import history
from .models import Channel, EventOrganisation, Organisation, Recording, Session, Speaker


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


class ChannelInline(admin.TabularInline):
    model = Channel
    extra = 0
    fields = ("position", "language", "name", "url")


class RecordingInline(admin.TabularInline):
    model = Recording
    fk_name = "session"
    extra = 0
    fields = ("language", "url")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["url"].help_text = _("Shown on the forum's page once the session has ended.")
        return formset


def say_links_only(request, channels):
    """A YouTube address the player cannot take (a channel page, say) is kept
    as a plain link: the editor is told so, it is not an error."""
    for channel in channels:
        if channel.url and channel.is_youtube and not channel.embed_url:
            messages.info(
                request,
                _("“%(url)s” is saved as a link only: the player needs the address of a video or a live video.")
                % {"url": channel.url},
            )


def record_changes(event, *, old_status, old_start):
    """The forum's history: its status changed, or its start moved while it stays rescheduled."""
    kind = history.status_change_kind(old_status, event.status)
    if kind is None and event.status == event.Status.RESCHEDULED and old_start != event.start:
        kind = history.ChangeEntry.Kind.RESCHEDULED
    if kind is not None:
        history.change_record(event, kind, start=event.start, previous_start=old_start)


def record_session_moved(session, *, old_start):
    """A session moved before the forum's day (the programme shows it as changed) enters the history."""
    if old_start is not None and old_start != session.start and session.previous_start is not None:
        history.change_record(
            session.event,
            history.ChangeEntry.Kind.RESCHEDULED,
            session=session,
            start=session.start,
            previous_start=old_start,
        )


def record_new_recordings(recordings):
    for recording in recordings:
        history.change_record(
            recording.event,
            history.ChangeEntry.Kind.RECORDING,
            session=recording.session,
            language=recording.language,
            url=recording.url,
        )


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
    readonly_fields = ("previous_start", "recordings_summary", "uid", "sequence", "created_at", "updated_at")
    inlines = (EventOrganisationInline, ChannelInline, SessionInline)
    fieldsets = (
        (
            None,
            {"fields": ("title", "slug", "tagline", "is_published", "contact_email", "organisers_language")},
        ),
        (_("When"), {"fields": (("start", "end"), "timezone", "status", "previous_start", "status_note")}),
        (_("About the forum"), {"fields": ("description", "goals", "participants", "languages_note")}),
        (_("How to take part"), {"fields": ("facebook_url", "recordings_summary")}),
        (_("Privacy"), {"fields": ("retention_days",)}),
        (_("Calendar"), {"classes": ("collapse",), "fields": ("uid", "sequence", "created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_session_count=Count("sessions"))

    @admin.display(description=_("recordings"))
    def recordings_summary(self, obj):
        """The recordings entered on the sessions' pages, read here."""
        recordings = obj.recordings.select_related("session") if obj and obj.pk else []
        if not recordings:
            return _("None yet: a session's recordings are entered on the session's page, once it has ended.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li>{}: {} — <a href="{}" rel="noopener">{}</a></li>',
                ((r.session or _("the whole forum"), r.get_language_display(), r.url, r.url) for r in recordings),
            ),
        )

    def save_model(self, request, obj, form, change):
        old = type(obj).objects.filter(pk=obj.pk).values("status", "start").first() if change else None
        super().save_model(request, obj, form, change)
        if old is not None:
            record_changes(obj, old_status=old["status"], old_start=old["start"])

    def save_formset(self, request, form, formset, change):
        moved = {}
        if formset.model is Session:
            moved = {f.instance.pk: f.initial.get("start") for f in formset.forms if f.instance.pk and f.has_changed()}
        super().save_formset(request, form, formset, change)
        if formset.model is Channel:
            say_links_only(request, [f.instance for f in formset.forms if f.instance.pk and f.has_changed()])
        for session in formset.new_objects + [s for s, _fields in formset.changed_objects]:
            if isinstance(session, Session) and session.pk in moved:
                record_session_moved(session, old_start=moved[session.pk])

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
    inlines = (RecordingInline,)

    def save_model(self, request, obj, form, change):
        old_start = type(obj).objects.filter(pk=obj.pk).values_list("start", flat=True).first() if change else None
        super().save_model(request, obj, form, change)
        record_session_moved(obj, old_start=old_start)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Recording:
            record_new_recordings(formset.new_objects)


@admin.register(Speaker)
class SpeakerAdmin(TranslationAdmin):
    list_display = ("name", "affiliation")
    search_fields = translated_fields("name", "affiliation")


@admin.register(Organisation)
class OrganisationAdmin(TranslationAdmin):
    list_display = ("name", "url")
    search_fields = translated_fields("name")
