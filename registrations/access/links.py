"""The personal access link: signed like the other private links, but with
the registration's own access key, which revoking or reissuing the access
replaces. Its token travels in the query string (`?t=`), which the access
log of the production server leaves out.

A link whose signature is ours but whose row is gone, or whose key was
replaced, was withdrawn (erased, rejected, revoked); a link whose signature
is not ours is simply invalid."""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

_SALT = "registrations.mediaregistration.access"


class InvalidLink(Exception):
    """Not a link this site made (altered, truncated)."""


class Withdrawn(Exception):
    """A link this site made whose access was withdrawn, or whose row was erased."""


def _signer():
    # No timestamp: the same link in every mail until the key is replaced;
    # the window, not an age, limits when it works.
    return signing.Signer(salt=_SALT)


def make_token(registration):
    return _signer().sign_object({"id": registration.pk, "k": registration.access_key}, compress=True)


def read_token(model, token):
    """The registration the token names, still holding that key; else Withdrawn or InvalidLink."""
    try:
        data = _signer().unsign_object(token or "")
        pk, key = data["id"], data["k"]
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise InvalidLink from exc
    registration = model.objects.select_related("event").filter(pk=pk, access_key=key).first()
    if registration is None:
        raise Withdrawn
    return registration


def absolute_link(registration, *, language):
    """The journalist's personal link to the meeting, in their language."""
    with translation.override(language):
        path = reverse("registrations:media_access")
    return f"{settings.SITE_URL}{path}?t={make_token(registration)}"
