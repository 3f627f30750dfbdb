"""Set-based row writes, for the paths that write thousands of rows at once (visa
issuance, crossing batches, the outbox relay). Every helper runs in the caller's transaction
and writes the same rows on PostgreSQL and elsewhere:

- `rows_insert`: new rows, no ids returned: COPY on PostgreSQL (rows stream to the server
  while the caller builds the next ones, and no SQL is compiled), bulk_create elsewhere;
  `ids_reserve` takes ids from the sequence beforehand when the caller needs them.
- `bulk_insert`: new model instances whose ids are set: one INSERT ... SELECT FROM unnest
  with one array per column on PostgreSQL, bulk_create elsewhere.
- `bulk_set`: some fields of many rows in one UPDATE (see its docstring).

See docs/adr/0062-visa-issuance-benchmark.md and 0077-*.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

# Rows per INSERT where COPY is not available.
BATCH = 1000
_ENCODER = DjangoJSONEncoder()


def uses_copy() -> bool:
    return transaction.get_connection().vendor == "postgresql"


def ids_reserve(model: type[models.Model], count: int) -> list[int]:
    """Take `count` ids from the table's id sequence (PostgreSQL), in increasing order."""
    connection = transaction.get_connection()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return sorted(row[0] for row in cursor.fetchall())


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{name} is not a column of {model._meta.label}")
    return str(field.column)


def rows_insert(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    json_fields: frozenset[str] = frozenset(),
) -> list[models.Model]:
    """Insert rows of `fields` (attribute names) into `model`'s table inside the caller's
    transaction. On PostgreSQL one COPY (returns []); elsewhere bulk_create, returning the
    instances with their ids. JSON fields take Python values on both paths."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("rows_insert must run inside transaction.atomic")
    meta = model._meta
    if connection.vendor != "postgresql":
        objs = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        return model._default_manager.bulk_create(objs, batch_size=BATCH)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(_column(model, name)) for name in fields)
    positions = [i for i, name in enumerate(fields) if name in json_fields]
    sql = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        if positions:
            for row in rows:
                values = list(row)
                for i in positions:
                    values[i] = _ENCODER.encode(values[i])
                copy.write_row(values)
        else:
            for row in rows:
                copy.write_row(row)
    return []


def bulk_insert(model: Any, objs: Sequence[Any]) -> None:
    """Insert many new rows and set their ids. On PostgreSQL one INSERT ... SELECT FROM
    unnest(...) RETURNING id with one array per column (values prepared by each field,
    without the ORM's per-value compilation); elsewhere `bulk_create`."""
    if not objs:
        return
    from django.db import connection

    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=1000)
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    arrays: list[str] = []
    selects: list[str] = []
    params: list[Any] = []
    for i, f in enumerate(fields):
        values = [f.pre_save(obj, True) for obj in objs]
        if isinstance(f, models.JSONField):
            arrays.append("%s::text[]")
            selects.append(f"CAST(v.c{i} AS jsonb)")
            params.append([None if v is None else json.dumps(v, cls=f.encoder) for v in values])
        else:
            arrays.append(f"%s::{f.db_type(connection)}[]")
            selects.append(f"v.c{i}")
            params.append([f.get_db_prep_save(v, connection) for v in values])
    columns = ", ".join(f.column for f in fields)
    names = ", ".join(f"c{i}" for i in range(len(fields)))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {meta.db_table} ({columns}) "  # noqa: S608 - ours
            f"SELECT {', '.join(selects)} FROM unnest({', '.join(arrays)}) AS v({names}) "
            f"RETURNING {meta.pk.column}",
            params,
        )
        ids = [row[0] for row in cursor.fetchall()]
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias


def bulk_set(model: Any, objs: Sequence[Any], fields: Sequence[str]) -> None:
    """Write `fields` of many rows in one UPDATE. On PostgreSQL the values travel as one
    array per column (`UPDATE ... FROM unnest(...)`): a handful of parameters whatever the
    row count, so neither the driver nor the server parses thousands of placeholders.
    Elsewhere one UPDATE ... FROM (VALUES ...) per 1000 rows (Django's bulk_update builds a
    CASE per field and row, far slower for hundreds of rows)."""
    if not objs:
        return
    from django.db import connection

    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    names = ", ".join(["id", *(f"c{i}" for i in range(len(columns)))])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            assignments = ", ".join(f"{f.column} = v.c{i}" for i, f in enumerate(columns))
            arrays = ", ".join(
                ["%s::bigint[]", *(f"%s::{f.db_type(connection)}[]" for f in columns)]
            )
            params: list[Any] = [[obj.pk for obj in objs]]
            params += [
                [f.get_db_prep_save(getattr(obj, f.attname), connection) for obj in objs]
                for f in columns
            ]
            cursor.execute(
                f"UPDATE {meta.db_table} AS t SET {assignments} "  # noqa: S608 - ours
                f"FROM unnest({arrays}) AS v({names}) WHERE t.id = v.id",
                params,
            )
            return
        assignments = ", ".join(f"{f.column} = v.c{i}" for i, f in enumerate(columns))
        width = len(columns) + 1
        for start in range(0, len(objs), 1000):
            chunk = objs[start : start + 1000]
            values_params: list[Any] = []
            for obj in chunk:
                values_params.append(obj.pk)
                for f in columns:
                    values_params.append(f.get_db_prep_save(getattr(obj, f.attname), connection))
            row = "(" + ", ".join(["%s"] * width) + ")"
            values = ", ".join([row] * len(chunk))
            cursor.execute(
                f"WITH v({names}) AS (VALUES {values}) "  # noqa: S608 - ours
                f"UPDATE {meta.db_table} SET {assignments} FROM v "
                f"WHERE {meta.db_table}.id = v.id",
                values_params,
            )
