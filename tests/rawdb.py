"""The database as it is on disk: raw rows, no model in between, to check
what erasure really left behind."""

from django.db import connection


def raw_rows(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - our own table names
        return cursor.fetchall()


def all_rows_text():
    """Every value in every table, as text."""
    return "\n".join(
        " ".join(str(value) for value in row)
        for table in connection.introspection.table_names()
        for row in raw_rows(table)
    )
