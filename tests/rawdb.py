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


def stored_tokens(*people):
    """The sealed values of these rows as their table holds them (plumbing.sealed)."""
    from plumbing.sealed import sealed_fields

    tokens = []
    for person in people:
        names = [field.name for field in sealed_fields(type(person))]
        row = type(person).objects.filter(pk=person.pk).values_list(*names).get()
        tokens += [value for value in row if value]
    return tokens
