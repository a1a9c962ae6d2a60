"""The meeting providers' settings: refused at start when written wrong, and
a system check naming the credential a forum's provider lacks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks
from django.core.exceptions import FieldDoesNotExist

from registrations.access import providers_in_use
from registrations.access.checks import check_meeting_credentials
from registrations.models import MediaAccreditation
from tests.factories import make_event
from tests.test_settings import GOOD, _import_settings

ROOT = Path(__file__).resolve().parent.parent.parent

ZOOM = {
    "ZOOM_ACCOUNT_ID": "acc-Xq7Pl2",
    "ZOOM_CLIENT_ID": "clientid-9ZkR",
    "ZOOM_CLIENT_SECRET": "s3cret-client-Wm4v",
    "ZOOM_ALIAS_DOMAIN": "press.forum.example.org",
}
JITSI = {"JITSI_DOMAIN": "meet.forum.example.org", "JITSI_APP_ID": "forum-site", "JITSI_APP_SECRET": "jitsi-secret"}


@pytest.fixture
def configured(settings):
    for name, value in {**ZOOM, **JITSI}.items():
        setattr(settings, name, value)
    return settings


def _named(messages):
    return [(m.id, m.msg) for m in messages if m.id == "registrations.E001"]


def test_nothing_to_say_when_every_credential_is_set(configured):
    assert check_meeting_credentials(providers={"zoom", "jitsi", "shared"}) == []


@pytest.mark.parametrize("missing", sorted(ZOOM))
def test_a_forum_on_zoom_without_a_credential_names_it(configured, missing):
    setattr(configured, missing, "")
    errors = check_meeting_credentials(providers={"zoom", "shared"})
    assert [(e.level, e.id) for e in errors] == [(checks.ERROR, "registrations.E001")]
    assert errors[0].msg == f"A forum's journalists join through Zoom, but {missing} is not set."
    assert missing in errors[0].hint


@pytest.mark.parametrize("missing", sorted(JITSI))
def test_a_forum_on_jitsi_without_a_credential_names_it(configured, missing):
    setattr(configured, missing, "")
    errors = check_meeting_credentials(providers={"jitsi"})
    assert [e.msg for e in errors] == [f"A forum's journalists join through Jitsi, but {missing} is not set."]


def test_credentials_no_forum_uses_are_not_asked_for(settings):
    for name in (*ZOOM, *JITSI):
        setattr(settings, name, "")
    assert check_meeting_credentials(providers={"shared"}) == []
    assert check_meeting_credentials(providers=set()) == []
    assert len(check_meeting_credentials(providers={"zoom", "jitsi"})) == len(ZOOM) + len(JITSI)


def _has_provider_field():
    try:
        MediaAccreditation._meta.get_field("provider")
    except FieldDoesNotExist:
        return False
    return True


@pytest.mark.django_db
def test_the_registered_check_reads_the_forums_providers(settings):
    for name in (*ZOOM, *JITSI):
        setattr(settings, name, "")
    assert _named(checks.run_checks()) == []
    if not _has_provider_field():
        assert providers_in_use() == set()
        pytest.skip("forums have no provider field yet: no forum can use Zoom")
    event = make_event()
    MediaAccreditation.objects.update_or_create(event=event, defaults={"provider": "zoom"})
    assert providers_in_use() >= {"zoom"}
    assert [msg for _id, msg in _named(checks.run_checks())] == [
        f"A forum's journalists join through Zoom, but {name} is not set." for name in ZOOM
    ]


def test_check_runs_on_a_database_not_migrated_yet(tmp_path):
    # Before `migrate` the forums' table is missing: the check says nothing, fails nothing.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZOOM_", "JITSI_"))}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "registrations.E001" not in result.stdout + result.stderr


MEETING_GOOD = {
    **GOOD,
    **ZOOM,
    **JITSI,
    "ZOOM_API_URL": "https://api.zoom.us/v2",
    "ZOOM_OAUTH_URL": "https://zoom.us/oauth/token",
    "ZOOM_TIMEOUT": "10",
    "JITSI_AUDIENCE": "jitsi",
    "JITSI_TOKEN_SECONDS": "120",
}


def test_settings_start_with_the_providers_written_well():
    result = _import_settings(MEETING_GOOD)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", ["ZOOM_CLIENT_SECRET", "ZOOM_API_URL", "JITSI_APP_SECRET", "JITSI_DOMAIN"])
def test_a_provider_value_with_a_trailing_comment_is_refused_without_showing_it(name):
    result = _import_settings({**MEETING_GOOD, name: MEETING_GOOD[name] + "  # the provider's"})
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"django.core.exceptions.ImproperlyConfigured: {name} has a comment after its value")
    assert MEETING_GOOD[name] not in last
    for secret in ("ZOOM_CLIENT_SECRET", "JITSI_APP_SECRET"):
        assert MEETING_GOOD[secret] not in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("ZOOM_API_URL", "http://api.zoom.us/v2", "ZOOM_API_URL must start with https://"),
        ("ZOOM_OAUTH_URL", "zoom.us/oauth/token", "ZOOM_OAUTH_URL is not a URL"),
        ("ZOOM_CLIENT_SECRET", "two words", "ZOOM_CLIENT_SECRET holds a space"),
        ("ZOOM_ALIAS_DOMAIN", "@press.example.org", "ZOOM_ALIAS_DOMAIN is a domain name"),
        ("JITSI_DOMAIN", "https://meet.example.org", "JITSI_DOMAIN is a host name"),
        ("JITSI_TOKEN_SECONDS", "86400", "JITSI_TOKEN_SECONDS is between 10 and 3600"),
        ("ZOOM_TIMEOUT", "ten", "ZOOM_TIMEOUT is not a valid int"),
    ],
)
def test_a_provider_value_that_does_not_parse_is_refused_by_name(name, value, says):
    result = _import_settings({**MEETING_GOOD, name: value})
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {says}" in result.stderr
