"""Jitsi Meet tokens, read back with PyJWT as a Jitsi server with token
authentication would: its secret, its audience, the room, the expiry."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from django.utils import timezone

from registrations.access import jitsi

CONFIG = {
    "domain": "meet.forum.example.org",
    "app_id": "forum-site",
    "secret": "a-long-jitsi-app-secret-of-the-operator",
    "audience": "jitsi",
}


def _read(token, **overrides):
    options = {"key": CONFIG["secret"], "algorithms": ["HS256"], "audience": CONFIG["audience"], **overrides}
    return jwt.decode(token, options.pop("key"), **options)


def test_the_join_address_carries_a_token_for_this_room_and_person():
    now = timezone.now()
    url = jitsi.join_url(room="NBAT-Forum-2026", name="Алеся Reporter", expires_in=120, now=now, **CONFIG)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "meet.forum.example.org", "/nbat-forum-2026")
    claims = _read(parse_qs(parts.query)["jwt"][0])
    assert claims["room"] == "nbat-forum-2026"
    assert claims["iss"] == "forum-site"
    assert claims["sub"] == "meet.forum.example.org"
    assert claims["aud"] == "jitsi"
    assert claims["context"] == {"user": {"name": "Алеся Reporter"}}
    assert claims["nbf"] == int(now.timestamp())
    assert claims["exp"] == int(now.timestamp()) + 120


def test_another_secret_or_audience_does_not_verify_it():
    token = jitsi.token(room="forum", name="A", expires_in=120, **CONFIG)
    with pytest.raises(jwt.InvalidSignatureError):
        _read(token, key="another-secret-of-the-same-length-or-longer")
    with pytest.raises(jwt.InvalidAudienceError):
        _read(token, audience="another-app")
    assert _read(token)["room"] == "forum"


def test_the_token_expires_after_its_seconds_and_does_not_work_before_it_is_made():
    ago = timezone.now() - timedelta(seconds=121)
    with pytest.raises(jwt.ExpiredSignatureError):
        _read(jitsi.token(room="forum", name="A", expires_in=120, now=ago, **CONFIG))
    a_minute_ago = timezone.now() - timedelta(seconds=60)
    assert _read(jitsi.token(room="forum", name="A", expires_in=120, now=a_minute_ago, **CONFIG))["room"] == "forum"
    later = timezone.now() + timedelta(minutes=10)
    with pytest.raises(jwt.ImmatureSignatureError):
        _read(jitsi.token(room="forum", name="A", expires_in=120, now=later, **CONFIG))


def test_each_opening_gets_a_token_of_its_own():
    now = timezone.now()
    first = jitsi.token(room="forum", name="A", expires_in=120, now=now, **CONFIG)
    second = jitsi.token(room="forum", name="A", expires_in=120, now=now + timedelta(seconds=5), **CONFIG)
    assert first != second


def test_the_settings_give_the_server_app_and_lifetime(settings):
    settings.JITSI_DOMAIN, settings.JITSI_APP_ID = "meet.forum.example.org", "forum-site"
    settings.JITSI_APP_SECRET, settings.JITSI_AUDIENCE = CONFIG["secret"], "jitsi"
    settings.JITSI_TOKEN_SECONDS = 90
    now = timezone.now()
    url = jitsi.join_url_from_settings(room="forum", name="A", now=now)
    assert url.startswith("https://meet.forum.example.org/forum?jwt=")
    claims = _read(parse_qs(urlsplit(url).query)["jwt"][0])
    assert claims["exp"] - claims["nbf"] == 90


@pytest.mark.parametrize("room", ["", "forum/../admin", "room with spaces", "forum?x=1", "форум"])
def test_a_room_name_jitsi_would_not_keep_as_is_is_refused(room):
    with pytest.raises(ValueError, match="Jitsi room name"):
        jitsi.join_url(room=room, name="A", expires_in=120, **CONFIG)


def test_no_token_without_a_secret():
    with pytest.raises(ValueError, match="secret"):
        jitsi.token(room="forum", name="A", expires_in=120, **{**CONFIG, "secret": ""})
