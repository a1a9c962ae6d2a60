"""Backups forget too (issue 22): a backup taken while two forums had people
holds none of their names, addresses or phones in plain text; after the purge
of forum A (its rows, then its key), that old backup restored into a new
database with today's key store reads forum A's people as erased and forum
B's as before. SQLite through its online backup API, PostgreSQL through
pg_dump and psql."""

import shutil
import sqlite3
import subprocess
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from plumbing import keys
from plumbing.sealed import is_erased
from registrations import services
from registrations.models import MediaRegistration, Message, Signature
from tests.factories import make_accreditation, make_declaration, make_event, make_registration, make_signature

pytestmark = pytest.mark.django_db(transaction=True)


def _people(tag):
    return {
        "name": f"Zmitser Backupname{tag}",
        "email": f"backup{tag}@example.org",
        "phone": f"+375 29 {int(tag[:6], 16) % 10_000_000:07d}",
        "outlet": f"Outlet{tag}",
    }


def _forum(slug, *, days_ago):
    tag = uuid.uuid4().hex[:10]
    event = make_event(slug=slug, start=timezone.now() - timedelta(days=days_ago), retention_days=30)
    make_accreditation(event)
    values = _people(tag)
    registration = make_registration(event, **values)
    signature = make_signature(
        make_declaration(event), name=f"Hanna Signname{tag}", email=f"sign{tag}@example.org", organisation=f"Org{tag}"
    )
    Message.objects.create(event=event, subject_en=f"Subject{tag}", body_en=f"Dear Zmitser Backupname{tag}")
    needles = [*values.values(), f"Hanna Signname{tag}", f"sign{tag}@example.org", f"Org{tag}", f"Subject{tag}"]
    return event, registration, signature, [needle.encode() for needle in needles]


def _run(*command, **kwargs):
    subprocess.run(command, check=True, **kwargs)  # noqa: S603 - our own tools and arguments


def _backup_sqlite(path):
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    return lambda: sqlite3.connect(path)


def _backup_postgresql(path):
    import psycopg

    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    settings = connection.settings_dict
    env = {"PGPASSWORD": settings.get("PASSWORD") or "", "PATH": "/usr/bin:/bin"}
    common = ["-h", settings["HOST"] or "127.0.0.1", "-p", str(settings["PORT"] or 5432), "-U", settings["USER"]]
    _run("pg_dump", *common, "-f", str(path), "--no-owner", settings["NAME"], env=env)
    name = f"{settings['NAME']}_restored"

    def restore():
        _run("dropdb", *common, "--if-exists", name, env=env)
        _run("createdb", *common, name, env=env)
        _run("psql", *common, "-q", "-v", "ON_ERROR_STOP=1", "-f", str(path), name, env=env, stdout=subprocess.DEVNULL)
        return psycopg.connect(
            host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432, user=settings["USER"], dbname=name
        )

    restore.drop = lambda: _run("dropdb", *common, "--if-exists", name, env=env)
    return restore


def _restored(database, model, pk, *fields):
    """A row of the restored database as the model reads it (its sealed
    values opened with today's key store), read with a connection of its own."""
    wanted = {"id", "seal_id", *fields}
    names = [field.name for field in model._meta.concrete_fields if field.name in wanted or field.attname in wanted]
    columns = ", ".join(model._meta.get_field(name).column for name in names)
    cursor = database.cursor()
    cursor.execute(f"SELECT {columns} FROM {model._meta.db_table} WHERE id = {int(pk)}")  # noqa: S608 - ours
    row = cursor.fetchone()
    values = [
        model._meta.get_field(name).from_db_value(value, None, connection)
        if hasattr(model._meta.get_field(name), "from_db_value")
        else value
        for name, value in zip(names, row, strict=True)
    ]
    return model.from_db("default", [model._meta.get_field(name).attname for name in names], values)


def test_an_old_backup_restored_after_the_purge_reads_the_purged_forum_as_erased(tmp_path):
    forum_a, registration_a, signature_a, needles_a = _forum("forum-a", days_ago=200)
    forum_b, registration_b, signature_b, needles_b = _forum("forum-b", days_ago=5)  # not due for the purge

    path = tmp_path / ("backup.sqlite3" if connection.vendor == "sqlite" else "backup.sql")
    backup = _backup_sqlite(path) if connection.vendor == "sqlite" else _backup_postgresql(path)
    content = path.read_bytes()
    assert str(registration_a.pk).encode() in content  # the backup has the rows
    for needle in needles_a + needles_b:
        assert needle not in content, needle  # and none of their values in plain text

    purged = services.personal_data_purge()
    assert list(purged) == ["forum-a"]
    assert keys.get(keys.forum_key_name(forum_a.pk)) is None
    assert keys.get(keys.forum_key_name(forum_b.pk)) is not None
    for needle in needles_a + needles_b:
        assert needle not in path.read_bytes()

    database = backup()
    try:
        keys.forget()  # today's key store, read afresh
        fields = ("event_id", "name", "email", "phone", "outlet", "work_url")
        a = _restored(database, MediaRegistration, registration_a.pk, *fields)
        b = _restored(database, MediaRegistration, registration_b.pk, *fields)
        for field in ("name", "email", "phone", "outlet", "work_url"):
            assert is_erased(getattr(a, field)), field
        assert str(a.name) == "(erased)"
        assert (b.name, b.email, b.phone) == (registration_b.name, registration_b.email, registration_b.phone)
        fields = ("declaration_id", "name", "organisation")
        signature = _restored(database, Signature, signature_a.pk, *fields)
        assert is_erased(signature.name)
        assert is_erased(signature.organisation)
        assert _restored(database, Signature, signature_b.pk, *fields).name == signature_b.name
        for event, erased in ((forum_a, True), (forum_b, False)):
            pk = Message.objects.filter(event=event).values_list("pk", flat=True).get()
            message = _restored(database, Message, pk, "event_id", "body_en")
            assert is_erased(message.body_en) is erased
    finally:
        database.close()
        getattr(backup, "drop", lambda: None)()
