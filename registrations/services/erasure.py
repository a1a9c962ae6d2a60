"""Erased means erased on disk, not only gone from query results.

SQLite runs with `secure_delete` (freed space is overwritten with zeros);
after an erasure its write-ahead log, which still holds the old pages, is
checkpointed into the database and truncated. PostgreSQL keeps deleted rows
in its files until they are rewritten: the retention purge of a forum, long
after it ended, rewrites the tables it erased from (VACUUM FULL, which needs
no transaction and takes a lock nobody minds then). A single withdrawal's
bytes stay in PostgreSQL's files until that purge (README, Privacy)."""

import logging
import time

from django.db import connection, transaction

logger = logging.getLogger(__name__)

CHECKPOINT_TRIES = 20


def _sqlite_checkpoint():
    """Copy the log into the database and truncate it; while another
    connection still reads an old snapshot the checkpoint cannot finish, so
    try again for a while, then leave it to the next erasure (and say so)."""
    for attempt in range(CHECKPOINT_TRIES):
        with connection.cursor() as cursor:
            busy, _log, _done = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if not busy:
            return True
        time.sleep(0.05 * (attempt + 1))
    logger.warning("write-ahead log not truncated after an erasure: readers held it")
    return False


def _postgresql_rewrite(tables):
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM FULL {connection.ops.quote_name(table)}")
    logger.info("rewrote %s tables after erasure", len(tables))


def erased_bytes_flush(*, models, rewrite=False):
    """After the current transaction commits, make the erased rows' bytes go
    from the database's files: always on SQLite; on PostgreSQL when
    `rewrite` (the retention purge)."""
    if connection.vendor == "sqlite":
        transaction.on_commit(_sqlite_checkpoint)
    elif connection.vendor == "postgresql" and rewrite:
        tables = sorted({model._meta.db_table for model in models})
        transaction.on_commit(lambda: _postgresql_rewrite(tables))
