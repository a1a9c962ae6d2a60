"""One mirror export at a time, whichever host's worker runs it, and the copy
published to the one place the README names.

On PostgreSQL every host's export takes one session advisory lock: a task
that finds it taken does not export beside the running one (plumbing.mirror
decides what it does instead). On SQLite the site runs on one host, and the
file lock beside the directory (plumbing.mirror._swap_in) orders exports.
"""

import contextlib
import hashlib
import logging
import shlex
import subprocess

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

# The advisory lock's key: a signed 64-bit number no other lock of the site uses.
LOCK_KEY = int.from_bytes(hashlib.blake2b(b"forum_site.mirror_export", digest_size=8).digest(), "big", signed=True)
# Seconds MIRROR_PUBLISH_COMMAND may take.
PUBLISH_TIMEOUT = 600


@contextlib.contextmanager
def export_lock(*, wait):
    """Yields whether this process holds the export lock for the block: with
    `wait`, once the running export (on any host) is done; without, only if
    no export runs now. Always True on SQLite."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
            held = True
        else:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
            held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held and connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


def publish():
    """Run MIRROR_PUBLISH_COMMAND (none: nothing), the export's lock still held,
    so two hosts never publish over each other. A failure is logged (without
    the command's output, which may name hosts and accounts) and the export
    stands: the next one publishes again."""
    command = settings.MIRROR_PUBLISH_COMMAND
    if not command:
        return True
    try:
        result = subprocess.run(  # noqa: S603 (the operator's own command, split as a shell would)
            shlex.split(command), capture_output=True, timeout=PUBLISH_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        logger.error("mirror: MIRROR_PUBLISH_COMMAND did not run: %s", type(error).__name__)
        return False
    if result.returncode != 0:
        logger.error("mirror: MIRROR_PUBLISH_COMMAND failed with exit status %s", result.returncode)
        return False
    logger.info("mirror published")
    return True
