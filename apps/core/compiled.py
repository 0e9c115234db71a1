"""Fixed-shape `values()` querysets compiled to SQL once per process.

Django compiles a queryset to SQL on every evaluation; for the lookups every create-application request makes (its
job, the source mapping, the stored application for the response) that compiling cost more than the database spends
on the statements. A `CompiledValues` builds its queryset once with placeholder arguments, keeps the SQL, and
executes it with each call's arguments, converting the values exactly as `QuerySet.values()` does: Django's own
converters, except that a plain JSON column is decoded by `load_json` (the same objects as its `json.loads`, in a
third of the time), all of a result's JSON cells in one call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.sql.compiler import SQLCompiler

from apps.core.db import reused_cursor
from apps.core.json_text import decode_json_columns, is_plain_json_column

Row = dict[str, Any]
M = TypeVar("M", bound=Model)


class _Placeholder(str):
    """An argument while compiling; found again among the compiled parameters by identity."""


@dataclass(frozen=True)
class _Statement:
    compiler: SQLCompiler
    sql: str
    params: list[Any]
    slots: list[int | None]  # per parameter: the argument it takes, or None (a constant)
    names: list[str]
    json_positions: list[int]  # plain JSON columns, decoded together (decode_json_columns)
    converters: dict[int, tuple[list[Any], Any]]  # the other columns' Django converters


class CompiledValues:
    """`build(*arguments)` → a `values()` queryset whose shape does not depend on the arguments (they only fill
    parameters: ids to filter by, not names or lists)."""

    def __init__(self, build: Callable[..., QuerySet[Any]], arity: int) -> None:
        self._build = build
        self._arity = arity
        self._compiled: _Statement | None = None

    def _compile(self) -> _Statement:
        placeholders = [_Placeholder(f"argument-{index}") for index in range(self._arity)]
        queryset = self._build(*placeholders)
        query = queryset.query
        compiler = query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        ids = {id(placeholder): index for index, placeholder in enumerate(placeholders)}
        slots = [ids.get(id(param)) for param in params]
        if {slot for slot in slots if slot is not None} != set(range(self._arity)):
            raise ValueError("every argument must end up as a parameter of the compiled statement")
        # as ValuesIterable names them
        names = (
            list(query.selected)
            if query.selected
            else [*query.extra_select, *query.values_select, *query.annotation_select]
        )
        converters = compiler.get_converters([column for column, _, _ in compiler.select[: compiler.col_count]])
        json_positions = [position for position, converter in converters.items() if is_plain_json_column(*converter)]
        for position in json_positions:
            del converters[position]
        self._compiled = _Statement(compiler, sql, list(params), slots, names, json_positions, converters)
        return self._compiled

    def rows(self, *arguments: Any) -> list[Row]:
        statement = self._compiled or self._compile()
        bound = [
            param if slot is None else arguments[slot]
            for param, slot in zip(statement.params, statement.slots, strict=True)
        ]
        cursor = reused_cursor(statement.compiler.using)
        cursor.execute(statement.sql, bound)
        fetched: Any = cursor.fetchall()
        if fetched and statement.json_positions:
            fetched = decode_json_columns(fetched, statement.json_positions)
        if fetched and statement.converters:
            fetched = self._converted(fetched, statement.converters, connections[statement.compiler.using])
        return [dict(zip(statement.names, row, strict=True)) for row in fetched]

    @staticmethod
    def _converted(rows: list[Any], converters: dict[int, Any], connection: Any) -> list[list[Any]]:
        """`SQLCompiler.apply_converters`, with this thread's connection (the compiler's is the compiling one's)."""
        result = []
        for row in rows:
            values = list(row)
            for position, (functions, expression) in converters.items():
                value = values[position]
                for function in functions:
                    value = function(value, expression, connection)
                values[position] = value
            result.append(values)
        return result

    def instances(self, model: type[M], *arguments: Any) -> list[M]:
        """The rows as `model` instances, as a `.only(<the values' fields>)` queryset gives them: the fields not
        selected are deferred (loaded on first access). The values must name concrete fields (`attname`s)."""
        rows = self.rows(*arguments)
        if not rows:
            return []
        assert self._compiled is not None
        using = self._compiled.compiler.using
        selected = set(rows[0])
        fields = [field.attname for field in model._meta.concrete_fields if field.attname in selected]
        return [model.from_db(using, fields, [row[name] for name in fields]) for row in rows]


class CompiledInsert:
    """`instance.save()` for a new instance of `model`, as one INSERT of every concrete column whose SQL is built
    once per process. `save()` compiles its statement anew each time, which cost more than the database spends
    on it. For plain rows only: no parents, no `auto_now`/`pre_save` fields, and a primary key set in Python."""

    def __init__(self, model: type[Model]) -> None:
        self._model = model
        self._sql: dict[str, str] = {}

    def insert(self, instance: Model, using: str = "default") -> None:
        connection = connections[using]
        fields = self._model._meta.concrete_fields
        sql = self._sql.get(connection.vendor)
        if sql is None:
            quote = connection.ops.quote_name
            columns = ", ".join(quote(field.column) for field in fields)
            placeholders = ", ".join(["%s"] * len(fields))
            sql = self._sql[connection.vendor] = (
                f"INSERT INTO {quote(self._model._meta.db_table)} ({columns}) VALUES ({placeholders})"
            )
        values = [field.get_db_prep_save(getattr(instance, field.attname), connection) for field in fields]
        reused_cursor(using).execute(sql, values)
        instance._state.adding, instance._state.db = False, using
