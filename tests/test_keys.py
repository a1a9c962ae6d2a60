"""The key store: keys outside the database, destroyed for real, forgotten within a minute."""

import os
import socket
import stat
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.utils import timezone

from plumbing import keys


def test_the_key_directory_is_made_owner_only_with_one_file_per_key(settings):
    key = keys.create("forum-1")
    directory = settings.KEY_DIR
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_IMODE((directory / "forum-1").stat().st_mode) == 0o600
    assert (directory / "forum-1").read_bytes() == key
    assert len(key) == 32
    assert keys.create("forum-1") == key  # made once
    assert sorted(os.listdir(directory)) == ["forum-1"]


def test_a_sealed_value_opens_only_with_its_key_and_where_it_belongs():
    token = keys.seal("forum-1", "Алена Бяляцкая", b"signature:name:abc")
    assert "Алена".encode() not in token.encode()
    assert keys.unseal("forum-1", token, b"signature:name:abc") == "Алена Бяляцкая"
    # Moved to another row or field: it does not open.
    assert keys.unseal("forum-1", token, b"signature:name:xyz") is None
    assert keys.unseal("forum-2", token, b"signature:name:abc") is None
    # Two seals of one text differ (a fresh nonce each time).
    assert keys.seal("forum-1", "Алена Бяляцкая", b"signature:name:abc") != token


def test_a_destroyed_key_leaves_no_bytes_and_its_values_read_as_gone(settings):
    token = keys.seal("forum-7", "Ales", b"ad")
    path = settings.KEY_DIR / "forum-7"
    keys.destroy("forum-7")
    assert not path.exists()
    assert keys.get("forum-7") is None
    assert keys.unseal("forum-7", token, b"ad") is None


def test_another_process_stops_using_a_destroyed_key_within_a_minute(settings):
    token = keys.seal("forum-3", "Ales", b"ad")
    assert keys.unseal("forum-3", token, b"ad") == "Ales"  # read and kept by this process
    # Another process destroys it: straight in the store, not through this process's cache.
    with time_machine.travel(timezone.now(), tick=False) as clock:
        keys.store().destroy("forum-3")
        keys.forget()
        assert keys.unseal("forum-3", token, b"ad") is None
        keys.store().create("forum-3")  # and one like it appears again: a new key
        clock.shift(timedelta(seconds=1))
        assert keys.get("forum-3") is None  # a missing key is asked again after a few seconds
        clock.shift(timedelta(seconds=5))
        assert keys.get("forum-3") is not None
        held = keys.get("forum-3")
        keys.store().destroy("forum-3")
        clock.shift(timedelta(seconds=59))
        assert keys.get("forum-3") == held  # still in this process's hands
        clock.shift(timedelta(seconds=2))
        assert keys.get("forum-3") is None  # but not for more than a minute


@pytest.mark.django_db
def test_the_system_check_refuses_a_key_directory_others_can_read(settings, tmp_path):
    settings.DEBUG = False
    settings.KEY_DIR = tmp_path / "readable"
    settings.KEY_DIR.mkdir(mode=0o755)
    settings.KEY_DIR.chmod(0o755)
    with pytest.raises(SystemCheckError, match=r"plumbing\.E010"):
        call_command("check")
    settings.KEY_DIR.chmod(0o700)
    call_command("check")


@pytest.mark.django_db
def test_the_system_check_refuses_a_key_directory_that_cannot_be_made(settings, tmp_path):
    settings.DEBUG = False
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, not a directory")
    settings.KEY_DIR = blocked / "keys"
    with pytest.raises(SystemCheckError, match=r"plumbing\.E010"):
        call_command("check")


def _postgres():
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=0.5).close()
    except OSError:
        if os.environ.get("REQUIRE_REDIS"):
            pytest.fail("PostgreSQL is required here (127.0.0.1:5432)")
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")


@pytest.fixture
def postgres_key_store(settings):
    _postgres()
    import psycopg

    name = f"forum_site_keys_{os.getpid()}"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    settings.KEY_STORE_URL = f"postgresql://postgres@127.0.0.1:5432/{name}"
    keys.forget()
    yield settings.KEY_STORE_URL
    keys.store()._local.connection.close()
    settings.KEY_STORE_URL = ""
    keys.store()
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_shared_store_keeps_keys_in_their_own_postgresql_database(postgres_key_store, settings):
    import psycopg

    token = keys.seal("forum-5", "Ales", b"ad")
    with psycopg.connect(postgres_key_store) as other_host:
        (stored,) = other_host.execute("SELECT key FROM forum_site_keys WHERE name = 'forum-5'").fetchone()
    assert bytes(stored) == keys.get("forum-5")
    assert not settings.KEY_DIR.exists()  # nothing on this host's disk
    keys.destroy("forum-5")
    with psycopg.connect(postgres_key_store) as other_host:
        assert other_host.execute("SELECT count(*) FROM forum_site_keys").fetchone() == (0,)
    assert keys.unseal("forum-5", token, b"ad") is None


def _put_keeps_the_first_key(settings):
    brought = bytes(range(32))
    assert keys.put("mailbox", brought) == brought
    keys.forget()
    assert keys.get("mailbox") == brought  # stored, not only cached
    # A key already there stays: the answer says which one is in use.
    assert keys.put("mailbox", bytes(32)) == brought
    assert keys.get("mailbox") == brought
    with pytest.raises(ValueError, match="32 bytes"):
        keys.put("mailbox", b"short")
    with pytest.raises(ValueError, match="the key's bytes"):
        keys.put("other", None)
    assert keys.get("other") is None


def test_a_key_brought_from_elsewhere_is_stored_once_in_the_key_directory(settings):
    _put_keeps_the_first_key(settings)
    assert stat.S_IMODE((settings.KEY_DIR / "mailbox").stat().st_mode) == 0o600
    assert sorted(os.listdir(settings.KEY_DIR)) == ["mailbox"]


def test_a_key_brought_from_elsewhere_is_stored_once_in_the_shared_store(postgres_key_store, settings):
    _put_keeps_the_first_key(settings)
    assert not settings.KEY_DIR.exists()
