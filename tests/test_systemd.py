"""The systemd units in deploy/, as systemd reads them: `systemd-analyze verify`
and the exposure `systemd-analyze security` gives them (4 or less)."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UNITS = ["forum-site.service", "forum-site-mail.service"]
ANALYZE = shutil.which("systemd-analyze")


@pytest.fixture
def analyze():
    if ANALYZE is None:
        if os.environ.get("REQUIRE_SYSTEMD_ANALYZE"):
            pytest.fail("systemd-analyze is required here (apt-get install systemd)")
        pytest.skip("systemd-analyze is not installed (apt-get install systemd)")
    return ANALYZE


@pytest.fixture
def units(tmp_path):
    """The units with /srv/forum-site replaced by this checkout, whose .venv holds the
    programs they start (verify checks that ExecStart= names an executable)."""
    for name in UNITS:
        text = (ROOT / "deploy" / name).read_text().replace("/srv/forum-site", str(ROOT))
        (tmp_path / name).write_text(text)
    return tmp_path


def test_units_verify_cleanly(analyze, units):
    result = subprocess.run(  # noqa: S603
        [analyze, "verify", *UNITS], cwd=units, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == ""


def test_units_verify_catches_a_mistake(analyze, units):
    """The check above can fail: a misspelt directive is reported."""
    path = units / UNITS[0]
    path.write_text(path.read_text().replace("ProtectHome=", "ProtectHomes="))
    result = subprocess.run(  # noqa: S603
        [analyze, "verify", UNITS[0]], cwd=units, capture_output=True, text=True, check=False
    )
    assert "ProtectHomes" in result.stderr


@pytest.mark.parametrize("name", UNITS)
def test_units_expose_little(analyze, units, name):
    result = subprocess.run(  # noqa: S603
        [analyze, "security", "--offline=true", name], cwd=units, capture_output=True, text=True, check=False
    )
    found = re.search(rf"Overall exposure level for {re.escape(name)}: (\d+\.\d+)", result.stdout)
    assert found, result.stdout + result.stderr
    assert float(found.group(1)) <= 4.0, result.stdout


@pytest.mark.parametrize("name", UNITS)
def test_units_write_only_var_and_reload_gracefully(name):
    text = (ROOT / "deploy" / name).read_text()
    assert re.findall(r"^ReadWritePaths=(.*)$", text, flags=re.MULTILINE) == ["/srv/forum-site/var"]
    assert "ProtectSystem=strict" in text
    assert "ProtectHome=true" in text
    if name == "forum-site.service":
        assert "ExecReload=/bin/kill -HUP $MAINPID" in text
