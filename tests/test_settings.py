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
        assert cursor.fetchone()[0] == 20_000
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def _settings_in_subprocess(env):
    code = "import django; django.setup(); from django.conf import settings; print(settings.TIME_ZONE, settings.USE_TZ)"
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}}
    clean["DJANGO_SETTINGS_MODULE"] = "forum_site.settings"
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, check=False
    )


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off():
    result = _settings_in_subprocess({"DEBUG": "False", "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_settings_default_to_minsk_time_with_aware_datetimes():
    result = _settings_in_subprocess({"SECRET_KEY": "x" * 50})
    assert result.stdout.strip() == "Europe/Minsk True"
