"""The staff login: one form with user name, password and one code.

The code is either the six digits of the authenticator app (TOTP) or one of the
recovery codes that `manage.py issue_recovery_codes` prints (kept as keyed
digests, used up when used: plumbing.staff_secrets). Which device is asked is decided by the code's form,
never by a device choice in the page. Every failure (a wrong password, a wrong or
missing second factor) gives the same answer and counts, through django-axes, toward
the lockout of that user from that address, and toward the delay of that user name
from every address (plumbing.lockout).
"""

import re
import secrets

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_variables
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from plumbing.lockout import account_delay
from plumbing.models import RecoveryCodeDevice
from plumbing.staff_secrets import recovery_codes_store

# A recovery code has at least one letter (django-otp's own static tokens, 8 base32
# characters, moved here by migration, fit too); an authenticator code has digits only.
RECOVERY_CODE = re.compile(r"(?=.*[a-z])[a-z0-9]{8,16}")
RECOVERY_CODE_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
RECOVERY_CODE_LENGTH = 10


def normalise_code(code):
    """As typed or pasted: spaces and hyphens (as printed: "abcde-fghij") removed, lower case."""
    return re.sub(r"[\s-]", "", code).lower()


def is_recovery_code(code):
    return RECOVERY_CODE.fullmatch(normalise_code(code)) is not None


def verified_device(*, user, code):
    """The user's device that accepts `code`, or None. A recovery code is tried on
    the user's recovery codes only (and is used up), anything else on their TOTP
    devices only, so a wrong code of one kind never touches the other kind."""
    code = normalise_code(code)
    model = RecoveryCodeDevice if is_recovery_code(code) else TOTPDevice
    with transaction.atomic():
        # The lock makes two logins racing with one recovery code use it once.
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update().order_by("pk"):
            if device.verify_token(code):
                return device
    return None


def recovery_codes_issue(*, user, count):
    """New recovery codes for `user`, replacing any earlier ones; returns them as
    printed ("abcde-fghij"). Only their keyed digests are stored."""
    codes = []
    while len(codes) < count:
        code = "".join(secrets.choice(RECOVERY_CODE_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        if is_recovery_code(code) and code not in codes:
            codes.append(code)
    with transaction.atomic():
        RecoveryCodeDevice.objects.filter(user=user).delete()
        # django-otp's own static tokens (plaintext), should anyone have made some: gone too.
        StaticDevice.objects.filter(user=user).delete()
        device = RecoveryCodeDevice.objects.create(user=user, name="recovery codes", confirmed=True)
        recovery_codes_store(device=device, codes=codes)
    half = RECOVERY_CODE_LENGTH // 2
    return [f"{code[:half]}-{code[half:]}" for code in codes]


class CodeInput(forms.TextInput):
    """The code field, always rendered empty: a failed login never sends back the
    code typed (a recovery code may still be unused)."""

    def format_value(self, value):
        return None


class StaffLoginForm(AuthenticationForm):
    """The admin site's login form (`admin.site.login_form`, forum_site/urls.py):
    Django's user name and password, and one code, in one step.

    The device that accepted the code goes with the user (`user.otp_device`), and
    django-otp marks the session verified when Django's LoginView logs the user in.
    """

    code = forms.CharField(
        label=_("Code"),
        help_text=_("The six digits from your authenticator app, or one of your recovery codes."),
        max_length=32,
        widget=CodeInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter the correct user name, password and code for a staff account. "
            "Note that the user name and password are case-sensitive."
        ),
    }
    required_css_class = "required"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django's default already; said here because it matters: a failed attempt
        # never sends the password back in the page.
        self.fields["password"].widget.render_value = False

    @sensitive_variables("password", "code")
    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        code = self.cleaned_data.get("code")
        if not (username and password and code):
            return self.cleaned_data  # the empty field says so; nothing was checked
        # Too many failures for this user name, from anywhere: wait, nothing is checked
        # and the try does not count (plumbing.lockout.account_delay).
        delay = account_delay(username)
        if delay:
            raise ValidationError(
                ngettext(
                    "Too many failed logins for this user name. Try again in %(seconds)d second.",
                    "Too many failed logins for this user name. Try again in %(seconds)d seconds.",
                    delay,
                )
                % {"seconds": delay},
                code="delayed",
            )
        # A wrong password, or a locked-out user or address, fails here, and
        # Django's authenticate() tells axes (user_login_failed).
        user = authenticate(self.request, username=username, password=password)
        if user is None:
            raise self.get_invalid_login_error()
        device = verified_device(user=user, code=code) if user.is_active and user.is_staff else None
        if device is None:
            # Counted like a wrong password: for this user from this address.
            user_login_failed.send(sender=__name__, credentials={"username": username}, request=self.request)
            raise self.get_invalid_login_error()
        user.otp_device = device
        self.user_cache = user
        return self.cleaned_data

    def get_invalid_login_error(self):
        # One answer whatever failed: the password, the code, or the account.
        return ValidationError(self.error_messages["invalid_login"], code="invalid_login")
