"""Every value the site's database holds, for tests that look for what must not be there."""

from django.db import connection


def every_value():
    """Every value of every table of the site's database, as text or bytes."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (introspected names)
            for row in cursor.fetchall():
                for value in row:
                    yield bytes(value) if isinstance(value, memoryview) else value


def holds(*needles):
    """The needles (text, case-insensitive) found anywhere in the database."""
    found = set()
    for value in every_value():
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        if isinstance(value, str):
            lowered = value.lower()
            found |= {needle for needle in needles if needle.lower() in lowered}
    return found
