import os
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
