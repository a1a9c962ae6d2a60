from modeltranslation.translator import TranslationOptions, register

from .models import Declaration, MediaAccreditation


@register(MediaAccreditation)
class MediaAccreditationTranslation(TranslationOptions):
    fields = ("access_note",)


@register(Declaration)
class DeclarationTranslation(TranslationOptions):
    fields = ("title", "text")
    required_languages = {"en": ("title", "text")}
