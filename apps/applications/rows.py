"""Loading pages and their nested lists as plain dict rows, with as little Python per row as possible.

A list page is a handful of `values()` queries. Django's own iteration over them costs more than PostgreSQL
takes to run them (per row: a converter call per JSON column, a `json.loads` with its keyword handling, a dict
built through several layers), and compiling each queryset costs about a millisecond. Here:

- a queryset is compiled by Django (so filters, joins and aliases stay Django's), then executed on the same
  connection cursor (so it is logged and counted like any query), and the rows are zipped into dicts;
- JSON columns are decoded with orjson (the same objects `json.loads` gives, except for integers beyond 64 bits,
  which orjson turns into floats: text with a run of 19+ digits is decoded by `json.loads`);
- datetimes come as the contract's text, formatted by PostgreSQL (`WireDatetime`);
- a nested list (`Related`) is one query for the whole page; its SQL is compiled once per process, since only
  the parent ids (one array parameter) change;
- on PostgreSQL a page and its nested lists are usually one statement that returns the whole page as one JSON
  text (`json_page`), decoded by orjson at once: no per-row Python, one round trip.

Other columns with Django converters get them, as `values()` would apply them; on other databases (and for
queries whose columns are not the plain `values()` list) Django's own iteration runs instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import orjson
from django.core.exceptions import EmptyResultSet, FieldDoesNotExist, FieldError
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    BooleanField,
    CharField,
    DateTimeField,
    F,
    ForeignKey,
    Func,
    IntegerField,
    JSONField,
    Lookup,
    Model,
    QuerySet,
    TextField,
    Window,
)
from django.db.models.functions import RowNumber
from django.db.models.sql.compiler import SQLCompiler

Row = dict[str, Any]

_BIG_INTEGER = re.compile(r"\d{19}")


def load_json(text: str) -> Any:
    """`json.loads(text)`, about three times faster for what the ATS columns hold."""
    if text == "[]":
        return []
    if text == "{}":
        return {}
    if len(text) < 19 or _BIG_INTEGER.search(text) is None:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass  # e.g. a lone surrogate escape, which json.loads accepts
    return json.loads(text)


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
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


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


def _wire_aliases(model: type[Model], columns: tuple[str, ...]) -> dict[str, str]:
    """`{alias: column}` for the datetime columns that PostgreSQL formats (none on other databases)."""
    if connection.vendor != "postgresql":
        return {}
    datetimes = _datetime_columns(model, columns)
    return {f"wire_{index}": column for index, column in enumerate(columns) if column in datetimes}


def values_queryset(queryset: QuerySet[Any], columns: tuple[str, ...]) -> tuple[QuerySet[Any], dict[str, str]]:
    """`queryset.values(*columns)` with datetimes as wire text under aliases (see `WireDatetime`)."""
    aliases = _wire_aliases(queryset.model, columns)
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
    # The SELECT aliases (the names before the wire aliases are renamed); whether every column is of a type whose
    # JSON form PostgreSQL writes so that it decodes to what `execute` gives (see `fetch_page_json`).
    aliases: tuple[str, ...] = ()
    json_safe: bool = False


def _is_json_converter(converter: Any) -> bool:
    return getattr(converter, "__func__", None) is JSONField.from_db_value


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
        if len(functions) == 1 and _is_json_converter(functions[0]):
            json_positions.append(position)
        else:
            converted.append((position, tuple(functions), expression))
    return Compiled(
        sql=sql,
        params=tuple(params),
        names=names,
        json_positions=tuple(json_positions),
        converted=tuple(converted),
        aliases=tuple(selected),
        json_safe=all(map(_int_cast, converted)) and all(_json_safe(item[0]) for item in compiler.select),
    )


# Columns whose value PostgreSQL's JSON (row_to_json, json_agg) writes as text, boolean, integer or the jsonb value
# itself: orjson reads those back as exactly the str / bool / int / JSON objects that psycopg and `load_json` give.
# Not floats (PostgreSQL writes NaN and Infinity as strings), decimals, dates, uuids, ...: a page holding one of
# those is loaded row by row.
_JSON_SAFE_FIELDS = (CharField, TextField, BooleanField, IntegerField, JSONField)


def _int_cast(converted: tuple[int, tuple[Any, ...], Any]) -> bool:
    """Django's `int(value)` of an integer annotation: JSON gives the int already."""
    _, functions, expression = converted
    return isinstance(expression.output_field, IntegerField) and functions == (expression.convert_value,)


def _json_safe(expression: Any) -> bool:
    try:
        output = expression.output_field
    except (AttributeError, FieldError):
        return False
    if isinstance(output, ForeignKey):
        output = output.target_field
    return isinstance(output, _JSON_SAFE_FIELDS) and not isinstance(output, ForeignKey)


def execute(compiled: Compiled, params: Iterable[Any] | None = None) -> list[Row]:
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, tuple(compiled.params if params is None else params))
        fetched = cursor.fetchall()
    names, positions, converted = compiled.names, compiled.json_positions, compiled.converted
    if not positions and not converted:
        return [dict(zip(names, row, strict=True)) for row in fetched]
    json_names = [names[position] for position in positions]
    rows = []
    for values in fetched:
        row = dict(zip(names, values, strict=True))
        for name in json_names:
            text = row[name]
            if text is not None:
                row[name] = load_json(text)
        for position, functions, expression in converted:
            value = row[names[position]]
            for function in functions:
                value = function(value, expression, connection)
            row[names[position]] = value
        rows.append(row)
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


@dataclass(frozen=True)
class JsonPage:
    """A page query and its nested lists as one statement returning the page as one JSON text (`fetch_page_json`)."""

    sql: str
    params: tuple[Any, ...]


_PAGE_TEMPLATES: dict[tuple[Any, ...], tuple[Compiled | JsonPage, dict[int, str]] | None] = {}


def fetch_page_rows(
    queryset: QuerySet[Any],
    columns: tuple[str, ...],
    *,
    limit: int,
    shape: tuple[Any, ...] | None,
    slots: dict[str, Any],
    related: tuple[Related, ...] = (),
) -> tuple[list[Row], bool]:
    """`fetch_rows`, with the compiled SQL reused for every request of the same `shape`, and whether the rows hold
    their nested lists already (on PostgreSQL the page and its `related` lists are usually one JSON statement, see
    `json_page`; otherwise the caller loads them with `load_related`).

    `shape` must determine the queryset's structure completely (the endpoint and which optional conditions it
    has, never their values); `slots` are the values that change between such requests (the integration id, the
    cursor's id). The first request of a shape finds where they sit in the parameters; later ones only put theirs
    there. A shape whose parameters can't be told apart that way is compiled every time. None: no reuse.
    """
    if connection.vendor != "postgresql":
        return fetch_rows(queryset, columns, limit), False
    key = None if shape is None else (connection.alias, queryset.model, columns, limit, related, *shape)
    template = _PAGE_TEMPLATES.get(key, _UNKNOWN) if key is not None else _UNKNOWN
    if template is None:
        return fetch_rows(queryset, columns, limit), False
    if template is not _UNKNOWN:
        statement, positions = template  # type: ignore[misc]
        params = list(statement.params)
        for position, name in positions.items():
            params[position] = slots[name]
        return _run(statement, params)
    values, aliases = values_queryset(queryset, columns)
    try:
        compiled = compile_values(values[:limit], aliases)
    except EmptyResultSet:
        return [], True
    if compiled is None:
        if key is not None:
            _PAGE_TEMPLATES[key] = None
        return fetch_rows(queryset, columns, limit), False
    statement: Compiled | JsonPage = json_page(compiled, related) or compiled
    if key is not None:
        positions = {}
        for position, param in enumerate(statement.params):
            names = [name for name, value in slots.items() if param == value]
            if len(names) > 1:  # two slots with the same value: which is which can't be learnt from this request
                return _run(statement, statement.params)
            if names:
                positions[position] = names[0]
        _PAGE_TEMPLATES[key] = (statement, positions) if sorted(positions.values()) == sorted(slots) else None
    return _run(statement, statement.params)


_UNKNOWN: Any = object()


def _run(statement: Compiled | JsonPage, params: Iterable[Any]) -> tuple[list[Row], bool]:
    if isinstance(statement, Compiled):
        return execute(statement, params), False
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, tuple(params))
        (text,) = cursor.fetchone()
    return load_page_json(text), True


# -- a page as one JSON document ----------------------------------------------------------------------------
#
# Loading the page and each nested list as rows costs, per row, psycopg's parsing of every column, a dict built in
# Python and a `load_json` per JSON column, and one more round trip per nested list. PostgreSQL can instead write
# the whole page, nested lists included (correlated subqueries with json_agg), as one JSON text, which orjson turns
# into the same dicts at once. The SQL is still Django's: the page and each nested list are compiled by Django and
# only wrapped here.

_PARENT_PLACEHOLDER = "\x00tributary-parent\x00"  # the parent's value in a nested list's SQL, replaced by the column
_JSON_KEY = re.compile(r"[a-z_][a-z0-9_]*")
_PLACEHOLDER = re.compile(r"%%|%s")
_ORDER = "_tributary_order"
_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")
_NESTED: dict[tuple[str, int], tuple[str, tuple[Any, ...]] | None] = {}


def json_page(page: Compiled, related: tuple[Related, ...]) -> JsonPage | None:
    """`page` (ordered by id) with its nested lists as one statement, or None when a column's type or a name does
    not allow it (see `_JSON_SAFE_FIELDS`)."""
    if not page.json_safe or "id" not in page.names or not all(map(_JSON_KEY.fullmatch, page.names)):
        return None
    quote = connection.ops.quote_name
    outer = dict(zip(page.names, page.aliases, strict=True))
    selected = [f"_s.{quote(alias)} AS {quote(name)}" for alias, name in zip(page.aliases, page.names, strict=True)]
    params: list[Any] = []
    for spec in related:
        nested = _nested_sql(spec)
        if nested is None or spec.key not in outer or spec.name in outer:
            return None
        sql, nested_params = nested
        selected.append(f"{sql.replace(_PARENT_PLACEHOLDER, f'_s.{quote(outer[spec.key])}')} AS {quote(spec.name)}")
        params.extend(nested_params)
    sql = (
        "SELECT coalesce(json_agg(_p ORDER BY _p.\"id\"), '[]'::json)::text "
        f"FROM (SELECT {', '.join(selected)} FROM ({page.sql}) _s) _p"
    )
    return JsonPage(sql=sql, params=(*params, *page.params))


def _nested_sql(spec: Related) -> tuple[str, tuple[Any, ...]] | None:
    """`(SELECT json_agg(...))` of the nested list for one parent, the parent written as `_PARENT_PLACEHOLDER`."""
    cache_key = (connection.alias, id(spec))
    if cache_key in _NESTED:
        return _NESTED[cache_key]
    _NESTED[cache_key] = None
    # The list's order as a row number (json_agg's own ORDER BY), so the subquery itself needs none.
    order = Window(RowNumber(), order_by=list(spec.queryset.query.order_by) or ["pk"])
    ordered = spec.queryset.order_by().filter(**{spec.parent: _PARENT_PLACEHOLDER}).annotate(**{_ORDER: order})
    values, aliases = values_queryset(ordered, (spec.parent, *spec.columns, _ORDER))
    try:
        compiled = compile_values(values, aliases)
    except EmptyResultSet:
        return None
    if compiled is None or not compiled.json_safe or compiled.params.count(_PARENT_PLACEHOLDER) != 1:
        return None
    keys = [(name, alias) for name, alias in zip(compiled.names, compiled.aliases, strict=True) if name != _ORDER]
    if len(keys) > 50 or not all(_JSON_KEY.fullmatch(name) for name, _ in keys):  # json_build_object: 100 arguments
        return None
    at = compiled.params.index(_PARENT_PLACEHOLDER)
    pieces = _PLACEHOLDER.split(compiled.sql)
    marks = _PLACEHOLDER.findall(compiled.sql)
    inner, seen = [pieces[0]], -1
    for mark, piece in zip(marks, pieces[1:], strict=True):
        if mark == "%s":
            seen += 1
        inner.append(_PARENT_PLACEHOLDER if mark == "%s" and seen == at else mark)
        inner.append(piece)
    quote = connection.ops.quote_name
    pairs = ", ".join(f"'{name}', _r.{quote(alias)}" for name, alias in keys)
    sql = (
        f"(SELECT coalesce(json_agg(json_build_object({pairs}) ORDER BY _r.{quote(_ORDER)}), '[]'::json) "
        f"FROM ({''.join(inner)}) _r)"
    )
    params = tuple(param for position, param in enumerate(compiled.params) if position != at)
    _NESTED[cache_key] = (sql, params)
    return _NESTED[cache_key]


def load_page_json(text: str) -> list[Row]:
    """The page's rows from its JSON text, as `json.loads` decodes it (orjson unless a run of 19+ digits might be an
    integer beyond 64 bits, which orjson would turn into a float; or text only json.loads accepts)."""
    data = text.encode()
    if b"0000000000000000000" not in data.translate(_DIGITS_TO_ZERO):
        try:
            return orjson.loads(data)  # type: ignore[no-any-return]
        except orjson.JSONDecodeError:
            pass
    return json.loads(text)  # type: ignore[no-any-return]


# -- nested lists ----------------------------------------------------------------------------------------

_IDS_PLACEHOLDER = ["\x00tributary-parent-ids\x00"]  # stands for the page's parent ids in the cached SQL


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

    def rows(self, keys: list[Any]) -> list[Row]:
        columns = (self.parent, *self.columns)
        if connection.vendor != "postgresql":
            return fetch_rows(self.queryset.filter(AnyOf(F(self.parent), keys)), columns)
        if connection.alias not in self._compiled:
            values, aliases = values_queryset(self.queryset.filter(AnyOf(F(self.parent), _IDS_PLACEHOLDER)), columns)
            compiled = compile_values(values, aliases)
            if compiled is not None and compiled.params.count(_IDS_PLACEHOLDER) != 1:
                compiled = None
            self._compiled[connection.alias] = compiled
        compiled = self._compiled[connection.alias]
        if compiled is None:
            return fetch_rows(self.queryset.filter(AnyOf(F(self.parent), keys)), columns)
        return execute(compiled, [keys if param == _IDS_PLACEHOLDER else param for param in compiled.params])


def load_related(rows: list[Row], related: Iterable[Related]) -> None:
    for spec in related:
        keys = {row[spec.key] for row in rows} - {None}
        groups: dict[Any, list[Row]] = {}
        if keys:
            parent = spec.parent
            for child in spec.rows(sorted(keys)):
                groups.setdefault(child[parent], []).append(child)
        for row in rows:
            row[spec.name] = groups.get(row[spec.key], [])
