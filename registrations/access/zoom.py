"""Zoom's meeting registrants API, through a Server-to-Server OAuth app.

Each approved journalist is registered on the forum's meeting (set to manual
approval, Zoom's own confirmation mail off) and Zoom returns a join address of
their own, kept on the server; revoking the access cancels that registrant.
Journalists are registered under an alias address (`alias_address`) unless the
organisers choose the real one, so Zoom holds a name and an address that leads
nowhere.

The task worker makes these calls. A 429 waits as long as Zoom's Retry-After
says (when that is short), a 5xx or a network failure is tried again after a
growing pause, all within a bounded time; then `ZoomError(retryable=True)`
tells the worker to try later. Any other refusal is `ZoomError(retryable=False)`.
The log holds the call, the meeting ID and Zoom's status code, never an
address, a name, a join address or a credential.
"""

import base64
import contextlib
import email.utils
import logging
import threading
import time
from datetime import UTC, datetime

import httpx
from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# The environment variables the client needs (the system check names the missing ones).
CREDENTIALS = ("ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET")
# Zoom's limit on first_name and last_name.
NAME_LENGTH = 64
# Zoom's error codes worth a word of their own (ZoomError.kind).
KNOWN_CODES = {124: "credentials", 3000: "meeting_access", 3001: "meeting"}
# What organisers read on the registration's page, by ZoomError.kind.
EXPLANATIONS = {
    "not_configured": _("Zoom is not set up on this site: the operator sets its credentials in the environment."),
    "alias_domain": _("Zoom is not set up on this site: the operator sets the domain of the alias addresses."),
    "credentials": _("Zoom refused this site's credentials (account ID, client ID or client secret)."),
    "meeting_id": _("The Zoom meeting ID is not 9 to 12 digits."),
    "meeting": _("This meeting does not exist in the site's Zoom account: check the meeting ID."),
    "meeting_access": _("Zoom refused access to this meeting: is registration turned on for it, in this account?"),
    "refused": _("Zoom refused the request (status %(status)s)."),
    "unavailable": _("Zoom could not be reached or was busy; the site tries again later."),
    "answer": _("Zoom's answer was not understood; the site tries again later."),
}


class ZoomError(Exception):
    """A call to Zoom that did not succeed. `retryable`: worth trying again
    later (an outage, a rate limit); else it needs a person (a wrong meeting
    ID, refused credentials). `kind` (a key of EXPLANATIONS) and
    `explanation()` say it in the organisers' language; the message, in
    English for the log, names no person."""

    def __init__(self, message, *, retryable, kind=None, status=None, code=None):
        super().__init__(message)
        self.retryable = retryable
        self.kind = kind or ("unavailable" if retryable else "refused")
        self.status = status
        self.code = code

    def explanation(self):
        return gettext(EXPLANATIONS[self.kind]) % {"status": self.status or "?"}


def alias_address(registration_key):
    """The address a registration is known by at Zoom: r-<24 characters>@
    ZOOM_ALIAS_DOMAIN, derived from `registration_key` (a secret of that
    registration) under the site's SECRET_KEY: the same key always gives the
    same alias (a retried registration is the same registrant), a new key a
    new one, and nothing in it leads back to the person."""
    domain = settings.ZOOM_ALIAS_DOMAIN
    if not domain:
        raise ZoomError("ZOOM_ALIAS_DOMAIN is not set.", retryable=False, kind="alias_domain")
    digest = salted_hmac("registrations.access.zoom.alias", str(registration_key), algorithm="sha256").digest()
    return f"r-{base64.b32encode(digest[:15]).decode().lower()}@{domain}"


def split_name(name):
    """(first_name, last_name) for Zoom from one name as the person wrote it:
    the first word, and the rest."""
    first, _space, last = " ".join(str(name).split()).partition(" ")
    return first[:NAME_LENGTH], last[:NAME_LENGTH]


def meeting_path(meeting_id):
    """A meeting ID as Zoom's paths take it (digits; spaces as people copy it
    from Zoom are dropped), refused before any call when it is not one."""
    digits = "".join(str(meeting_id).split())
    if not digits.isascii() or not digits.isdigit() or not 9 <= len(digits) <= 12:
        raise ZoomError("The Zoom meeting ID is not 9 to 12 digits.", retryable=False, kind="meeting_id")
    return digits


# Access tokens by (token URL, account, client): each process asks Zoom for one
# and keeps it until shortly before it expires.
_tokens = {}
_tokens_lock = threading.Lock()


def forget_tokens():
    """Drops every access token this process holds (a new app secret)."""
    with _tokens_lock:
        _tokens.clear()


class ZoomClient:
    ATTEMPTS = 4  # tries of one call, the first included
    BACKOFF = (1, 2, 4)  # seconds before the 2nd, 3rd and 4th try after a 5xx or a network failure
    MAX_RETRY_AFTER = 30  # a 429 asking for a longer wait ends the call (the worker tries later)
    MAX_WAIT = 40  # seconds of waiting within one call, across its tries
    TOKEN_MARGIN = 300  # a token is renewed this long before Zoom says it expires
    PAGE_SIZE = 300  # Zoom's largest page of registrants
    MAX_PAGES = 100

    def __init__(
        self,
        *,
        account_id,
        client_id,
        client_secret,
        api_url,
        oauth_url,
        timeout=10,
        sleep=time.sleep,
        clock=time.monotonic,
    ):
        self.account_id = account_id
        self.client_id = client_id
        self._client_secret = client_secret
        self.api_url = api_url.rstrip("/")
        self.oauth_url = oauth_url
        self.timeout = timeout
        self._sleep = sleep
        self._clock = clock

    def __repr__(self):
        return f"<ZoomClient {self.api_url}>"

    @classmethod
    def from_settings(cls, **options):
        """A client with the credentials and addresses of the settings;
        `options` (sleep=, clock=) go to the constructor."""
        missing = [name for name in CREDENTIALS if not getattr(settings, name, "")]
        if missing:
            raise ZoomError(
                f"Zoom is not configured: set {', '.join(missing)}.", retryable=False, kind="not_configured"
            )
        return cls(
            account_id=settings.ZOOM_ACCOUNT_ID,
            client_id=settings.ZOOM_CLIENT_ID,
            client_secret=settings.ZOOM_CLIENT_SECRET,
            api_url=settings.ZOOM_API_URL,
            oauth_url=settings.ZOOM_OAUTH_URL,
            timeout=settings.ZOOM_TIMEOUT,
            **options,
        )

    # --- The registrants API -----------------------------------------------------------

    def add_registrant(self, meeting_id, *, email, first_name, last_name):
        """Registers one person on the meeting: {"registrant_id", "join_url"}.
        Zoom answers the same registrant again for an address it already has."""
        meeting = meeting_path(meeting_id)
        body = {"email": email, "first_name": first_name[:NAME_LENGTH], "last_name": last_name[:NAME_LENGTH]}
        with self._http() as http:
            response = self._call(http, "POST", f"/meetings/{meeting}/registrants", meeting=meeting, json=body)
        data = self._json(response, meeting)
        if not data.get("registrant_id") or not data.get("join_url"):
            raise ZoomError(f"Zoom's answer for meeting {meeting} held no registrant.", retryable=True, kind="answer")
        return {"registrant_id": str(data["registrant_id"]), "join_url": str(data["join_url"])}

    def list_registrants(self, meeting_id, status="approved"):
        """Every registrant of the meeting with that status (Zoom's dicts:
        id, email, first_name, last_name, status, join_url…), all pages."""
        meeting = meeting_path(meeting_id)
        registrants, page_token = [], ""
        with self._http() as http:
            for _page in range(self.MAX_PAGES):
                params = {"status": status, "page_size": self.PAGE_SIZE}
                if page_token:
                    params["next_page_token"] = page_token
                response = self._call(http, "GET", f"/meetings/{meeting}/registrants", meeting=meeting, params=params)
                data = self._json(response, meeting)
                registrants.extend(data.get("registrants") or [])
                page_token = data.get("next_page_token") or ""
                if not page_token:
                    return registrants
        raise ZoomError(f"Zoom gave more than {self.MAX_PAGES} pages of registrants.", retryable=True, kind="answer")

    def cancel_registrant(self, meeting_id, registrant_id):
        """Cancels one registrant by Zoom's id (no address needed: the row
        may be erased by then); their join address stops working."""
        meeting = meeting_path(meeting_id)
        body = {"action": "cancel", "registrants": [{"id": str(registrant_id)}]}
        with self._http() as http:
            self._call(http, "PUT", f"/meetings/{meeting}/registrants/status", meeting=meeting, json=body)

    # --- Calls, tokens and retries -------------------------------------------------------

    def _http(self):
        # One connection pool per public call, closed at its end: nothing is left
        # open between the task worker's jobs.
        return httpx.Client(timeout=self.timeout, follow_redirects=False)

    def _call(self, http, method, path, *, meeting, **kwargs):
        renewed = False
        while True:
            token = self._token(http)
            response = self._send(
                http,
                method,
                self.api_url + path,
                label=f"{method} meeting {meeting}",
                headers={"Authorization": f"Bearer {token}"},
                **kwargs,
            )
            # A token Zoom no longer takes (revoked, or the clock drifted): once more with a new one.
            if response.status_code == 401 and not renewed:
                self._forget_token(token)
                renewed = True
                continue
            if response.status_code >= 400:
                raise self._refusal(response, f"meeting {meeting}")
            return response

    def _send(self, http, method, url, *, label, **kwargs):
        """One request, tried again after a 429 or a 5xx or a network failure
        within the bounds above; any other answer is returned as it is."""
        waited = 0.0
        for attempt in range(1, self.ATTEMPTS + 1):
            backoff = self.BACKOFF[min(attempt, len(self.BACKOFF)) - 1]
            try:
                response = http.request(method, url, **kwargs)
            except httpx.TransportError as error:
                logger.warning("zoom %s: %s (try %s)", label, type(error).__name__, attempt)
                status, delay = None, backoff
            else:
                status = response.status_code
                if status != 429 and status < 500:
                    logger.log(logging.INFO if status < 400 else logging.WARNING, "zoom %s: %s", label, status)
                    return response
                logger.warning("zoom %s: %s (try %s)", label, status, attempt)
                delay = backoff
                if status == 429:
                    delay = _retry_after(response.headers.get("Retry-After"), default=backoff)
                    if delay > self.MAX_RETRY_AFTER:
                        break
            if attempt == self.ATTEMPTS or waited + delay > self.MAX_WAIT:
                break
            self._sleep(delay)
            waited += delay
        what = f"answered {status}" if status else "could not be reached"
        raise ZoomError(f"Zoom {what} ({label}); it will be tried again.", retryable=True, status=status)

    def _token(self, http):
        key = (self.oauth_url, self.account_id, self.client_id)
        with _tokens_lock:
            cached = _tokens.get(key)
        if cached and self._clock() < cached[1]:
            return cached[0]
        response = self._send(
            http,
            "POST",
            self.oauth_url,
            label="token",
            params={"grant_type": "account_credentials", "account_id": self.account_id},
            auth=(self.client_id, self._client_secret),
        )
        if response.status_code >= 400:
            raise self._refusal(response, "the access token")
        try:
            data = response.json()
            token, expires_in = str(data["access_token"]), int(data.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError):
            raise ZoomError("Zoom's token answer was not understood.", retryable=True, kind="answer") from None
        good_for = expires_in - self.TOKEN_MARGIN if expires_in > 2 * self.TOKEN_MARGIN else expires_in / 2
        with _tokens_lock:
            _tokens[key] = (token, self._clock() + good_for)
        return token

    def _forget_token(self, token):
        key = (self.oauth_url, self.account_id, self.client_id)
        with _tokens_lock:
            if _tokens.get(key, (None,))[0] == token:
                del _tokens[key]

    @staticmethod
    def _json(response, meeting):
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise ZoomError(f"Zoom's answer for meeting {meeting} was not understood.", retryable=True, kind="answer")
        return data

    @staticmethod
    def _refusal(response, about):
        """A 4xx as a ZoomError: the status and Zoom's code, never Zoom's own
        message (it may repeat an address)."""
        code = None
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            code = int(response.json().get("code"))
        status = response.status_code
        kind = "credentials" if status == 401 and about == "the access token" else KNOWN_CODES.get(code, "refused")
        words = {
            "credentials": "Zoom refused the account ID, client ID or client secret.",
            "meeting": "The meeting does not exist in this Zoom account.",
            "meeting_access": "Zoom refused access to the meeting (is registration turned on for it?).",
        }.get(kind, "Zoom refused the request.")
        detail = f"{status}, code {code}" if code is not None else str(status)
        return ZoomError(f"{words} ({about}: {detail})", retryable=False, kind=kind, status=status, code=code)


def _retry_after(value, *, default):
    """Seconds to wait from a Retry-After header: a number of seconds, an HTTP
    date or an ISO 8601 time (as Zoom gives for its daily limit)."""
    if not value:
        return default
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return default
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
