from modeltranslation.translator import TranslationOptions, register

from .models import Declaration, MediaAccreditation, Message


@register(MediaAccreditation)
class MediaAccreditationTranslation(TranslationOptions):
    fields = ("access_note",)


@register(Declaration)
class DeclarationTranslation(TranslationOptions):
    fields = ("title", "text")
    required_languages = {"en": ("title", "text")}


@register(Message)
class MessageTranslation(TranslationOptions):
    fields = ("subject", "body")
    required_languages = {"en": ("subject", "body")}
