"""The staff's second factors, kept so that a copy of the database lets
nobody in: both depend on the key store's site key "staff" (plumbing.keys),
which no table of the database holds.

- An authenticator app's secret (django-otp's TOTPDevice.key, hex there) is
  stored sealed (AES-GCM, bound to the device's user) in the same column;
  `TOTPDevice.bin_key` opens it. Every save seals a secret not sealed yet, so
  devices made anywhere (enrol_totp, the admin, tests) are stored sealed.
- A recovery code is stored as a keyed digest (RecoveryCode), compared in
  constant time and deleted when used.

Without the staff key no code is accepted (the login answers as to a wrong
code, never 500): enrol again (`enrol_totp --replace`, `issue_recovery_codes`)."""

import base64
import binascii
import hmac
import logging
import os

from django_otp.plugins.otp_totp.models import TOTPDevice

from . import keys

logger = logging.getLogger(__name__)

RECOVERY_CODE_PURPOSE = "recovery-code"
# The secret as base64 text, sealed: "s1." + base64(12 + len + 16 bytes); 79
# characters for django-otp's 20-byte secrets, which fit its 80-character column.
MAX_TOTP_SECRET_BYTES = 21


def _totp_associated(user_id):
    return f"otp_totp.totpdevice.key:user={user_id}".encode()


def totp_secret_seal(secret, user_id):
    """The TOTP secret `secret` (bytes) sealed for the device of `user_id`."""
    if len(secret) > MAX_TOTP_SECRET_BYTES:
        raise ValueError(f"a TOTP secret longer than {MAX_TOTP_SECRET_BYTES} bytes does not fit its column sealed")
    return keys.seal(keys.STAFF_KEY, base64.b64encode(secret).decode("ascii"), _totp_associated(user_id))


def totp_secret_open(token, user_id):
    """The secret sealed in `token` for `user_id`'s device, or None (no staff key, or not this user's)."""
    text = keys.unseal(keys.STAFF_KEY, token, _totp_associated(user_id))
    return None if text is None else base64.b64decode(text)


def _bin_key(device):
    """TOTPDevice.bin_key: the secret, opened. A key not sealed yet (a device
    not saved yet) reads as django-otp reads it."""
    key = device.key or ""
    if not keys.is_sealed(key):
        return binascii.unhexlify(key.encode())
    secret = totp_secret_open(key, device.user_id)
    if secret is None:
        logger.warning("TOTP device %s: its secret cannot be opened (staff key missing?)", device.pk)
        # A random secret: no code anybody can compute is accepted.
        return os.urandom(20)
    return secret


def _seal_on_save(sender, instance, **kwargs):
    key = instance.key or ""
    if not keys.is_sealed(key):
        instance.key = totp_secret_seal(binascii.unhexlify(key.encode()), instance.user_id)
    elif instance.pk is not None and totp_secret_open(key, instance.user_id) is None:
        # Given to another user (the admin): sealed again for them.
        before = sender.objects.filter(pk=instance.pk).values_list("user_id", flat=True).first()
        secret = totp_secret_open(key, before) if before is not None else None
        if secret is not None:
            instance.key = totp_secret_seal(secret, instance.user_id)


def install():
    """Called once at start-up (PlumbingConfig.ready)."""
    from django.db.models.signals import pre_save

    TOTPDevice.bin_key = property(_bin_key, doc=_bin_key.__doc__)
    pre_save.connect(_seal_on_save, sender=TOTPDevice, dispatch_uid="plumbing.staff_secrets.seal_totp")


def recovery_code_digest(device_id, code, *, make=True):
    """The keyed digest stored for the recovery code `code` (normalised:
    plumbing.staff_login.normalise_code) of the device `device_id`; None
    without a staff key when `make` is False."""
    return keys.digest(keys.STAFF_KEY, RECOVERY_CODE_PURPOSE, f"{device_id}:{code}", make=make)


def recovery_codes_store(*, device, codes):
    # The device's own relation names the model: this module does not import
    # plumbing.models, whose device calls recovery_code_use.
    code_model = device.codes.model
    code_model.objects.bulk_create(
        code_model(device=device, digest=recovery_code_digest(device.pk, code)) for code in codes
    )


def recovery_code_use(*, device, code):
    """True, and the code is used up, when `code` (normalised) is one of the
    device's: its digest is compared with every stored one in constant time.
    The caller holds the device's row locked (staff_login.verified_device)."""
    digest = recovery_code_digest(device.pk, code, make=False)
    if digest is None:
        return False
    match = None
    for pk, stored in device.codes.values_list("pk", "digest"):
        if hmac.compare_digest(stored.encode(), digest.encode()) and match is None:
            match = pk
    if match is None or not device.codes.filter(pk=match).delete()[0]:
        return False
    device.set_last_used_timestamp(commit=True)
    return True
