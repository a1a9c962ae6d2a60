"""Content fields per language (django-modeltranslation); English is the fallback."""

from modeltranslation.translator import TranslationOptions, register

from .models import Event, Organisation, Session, Speaker


@register(Event)
class EventTranslation(TranslationOptions):
    fields = ("title", "tagline", "description", "goals", "participants", "languages_note", "status_note")
    required_languages = {"en": ("title",)}


@register(Session)
class SessionTranslation(TranslationOptions):
    fields = ("title", "description")
    required_languages = {"en": ("title",)}


@register(Speaker)
class SpeakerTranslation(TranslationOptions):
    fields = ("name", "affiliation", "bio")
    required_languages = {"en": ("name",)}


@register(Organisation)
class OrganisationTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = {"en": ("name",)}
