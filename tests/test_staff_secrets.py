"""Staff secrets a copy of the database does not give away: TOTP secrets sealed
under the key store's staff key, recovery codes kept as keyed digests; both
still log in, and existing ones are moved so by migration."""

import base64
import binascii
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from plumbing import keys
from plumbing.models import RecoveryCode, RecoveryCodeDevice
from tests.dbscan import holds

PASSWORD = "a long password 123"
BEFORE = [
    ("plumbing", "0002_mirror_boundaries"),
    ("otp_totp", "0003_add_timestamps"),
    ("otp_static", "0003_add_timestamps"),
]


def _login(code, username="root"):
    client = Client(REMOTE_ADDR="198.51.100.7")
    form = {"username": username, "password": PASSWORD, "code": code, "next": reverse("admin:index")}
    response = client.post("/admin/login/", form)
    return response.status_code == 302 and client.get(reverse("admin:index")).status_code == 200


def _code(secret, *, steps_ahead=0):
    return f"{totp(secret, drift=steps_ahead):06d}"


def _spellings(secret):
    """A TOTP secret as hex, base32 (the authenticator's form) and base64."""
    return {
        secret.hex(),
        base64.b32encode(secret).decode().rstrip("="),
        base64.b64encode(secret).decode(),
        secret.decode("latin-1"),
    }


@pytest.mark.django_db(transaction=True)
def test_the_database_holds_neither_totp_secrets_nor_recovery_codes_in_plain():
    User.objects.create_superuser("root", password=PASSWORD)
    out = io.StringIO()
    call_command("enrol_totp", "root", stdout=out)
    address = out.getvalue().splitlines()[-1]
    printed = parse_qs(urlsplit(address).query)["secret"][0]
    secret = base64.b32decode(printed + "=" * (-len(printed) % 8))
    out = io.StringIO()
    call_command("issue_recovery_codes", "root", "--count", "5", stdout=out)
    codes = out.getvalue().splitlines()[1:]

    device = TOTPDevice.objects.get()
    assert keys.is_sealed(device.key)
    assert len(device.key) <= 80
    assert device.bin_key == secret
    assert holds(*_spellings(secret), *codes, *(code.replace("-", "") for code in codes)) == set()
    assert RecoveryCode.objects.count() == 5
    # Both still log in; a recovery code once.
    assert _login(_code(secret))
    assert _login(codes[0])
    assert not _login(codes[0])
    assert RecoveryCode.objects.count() == 4


@pytest.mark.django_db
def test_a_device_made_anywhere_is_stored_sealed():
    user = User.objects.create_superuser("root", password=PASSWORD)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True, key=b"12345678901234567890".hex())
    stored = TOTPDevice.objects.filter(pk=device.pk).values_list("key", flat=True).get()
    assert keys.is_sealed(stored)
    assert TOTPDevice.objects.get().bin_key == b"12345678901234567890"
    # Given to another user, it opens for them (and only for them).
    other = User.objects.create_superuser("other", password=PASSWORD)
    device.user = other
    device.save()
    assert TOTPDevice.objects.get().bin_key == b"12345678901234567890"
    assert _login(_code(b"12345678901234567890"), username="other")


@pytest.mark.django_db
def test_without_the_staff_key_no_code_logs_in_and_nothing_fails():
    User.objects.create_superuser("root", password=PASSWORD)
    call_command("enrol_totp", "root", stdout=io.StringIO())
    out = io.StringIO()
    call_command("issue_recovery_codes", "root", stdout=out)
    codes = out.getvalue().splitlines()[1:]
    secret = TOTPDevice.objects.get().bin_key
    keys.destroy(keys.STAFF_KEY)
    assert not _login(_code(secret))
    assert not _login(codes[0])
    assert RecoveryCode.objects.count() == 10
    # Enrolled again, the staff member is back in.
    call_command("enrol_totp", "root", "--replace", stdout=io.StringIO())
    assert _login(_code(TOTPDevice.objects.get().bin_key))


@pytest.mark.django_db(transaction=True)
def test_existing_secrets_are_sealed_and_codes_digested_by_the_migration():
    user = User.objects.create_superuser("root", password=PASSWORD)
    secret = bytes.fromhex("00112233445566778899aabbccddeeff01234567")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    old.get_model("otp_totp", "TOTPDevice").objects.create(
        user_id=user.pk, name="phone", confirmed=True, key=secret.hex(), step=30, t0=0, digits=6, tolerance=1
    )
    static = old.get_model("otp_static", "StaticDevice").objects.create(
        user_id=user.pk, name="recovery codes", confirmed=True
    )
    for token in ("abcdefghij", "klmnopqrst", "k3m4n5p6"):
        old.get_model("otp_static", "StaticToken").objects.create(device=static, token=token)
    assert holds("abcdefghij", secret.hex())  # as django-otp keeps them

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert holds(*_spellings(secret), "abcdefghij", "klmnopqrst", "k3m4n5p6") == set()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM otp_static_statictoken")
        assert cursor.fetchone() == (0,)
    (device,) = RecoveryCodeDevice.objects.filter(user=user)
    assert device.codes.count() == 3
    assert _login(_code(secret))
    assert _login("ABCDE-FGHIJ")
    assert not _login("abcde-fghij")
    assert _login("k3m4n5p6")
    assert device.codes.count() == 1


def test_a_secret_too_long_for_the_column_is_refused():
    from plumbing.staff_secrets import totp_secret_seal

    assert len(totp_secret_seal(bytes(20), 1)) <= 80
    with pytest.raises(ValueError, match="longer than 21 bytes"):
        totp_secret_seal(bytes(32), 1)
    assert re.fullmatch(r"s1\.[A-Za-z0-9_=-]+", totp_secret_seal(bytes(21), 1))
    assert binascii.unhexlify(TOTPDevice(key="00" * 20).key) == bytes(20)
