import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_sqlite_connection_reports_wal_and_busy_timeout():
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite pragmas apply only to the SQLite default")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 30_000
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def _settings_in_subprocess(env):
    code = "import django; django.setup(); from django.conf import settings; print(settings.TIME_ZONE, settings.USE_TZ)"
    site_variables = {"SECRET_KEY", "DEBUG", "DATABASE_URL", "EMAIL_URL", "SITE_URL"}
    clean = {k: v for k, v in os.environ.items() if k not in site_variables}
    clean["DJANGO_SETTINGS_MODULE"] = "forum_site.settings"
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, check=False
    )


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off():
    result = _settings_in_subprocess({"DEBUG": "False", "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_settings_default_to_minsk_time_with_aware_datetimes():
    result = _settings_in_subprocess(
        {"SECRET_KEY": "x" * 50, "EMAIL_URL": "smtp://127.0.0.1:25", "SITE_URL": "https://x"}
    )
    assert result.stdout.strip() == "Europe/Minsk True"


REQUIRED = {"DEBUG": "False", "SECRET_KEY": "x" * 50, "SITE_URL": "https://forum.example.org"}


@pytest.mark.parametrize("email_url", [None, "", "consolemail://", "filemail:///tmp/mail"])
def test_settings_refuse_to_start_when_mail_would_go_to_a_log_or_a_file(email_url):
    env = {**REQUIRED} if email_url is None else {**REQUIRED, "EMAIL_URL": email_url}
    result = _settings_in_subprocess(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: Set EMAIL_URL to a mail server" in result.stderr


@pytest.mark.parametrize("site_url", [None, ""])
def test_settings_refuse_to_start_without_site_url_when_debug_is_off(site_url):
    env = {**REQUIRED, "EMAIL_URL": "smtp+tls://u:p@smtp.example.org:587"}
    if site_url is None:
        del env["SITE_URL"]
    else:
        env["SITE_URL"] = site_url
    result = _settings_in_subprocess(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: Set SITE_URL" in result.stderr


def test_settings_print_mail_and_default_the_site_url_only_with_debug_on():
    code = "import django; django.setup(); from django.conf import settings as s; print(s.EMAIL_BACKEND, s.SITE_URL)"
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "EMAIL_URL", "SITE_URL", "DATABASE_URL"}}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DEBUG": "True", "DJANGO_SETTINGS_MODULE": "forum_site.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["django.core.mail.backends.console.EmailBackend", "http://127.0.0.1:8000"]


@pytest.mark.parametrize(("redirect", "refused"), [("True", True), ("False", False)])
def test_settings_refuse_a_plain_http_site_url_unless_https_is_turned_off_by_name(redirect, refused):
    env = {
        **REQUIRED,
        "EMAIL_URL": "smtp+tls://u:p@smtp.example.org:587",
        "SITE_URL": "http://forum.example.org",
        "SECURE_SSL_REDIRECT": redirect,
    }
    result = _settings_in_subprocess(env)
    assert (result.returncode != 0) == refused
    assert ("SITE_URL must start with https://" in result.stderr) == refused


# Each variable with a value that parses, as an operator would write it.
GOOD = {
    "DEBUG": "False",
    "BEHIND_PROXY": "True",
    "SECURE_SSL_REDIRECT": "True",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "True",
    "SECURE_HSTS_PRELOAD": "False",
    "SECURE_COOKIES": "True",
    "SECRET_KEY": "k7Qx9vT2mZ4rW8yB1nE6uP3sJ0aL5cH9fD2gK8pR4tV7wY1zX3bN6mQ0eS5uA2iO",
    "EMAIL_DIGEST_KEY": "0123456789abcdef0123456789abcdef",
    "SITE_URL": "https://forum.example.org",
    "DATABASE_URL": "sqlite:////tmp/never-opened.sqlite3",
    "CACHE_URL": "locmemcache://",
    "EMAIL_URL": "smtp+tls://u:p@smtp.example.org:587",
    "ONION_URL": "http://" + "a" * 56 + ".onion",
    "MIRROR_URLS": "https://mirror.example.net/m/,https://other.example.com/",
    "ALLOWED_HOSTS": "forum.example.org",
    "SECURE_HSTS_SECONDS": "31536000",
    "RATE_LIMIT_SUBMIT": "30/60,100/600",
}


def _import_settings(env):
    """Loads the settings module alone (what gunicorn's worker does first)."""
    clean = {k: v for k, v in os.environ.items() if k not in GOOD}
    return subprocess.run(
        [sys.executable, "-c", "import forum_site.settings"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_settings_start_with_every_value_written_well():
    result = _import_settings(GOOD)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", sorted(GOOD))
def test_a_value_with_a_trailing_comment_is_refused_by_name(name):
    # As the README's env block once had it: systemd's EnvironmentFile keeps the comment.
    result = _import_settings({**GOOD, name: GOOD[name] + "        # what it is for"})
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"django.core.exceptions.ImproperlyConfigured: {name} has a comment after its value")
    # The value itself (perhaps a secret) is never printed.
    assert GOOD[name] not in last
    assert GOOD["SECRET_KEY"] not in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("BEHIND_PROXY", "Ture", "is not a boolean"),
        ("SECURE_SSL_REDIRECT", "", "is not a boolean"),
        ("DEBUG", "maybe", "is not a boolean"),
        ("SITE_URL", "forum.example.org", "is not a URL"),
        ("MIRROR_URLS", "https://mirror.example.net/m/, https://other.example.com/", "holds a space"),
        ("DATABASE_URL", "postgres://forum:x@127.0.0.1:5432/forum forum", "holds a space"),
        ("SECRET_KEY", "two words", "holds a space"),
        ("SECURE_HSTS_SECONDS", "one year", "is not a valid int"),
    ],
)
def test_a_value_that_does_not_parse_is_refused_by_name(name, value, says):
    result = _import_settings({**GOOD, name: value})
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {name} {says}" in result.stderr


def test_the_documented_environments_keep_comments_on_their_own_lines():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```sh\n(DEBUG=False\n.*?)```", readme, flags=re.DOTALL)
    assert blocks, "the README's production env block"
    lines = [*blocks[0].splitlines(), *(ROOT / ".env.example").read_text().splitlines()]
    assignments = [line for line in lines if re.match(r"[A-Z_]+=", line)]
    assert len(assignments) > 40
    for line in assignments:
        assert not re.search(r"\s#", line), line
