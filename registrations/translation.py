from modeltranslation.translator import TranslationOptions, register

from .models import MediaAccreditation


@register(MediaAccreditation)
class MediaAccreditationTranslation(TranslationOptions):
    fields = ("access_note",)
