"""A new row as a statement: what Model.save() writes for an object that is
not yet in the database, without the work save() repeats on every call.

For a public form's row (a submission, its outbox mail) save() costs more
than the statement it runs: it compiles the INSERT again each time, sends
pre_save and post_save, and walks the model's parents. Here the statement is
built once per model and database, and each field still prepares its own
value (defaults, `pre_save`, sealing, database adaptation), so the bytes
stored are the ones save() would store.

Only for what it can write as save() would, and it refuses the rest with
TypeError: a model something listens to (a pre_save or post_save receiver),
with its own save(), with parents (multi-table inheritance), or with fields
the database fills (a generated field, a database default); an object whose
primary key is already set. An unsaved related object is refused as save()
refuses it (ValueError).

What a new row costs is also the indexes it enters: `indexed_when_set` keeps
a nullable key out of every index but for the rows that hold one."""

import functools

from django.db import connection
from django.db.models import NOT_PROVIDED, Index, Model, Q
from django.db.models.signals import post_save, pre_save


def indexed_when_set(*names, prefix):
    """Indexes of nullable foreign keys (declared with db_index=False) over
    only the rows that hold one. A lookup by the key (`key = x`, `key IN
    (...)`: what deleting the row it points to runs) implies it is set, so
    both databases use the index; a new row without the key writes to none of
    them (a submission's outbox mail points to one person, not to a forum or
    a message too)."""
    return [
        Index(fields=[name], condition=Q(**{f"{name}__isnull": False}), name=f"{prefix}_{name}_set") for name in names
    ]


@functools.cache
def fields_of(model):
    """The columns a new row writes (all but an automatic primary key),
    worked out once per model."""
    return tuple(f for f in model._meta.concrete_fields if not (f.primary_key and f.db_returning))


def params(obj, fields):
    """Each field's value of `obj`, prepared for the database as save() prepares it."""
    return [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]


@functools.cache
def _insert_sql(model, vendor):
    if model.save is not Model.save or model._meta.parents:
        raise TypeError(f"{model._meta.label} saves itself or has parents: save() it")
    if any(f.generated or f.db_default is not NOT_PROVIDED for f in model._meta.concrete_fields):
        raise TypeError(f"{model._meta.label} has fields the database fills: save() it")
    qn = connection.ops.quote_name
    fields = fields_of(model)
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "  # noqa: S608 (the model's own names)
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    if connection.features.can_return_columns_from_insert:
        sql += f" RETURNING {qn(model._meta.pk.column)}"
    return sql, fields


def insert(obj):
    """Write `obj` (a new object of a model without save receivers) as one
    INSERT and give it its primary key; returns `obj`."""
    model = type(obj)
    if pre_save.has_listeners(model) or post_save.has_listeners(model):
        raise TypeError(f"{model._meta.label} has save receivers: save() it")
    if obj.pk is not None:
        raise TypeError("insert writes new rows: this one has its primary key")
    sql, fields = _insert_sql(model, connection.vendor)
    obj._prepare_related_fields_for_save(operation_name="insert")
    with connection.cursor() as cursor:
        cursor.execute(sql, params(obj, fields))
        obj.pk = cursor.fetchone()[0] if connection.features.can_return_columns_from_insert else cursor.lastrowid
    obj._state.adding, obj._state.db = False, connection.alias
    return obj
