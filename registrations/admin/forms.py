"""The forms of the workspace's own pages (decisions, notes, messages, a copy)."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from events.models import Event


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional, the registrant sees it)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


class MessageForm(forms.Form):
    """A subject and a text per language (from settings.LANGUAGES); English
    is required, as every person without their language receives it."""

    previewed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, name in settings.LANGUAGES:
            required = code == settings.MODELTRANSLATION_DEFAULT_LANGUAGE
            self.fields[f"subject_{code}"] = forms.CharField(
                label=_("Subject (%(language)s)") % {"language": name}, max_length=200, required=required
            )
            self.fields[f"body_{code}"] = forms.CharField(
                label=_("Text (%(language)s)") % {"language": name},
                max_length=10000,
                required=required,
                widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
            )

    def texts(self):
        return {name: value for name, value in self.cleaned_data.items() if name != "previewed"}

    def previews(self, people):
        """Per language: the subject and text as its readers will get them
        (English where left empty), and how many people read that language."""
        counts = {}
        for person in people:
            counts[person.mail_language] = counts.get(person.mail_language, 0) + 1
        default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
        data = self.cleaned_data
        return [
            {
                "code": code,
                "name": name,
                "readers": counts.get(code, 0),
                "fallback": not data.get(f"subject_{code}") or not data.get(f"body_{code}"),
                "subject": data.get(f"subject_{code}") or data[f"subject_{default}"],
                "body": data.get(f"body_{code}") or data[f"body_{default}"],
            }
            for code, name in settings.LANGUAGES
        ]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Internal note (only reviewers see it)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


class CopyForm(forms.Form):
    """The new forum's date, address and title in every language: a copy
    never keeps the title of the forum it was made from."""

    start_date = forms.DateField(
        label=_("Date of the new forum"),
        help_text=_("Its sessions move by as many days; times of day stay."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    slug = forms.SlugField(label=_("Address of the new forum's page"), max_length=100)

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        for code, name in settings.LANGUAGES:
            old = getattr(event, f"title_{code}", "") or ""
            self.fields[f"title_{code}"] = forms.CharField(
                label=_("Title of the new forum (%(language)s)") % {"language": name},
                max_length=Event._meta.get_field("title").max_length,
                help_text=_("The copied forum's: “%(title)s”.") % {"title": old} if old else "",
            )

    def _old_titles(self):
        return {
            " ".join(title.split()).casefold()
            for code, _name in settings.LANGUAGES
            if (title := getattr(self.event, f"title_{code}", "") or "")
        }

    def clean(self):
        data = super().clean()
        old = self._old_titles()
        for code, _name in settings.LANGUAGES:
            name = f"title_{code}"
            title = " ".join(data.get(name, "").split())
            if title.casefold() in old:
                self.add_error(name, _("This is the copied forum's title: give the new forum its own."))
            elif title:
                data[name] = title
        return data

    def titles(self):
        """{language code: title} of the new forum."""
        return {code: self.cleaned_data[f"title_{code}"] for code, _name in settings.LANGUAGES}

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Event.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("Another forum already has this address."))
        return slug


class DelayForm(forms.Form):
    """The rest of the forum's programme, later by some minutes."""

    minutes = forms.IntegerField(
        label=_("Delay the sessions not yet ended by (minutes)"), min_value=1, max_value=12 * 60
    )
