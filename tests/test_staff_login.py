"""The staff login: one form (user name, password, code), recovery codes, lockout per
user and address, the QR codes that enrol an authenticator app."""

import io
import re

import pytest
import segno
from axes.models import AccessAttempt
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from plumbing.models import RecoveryCode, RecoveryCodeDevice
from plumbing.staff_secrets import recovery_code_digest
from tests.conftest import totp_code, verified_client
from tests.html import soup, text

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "a long password 123"
ADDRESS_A = "198.51.100.7"
ADDRESS_B = "203.0.113.9"


@pytest.fixture
def device():
    user = User.objects.create_superuser("root", password=PASSWORD)
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def _client(address=ADDRESS_A, lang="en"):
    return Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE=lang)


def _login(client, code, *, username="root", password=PASSWORD):
    # As the page posts it: with `next`, which the admin sets to its index.
    form = {"username": username, "password": password, "code": code, "next": reverse("admin:index")}
    return client.post(LOGIN, form)


def _in_admin(client):
    return client.get(reverse("admin:index")).status_code == 200


def _error(response):
    assert response.status_code == 200
    return [text(p) for p in soup(response).select(".errornote")]


def _recovery_codes(username="root", count=10):
    out = io.StringIO()
    call_command("issue_recovery_codes", username, "--count", str(count), stdout=out)
    return out.getvalue().splitlines()[1:]


@pytest.mark.parametrize(
    ("lang", "labels", "help_text"),
    [
        ("en", ["Username:", "Password:", "Code:"], "The six digits from your authenticator app"),
        ("ru", ["Имя пользователя:", "Пароль:", "Код:"], "Шесть цифр из приложения-аутентификатора"),
        ("be", ["Імя карыстальніка:", "Пароль:", "Код:"], "Шэсць лічбаў з праграмы-аўтэнтыфікатара"),
    ],
)
def test_login_page_is_one_form_with_name_password_and_code(lang, labels, help_text):
    page = soup(_client(lang=lang).get(LOGIN))
    form = page.select_one("form#login-form")
    names = [field["name"] for field in form.select("input, select, textarea") if field.get("type") != "submit"]
    assert names == ["csrfmiddlewaretoken", "username", "password", "code", "next"]
    assert form.select("select") == []
    assert [text(label) for label in form.select("label")] == labels
    assert text(form.select_one("#id_code_helptext")).startswith(help_text)
    assert form.select_one("#id_code")["autocomplete"] == "one-time-code"


def test_login_with_the_authenticator_code_lands_on_the_admin_index(device):
    client = _client()
    code = totp_code(device)
    response = _login(client, code)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    page = soup(client.get(response["Location"]))
    assert text(page.select_one("#site-name")) != ""
    assert page.select_one("#user-tools") is not None
    # The code is used: it does not open a second session (the same code, even
    # when the clock has moved on to the next step meanwhile).
    assert _error(_login(_client(), code)) != []


def test_login_with_a_recovery_code_works_once(device):
    codes = _recovery_codes()
    client = _client()
    assert _login(client, codes[0]).status_code == 302
    assert _in_admin(client)
    client.post(reverse("admin:logout"))
    assert not _in_admin(client)
    # Used up: the same code again is refused, the others still work (typed in capitals, without the hyphen).
    assert _error(_login(client, codes[0])) != []
    assert not _in_admin(client)
    assert RecoveryCode.objects.filter(device__user=device.user).count() == 9
    assert _login(client, codes[1].replace("-", "").upper()).status_code == 302
    assert _in_admin(client)


def test_a_recovery_code_is_not_tried_as_an_authenticator_code_nor_the_reverse(device):
    codes = _recovery_codes()
    # A wrong recovery code leaves the authenticator untouched (no failure recorded on it).
    assert _error(_login(_client(), "abcde-fghij")) != []
    device.refresh_from_db()
    assert device.throttling_failure_count == 0
    # Digits are an authenticator code: even a recovery code made only of digits
    # (a django-otp static token moved here could be one) does not match them.
    recovery = RecoveryCode.objects.first().device
    RecoveryCode.objects.create(device=recovery, digest=recovery_code_digest(recovery.pk, "12345678"))
    assert _error(_login(_client(), "12345678")) != []
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    assert RecoveryCode.objects.count() == len(codes) + 1


def test_a_wrong_code_answers_exactly_like_a_wrong_password(device):
    User.objects.create_superuser("nodevice", password=PASSWORD)
    User.objects.create_user("visitor", password=PASSWORD)
    wrong_password = _error(_login(_client("198.51.100.1"), totp_code(device), password="not the password"))
    wrong_code = _error(_login(_client("198.51.100.2"), "000000"))
    no_device = _error(_login(_client("198.51.100.3"), "000000", username="nodevice"))
    not_staff = _error(_login(_client("198.51.100.4"), "000000", username="visitor"))
    no_user = _error(_login(_client("198.51.100.5"), "000000", username="nobody"))
    assert wrong_password == [
        "Please enter the correct user name, password and code for a staff account. "
        "Note that the user name and password are case-sensitive."
    ]
    assert wrong_code == no_device == not_staff == no_user == wrong_password


@pytest.mark.parametrize("which", ["wrong password", "wrong code", "no code"])
def test_a_failed_login_never_sends_the_password_back(device, which):
    password, code = {
        "wrong password": ("a wrong password 456", totp_code(device)),
        "wrong code": (PASSWORD, "000000"),
        "no code": (PASSWORD, ""),
    }[which]
    response = _login(_client(), code, password=password)
    assert response.status_code == 200
    assert password.encode() not in response.content
    field = soup(response).select_one("input[name=password]")
    assert field["type"] == "password"
    assert field.get("value") is None
    # The user name is kept, so only the password and the code are typed again.
    assert soup(response).select_one("input[name=username]")["value"] == "root"


def test_wrong_codes_lock_the_user_at_that_address_only(settings, device):
    settings.AXES_FAILURE_LIMIT = 3
    at_a = _client(ADDRESS_A)
    # A stolen password, guessing codes from address A.
    assert _login(at_a, "000000").status_code == 200
    assert _login(at_a, "111111").status_code == 200
    response = _login(at_a, "222222")
    assert response.status_code == 429
    assert text(soup(response).h1) == "Too many failed logins"
    # Now even the right code is refused there...
    assert _login(at_a, totp_code(device)).status_code == 429
    assert not _in_admin(at_a)
    # ...while the owner, elsewhere, logs in at once (no device throttle either).
    at_b = _client(ADDRESS_B)
    assert _login(at_b, totp_code(device)).status_code == 302
    assert _in_admin(at_b)


def test_wrong_passwords_lock_the_user_at_that_address_only(settings, device):
    settings.AXES_FAILURE_LIMIT = 3
    at_a = _client(ADDRESS_A)
    for _ in range(2):
        assert _login(at_a, "000000", password="wrong").status_code == 200
    assert _login(at_a, "000000", password="wrong").status_code == 429
    assert _login(at_a, totp_code(device)).status_code == 429
    at_b = _client(ADDRESS_B)
    assert _login(at_b, totp_code(device)).status_code == 302
    assert _in_admin(at_b)


def test_one_persons_typos_do_not_lock_colleagues_behind_the_same_address(settings, device):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_ADDRESS_FAILURE_LIMIT = 5
    User.objects.create_user("colleague", password=PASSWORD, is_staff=True)
    office = _client(ADDRESS_A)
    for _ in range(2):
        assert _login(office, "000000", username="colleague", password="typo").status_code == 200
    assert _login(office, "000000", username="colleague", password="typo").status_code == 429
    assert _login(_client(ADDRESS_A), totp_code(device)).status_code == 302


def test_an_address_is_locked_for_everyone_after_its_own_limit(settings, device):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_ADDRESS_FAILURE_LIMIT = 5
    flood = _client(ADDRESS_A)
    # One try for each of many user names: no pair reaches 3, the address reaches 5.
    for i in range(4):
        assert _login(flood, "000000", username=f"guess{i}", password="wrong").status_code == 200
    assert _login(flood, "000000", username="guess4", password="wrong").status_code == 429
    assert _login(_client(ADDRESS_A), totp_code(device)).status_code == 429
    assert _login(_client(ADDRESS_B), totp_code(device)).status_code == 302


def test_a_login_forgives_only_that_users_failures_at_that_address(settings, device):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_ADDRESS_FAILURE_LIMIT = 10
    User.objects.create_user("colleague", password=PASSWORD, is_staff=True)
    for _ in range(2):
        assert _login(_client(ADDRESS_A), "000000", username="colleague", password="wrong").status_code == 200
    assert _login(_client(ADDRESS_A), "000000", password="wrong").status_code == 200
    assert _login(_client(ADDRESS_A), totp_code(device)).status_code == 302
    # root's failure is forgiven; the colleague's two still count.
    assert list(AccessAttempt.objects.values_list("username", "failures_since_start")) == [("colleague", 2)]
    assert _login(_client(ADDRESS_A), "000000", username="colleague", password="wrong").status_code == 429


def test_failed_attempts_keep_neither_the_password_nor_the_code(device):
    _login(_client(), "314159")
    (post_data,) = AccessAttempt.objects.values_list("post_data", flat=True)
    assert "314159" not in post_data
    assert PASSWORD not in post_data
    assert re.search(r"^code=\*+$", post_data, re.MULTILINE)


def test_totp_device_qr_code_is_an_svg_for_a_superuser(device):
    client = verified_client(device.user)
    config = client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk]))
    qr_url = reverse("admin:otp_totp_totpdevice_qrcode", args=[device.pk])
    assert soup(config).select_one("img.qrcode-image")["src"] == qr_url
    response = client.get(qr_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    expected = io.BytesIO()
    segno.make(device.config_url).save(expected, kind="svg")
    assert response.content == expected.getvalue()
    assert "no-store" in response["Cache-Control"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "unsafe" not in response["Content-Security-Policy"]
    # The change page links to it.
    change = soup(client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])))
    assert change.select_one(f"a[href='{reverse('admin:otp_totp_totpdevice_config', args=[device.pk])}']")


def test_totp_device_qr_code_is_refused_to_an_organiser(device):
    organiser = User.objects.create_user("organiser", password=PASSWORD, is_staff=True)
    organiser.groups.add(Group.objects.get(name="Reviewers"))
    response = verified_client(organiser).get(reverse("admin:otp_totp_totpdevice_qrcode", args=[device.pk]))
    assert response.status_code == 403
    assert b"<svg" not in response.content


def _blocks_to_matrix(lines):
    """Reads back the QR code printed with Unicode half blocks (light on dark)."""
    halves = {" ": (1, 1), "\u2580": (0, 1), "\u2584": (1, 0), "\u2588": (0, 0)}
    rows = []
    for line in lines:
        pairs = [halves[char] for char in line]
        rows += [tuple(top for top, _ in pairs), tuple(bottom for _, bottom in pairs)]
    return rows


def test_enrol_totp_prints_a_qr_code_of_the_address():
    user = User.objects.create_user("reviewer", password=PASSWORD, is_staff=True)
    out = io.StringIO()
    call_command("enrol_totp", "reviewer", stdout=out)
    lines = out.getvalue().splitlines()
    device = TOTPDevice.objects.get(user=user)
    assert lines[0] == "Scan this QR code with an authenticator app:"
    assert lines[-2:] == ["or add this address to it:", device.config_url]
    expected = [tuple(row) for row in segno.make(device.config_url).matrix_iter(border=4)]
    printed = _blocks_to_matrix(lines[1:-2])
    # An odd number of rows is printed with a light last half row.
    assert printed[: len(expected)] == expected
    assert printed[len(expected) :] in ([], [(1,) * len(expected[0])])


def test_issue_recovery_codes_prints_them_once_and_replaces_earlier_ones(device):
    out = io.StringIO()
    call_command("issue_recovery_codes", "root", stdout=out)
    first = out.getvalue().splitlines()
    assert first[0] == "Recovery codes for root, each good for one login (earlier codes no longer work):"
    assert len(first[1:]) == len(set(first[1:])) == 10
    assert all(re.fullmatch(r"[a-z2-7]{5}-[a-z2-7]{5}", code) for code in first[1:])
    second = _recovery_codes(count=3)
    assert len(second) == 3
    (recovery,) = RecoveryCodeDevice.objects.filter(user=device.user)
    assert set(recovery.codes.values_list("digest", flat=True)) == {
        recovery_code_digest(recovery.pk, code.replace("-", "")) for code in second
    }
    assert _error(_login(_client(), first[1])) != []
    assert _login(_client(), second[0]).status_code == 302


def test_issue_recovery_codes_refuses_non_staff():
    User.objects.create_user("visitor", password=PASSWORD)
    with pytest.raises(CommandError, match="not staff"):
        call_command("issue_recovery_codes", "visitor", stdout=io.StringIO())
    with pytest.raises(CommandError, match="no user"):
        call_command("issue_recovery_codes", "nobody", stdout=io.StringIO())


def test_logins_leave_neither_user_name_nor_address_in_the_log(settings, device, caplog):
    settings.AXES_FAILURE_LIMIT = 2
    caplog.set_level("DEBUG")
    _login(_client(ADDRESS_B), totp_code(device))
    for _ in range(2):
        _login(_client(ADDRESS_A), "000000")
    messages = [record.getMessage() for record in caplog.records]
    assert any("Locking out" in message for message in messages)
    assert [m for m in messages if "root" in m or ADDRESS_A in m or ADDRESS_B in m] == []
