"""Inserting many new rows of one model at once: PostgreSQL's COPY where it runs, `bulk_create` elsewhere.

An import of 100,000 people spends most of an `INSERT ... VALUES` in compiling it (Django prepares every value
through three layers of field methods, psycopg then quotes each one). COPY takes the rows as they are: the
values are prepared once per field with the same field methods (encryption, JSON), the primary keys are taken
from the table's own sequence in one query beforehand, so the caller gets its instances back with their pk as
`bulk_create` would give them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)

COPY_BATCH = 5000
# Field classes whose Python value is what PostgreSQL stores (psycopg's text dumpers write it as such); any
# other field goes through its own get_db_prep_save, exactly as an INSERT would send it.
_PLAIN = (
    models.AutoField,
    models.BigAutoField,
    models.BigIntegerField,
    models.BooleanField,
    models.CharField,
    models.DateField,
    models.DateTimeField,
    models.ForeignKey,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.TextField,
)


def _preparer(field: models.Field) -> Callable[[Any], Any]:
    if isinstance(field, models.JSONField):
        encoder = field.encoder

        def dump_json(value: Any) -> Any:
            return None if value is None else json.dumps(value, cls=encoder)

        return dump_json
    if type(field) in _PLAIN:
        return _same
    return lambda value: field.get_db_prep_save(value, connection)


def _same(value: Any) -> Any:
    return value


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.generated]


@lru_cache(maxsize=64)
def _layout(model: type[models.Model]) -> tuple[tuple[str, models.Field], ...]:
    return tuple((f.attname, f) for f in model._meta.concrete_fields)


def new_instance(model: type[M], **values: Any) -> M:
    """`model(**values)` for rows about to be bulk-inserted, by attribute name (`person_id`, not `person`):
    the same instance, built through Django's positional path, which is four times quicker than keywords for
    a model with many defaults. A field not given takes its default, as with keywords."""
    layout = _layout(model)
    args = [values.pop(name) if name in values else field.get_default() for name, field in layout]
    if values:
        raise TypeError(f"{model.__name__} has no field {', '.join(sorted(values))}")
    return model(*args)


def _reserve_pks(model: type[models.Model], count: int) -> list[int]:
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [connection.ops.quote_name(table), column, count],
        )
        # In ascending order, so that the rows keep the order of `objects` (the audit chain relies on it).
        return sorted(row[0] for row in cursor.fetchall())


def bulk_insert(objects: list[M], *, batch_size: int = COPY_BATCH) -> list[M]:
    """Inserts new instances of one model, inside the caller's transaction, and sets their primary keys.

    Like `bulk_create`, no `save()` runs and no signal is sent; the database's constraints and triggers apply
    (a duplicate raises IntegrityError). The instances must not have a primary key yet.
    """
    if not objects:
        return objects
    model = type(objects[0])
    if connection.vendor != "postgresql":
        return model._default_manager.bulk_create(objects, batch_size=1000)
    pk_field = model._meta.pk
    for obj, pk in zip(objects, _reserve_pks(model, len(objects)), strict=True):
        setattr(obj, pk_field.attname, pk)
    fields = _fields(model)
    auto_times = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    preparers = [(f.attname, _preparer(f)) for f in fields]
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    statement = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    connection.ensure_connection()
    with connection.wrap_database_errors, connection.connection.cursor() as cursor:
        for start in range(0, len(objects), batch_size):
            with cursor.copy(statement) as copy:
                for obj in objects[start : start + batch_size]:
                    for field in auto_times:
                        field.pre_save(obj, True)
                    values = obj.__dict__
                    copy.write_row([prepare(values[name]) for name, prepare in preparers])
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objects
