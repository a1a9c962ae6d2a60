"""After a purge, the database's write-ahead log lets go of what was erased.

PostgreSQL writes every change to its write-ahead log (WAL) before its
tables: the purge's deletions, and copies of whole pages as they were before
(full-page writes), erased values in them. `forget` closes the current WAL
segment (`pg_switch_wal()`, so it is archived now, not when it fills up) and
forces a checkpoint (`CHECKPOINT`), after which the segments up to it are no
longer needed to recover and are recycled or removed at once (README: what
stays in archived WAL). On SQLite, nothing here: every erasure already copies
its log into the database and truncates it (registrations.services.erasure).

Run as the site's own role, not a superuser, it needs two grants (README,
"Running in production"): `GRANT EXECUTE ON FUNCTION pg_switch_wal() TO role`
and, on PostgreSQL 15 and later, `GRANT pg_checkpoint TO role`. Without them
it logs a warning and the purge carries on."""

import logging

from django.db import DatabaseError, connection, transaction

logger = logging.getLogger(__name__)

STATEMENTS = {
    "SELECT pg_switch_wal()": "GRANT EXECUTE ON FUNCTION pg_switch_wal() TO <the site's role>",
    "CHECKPOINT": "GRANT pg_checkpoint TO <the site's role>",
}


def _switch_and_checkpoint():
    done = 0
    for statement, grant in STATEMENTS.items():
        try:
            # A savepoint: a refusal leaves the connection usable.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement)
            done += 1
        except DatabaseError as error:
            logger.warning(
                "write-ahead log after a purge: %s refused (%s); the site's database role needs: %s (README)",
                statement.split()[-1],
                type(error.__cause__ or error).__name__,
                grant,
            )
    return done == len(STATEMENTS)


def forget():
    """On PostgreSQL, switch to a new WAL segment and force a checkpoint, now
    or, inside a transaction, once it commits; never raises for missing
    grants. True when both ran now; False when something was refused or when
    there is nothing to do (not PostgreSQL); None when it waits for a commit."""
    if connection.vendor != "postgresql":
        return False
    if connection.in_atomic_block:
        transaction.on_commit(_switch_and_checkpoint)
        return None
    return _switch_and_checkpoint()
