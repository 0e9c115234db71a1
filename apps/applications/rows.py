"""Loading pages and their nested lists as plain dict rows, with as little Python per row as possible.

A list page is a handful of `values()` queries. Django's own iteration over them costs more than PostgreSQL
takes to run them (per row: a converter call per JSON column, a `json.loads` with its keyword handling, a dict
built through several layers), and compiling each queryset costs about a millisecond. Here:

- a queryset is compiled by Django (so filters, joins and aliases stay Django's), then executed on the same
  connection cursor (so it is logged and counted like any query), and the rows are zipped into dicts;
- JSON columns are decoded with orjson, all of a query's at once (the same objects `json.loads` gives, except for
  integers beyond 64 bits, which orjson turns into floats: text with a run of 19+ digits is decoded by
  `json.loads`);
- datetimes come as the contract's text, formatted by PostgreSQL (`WireDatetime`);
- a nested list (`Related`) is one query for the whole page; its SQL is compiled once per process, since only
  the parent ids (one array parameter) change; a page's nested lists go out together (psycopg's pipeline mode);
- a page of a fixed shape reuses its compiled SQL without even building its queryset (`fetch_page_rows`).

Other columns with Django converters get them, as `values()` would apply them; on other databases (and for
queries whose columns are not the plain `values()` list) Django's own iteration runs instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.core.exceptions import EmptyResultSet, FieldDoesNotExist
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, DateTimeField, F, Func, Lookup, Model, QuerySet
from django.db.models.sql.compiler import SQLCompiler

from apps.core.db import reused_cursor
from apps.core.json_text import decode_json_columns, is_plain_json_column

Row = dict[str, Any]


class AnyOf(Lookup):
    """`column = ANY(%s)` with the values as one array parameter (PostgreSQL).

    A page loads its nested lists for 100-250 parent ids; Django's `__in` prepares and binds every id on its own,
    which costs more than the query itself. Other databases get a plain `IN (...)`.
    """

    lookup_name = "any_of"
    prepare_rhs = False  # the ids are passed through as they are

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, array_literal(values)]
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


_PLAIN_ELEMENTS = re.compile(r"[A-Za-z0-9_:.-]+(?:,[A-Za-z0-9_:.-]+)*")


def array_literal(values: list[Any]) -> Any:
    """A list of plain strings (our ids) as PostgreSQL's array text `{a,b}`, the very literal psycopg writes for the
    list itself (the SQL is the same) at a fraction of its cost. Any other list is passed on as it is: elements
    that need quotes (or `NULL`) are left to psycopg."""
    try:
        joined = ",".join(values)
    except TypeError:  # not all strings
        return values
    # "NULL" anywhere (not only as a whole element) sends the list to psycopg too: rare, and cheaper to find.
    if not values or _PLAIN_ELEMENTS.fullmatch(joined) is None or "NULL" in joined.upper():
        return values
    return "{" + joined + "}"


class WireDatetime(Func):
    """A datetime column as the contract's text, `YYYY-MM-DDTHH:mm:ss.sssZ`, formatted by PostgreSQL.

    Parsing each timestamp into a Python datetime and formatting it back costs more than running the page
    query; `to_char` truncates to milliseconds exactly as `format_datetime` does. Other databases skip this
    and the presenters format the datetimes.
    """

    output_field = CharField()
    template = "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"


@cache
def _datetime_columns(model: type[Model], columns: tuple[str, ...]) -> frozenset[str]:
    """Which of `columns` (`relation__field` paths from `model`) are datetime fields."""
    found = set()
    for column in columns:
        current: Any = model
        found_field = None
        for part in column.split("__"):
            try:
                found_field = current._meta.get_field(part)
            except (FieldDoesNotExist, AttributeError):
                found_field = None  # an annotation
                break
            current = found_field.related_model
        if isinstance(found_field, DateTimeField):
            found.add(column)
    return frozenset(found)


def wire_aliases(model: type[Model], columns: tuple[str, ...]) -> dict[str, str]:
    """`{alias: column}` for the datetime columns that PostgreSQL formats (none on other databases)."""
    if connection.vendor != "postgresql":
        return {}
    datetimes = _datetime_columns(model, columns)
    return {f"wire_{index}": column for index, column in enumerate(columns) if column in datetimes}


def values_queryset(queryset: QuerySet[Any], columns: tuple[str, ...]) -> tuple[QuerySet[Any], dict[str, str]]:
    """`queryset.values(*columns)` with datetimes as wire text under aliases (see `WireDatetime`)."""
    aliases = wire_aliases(queryset.model, columns)
    if not aliases:
        return queryset.values(*columns), aliases
    queryset = queryset.annotate(**{alias: WireDatetime(column) for alias, column in aliases.items()})
    return queryset.values(*(column for column in columns if column not in aliases.values()), *aliases), aliases


@dataclass(frozen=True)
class Compiled:
    """A values() query ready to run: SQL, parameters, the row keys, which positions hold JSON text and which
    need Django's converters (`(position, functions, expression)`)."""

    sql: str
    params: tuple[Any, ...]
    names: tuple[str, ...]
    json_positions: tuple[int, ...]
    converted: tuple[tuple[int, tuple[Any, ...], Any], ...]


def compile_values(queryset: QuerySet[Any], aliases: dict[str, str]) -> Compiled | None:
    """Compile a values() queryset; None when its columns are not the plain list values() would give.

    Raises EmptyResultSet when the query can match nothing (e.g. `id IN ()`).
    """
    query = queryset.query
    compiler = query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    # The row keys in SELECT order, as Django's ValuesIterable names them.
    selected = query.selected or (*query.extra_select, *query.values_select, *query.annotation_select)
    names = tuple(aliases.get(name, name) for name in selected)
    if len(names) != len(compiler.select) or compiler.col_count != len(names):
        return None
    converters = compiler.get_converters([expression for expression, _, _ in compiler.select])
    json_positions, converted = [], []
    for position, (functions, expression) in sorted(converters.items()):
        if is_plain_json_column(functions, expression):
            json_positions.append(position)
        else:
            converted.append((position, tuple(functions), expression))
    return Compiled(
        sql=sql,
        params=tuple(params),
        names=names,
        json_positions=tuple(json_positions),
        converted=tuple(converted),
    )


def execute(compiled: Compiled, params: Iterable[Any] | None = None) -> list[Row]:
    cursor = reused_cursor()
    cursor.execute(compiled.sql, tuple(compiled.params if params is None else params))
    return _rows(compiled, cursor.fetchall())


def execute_many(statements: list[tuple[Compiled, list[Any]]]) -> list[list[Row]]:
    """`[execute(compiled, params) ...]`, the statements sent together in psycopg's pipeline mode (PostgreSQL)."""
    connection.ensure_connection()
    cursors = [connection.cursor() for _ in statements]
    try:
        with connection.wrap_database_errors, connection.connection.pipeline():
            for cursor, (compiled, params) in zip(cursors, statements, strict=True):
                cursor.execute(compiled.sql, tuple(params))
            fetched = [cursor.fetchall() for cursor in cursors]
    finally:
        for cursor in cursors:
            cursor.close()
    return [_rows(compiled, rows) for (compiled, _), rows in zip(statements, fetched, strict=True)]


def _rows(compiled: Compiled, fetched: list[tuple[Any, ...]]) -> list[Row]:
    names, positions, converted = compiled.names, compiled.json_positions, compiled.converted
    if not fetched:
        return []
    if positions:
        fetched = decode_json_columns(fetched, positions)
    rows = [dict(zip(names, values, strict=True)) for values in fetched]
    if converted:
        for row in rows:
            for position, functions, expression in converted:
                value = row[names[position]]
                for function in functions:
                    value = function(value, expression, connection)
                row[names[position]] = value
    return rows


def fetch_rows(queryset: QuerySet[Any], columns: tuple[str, ...], limit: int | None = None) -> list[Row]:
    """The rows of `queryset.values(*columns)[:limit]`, datetimes as wire text."""
    values, aliases = values_queryset(queryset, columns)
    if limit is not None:
        values = values[:limit]
    try:
        compiled = compile_values(values, aliases) if connection.vendor == "postgresql" else None
    except EmptyResultSet:
        return []
    if compiled is not None:
        return execute(compiled)
    rows = list(values)
    for row in rows:
        for alias, column in aliases.items():
            row[column] = row.pop(alias)
    return rows


# -- page queries of a fixed shape ------------------------------------------------------------------------

_PAGE_TEMPLATES: dict[tuple[Any, ...], tuple[Compiled, dict[int, str]] | None] = {}


def fetch_page_rows(
    build: Callable[[], QuerySet[Any]],
    model: type[Model],
    columns: tuple[str, ...],
    *,
    limit: int,
    shape: tuple[Any, ...] | None,
    slots: dict[str, Any],
) -> list[Row]:
    """`fetch_rows` of the queryset `build()` returns (one of `model`), with the compiled SQL reused for every
    request of the same `shape`; the queryset is then not even built (that costs more than running the SQL).

    `shape` must determine the queryset's structure completely (the endpoint and which optional conditions it
    has, never their values); `slots` are the values that change between such requests (the integration id, the
    cursor's id). The first request of a shape finds where they sit in the parameters; later ones only put theirs
    there. A shape whose parameters can't be told apart that way is compiled every time. None: no reuse.
    """
    if shape is None or connection.vendor != "postgresql":
        return fetch_rows(build(), columns, limit)
    key = (connection.alias, model, columns, limit, *shape)
    if key not in _PAGE_TEMPLATES:
        queryset = build()
        values, aliases = values_queryset(queryset, columns)
        try:
            compiled = compile_values(values[:limit], aliases)
        except EmptyResultSet:
            return []
        if compiled is None:
            _PAGE_TEMPLATES[key] = None
            return fetch_rows(queryset, columns, limit)
        positions = {}
        for position, param in enumerate(compiled.params):
            names = [name for name, value in slots.items() if param == value]
            if len(names) > 1:  # two slots with the same value: which is which can't be learnt from this request
                return execute(compiled)
            if names:
                positions[position] = names[0]
        if sorted(positions.values()) != sorted(slots):
            _PAGE_TEMPLATES[key] = None
            return execute(compiled)
        _PAGE_TEMPLATES[key] = (compiled, positions)
        return execute(compiled)
    template = _PAGE_TEMPLATES[key]
    if template is None:
        return fetch_rows(build(), columns, limit)
    compiled, positions = template
    params = list(compiled.params)
    for position, name in positions.items():
        params[position] = slots[name]
    return execute(compiled, params)


# -- nested lists ----------------------------------------------------------------------------------------

_IDS_PLACEHOLDER = ["\x00tributary-parent-ids\x00"]  # stands for the page's parent ids in the cached SQL
_IDS_PARAM = array_literal(_IDS_PLACEHOLDER)  # ... as AnyOf passes it


@dataclass(frozen=True)
class Related:
    """A nested list loaded for a whole page in one query.

    The rows of `queryset.values(parent, *columns)` whose `parent` is one of the page rows' `key` values are
    grouped and set on each page row under `name` (a list of dicts, in queryset order). Cheaper than Django's
    prefetch_related, which clones a queryset per record. Define each `Related` once (module level): its SQL is
    compiled on first use and reused.
    """

    name: str
    queryset: QuerySet[Any]
    parent: str
    columns: tuple[str, ...]
    key: str = "id"
    _compiled: dict[str, Compiled | None] = field(default_factory=dict, compare=False, repr=False)

    def statement(self, keys: list[Any]) -> tuple[Compiled, list[Any]] | None:
        """The compiled query and its parameters for these parent ids (PostgreSQL), or None: use `rows`."""
        if connection.vendor != "postgresql":
            return None
        if connection.alias not in self._compiled:
            columns = (self.parent, *self.columns)
            values, aliases = values_queryset(self.queryset.filter(AnyOf(F(self.parent), _IDS_PLACEHOLDER)), columns)
            compiled = compile_values(values, aliases)
            if compiled is not None and compiled.params.count(_IDS_PARAM) != 1:
                compiled = None
            self._compiled[connection.alias] = compiled
        compiled = self._compiled[connection.alias]
        if compiled is None:
            return None
        ids = array_literal(keys)
        return compiled, [ids if param == _IDS_PARAM else param for param in compiled.params]

    def rows(self, keys: list[Any]) -> list[Row]:
        statement = self.statement(keys)
        if statement is None:
            return fetch_rows(self.queryset.filter(AnyOf(F(self.parent), keys)), (self.parent, *self.columns))
        return execute(*statement)


def load_related(rows: list[Row], related: Iterable[Related]) -> None:
    """Each nested list's rows for the page. On PostgreSQL the lists' queries go out together in pipeline mode
    (https://www.psycopg.org/psycopg3/docs/advanced/pipeline.html): the same statements, one after the other on
    the server, without waiting a round trip between them."""
    wanted = [(spec, sorted({row[spec.key] for row in rows} - {None})) for spec in related]
    statements = [spec.statement(keys) if keys else None for spec, keys in wanted]
    pending = [statement for statement in statements if statement is not None]
    fetched = iter(execute_many(pending) if len(pending) > 1 else [execute(*pending[0])] if pending else [])
    for (spec, keys), statement in zip(wanted, statements, strict=True):
        children = next(fetched) if statement is not None else spec.rows(keys) if keys else []
        groups: dict[Any, list[Row]] = {}
        parent = spec.parent
        for child in children:
            groups.setdefault(child[parent], []).append(child)
        for row in rows:
            row[spec.name] = groups.get(row[spec.key], [])
