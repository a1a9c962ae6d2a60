"""The mailbox digest key leaves the database for the key store: digests made
with the database's key still match after the move, and no table holds it."""

import hashlib
import hmac
import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from plumbing import keys
from registrations.mailbox import email_digest, normalise_email
from registrations.services.people import mailbox_allowance_take
from tests.dbscan import holds

BEFORE = [("registrations", "0021_message_held")]
ADDRESS = "Ales.Bialiatski+news@gmail.com"
DATABASE_KEY = bytes.fromhex("5f" * 8 + "a1b2c3d4" * 6)


@pytest.mark.django_db(transaction=True)
def test_digests_made_with_the_database_key_match_after_it_moves_to_the_key_store():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    old.get_model("registrations", "DigestKey").objects.create(pk=1, key=DATABASE_KEY.hex())
    # A mail sent before the move, named by the digest made with the database's key.
    before = hmac.new(DATABASE_KEY, normalise_email(ADDRESS).encode(), hashlib.sha256).hexdigest()
    old.get_model("registrations", "MailboxSend").objects.create(digest=before, thread="signature:1")
    assert keys.get(keys.MAILBOX_KEY) is None

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    keys.forget()

    assert keys.get(keys.MAILBOX_KEY) == DATABASE_KEY
    # The same mailbox, spelled otherwise, is found by its address: no second mail today.
    assert email_digest("alesbialiatski@googlemail.com") == before
    assert mailbox_allowance_take(digest=email_digest(ADDRESS), thread="signature:1", now=timezone.now()) is False
    assert "registrations_digestkey" not in connection.introspection.table_names()
    assert holds(DATABASE_KEY.hex(), DATABASE_KEY.decode("latin-1")) == set()


@pytest.mark.django_db(transaction=True)
def test_a_fresh_database_makes_its_digest_key_in_the_key_store_on_first_use(settings):
    assert "registrations_digestkey" not in connection.introspection.table_names()
    digest = email_digest(ADDRESS)
    key = (settings.KEY_DIR / keys.MAILBOX_KEY).read_bytes()
    assert digest == hmac.new(key, normalise_email(ADDRESS).encode(), hashlib.sha256).hexdigest()
    assert email_digest("ales.bialiatski@gmail.com") == digest
    assert holds(key.hex(), key.decode("latin-1")) == set()


def test_the_setting_wins_over_the_key_store(settings):
    settings.EMAIL_DIGEST_KEY = "operator-chosen-digest-key"
    expected = hmac.new(b"operator-chosen-digest-key", b"ales@example.org", hashlib.sha256).hexdigest()
    assert email_digest("Ales@Example.org") == expected
    assert keys.get(keys.MAILBOX_KEY) is None


@pytest.mark.django_db(transaction=True)
def test_the_move_stops_when_the_key_store_holds_another_key():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    old.get_model("registrations", "DigestKey").objects.create(pk=1, key=DATABASE_KEY.hex())
    keys.put(keys.MAILBOX_KEY, bytes(32))
    migration = importlib.import_module("registrations.migrations.0022_digest_key_to_key_store")
    with pytest.raises(RuntimeError, match="another 'mailbox' key"):
        migration.key_to_key_store(old, None)
    # Nothing lost: the database's key is still there for the operator to decide.
    assert old.get_model("registrations", "DigestKey").objects.get().key == DATABASE_KEY.hex()
    old.get_model("registrations", "DigestKey").objects.all().delete()
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
