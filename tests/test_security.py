"""Who reaches what, headers, second factor, lockout, deployment checks, health."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from registrations import links
from registrations.models import OutgoingMail
from tests.conftest import totp_code, verified_client
from tests.factories import make_accreditation, make_declaration, make_event, make_registration, make_signature
from tests.html import soup, text

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


@pytest.fixture
def world():
    event = make_event()
    make_accreditation(event)
    registration = make_registration(event)
    signature = make_signature(make_declaration(event))
    mail = OutgoingMail.objects.create(registration=registration, kind=OutgoingMail.Kind.CONFIRMED)
    return {"event": event, "registration": registration, "signature": signature, "mail": mail}


def _clients():
    def anonymous():
        return Client()

    def staff_without_device():
        user = User.objects.create_user("nodevice", password="x" * 20, is_staff=True, is_superuser=True)
        client = Client()
        client.force_login(user)
        return client

    def reviewer():
        user = User.objects.create_user("reviewer", password="x" * 20, is_staff=True)
        user.groups.add(Group.objects.get(name="Reviewers"))
        return verified_client(user)

    def editor():
        user = User.objects.create_user("editor", password="x" * 20, is_staff=True)
        user.groups.add(Group.objects.get(name="Editors"))
        return verified_client(user)

    def superuser():
        return verified_client(User.objects.create_superuser("root", password="x" * 20))

    return {
        "anonymous": anonymous,
        "staff without device": staff_without_device,
        "reviewer": reviewer,
        "editor": editor,
        "superuser": superuser,
    }


LOGIN_REDIRECT = "login"
# URL (built from the test data) -> expected answer per role.
ACCESS = [
    ("admin index", lambda w: reverse("admin:index"), {"reviewer": 200, "editor": 200, "superuser": 200}),
    (
        "registrations",
        lambda w: reverse("admin:registrations_mediaregistration_changelist"),
        {"reviewer": 200, "editor": 403, "superuser": 200},
    ),
    (
        "one registration",
        lambda w: reverse("admin:registrations_mediaregistration_change", args=[w["registration"].pk]),
        {"reviewer": 200, "editor": 403, "superuser": 200},
    ),
    (
        "signatures",
        lambda w: reverse("admin:registrations_signature_changelist"),
        {"reviewer": 200, "editor": 403, "superuser": 200},
    ),
    (
        "one signature",
        lambda w: reverse("admin:registrations_signature_change", args=[w["signature"].pk]),
        {"reviewer": 200, "editor": 403, "superuser": 200},
    ),
    (
        "outgoing mail",
        lambda w: reverse("admin:registrations_outgoingmail_changelist"),
        {"reviewer": 200, "editor": 403, "superuser": 200},
    ),
    (
        "one outgoing mail",
        lambda w: reverse("admin:registrations_outgoingmail_change", args=[w["mail"].pk]),
        {"reviewer": 200, "editor": 403, "superuser": 200},
    ),
    (
        "audit log",
        lambda w: reverse("admin:registrations_auditentry_changelist"),
        {"reviewer": 200, "editor": 403, "superuser": 200},
    ),
    (
        "messages sent",
        lambda w: reverse("admin:registrations_message_changelist"),
        {"reviewer": 200, "editor": 403, "superuser": 200},
    ),
    (
        "write a message",
        lambda w: reverse("admin:registrations_message_add"),
        {"reviewer": 403, "editor": 403, "superuser": 403},
    ),
    (
        "notify approved journalists",
        lambda w: reverse("admin:events_event_notify", args=[w["event"].pk]),
        {"reviewer": 403, "editor": 200, "superuser": 200},
    ),
    ("events", lambda w: reverse("admin:events_event_changelist"), {"reviewer": 403, "editor": 200, "superuser": 200}),
    ("add an event", lambda w: reverse("admin:events_event_add"), {"reviewer": 403, "editor": 200, "superuser": 200}),
    (
        "edit an event",
        lambda w: reverse("admin:events_event_change", args=[w["event"].pk]),
        {"reviewer": 403, "editor": 200, "superuser": 200},
    ),
    (
        "delete an event",
        lambda w: reverse("admin:events_event_delete", args=[w["event"].pk]),
        {"reviewer": 403, "editor": 403, "superuser": 200},
    ),
    (
        "sessions",
        lambda w: reverse("admin:events_session_changelist"),
        {"reviewer": 403, "editor": 200, "superuser": 200},
    ),
    (
        "add a speaker",
        lambda w: reverse("admin:events_speaker_add"),
        {"reviewer": 403, "editor": 200, "superuser": 200},
    ),
    (
        "organisations",
        lambda w: reverse("admin:events_organisation_changelist"),
        {"reviewer": 403, "editor": 200, "superuser": 200},
    ),
    (
        "declarations",
        lambda w: reverse("admin:registrations_declaration_changelist"),
        {"reviewer": 403, "editor": 200, "superuser": 200},
    ),
    (
        "edit a declaration",
        lambda w: reverse("admin:registrations_declaration_change", args=[w["signature"].declaration_id]),
        {"reviewer": 403, "editor": 200, "superuser": 200},
    ),
    (
        "accreditation settings",
        lambda w: reverse("admin:registrations_mediaaccreditation_changelist"),
        {"reviewer": 403, "editor": 200, "superuser": 200},
    ),
    ("users", lambda w: reverse("admin:auth_user_changelist"), {"reviewer": 403, "editor": 403, "superuser": 200}),
    ("add a user", lambda w: reverse("admin:auth_user_add"), {"reviewer": 403, "editor": 403, "superuser": 200}),
    ("groups", lambda w: reverse("admin:auth_group_changelist"), {"reviewer": 403, "editor": 403, "superuser": 200}),
    (
        "TOTP devices",
        lambda w: reverse("admin:otp_totp_totpdevice_changelist"),
        {"reviewer": 403, "editor": 403, "superuser": 200},
    ),
    (
        "recovery codes",
        lambda w: reverse("admin:plumbing_recoverycodedevice_changelist"),
        {"reviewer": 403, "editor": 403, "superuser": 200},
    ),
    (
        "lockouts",
        lambda w: reverse("admin:axes_accessattempt_changelist"),
        {"reviewer": 403, "editor": 403, "superuser": 200},
    ),
    (
        "task results",
        lambda w: reverse("admin:django_tasks_database_dbtaskresult_changelist"),
        {"reviewer": 403, "editor": 403, "superuser": 200},
    ),
]

ROLES = ["anonymous", "staff without device", "reviewer", "editor", "superuser"]


@pytest.mark.parametrize(("role"), ROLES)
@pytest.mark.parametrize(("name", "url", "expected"), ACCESS, ids=[a[0] for a in ACCESS])
def test_admin_access_matrix(world, role, name, url, expected):
    client = _clients()[role]()
    response = client.get(url(world))
    answer = expected.get(role, LOGIN_REDIRECT)
    if answer == LOGIN_REDIRECT:
        assert response.status_code == 302, (role, name)
        assert response["Location"].startswith(LOGIN), (role, name)
    else:
        assert response.status_code == answer, (role, name)


@pytest.mark.parametrize(
    ("url", "row"),
    [
        ("admin:registrations_outgoingmail_change", "mail"),
        ("admin:registrations_mediaregistration_change", "registration"),
        ("admin:registrations_signature_change", "signature"),
    ],
)
def test_reviewers_cannot_edit_any_field_of_mail_or_people(world, url, row):
    """Every field on these pages is read-only for reviewers: the page has no
    input for it, and a crafted POST changes nothing (a hand-kept list once
    left the mail's recipient editable)."""
    client = _clients()["reviewer"]()
    obj = world[row]
    page = soup(client.get(reverse(url, args=[obj.pk])))
    inputs = {field["name"] for field in page.select(f"form#{obj._meta.model_name}_form [name]")}
    assert inputs <= {"csrfmiddlewaretoken", "_save", "_continue", "_addanother"}
    before = type(obj).objects.values().get(pk=obj.pk)
    client.post(reverse(url, args=[obj.pk]), {"signature": world["signature"].pk, "registration": "", "name": "X"})
    assert type(obj).objects.values().get(pk=obj.pk) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("changelist", "row"),
    [
        ("admin:registrations_mediaregistration_changelist", "registration"),
        ("admin:registrations_signature_changelist", "signature"),
    ],
)
def test_exports_only_for_verified_staff(world, role, changelist, row):
    client = _clients()[role]()
    response = client.post(reverse(changelist), {"action": "export_csv", "_selected_action": [world[row].pk]})
    if role in ("reviewer", "superuser"):
        assert response.status_code == 200
        assert b"".join(response.streaming_content).decode("utf-8-sig").count("\n") == 2
    elif role == "editor":
        # Editors run forums, not people's data.
        assert response.status_code == 403
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)


@pytest.mark.parametrize("role", ROLES)
def test_private_pages_need_their_link_whoever_asks(world, role):
    client = _clients()[role]()
    for path in ("/en/media/status/", "/en/declaration/signature/"):
        assert client.get(path).status_code == 400
    assert client.post("/en/media/withdraw/").status_code == 400
    assert client.post("/en/declaration/withdraw/").status_code == 400
    # With the link, the page is the registrant's own, for anyone holding it.
    token = links.make_token(links.STATUS, world["registration"])
    assert client.get(f"/en/media/status/?t={token}").status_code == 200


def test_admin_login_asks_for_the_second_factor():
    user = User.objects.create_superuser("root", password="a long password 123")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    credentials = {"username": "root", "password": "a long password 123", "next": reverse("admin:index")}
    # The right password alone is not enough: the same form asks for the code, with no device to choose.
    page = soup(client.post(LOGIN, credentials))
    assert page.select("select") == []
    assert page.select_one("input[name=code]") is not None
    assert client.get(reverse("admin:index")).status_code == 302
    response = client.post(LOGIN, {**credentials, "code": "000000"})
    assert response.status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302
    response = client.post(LOGIN, {**credentials, "code": totp_code(device)})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_lockout_after_repeated_failures_from_one_address(settings, lang):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_ADDRESS_FAILURE_LIMIT = 5
    User.objects.create_superuser("root", password="a long password 123")
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    for _ in range(2):
        assert client.post(LOGIN, {"username": "root", "password": "wrong", "code": "000000"}).status_code == 200
    response = client.post(LOGIN, {"username": "root", "password": "wrong", "code": "000000"})
    assert response.status_code == 429
    heading = {"en": "Too many failed logins", "ru": "Слишком много неудачных попыток входа"}[lang]
    assert text(soup(response).h1) == heading
    # Other user names from this address until the address's own limit.
    assert client.post(LOGIN, {"username": "someone-else", "password": "wrong", "code": "0"}).status_code == 200
    response = client.post(LOGIN, {"username": "someone-else", "password": "wrong", "code": "0"})
    assert response.status_code == 429
    assert text(soup(response).h1) == heading
    # Even the right password is refused from this address now.
    credentials = {"username": "root", "password": "a long password 123", "code": "000000"}
    assert client.post(LOGIN, credentials).status_code == 429


def test_lockout_of_a_user_at_one_address_leaves_other_addresses_open(settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = User.objects.create_superuser("root", password="a long password 123")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    for _ in range(3):
        Client(REMOTE_ADDR="198.51.100.1").post(LOGIN, {"username": "root", "password": "wrong", "code": "000000"})
    credentials = {"username": "root", "password": "a long password 123", "next": reverse("admin:index")}
    assert Client(REMOTE_ADDR="198.51.100.1").post(LOGIN, {**credentials, "code": "000000"}).status_code == 429
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    response = elsewhere.post(LOGIN, {**credentials, "code": totp_code(device)})
    assert response.status_code == 302
    assert elsewhere.get(reverse("admin:index")).status_code == 200


PUBLIC = ["/en/", "/ru/events/{slug}/", "/be/events/{slug}/declaration/", "/en/privacy/", "/en/events/{slug}/media/"]


@pytest.mark.parametrize("path", PUBLIC)
def test_every_public_page_sends_a_strict_content_security_policy(client, world, path):
    response = client.get(path.format(slug=world["event"].slug))
    assert response.status_code == 200
    policy = dict(
        ([*part.strip().split(" ", 1), ""])[:2]
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    )
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-src"] == "https://www.youtube-nocookie.com"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_static_files_get_the_same_headers(client):
    page = soup(client.get("/en/"))
    response = client.get(page.select_one("script[src]")["src"])
    body = b"".join(response.streaming_content)
    response.close()
    assert response.status_code == 200
    assert b"showLocalTimes" in body
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def _documented_variables():
    """Every variable .env.example documents (set or commented out)."""
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


# The least a production environment sets; everything else has a safe default.
FIVE = {
    "DEBUG": "False",
    "SECRET_KEY": "k7Qx9vT2mZ4rW8yB1nE6uP3sJ0aL5cH9fD2gK8pR4tV7wY1zX3bN6mQ0eS5uA2iO",
    "ALLOWED_HOSTS": "forum.example.org",
    "SITE_URL": "https://forum.example.org",
    "EMAIL_URL": "smtp+tls://forum:secret@smtp.example.org:587",
}


def test_check_deploy_passes_with_only_the_five_required_variables():
    assert {"DEBUG", "SECURE_SSL_REDIRECT", "SECURE_COOKIES", "EMAIL_URL"} <= _documented_variables()
    env = {k: v for k, v in os.environ.items() if k not in _documented_variables()}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**env, **FIVE},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    # Only W021 (HSTS preload, the operator's decision) is silenced.
    assert result.stdout.strip() == "System check identified no issues (1 silenced)."
    readme = (ROOT / "README.md").read_text()
    for name in FIVE:
        assert f"\n{name}=" in readme, name


def _production_settings(**overrides):
    """The settings a server with the five variables (and overrides) runs with."""
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps(["
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE]))"
    )
    env = {k: v for k, v in os.environ.items() if k not in _documented_variables()}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "forum_site.settings", **FIVE, **overrides},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_https_protections_are_on_with_debug_off_and_off_by_name():
    assert _production_settings() == [True, 31536000, True, False, True, True, True]
    off = {"SECURE_SSL_REDIRECT": "False", "SECURE_HSTS_SECONDS": "0", "SECURE_COOKIES": "False"}
    assert _production_settings(**off) == [False, 0, True, False, False, False, False]
    # With DEBUG on (make run, plain http) all are off.
    assert _production_settings(DEBUG="True") == [False, 0, False, False, False, False, False]


def test_plain_http_is_redirected_to_https_except_the_health_check(client, settings, world):
    settings.SECURE_SSL_REDIRECT = True  # the default with DEBUG off (the test environment turns it off by name)
    page = client.get(f"/en/events/{world['event'].slug}/")
    assert page.status_code == 301
    assert page["Location"] == f"https://testserver/en/events/{world['event'].slug}/"
    assert client.get("/healthz").status_code == 200
    # Over https (behind the proxy) the page itself answers, with HSTS.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    page = client.get(f"/en/events/{world['event'].slug}/", HTTP_X_FORWARDED_PROTO="https")
    assert page.status_code == 200
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_health_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_health_answers_503_when_the_database_does_not(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise DatabaseError("down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_client_address_comes_from_the_proxy_only_when_configured(settings):
    from django.test import RequestFactory

    from plumbing.net import client_address

    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    settings.BEHIND_PROXY = False
    assert client_address(request) == "127.0.0.1"
    settings.BEHIND_PROXY = True
    assert client_address(request) == "203.0.113.5"


def test_rate_limit_behind_the_proxy_counts_each_client(client, settings):
    settings.BEHIND_PROXY = True
    settings.RATE_LIMIT_SUBMIT = (1, 600)
    # Only a submission that is taken counts: an upcoming event, a valid form.
    event = make_event(start=make_event().start.replace(year=2099))
    make_accreditation(event)
    url = f"/en/events/{event.slug}/media/"

    def form(n):
        return {
            "name": "Jane Reporter",
            "outlet": "Example Times",
            "role": "journalist",
            "country": "DE",
            "email": f"jane{n}@example.org",
            "work_url": "https://example.org/jane",
            "languages": ["en"],
            "mail_language": "en",
            "consent": "on",
        }

    first = client.post(url, form(1), HTTP_X_FORWARDED_FOR="203.0.113.1")
    second = client.post(url, form(2), HTTP_X_FORWARDED_FOR="203.0.113.2")
    again = client.post(url, form(3), HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.1")
    assert (first.status_code, second.status_code, again.status_code) == (302, 302, 429)


def _permissions_policy(header):
    """Permissions-Policy (a structured-field dictionary) as {feature: [origins]}."""
    policy = {}
    for member in header.split(","):
        feature, _, allowlist = member.strip().partition("=")
        assert allowlist[:1] + allowlist[-1:] == "()", member
        policy[feature] = allowlist[1:-1].split()
    return policy


@pytest.mark.parametrize("path", ["/en/events/{slug}/", "/en/events/{slug}/media/"])
def test_permissions_policy_lets_the_video_go_fullscreen_and_denies_the_rest(client, world, path):
    response = client.get(path.format(slug=world["event"].slug))
    policy = _permissions_policy(response["Permissions-Policy"])
    youtube = ["self", '"https://www.youtube-nocookie.com"']
    assert policy["fullscreen"] == youtube
    assert policy["picture-in-picture"] == youtube
    assert policy["encrypted-media"] == youtube
    for feature in ("camera", "microphone", "geolocation", "display-capture", "payment", "usb", "autoplay"):
        assert policy[feature] == [], feature
    allowed = {feature for feature, origins in policy.items() if origins}
    assert allowed == {"fullscreen", "picture-in-picture", "encrypted-media"}


NUL_QUERIES = [
    ("admin:registrations_mediaregistration_changelist", "country=%00"),
    ("admin:registrations_mediaregistration_changelist", "status__exact=a%00b"),
    ("admin:registrations_mediaregistration_changelist", "q=%00"),
    ("admin:registrations_signature_changelist", "country=%00"),
    ("admin:registrations_signature_changelist", "q=a%00"),
    ("admin:events_event_changelist", "timezone=%00"),
]


@pytest.mark.parametrize(("changelist", "query"), NUL_QUERIES)
def test_admin_filter_with_a_nul_byte_answers_400_not_500(world, changelist, query):
    client = verified_client(User.objects.create_superuser("root", password="x" * 20))
    client.raise_request_exception = False
    response = client.get(f"{reverse(changelist)}?{query}")
    assert response.status_code == 400
    assert text(soup(response).h1) == "The request could not be read"
    # The same list without the NUL byte answers.
    assert client.get(f"{reverse(changelist)}?{query.replace('%00', '')}").status_code in (200, 302)


def test_a_nul_byte_in_a_posted_field_or_a_cookie_answers_400(client, world):
    slug = world["event"].slug
    response = client.post(f"/en/events/{slug}/declaration/sign/", {"name": "a\x00b"})
    assert response.status_code == 400
    # A quoted cookie may spell a NUL as \000; the session is looked up by that key.
    client.raise_request_exception = False
    response = client.get(reverse("admin:index"), HTTP_COOKIE='sessionid="abcdefghijklmnop\\000"')
    assert response.status_code == 400


def test_health_answers_a_monitor_on_this_host_whatever_host_name_it_asks_for(client):
    # A monitor on the server, asking with a name that is not in ALLOWED_HOSTS.
    response = client.get("/healthz", HTTP_HOST="monitor.internal", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    # From elsewhere, or relayed by nginx (which always says for whom), the host name is checked.
    assert client.get("/healthz", HTTP_HOST="10.0.0.5:8000", REMOTE_ADDR="203.0.113.5").status_code == 400
    relayed = client.get("/healthz", HTTP_HOST="evil.example", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert relayed.status_code == 400
    # Only /healthz.
    assert client.get("/en/", HTTP_HOST="monitor.internal", REMOTE_ADDR="::1").status_code == 400
