"""A self-hosted Jitsi Meet with token authentication (JWT, HS256).

Each opening of a journalist's personal link makes a token of its own that
works for a short while (JITSI_TOKEN_SECONDS) in one room only, so nothing
long-lived leaves the site: a forwarded join address stops working minutes
later. The claims are those Jitsi's token authentication checks: `aud` (its
accepted audience), `iss` (the app ID), `sub` (the server's domain), `room`,
`exp` and `nbf`, and the name shown in the meeting (`context.user.name`).
"""

import re
import time
from urllib.parse import quote

import jwt
from django.conf import settings

# The settings a forum on Jitsi needs (the system check names the missing ones).
CREDENTIALS = ("JITSI_DOMAIN", "JITSI_APP_ID", "JITSI_APP_SECRET")
# Room names as Jitsi keeps them (it lowercases them): letters, digits, - and _.
ROOM = re.compile(r"[a-z0-9][a-z0-9_-]{0,99}")


def room_name(room):
    """The room as the token and the address name it, or ValueError."""
    name = str(room).strip().lower()
    if not ROOM.fullmatch(name):
        raise ValueError("A Jitsi room name is letters, digits, - and _ (at most 100).")
    return name


def _timestamp(now):
    if now is None:
        return int(time.time())
    return int(now.timestamp()) if hasattr(now, "timestamp") else int(now)


def token(*, domain, room, app_id, secret, audience, name, expires_in, now=None):
    """A signed token for one person in one room, valid from `now` (an aware
    datetime or a Unix time; default: now) for `expires_in` seconds."""
    if not secret:
        raise ValueError("The Jitsi app secret is empty.")
    issued = _timestamp(now)
    claims = {
        "aud": audience,
        "iss": app_id,
        "sub": domain,
        "room": room_name(room),
        "iat": issued,
        "nbf": issued,
        "exp": issued + int(expires_in),
        "context": {"user": {"name": str(name)}},
    }
    return jwt.encode(claims, secret, algorithm="HS256")


def join_url(*, domain, room, app_id, secret, audience, name, expires_in, now=None):
    """https://<domain>/<room>?jwt=<token>: the address a person is sent to."""
    signed = token(
        domain=domain,
        room=room,
        app_id=app_id,
        secret=secret,
        audience=audience,
        name=name,
        expires_in=expires_in,
        now=now,
    )
    return f"https://{domain}/{quote(room_name(room))}?jwt={signed}"


def join_url_from_settings(*, room, name, now=None):
    """`join_url` with the server, app and lifetime of the settings."""
    return join_url(
        domain=settings.JITSI_DOMAIN,
        room=room,
        app_id=settings.JITSI_APP_ID,
        secret=settings.JITSI_APP_SECRET,
        audience=settings.JITSI_AUDIENCE,
        name=name,
        expires_in=settings.JITSI_TOKEN_SECONDS,
        now=now,
    )
