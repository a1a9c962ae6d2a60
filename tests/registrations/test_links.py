"""Private links: they confirm only by POST, expire, and cannot be forged."""

import re

import pytest
from django.core import signing

from registrations import links
from registrations.models import MediaRegistration
from tests.factories import make_accreditation, make_event, make_registration
from tests.html import soup, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def registration():
    event = make_event()
    make_accreditation(event)
    return make_registration(event, status=MediaRegistration.Status.UNCONFIRMED, confirmed_at=None)


def _confirm_url(registration):
    return f"/en/media/confirm/?t={links.make_token(links.CONFIRM, registration)}"


def test_opening_the_link_confirms_nothing(client, registration):
    # What a mail scanner does: follow the link, and even HEAD it.
    page = soup(client.get(_confirm_url(registration)))
    client.head(_confirm_url(registration))
    assert text(page.h1) == "Confirm your registration"
    assert text(page.select_one("main form button")) == "Confirm my registration"
    registration.refresh_from_db()
    assert registration.status == MediaRegistration.Status.UNCONFIRMED


def test_the_button_confirms_once(client, registration):
    token = links.make_token(links.CONFIRM, registration)
    response = client.post("/en/media/confirm/", {"t": token, "version": registration.version})
    assert text(soup(response).h1) == "Registration confirmed"
    # Once confirmed, the same link shows the registrant's status page.
    response = client.post("/en/media/confirm/", {"t": token, "version": registration.version})
    assert text(soup(response).h1) == "Your media registration"
    registration.refresh_from_db()
    assert registration.status == MediaRegistration.Status.PENDING
    assert [m.kind for m in registration.mails.all()] == ["confirmed"]


def test_expired_link_is_refused(client, registration, settings):
    token = links.make_token(links.CONFIRM, registration)
    settings.CONFIRMATION_LINK_MAX_AGE = -1
    response = client.post("/en/media/confirm/", {"t": token})
    assert response.status_code == 400
    assert text(soup(response).h1) == "This link does not work"
    registration.refresh_from_db()
    assert registration.status == MediaRegistration.Status.UNCONFIRMED


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: re.sub(r"^[^:]+", "eyJpZCI6MX0", t),
        lambda t: "",
        lambda t: "garbage",
    ],
)
def test_tampered_link_is_refused(client, registration, tamper):
    token = tamper(links.make_token(links.CONFIRM, registration))
    assert client.get(f"/en/media/confirm/?t={token}").status_code == 400
    assert client.post("/en/media/confirm/", {"t": token}).status_code == 400


def test_link_for_one_purpose_does_not_serve_another(client, registration):
    status_token = links.make_token(links.STATUS, registration)
    assert client.post("/en/media/confirm/", {"t": status_token}).status_code == 400
    confirm_token = links.make_token(links.CONFIRM, registration)
    assert client.get(f"/en/media/status/?t={confirm_token}").status_code == 400
    assert client.post("/en/media/withdraw/", {"t": confirm_token}).status_code == 400
    assert MediaRegistration.objects.filter(pk=registration.pk).exists()


def test_link_signed_for_another_row_key_is_refused(client, registration):
    forged = signing.dumps(
        {"id": registration.pk, "k": "guess"}, salt="registrations.mediaregistration.status", compress=True
    )
    assert client.get(f"/en/media/status/?t={forged}").status_code == 400


def test_status_page_shows_no_access_before_approval(client, registration):
    registration.status = MediaRegistration.Status.PENDING
    registration.save()
    page = soup(client.get(f"/en/media/status/?t={links.make_token(links.STATUS, registration)}"))
    assert text(page.select_one(".registration-status")) == "Confirmed, waiting for review"
    assert "zoom.example.org" not in str(page)
    assert page.select_one("#access-title") is None


def test_private_pages_are_not_cached_or_indexed(client, registration):
    response = client.get(f"/en/media/status/?t={links.make_token(links.STATUS, registration)}")
    assert "no-store" in response["Cache-Control"]
    assert soup(response).select_one("meta[name=robots]")["content"] == "noindex"
