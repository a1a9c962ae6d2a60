"""Every user-facing string exists in Russian and Belarusian, and the
compiled catalogues the site loads are the ones in the .po files."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
LANGS = ["ru", "be"]


def _po(lang, root=ROOT):
    return polib.pofile(str(root / "locale" / lang / "LC_MESSAGES" / "django.po"))


def _key(entry):
    return (entry.msgctxt or "", entry.msgid)


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_has_no_untranslated_or_fuzzy_entries(lang):
    po = _po(lang)
    assert len(po) > 50
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert po.metadata["Language"] == lang


@pytest.mark.parametrize("lang", LANGS)
def test_compiled_catalogue_matches_the_po_file(lang):
    po = _po(lang)
    mo = polib.mofile(str(ROOT / "locale" / lang / "LC_MESSAGES" / "django.mo"))
    expected = {_key(e): (e.msgstr, dict(e.msgstr_plural)) for e in po.translated_entries()}
    compiled = {_key(e): (e.msgstr, dict(e.msgstr_plural)) for e in mo if e.msgid}
    assert compiled == expected


def test_catalogues_cover_every_string_in_the_code(tmp_path):
    if not shutil.which("xgettext"):
        if os.environ.get("REQUIRE_GETTEXT"):
            pytest.fail("GNU gettext (xgettext) is required here")
        pytest.skip("GNU gettext (xgettext) is not installed")
    for name in ("manage.py", "forum_site", "plumbing", "events", "registrations", "templates", "locale"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    env = {**os.environ, "DEBUG": "True", "DJANGO_SETTINGS_MODULE": "forum_site.settings"}
    env.pop("DATABASE_URL", None)
    subprocess.run(  # noqa: S603
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--no-obsolete",
            "--no-location",
            *(f"-l{lang}" for lang in LANGS),
        ],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
    )
    for lang in LANGS:
        fresh = {_key(e) for e in _po(lang, tmp_path)}
        committed = {_key(e) for e in _po(lang)}
        assert fresh - committed == set(), f"run `make messages` and translate the new strings ({lang})"
        assert committed - fresh == set(), f"run `make messages` to drop strings no longer used ({lang})"
