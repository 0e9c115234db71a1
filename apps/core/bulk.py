"""Fast bulk writes: PostgreSQL COPY where available, `bulk_create` / `bulk_update` elsewhere.

Syncs insert tens of thousands of rows and update thousands; COPY is several times faster than multi-row
INSERTs, and an `UPDATE ... FROM` a COPY-filled temporary table avoids the CASE WHEN statements Django's
`bulk_update` builds (which cost more Python time than the database spends on them). A few rows (a write
request's one candidate and application, a small delta) go in one plain INSERT or UPDATE statement instead: a
COPY costs a round trip more, and a staging table four. Rows are dicts of attribute names (`candidate_id`, not
`candidate`); for inserts, fields left out get their model default.
"""

from __future__ import annotations

import functools
import json
import re
import secrets
from collections.abc import Sequence
from typing import Any

from django.db import connections, models, router, transaction

from apps.core.db import reused_cursor

# Up to this many rows, one INSERT ... VALUES / UPDATE ... FROM (VALUES ...) statement instead of COPY.
FEW_ROWS = 10
_VARCHAR_LENGTH = re.compile(r"varchar\(\d+\)")


class JsonText(str):
    """A value for a JSON column that is already serialized (saves encoding it a second time)."""


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {key: json.loads(value) if isinstance(value, JsonText) else value for key, value in row.items()}


def _values(fields: Sequence[models.Field[Any, Any]], rows: Sequence[dict[str, Any]]) -> list[list[Any]]:
    """The rows as value lists in `fields` order: defaults filled in, JSON columns as JSON text."""
    attnames = [field.attname for field in fields]
    json_positions = [index for index, field in enumerate(fields) if isinstance(field, models.JSONField)]
    defaults = {field.attname: field.get_default() for field in fields if field.attname not in rows[0]}
    result = []
    for row in rows:
        values = [row[name] if name in row else defaults[name] for name in attnames]
        for index in json_positions:
            value = values[index]
            if value is not None and not isinstance(value, JsonText):
                values[index] = json.dumps(value, separators=(",", ":"))
        result.append(values)
    return result


def _typed_rows(cursor: Any, fields: Sequence[models.Field[Any, Any]], count: int) -> str:
    """`(CAST(%s AS type), ...), ...` for `count` rows: VALUES outside an INSERT has no column types to go by. The
    cast drops varchar lengths: an explicit cast to varchar(n) truncates silently, the assignment to the column
    then raises on a value too long, as INSERT and COPY do."""
    marks = ", ".join(
        f"CAST(%s AS {_VARCHAR_LENGTH.sub('varchar', str(field.db_type(cursor.db)))})" for field in fields
    )
    return ", ".join([f"({marks})"] * count)


def _copy(cursor: Any, table: str, fields: Sequence[models.Field[Any, Any]], rows: Sequence[dict[str, Any]]) -> None:
    quote = cursor.db.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for values in _values(fields, rows):
            copy.write_row(values)


@functools.cache
def _insert_shape(model: type[models.Model], using: str) -> tuple[str, list[models.Field[Any, Any]], str]:
    """The quoted table, the fields written and their quoted columns (a write request inserts a row or two)."""
    quote = connections[using].ops.quote_name
    fields = [field for field in model._meta.concrete_fields if not isinstance(field, models.AutoField)]
    return quote(model._meta.db_table), fields, ", ".join(quote(field.column) for field in fields)


@functools.cache
def _rows(count: int, width: int) -> str:
    marks = ", ".join(["%s"] * width)
    return ", ".join([f"({marks})"] * count)


def bulk_insert(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (no conflict handling: callers know the rows are new)."""
    if not rows:
        return
    using = router.db_for_write(model)
    connection = connections[using]
    if connection.vendor != "postgresql":
        model._default_manager.using(using).bulk_create([model(**_plain(row)) for row in rows], batch_size=500)
        return
    table, fields, columns = _insert_shape(model, using)
    if len(rows) <= FEW_ROWS:
        reused_cursor(using).execute(
            f"INSERT INTO {table} ({columns}) VALUES {_rows(len(rows), len(fields))}",
            [value for values in _values(fields, rows) for value in values],
        )
        return
    with connection.cursor() as cursor:
        _copy(cursor, table, fields, rows)


def bulk_update(model: type[models.Model], rows: Sequence[dict[str, Any]], attnames: Sequence[str]) -> None:
    """Set `attnames` of the rows whose primary key is `row["id"]` to the rows' values."""
    if not rows:
        return
    using = router.db_for_write(model)
    connection = connections[using]
    if connection.vendor != "postgresql":
        objects = [model(**_plain(row)) for row in rows]
        model._default_manager.using(using).bulk_update(objects, list(attnames), batch_size=500)
        return
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    fields = [pk, *(meta.get_field(name) for name in attnames)]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    staging = quote(f"bulk_update_{secrets.token_hex(6)}")
    selected = ", ".join(quote(field.column) for field in fields)  # type: ignore[union-attr]
    assignments = ", ".join(f"{quote(field.column)} = s.{quote(field.column)}" for field in fields[1:])  # type: ignore[union-attr]
    if len(rows) <= FEW_ROWS:
        cursor = reused_cursor(using)
        cursor.execute(
            f"UPDATE {table} AS t SET {assignments} FROM (VALUES {_typed_rows(cursor, fields, len(rows))}) "
            f"AS s ({selected}) WHERE t.{quote(pk.column)} = s.{quote(pk.column)}",  # type: ignore[union-attr]
            [value for values in _values(fields, rows) for value in values],  # type: ignore[arg-type]
        )
        return
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS SELECT {selected} FROM {table} WITH NO DATA"
        )
        _copy(cursor, staging, fields, rows)  # type: ignore[arg-type]
        cursor.execute(
            f"UPDATE {table} AS t SET {assignments} FROM {staging} AS s "
            f"WHERE t.{quote(pk.column)} = s.{quote(pk.column)}"
        )
        cursor.execute(f"DROP TABLE {staging}")
