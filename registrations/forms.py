import copy
import functools
import re
import threading

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .countries import country_choices, country_codes
from .mailbox import has_invisible_characters
from .models import MediaRegistration, Signature


class SharedChoicesField(forms.ChoiceField):
    """A choice field whose choices are the same for every form: the copy
    each new form makes of it (Django deep-copies every field) shares them
    instead of copying the list and each label in it. Nothing here changes
    a field's choices in place; a form that sets other choices replaces them."""

    def __deepcopy__(self, memo):
        result = forms.Field.__deepcopy__(self, memo)
        result._choices = self._choices
        result.widget._choices = self.widget._choices
        return result


# The copies _field_copy makes as these make them.
_PLAIN_FIELD_COPIES = frozenset(
    {forms.Field.__deepcopy__, forms.ChoiceField.__deepcopy__, SharedChoicesField.__deepcopy__}
)
_PLAIN_WIDGET_COPIES = frozenset({forms.Widget.__deepcopy__, forms.widgets.ChoiceWidget.__deepcopy__})


def _field_copy(field):
    """A form's own copy of a field, as Field.__deepcopy__ makes it (the field
    and its widget copied, their attributes, error messages and validators
    each the copy's own; choices copied, or shared by a SharedChoicesField),
    without copy.copy's general machinery: a form copies every field each
    time it is made. A field or widget of another class is deep-copied by
    its own __deepcopy__."""
    if (
        type(field).__deepcopy__ not in _PLAIN_FIELD_COPIES
        or type(field.widget).__deepcopy__ not in _PLAIN_WIDGET_COPIES
    ):
        return copy.deepcopy(field)
    copied = object.__new__(type(field))
    copied.__dict__.update(field.__dict__)
    widget = copied.widget = object.__new__(type(field.widget))
    widget.__dict__.update(field.widget.__dict__)
    widget.attrs = field.widget.attrs.copy()
    copied.error_messages = field.error_messages.copy()
    copied.validators = field.validators[:]
    if isinstance(field, SharedChoicesField):
        return copied  # the field's and its widget's choices shared
    if isinstance(field.widget, forms.widgets.ChoiceWidget):
        widget.choices = copy.copy(field.widget.choices)
    if isinstance(field, forms.ChoiceField):
        copied._choices = copy.deepcopy(field._choices)
    return copied


class CopiedFields(dict):
    """A form class's fields, which each new form copies with `_field_copy`
    (Django deep-copies its class's fields for every form)."""

    def __deepcopy__(self, memo):
        return {name: _field_copy(field) for name, field in self.items()}


def _unique_in_form(form_class):
    """Whether the form holds every field of a unique field or constraint of its model."""
    model, asked = form_class._meta.model, set(form_class.base_fields)
    unique = [[f.name] for f in model._meta.fields if f.unique and not f.primary_key]
    unique += [list(c.fields) for c in model._meta.total_unique_constraints]
    unique += [list(together) for together in model._meta.unique_together]
    return any(set(fields) <= asked for fields in unique)


def _consent_text(text):
    return format_html('{} <a href="{}">{}</a>', text, reverse("registrations:privacy"), _("privacy notice"))


_consent_label = lazy(_consent_text, SafeString)
_preparing = threading.Lock()


class CountryField(SharedChoicesField):
    """A country from the list: shown as the visitor's language names it,
    checked against the set of codes."""

    def __init__(self, **kwargs):
        super().__init__(choices=country_choices, **kwargs)

    def valid_value(self, value):
        return value in country_codes()


phone_validator = RegexValidator(
    re.compile(r"^\+?[0-9 ()./-]{5,40}$"),
    _("Enter a phone number with digits, spaces and an optional + at the start."),
)


class VisibleTextForm(forms.BaseForm):
    """Text a person types is shown to others (organisers, the public list):
    control characters and invisible or direction-changing characters
    (bidirectional overrides, zero-width spaces) are refused with an error
    instead of being stored, so nothing can hide or reorder what a reader sees.
    Multi-line fields may hold line breaks and tabs."""

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if not isinstance(value, str):
                continue
            allow = "\n\r\t" if isinstance(self.fields[name].widget, forms.Textarea) else ""
            if has_invisible_characters(value, allow=allow):
                self.add_error(name, _("Remove the invisible or direction-changing characters from this field."))
        return cleaned


class PersonForm(VisibleTextForm, forms.Form):
    """What both forms ask of a person besides their own fields: country,
    the language for our mail, explicit consent, and a honeypot field people
    never see or fill (bots that fill every field do)."""

    country = CountryField(label=_("Country"))
    mail_language = SharedChoicesField(label=_("Language for our e-mails"), choices=settings.LANGUAGES)
    consent = forms.BooleanField(required=True)
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    # Set by each form: the consent sentence (before the privacy notice link),
    # its error, the button, and the layout of the form's own fields.
    consent_text = consent_required = submit_label = None

    def __init__(self, *args, **kwargs):
        if not isinstance(vars(type(self)).get("base_fields"), CopiedFields):
            with _preparing:
                if not isinstance(vars(type(self)).get("base_fields"), CopiedFields):
                    type(self).prepare_fields()
        super().__init__(*args, **kwargs)
        self.fields["mail_language"].initial = get_language()

    @classmethod
    def prepare_fields(cls):
        """What every form of the class shows the same, set once on the class's
        fields (each form copies them) instead of on each form's copy: a
        submission that only redirects renders none of it. The consent label
        is built when shown, in the language of the page showing it. Each field
        changed is the class's own copy first: a field declared here is one
        object in every subclass's fields."""
        cls.base_fields = {name: copy.deepcopy(field) for name, field in cls.base_fields.items()}
        for name, label in (("name", _("Full name")), ("email", _("E-mail"))):
            cls.base_fields[name].label = label
            cls.base_fields[name].widget.attrs["autocomplete"] = name
        cls.base_fields["consent"].error_messages["required"] = cls.consent_required
        cls.base_fields["consent"].label = _consent_label(cls.consent_text)
        cls.prepare_own_fields()
        cls.unique_in_form = _unique_in_form(cls)
        cls.base_fields = CopiedFields(cls.base_fields)

    @classmethod
    def prepare_own_fields(cls):
        """A form's own changes to its fields, made once (see prepare_fields)."""

    @functools.cached_property
    def helper(self):
        """How the page lays the form out: built when it is shown, not for a
        submission that only redirects."""
        helper = FormHelper()
        helper.form_tag = False
        helper.layout = Layout(
            *self.layout(),
            Div("website", css_class="hp-field", aria_hidden="true"),
            "consent",
            Submit("submit", self.submit_label, css_class="btn-primary"),
        )
        return helper

    def is_bot(self):
        return bool(self.cleaned_data.get("website"))

    def validate_unique(self):
        """As ModelForm checks it, where the form holds every field of some
        unique constraint of the model; a person's row is unique per forum
        and mailbox, neither of which the form holds (the service's upsert
        keeps it), and ModelForm would build a query only to skip it."""
        if self.unique_in_form:
            super().validate_unique()

    def stored_data(self):
        """The fields the service stores: exactly what the form asked (the
        mail language is passed on its own)."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name != "mail_language"}


class MediaRegistrationForm(PersonForm, forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages you will follow"),
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    consent_text = _("I agree that my data is processed to review my accreditation, as described in the")
    consent_required = _("We can only register you with your consent.")
    submit_label = _("Register")

    class Meta:
        model = MediaRegistration
        fields = [
            "name",
            "outlet",
            "role",
            "country",
            "email",
            "phone",
            "work_url",
            "languages",
            "interview_request",
            "mail_language",
        ]
        labels = {
            "outlet": _("Media outlet"),
            "role": _("Role"),
            "phone": _("Phone (optional)"),
            "work_url": _("Link to your published work or press card"),
            "interview_request": _("Interview request (optional)"),
        }
        help_texts = {
            "email": _("We send the confirmation link and the decision here. It is never shown to anyone else."),
            "work_url": _("A published article, report or your press card, so organisers can check accreditation."),
            "interview_request": _("Whom would you like to interview, and on what subject?"),
        }
        widgets = {
            "outlet": forms.TextInput(attrs={"autocomplete": "organization"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "work_url": forms.URLInput(attrs={"placeholder": "https://"}),
            "interview_request": forms.Textarea(attrs={"rows": 3}),
        }

    @classmethod
    def prepare_own_fields(cls):
        cls.base_fields["role"].choices = [("", _("Choose a role")), *list(MediaRegistration.Role.choices)]
        if phone_validator not in cls.base_fields["phone"].validators:
            cls.base_fields["phone"].validators.append(phone_validator)
        cls.base_fields["work_url"].assume_scheme = "https"

    def layout(self):
        return [
            Fieldset(_("About you"), "name", "outlet", "role", "country", "work_url"),
            Fieldset(_("How to reach you"), "email", "phone", "mail_language"),
            Fieldset(_("At the forum"), "languages", "interview_request"),
        ]


class SignatureForm(PersonForm, forms.ModelForm):
    visibility = SharedChoicesField(
        label=_("How should your signature appear publicly?"),
        choices=Signature.Visibility.choices,
        widget=forms.RadioSelect,
    )
    consent_text = _(
        "I sign this Declaration and explicitly agree that my signature, which reveals my political "
        "opinion, is processed as I chose above and as described in the"
    )
    consent_required = _("We can only count your signature with your explicit consent.")
    submit_label = _("Sign the Declaration")

    class Meta:
        model = Signature
        fields = ["name", "country", "organisation", "email", "visibility", "mail_language"]
        labels = {
            "organisation": _("Organisation or title (optional)"),
        }
        help_texts = {
            "email": _("Only to confirm your signature and to let you withdraw it. Never shown anywhere."),
            "organisation": _("Shown only if you choose to appear with your full name."),
        }
        widgets = {
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
        }

    def layout(self):
        return ["name", "country", "organisation", "email", "visibility", "mail_language"]


# A person corrects everything they typed but their address (a new address is
# a new submission) and the language of our mail.
NOT_CORRECTED = ("email", "mail_language")


def corrected_fields(submission_form):
    return [name for name in submission_form.Meta.fields if name not in NOT_CORRECTED]


class CorrectionForm(VisibleTextForm, forms.ModelForm):
    """What a person may correct on their confirm page (before confirming) or
    their status page (after). Each field is the submission form's own (its
    label, help, widget, choices and validators), so a value the form refused
    at submission is refused here too; each feature names its submission form."""

    submission_form = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        asked = self.submission_form().fields
        for name in self.fields:
            self.fields[name] = copy.deepcopy(asked[name])
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class SignatureCorrectionForm(CorrectionForm):
    submission_form = SignatureForm

    class Meta:
        model = Signature
        fields = corrected_fields(SignatureForm)


class MediaCorrectionForm(CorrectionForm):
    submission_form = MediaRegistrationForm

    class Meta:
        model = MediaRegistration
        fields = corrected_fields(MediaRegistrationForm)
