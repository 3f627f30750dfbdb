"""Set-based row writes for issuance: COPY on PostgreSQL, bulk_create elsewhere.

Both paths write the same rows. COPY streams rows to the server while the caller builds
the next ones (the server indexes them meanwhile), and costs no SQL compilation: the
issuance of a group is one COPY per table. See docs/adr/0062-visa-issuance-benchmark.md.
"""

from __future__ import annotations

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
