"""Onion readers are counted per Tor circuit, as Tor writes their addresses
(`HiddenServiceExportCircuitID haproxy`: fc00:dead:beef:4dad::<circuit>, the
circuit's number in the last two 16-bit groups), and share one larger allowance."""

import time
from types import SimpleNamespace

import pytest
from django.test import Client

from registrations.mailbox import email_digest
from registrations.models import Signature
from tests.html import soup, text
from tests.mailserver import link_in

pytestmark = pytest.mark.django_db

SIGN = "/en/events/new-belarus-against-torture/declaration/sign/"
CONFIRM = "/en/declaration/confirm/"


def circuit(number):
    """A circuit's address as Tor writes it in the PROXY header."""
    return f"fc00:dead:beef:4dad::{number >> 16:x}:{number & 0xFFFF:x}"


@pytest.fixture(autouse=True)
def behind_nginx(settings):
    """nginx takes the address from the PROXY header and hands it on in X-Forwarded-For."""
    settings.BEHIND_PROXY = True


@pytest.fixture(autouse=True)
def clock_inside_a_window(monkeypatch):
    """The limiter's fixed windows: its clock stands in the middle of a minute and of ten."""
    now = time.time()
    still = now - now % 600 + 330
    monkeypatch.setattr("plumbing.ratelimit.time", SimpleNamespace(time=lambda: still))


def _on(number):
    return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=circuit(number))


def _signature(n, **values):
    return {
        "name": f"Signatory {n}",
        "country": "BY",
        "email": f"signatory{n}@example.org",
        "visibility": "full",
        "mail_language": "en",
        "consent": "on",
        **values,
    }


def _confirm_from_mail(client, mail_server, address):
    (message,) = mail_server.to(address)
    page = soup(client.get(link_in(message, CONFIRM)))
    form = page.select_one("main form")
    data = {field["name"]: field.get("value", "") for field in form.select("input[type=hidden][name]")}
    return client.post(form["action"], data)


def test_thirty_posts_from_one_circuit_leave_another_able_to_sign_and_confirm(demo_event, mail_server):
    flooder = _on(0x10001)
    statuses = [flooder.post(SIGN, _signature(n)).status_code for n in range(31)]
    assert statuses == [302] * 30 + [429]

    reader = _on(0x10002)
    assert reader.post(SIGN, _signature(99, email="reader@example.org")).status_code == 302
    response = _confirm_from_mail(reader, mail_server, "reader@example.org")
    assert response.status_code == 200
    assert Signature.objects.get(email_digest=email_digest("reader@example.org")).confirmed_at is not None


def test_junk_confirmations_from_one_circuit_stop_only_that_circuit(demo_event, mail_server):
    junk = _on(7)
    statuses = [junk.post(CONFIRM, {"t": f"made-up-{n}"}).status_code for n in range(31)]
    assert statuses == [400] * 30 + [429]

    reader = _on(8)
    assert reader.post(SIGN, _signature(1)).status_code == 302
    assert _confirm_from_mail(reader, mail_server, "signatory1@example.org").status_code == 200
    assert Signature.objects.get().confirmed_at is not None


def test_invalid_links_from_many_circuits_do_not_use_the_shared_onion_allowance(demo_event, mail_server, settings):
    settings.RATE_LIMIT_ONION_CONFIRM = ((5, 60),)
    assert [_on(1000 + n).post(CONFIRM, {"t": "made-up"}).status_code for n in range(20)] == [400] * 20

    reader = _on(2)
    assert reader.post(SIGN, _signature(1)).status_code == 302
    assert _confirm_from_mail(reader, mail_server, "signatory1@example.org").status_code == 200


def test_the_shared_onion_allowance_bounds_a_flood_from_fresh_circuits(demo_event, settings):
    settings.RATE_LIMIT_ONION_SUBMIT = ((5, 60),)
    statuses = [_on(0x20000 + n).post(SIGN, _signature(n)).status_code for n in range(6)]
    assert statuses == [302] * 5 + [429]
    assert text(soup(_on(0x30000).post(SIGN, _signature(7))).h1) == "Too many attempts"
    # Readers who do not come through the onion are not held up by it.
    clearnet = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="2001:db8:1:2::5")
    assert clearnet.post(SIGN, _signature(8)).status_code == 302


def test_every_circuit_is_a_client_of_its_own_and_other_ipv6_still_counts_by_its_64(rf, settings):
    from plumbing.net import client_address

    def address(forwarded):
        return client_address(rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded))

    assert address(circuit(1)) != address(circuit(2))
    assert address(circuit(0xFFFFFFFF)) == "fc00:dead:beef:4dad::ffff:ffff"
    assert address("2001:db8:1:2::5") == address("2001:db8:1:2::6") == "2001:db8:1:2::/64"
    assert address("fc00:dead:beef:4dae::1") == "fc00:dead:beef:4dae::/64"
