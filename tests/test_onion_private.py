"""Onion-Location is for public pages only: a private page's address may
carry a token, and the admin and the forms are not what Tor Browser should
be sent to (found by a review)."""

import pytest
from django.test import Client

from registrations import links
from tests.factories import make_accreditation, make_declaration, make_event, make_signature

pytestmark = pytest.mark.django_db
ONION = "http://" + ("belarusforum" * 5)[:56] + ".onion"


def test_onion_location_only_on_public_pages(settings):
    settings.ONION_URL = ONION
    event = make_event(slug="onion-forum")
    make_accreditation(event)
    signature = make_signature(make_declaration(event))
    client = Client()
    assert client.get("/en/events/onion-forum/")["Onion-Location"] == f"{ONION}/en/events/onion-forum/"
    private = [
        "/admin/login/",
        "/en/events/onion-forum/declaration/sign/",
        f"/en/declaration/signature/?t={links.make_token(links.STATUS, signature)}",
    ]
    for path in private:
        assert "Onion-Location" not in client.get(path), path
