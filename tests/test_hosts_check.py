"""SITE_HOSTS above 1: `manage.py check` names each piece of state that would
stay on one host, and passes once every one is shared."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from plumbing.hosts import check_several_hosts

ROOT = Path(__file__).resolve().parent.parent

REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/7"}}


@pytest.fixture
def shared(settings):
    """Everything shared, as two hosts need it."""
    settings.SITE_HOSTS = 2
    settings.CACHES = REDIS
    settings.RATE_LIMIT_STORE = ""
    settings.KEY_DIR = "/srv/forum-site/var/keys"
    settings.KEY_STORE_URL = "postgres://keys@10.0.0.5:5432/keys"
    settings.MIRROR_EXPORT_DIR = "/mnt/shared/mirror"
    settings.MIRROR_EXPORT_SHARED = True
    settings.MIRROR_PUBLISH_COMMAND = ""
    return settings


def _ids():
    """The check's ids, but the database's: the suite runs on SQLite and on PostgreSQL."""
    ids = [message.id for message in check_several_hosts()]
    assert ("plumbing.E020" in ids) == (connection.vendor == "sqlite")
    return [code for code in ids if code != "plumbing.E020"]


def test_everything_shared_passes(shared):
    assert _ids() == []


def test_one_host_is_never_checked(shared):
    shared.SITE_HOSTS = 1
    shared.KEY_STORE_URL = ""
    shared.RATE_LIMIT_STORE = "file"
    assert check_several_hosts() == []


@pytest.mark.parametrize(
    ("store", "cache"),
    [
        ("file", REDIS),
        ("", {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}),
        ("cache", {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}),
    ],
    ids=["file-store-chosen", "local-memory-cache", "cache-store-of-one-process"],
)
def test_rate_limits_on_one_host_are_refused(shared, store, cache):
    shared.RATE_LIMIT_STORE = store
    shared.CACHES = cache
    assert _ids() == ["plumbing.E021"]


def test_a_key_directory_without_the_shared_store_is_refused(shared):
    shared.KEY_STORE_URL = ""
    assert _ids() == ["plumbing.E022"]


def test_the_shared_key_store_is_accepted(shared):
    shared.KEY_STORE_URL = "postgres://forum_keys@127.0.0.1:1/forum_keys"
    assert _ids() == []


def test_a_local_mirror_directory_is_refused_until_it_is_shared_or_published(shared):
    shared.MIRROR_EXPORT_SHARED = False
    assert _ids() == ["plumbing.E023"]
    shared.MIRROR_PUBLISH_COMMAND = "rsync -aL --delete /srv/forum-site/var/mirror/ mirror@mirror.example.net:/m/"
    assert _ids() == []
    shared.MIRROR_PUBLISH_COMMAND = ""
    shared.MIRROR_EXPORT_DIR = ""  # no mirror exported here at all
    assert _ids() == []


def _check(tmp_path, **variables):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CACHE_URL", "MIRROR_"))}
    env.update({"SITE_HOSTS": "2", "RATE_LIMIT_DIR": str(tmp_path / "var"), **variables})
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def test_manage_py_check_fails_naming_every_piece_on_one_host(tmp_path):
    result = _check(
        tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", MIRROR_EXPORT_DIR=str(tmp_path / "mirror")
    )
    assert result.returncode != 0
    for code in ("plumbing.E020", "plumbing.E021", "plumbing.E023"):
        assert code in result.stderr
    assert "SITE_HOSTS is 2, but the database is SQLite" in result.stderr


def test_manage_py_check_passes_with_postgresql_redis_and_a_shared_mirror(tmp_path):
    result = _check(
        tmp_path,
        DATABASE_URL="postgres://forum@10.0.0.5:5432/forum",
        CACHE_URL="redis://10.0.0.6:6379/1",
        MIRROR_EXPORT_DIR="/mnt/shared/mirror",
        MIRROR_EXPORT_SHARED="True",
        KEY_STORE_URL="postgres://forum_keys@127.0.0.1:1/forum_keys",
    )
    assert result.returncode == 0, result.stderr
    assert "plumbing.E01" not in result.stderr + result.stdout
