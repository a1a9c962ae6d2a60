"""Staff login over the onion, where every Tor circuit is an address of its own
(fc00:dead:beef:4dad::<circuit>, as Tor writes it): nobody locks a named person out
by guessing from elsewhere, nor all staff, and guessing one account across many
circuits is bounded by a per-account delay that grows with failures."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import totp_code
from tests.html import soup, text

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "a long password 123"
WAIT = re.compile(r"Try again in (\d+) seconds?\.")


def circuit(number):
    return f"fc00:dead:beef:4dad::{number >> 16:x}:{number & 0xFFFF:x}"


@pytest.fixture(autouse=True)
def behind_nginx(settings):
    settings.BEHIND_PROXY = True


@pytest.fixture
def clock():
    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def organiser():
    user = User.objects.create_user("olga", password=PASSWORD, is_staff=True)
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def _on(number, lang="en"):
    return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=circuit(number), HTTP_ACCEPT_LANGUAGE=lang)


def _login(client, code, *, username="olga", password=PASSWORD):
    form = {"username": username, "password": password, "code": code, "next": reverse("admin:index")}
    return client.post(LOGIN, form)


def _wait(response):
    """The seconds the page asks to wait, or None when the try was checked."""
    found = WAIT.search(" ".join(text(p) for p in soup(response).select(".errornote, .errorlist")))
    return int(found.group(1)) if found else None


def _in_admin(client):
    return client.get(reverse("admin:index")).status_code == 200


def test_five_wrong_passwords_from_one_circuit_leave_the_organiser_able_to_log_in_from_another(clock, organiser):
    guesser = _on(0x10001)
    statuses = [_login(guesser, "000000", password=f"guess {n}").status_code for n in range(5)]
    assert statuses == [200] * 4 + [429]  # that circuit is locked for that name

    owner = _on(0x10002)
    response = _login(owner, totp_code(organiser))
    if response.status_code != 302:  # at most a short wait, never a lockout
        assert _wait(response) <= 2
        clock.shift(_wait(response))
        response = _login(owner, totp_code(organiser))
    assert response.status_code == 302
    assert _in_admin(owner)


def test_twenty_made_up_names_from_one_circuit_lock_nobody_else_out(clock, organiser):
    User.objects.create_user("colleague", password=PASSWORD, is_staff=True)
    colleague = TOTPDevice.objects.create(user=User.objects.get(username="colleague"), name="phone", confirmed=True)
    guesser = _on(7)
    statuses = [_login(guesser, "000000", username=f"made-up-{n}", password="x").status_code for n in range(20)]
    assert statuses[:19] == [200] * 19
    assert statuses[19] == 429  # that one circuit, for every name

    assert _login(_on(8), totp_code(organiser)).status_code == 302
    assert _login(_on(9), totp_code(colleague), username="colleague").status_code == 302


def test_the_growing_delay_bounds_guessing_one_account_across_many_circuits(clock, organiser):
    checked = 0
    for n in range(360):  # a guess every 10 seconds for an hour, each from a fresh circuit
        response = _login(_on(0x20000 + n), "000000", password=f"guess {n}")
        assert response.status_code == 200
        if _wait(response) is None:
            checked += 1
        clock.shift(10)
    # 5 free, then waits of 1, 2, 4 ... 256 seconds, then 300: about 20 guesses, not 360.
    assert 15 <= checked <= 25

    # The owner waits at most the longest delay, then gets in.
    owner = _on(0x30000)
    response = _login(owner, totp_code(organiser))
    if response.status_code != 302:
        assert _wait(response) <= 300
        clock.shift(_wait(response))
        response = _login(owner, totp_code(organiser))
    assert response.status_code == 302


def test_wrong_codes_after_a_right_password_wait_per_account_not_lock_out(clock, organiser):
    # A stolen password, codes guessed from fresh circuits: each circuit tries once.
    waits = [_wait(_login(_on(0x40000 + n), f"{n:06d}")) for n in range(8)]
    assert waits[:5] == [None] * 5
    assert waits[5] == 1  # checked after the first second's wait...
    assert waits[6:] == [1, 1]  # ...the clock stands still here: refused, and not counted
    clock.shift(1)
    assert _wait(_login(_on(0x40010), "123456")) is None  # checked (the 6th failure)
    assert _wait(_login(_on(0x40011), "123456")) == 2  # and the wait doubled
    # The owner, after that wait, gets in: a delay, not a lockout.
    clock.shift(2)
    owner = _on(0x50000)
    assert _login(owner, totp_code(organiser)).status_code == 302


def test_the_wait_is_said_in_each_language(clock, organiser):
    for n in range(5):
        _login(_on(n + 1), "000000", password="wrong")
    page = {
        lang: " ".join(text(p) for p in soup(_login(_on(99, lang), "000000")).select(".errornote, .errorlist"))
        for lang in ("en", "ru", "be")
    }
    assert "1 second" in page["en"]
    assert "1 секунду" in page["ru"]
    assert "1 секунду" in page["be"]


@pytest.mark.parametrize("which", ["wrong password", "wrong code"])
def test_a_failed_login_never_sends_the_code_back(organiser, which):
    recovery = "abcde-fghij"
    response = _login(_on(1), recovery, password="wrong" if which == "wrong password" else PASSWORD)
    assert response.status_code == 200
    assert recovery.encode() not in response.content
    assert b"abcdefghij" not in response.content
    field = soup(response).select_one("input[name=code]")
    assert field.get("value") is None
    assert soup(response).select_one("input[name=username]")["value"] == "olga"
