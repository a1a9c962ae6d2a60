"""Erased means erased on disk: after a withdrawal or the retention purge, no
byte of the person's name, address or phone is left in the database's files.
Each test uses values unique to it, checks first that they did reach the
files (so it can fail), then that erasure left none of them."""

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from registrations import services
from registrations.models import MediaRegistration, OutgoingMail, Signature
from tests.factories import make_accreditation, make_declaration, make_event, make_registration, make_signature
from tests.rawdb import stored_tokens

pytestmark = pytest.mark.django_db(transaction=True)


def _unique():
    tag = uuid.uuid4().hex[:12]
    return {
        "name": f"Zmitser Secretname{tag}",
        "email": f"secret{tag}@example.org",
        "phone": f"+375 29 {int(tag[:6], 16) % 10_000_000:07d}",
    }


def _needles(values):
    return [value.encode() for value in values.values()]


def _stored(*people):
    """The person's values as they reach the files: sealed (plumbing.sealed)."""
    return [token.encode() for token in stored_tokens(*people)]


# --- SQLite: the main file and its write-ahead log, right after the erasure --------------


def _sqlite_bytes():
    path = Path(connection.settings_dict["NAME"])
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


sqlite_only = pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's files")


@sqlite_only
@pytest.mark.parametrize("kind", ["registration", "signature"])
def test_a_withdrawal_leaves_no_byte_in_the_sqlite_files(kind):
    event = make_event(start=timezone.now() + timedelta(days=5))
    make_accreditation(event)
    values = _unique()
    if kind == "registration":
        person = make_registration(event, **values)
        OutgoingMail.objects.create(registration=person, kind="confirmed")
    else:
        values.pop("phone")
        person = make_signature(make_declaration(event), **values)
        OutgoingMail.objects.create(signature=person, kind="signed")
    stored = _stored(person)
    files = _sqlite_bytes()
    assert all(needle in files for needle in stored)
    assert not any(needle in files for needle in _needles(values))  # sealed, never plain

    withdraw = services.registration_withdraw if kind == "registration" else services.person_withdraw
    withdraw(person=person)

    files = _sqlite_bytes()
    for needle in _needles(values) + stored:
        assert needle not in files
    wal = Path(connection.settings_dict["NAME"] + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


@sqlite_only
def test_the_retention_purge_leaves_no_byte_in_the_sqlite_files():
    event = make_event(start=timezone.now() - timedelta(days=200), retention_days=30)
    values = _unique()
    stored = _stored(make_registration(event, **values))
    assert all(needle in _sqlite_bytes() for needle in stored)
    services.personal_data_purge()
    assert MediaRegistration.objects.count() == 0
    files = _sqlite_bytes()
    for needle in _needles(values) + stored:
        assert needle not in files


@sqlite_only
def test_a_replaced_submission_leaves_no_byte_of_the_earlier_data(settings):
    """The latest submission replaces an unconfirmed one's data: the old
    values go from the files too (secure_delete overwrites the old cell)."""
    event = make_event(start=timezone.now() + timedelta(days=5))
    declaration = make_declaration(event)
    first = _unique()
    services.signature_submit(
        declaration=declaration,
        data={
            "name": first["name"],
            "email": first["email"],
            "country": "BY",
            "organisation": "",
            "visibility": "full",
        },
        language="en",
    )
    services.signature_submit(
        declaration=declaration,
        data={"name": "The Owner", "email": first["email"], "country": "BY", "organisation": "", "visibility": "full"},
        language="en",
    )
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert Signature.objects.get().name == "The Owner"
    assert first["name"].encode() not in _sqlite_bytes()


# --- PostgreSQL: heap, indexes and TOAST, after the retention purge and a CHECKPOINT -------


postgresql_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's files")


def _relations(table):
    """The table, its indexes, its TOAST table and the TOAST table's index."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.oid::regclass::text FROM pg_class c WHERE c.oid = %s::regclass
            UNION SELECT i.indexrelid::regclass::text FROM pg_index i WHERE i.indrelid = %s::regclass
            UNION SELECT c.reltoastrelid::regclass::text FROM pg_class c
                  WHERE c.oid = %s::regclass AND c.reltoastrelid <> 0
            UNION SELECT i.indexrelid::regclass::text FROM pg_index i JOIN pg_class c ON i.indrelid = c.reltoastrelid
                  WHERE c.oid = %s::regclass
            """,
            [table] * 4,
        )
        return [row[0] for row in cursor.fetchall()]


def _postgresql_bytes(tables):
    chunks = []
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
        for table in tables:
            for relation in _relations(table):
                cursor.execute("SELECT pg_read_binary_file(pg_relation_filepath(%s))", [relation])
                chunks.append(bytes(cursor.fetchone()[0]))
    return b"".join(chunks)


@postgresql_only
def test_the_retention_purge_rewrites_the_postgresql_files():
    event = make_event(start=timezone.now() - timedelta(days=200), retention_days=30)
    values = _unique()
    registration = make_registration(event, **values)
    OutgoingMail.objects.create(registration=registration, kind="confirmed")
    signature_values = _unique()
    signature_values.pop("phone")
    signature = make_signature(make_declaration(event), **signature_values)
    tables = [MediaRegistration._meta.db_table, Signature._meta.db_table, OutgoingMail._meta.db_table]
    stored = _stored(registration, signature)
    needles = _needles(values) + _needles(signature_values) + stored
    before = _postgresql_bytes(tables)
    assert all(needle in before for needle in stored)
    assert not any(needle in before for needle in _needles(values) + _needles(signature_values))

    services.personal_data_purge()

    after = _postgresql_bytes(tables)
    for needle in needles:
        assert needle not in after


@postgresql_only
def test_no_postgresql_index_holds_a_plaintext_address():
    event = make_event(start=timezone.now() + timedelta(days=5))
    values = _unique()
    make_registration(event, **values)
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
        for relation in _relations(MediaRegistration._meta.db_table):
            cursor.execute(
                "SELECT pg_read_binary_file(pg_relation_filepath(%s)), %s::regclass::oid IN "
                "(SELECT indexrelid FROM pg_index)",
                [relation, relation],
            )
            content, is_index = cursor.fetchone()
            if is_index:
                assert values["email"].encode() not in bytes(content), relation
                assert values["email"].split("@")[0].encode() not in bytes(content), relation
