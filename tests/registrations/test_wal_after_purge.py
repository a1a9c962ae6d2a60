"""After the retention purge, PostgreSQL's write-ahead log moves to a new
segment and a checkpoint follows, run as the site's own role (not a
superuser) with the two grants the README gives; without them the purge still
ends, with a warning."""

import logging
import os
import uuid
from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from plumbing import wal
from registrations import services
from registrations.models import MediaRegistration
from tests.factories import make_event, make_registration

pytestmark = pytest.mark.django_db(transaction=True)
postgresql_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's write-ahead log")


def _superuser():
    """A connection of its own as the test database's owner (the Django one is the plain role's)."""
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"], port=settings["PORT"], user=settings["USER"], dbname=settings["NAME"], autocommit=True
    )


@pytest.fixture
def plain_role():
    """connect(grants) makes a login role that is not a superuser, with the
    rights on the site's tables any site role has (and the WAL grants when
    asked), and connects Django to the database as that role."""
    name = f"plain_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    owner_user = connection.settings_dict["USER"]
    admin = _superuser()

    def connect(*, grants):
        admin.execute(f'CREATE ROLE "{name}" LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB')
        admin.execute(f'GRANT USAGE ON SCHEMA public TO "{name}"')
        admin.execute(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{name}"')
        admin.execute(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{name}"')
        if grants:
            # The README's grants, word for word.
            admin.execute(f'GRANT EXECUTE ON FUNCTION pg_switch_wal() TO "{name}"')
            admin.execute(f'GRANT pg_checkpoint TO "{name}"')
        connection.close()
        connection.settings_dict["USER"] = name
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)")
            assert cursor.fetchone() == (name, False)
        return admin

    yield connect
    connection.close()
    connection.settings_dict["USER"] = owner_user
    admin.execute(f'DROP OWNED BY "{name}"')
    admin.execute(f'DROP ROLE IF EXISTS "{name}"')
    admin.close()


def _due_forum():
    event = make_event(start=timezone.now() - timedelta(days=200), retention_days=30)
    make_registration(event, name="Zmitser Purged", email=f"purged{uuid.uuid4().hex[:8]}@example.org")
    return event


def _wal_state(admin):
    return admin.execute(
        "SELECT pg_current_wal_lsn(), pg_walfile_name(pg_current_wal_lsn()), c.checkpoint_lsn, c.redo_lsn,"
        " c.redo_wal_file"
        " FROM pg_control_checkpoint() c"
    ).fetchone()


@postgresql_only
def test_the_purge_switches_the_wal_and_checkpoints_as_a_plain_role(plain_role, caplog):
    _due_forum()
    admin = plain_role(grants=True)
    lsn, segment, checkpoint, _redo, _redo_file = _wal_state(admin)

    with caplog.at_level(logging.WARNING, logger="plumbing.wal"):
        results = services.personal_data_purge()

    assert [counts["registrations"] for counts in results.values()] == [1]
    assert not MediaRegistration.objects.exists()
    lsn_after, segment_after, checkpoint_after, redo, redo_file = _wal_state(admin)
    assert [record.getMessage() for record in caplog.records] == []
    compare = admin.execute("SELECT %s::pg_lsn > %s::pg_lsn, %s::pg_lsn > %s::pg_lsn", [lsn_after, lsn, redo, lsn])
    assert compare.fetchone() == (True, True)  # the log moved on; a checkpoint began after the purge's start
    assert segment_after != segment  # a new segment: the one the purge wrote in is closed
    assert redo_file > segment  # the checkpoint starts in a later segment: the purge's are no longer needed
    assert checkpoint_after != checkpoint


@postgresql_only
def test_without_the_grants_the_purge_ends_with_a_warning(plain_role, caplog):
    _due_forum()
    plain_role(grants=False)

    with caplog.at_level(logging.WARNING, logger="plumbing.wal"):
        results = services.personal_data_purge()

    assert [counts["registrations"] for counts in results.values()] == [1]
    assert not MediaRegistration.objects.exists()
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2
    assert "pg_switch_wal() refused (InsufficientPrivilege)" in messages[0]
    assert "GRANT EXECUTE ON FUNCTION pg_switch_wal()" in messages[0]
    assert "CHECKPOINT refused (InsufficientPrivilege)" in messages[1]
    assert "GRANT pg_checkpoint" in messages[1]
    assert not any("Zmitser" in message or "example.org" in message for message in messages)
    # The connection is still usable after the refusals.
    assert MediaRegistration.objects.count() == 0


def test_on_sqlite_nothing_is_asked_of_the_log_here(caplog):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's own checkpoint (registrations.services.erasure)")
    _due_forum()
    with caplog.at_level(logging.WARNING, logger="plumbing.wal"):
        assert services.personal_data_purge() != {}
        assert wal.forget() is False
    assert caplog.records == []
