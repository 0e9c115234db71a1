"""The dict-row loader decodes JSON columns exactly as `json.loads` does."""

from __future__ import annotations

import json

import pytest

from apps.applications.rows import array_literal
from apps.core.json_text import decode_json_columns, load_json, load_json_many

TEXTS = [
    '{"a": 1, "b": [1.5, null, true], "c": {"ü": "東京"}}',
    "[18446744073709551615, 18446744073709551616, 1180591620717411303424, -9223372036854775809]",
    '{"n": 0.1, "e": 1e-07, "big": 1e+300, "digits": "12345678901234567890"}',
    '"\\ud800 lone surrogate"',
    '{"dup": 1, "dup": 2}',
    "[]",
]


@pytest.mark.parametrize("text", TEXTS)
def test_json_columns_decode_as_json_loads_decodes_them(text: str) -> None:
    decoded = load_json(text)

    assert decoded == json.loads(text)
    assert json.dumps(decoded) == json.dumps(json.loads(text))  # the same types too (no int turned float)


def test_many_json_columns_decode_at_once_as_each_alone() -> None:
    texts = [*TEXTS, None, '"plain"', "[1, 2]"]

    decoded = load_json_many(texts)

    assert decoded == [None if text is None else json.loads(text) for text in texts]
    assert json.dumps(decoded) == json.dumps([None if text is None else json.loads(text) for text in texts])
    assert load_json_many(['{"n": 1}', "[true]"]) == [{"n": 1}, [True]]  # without the texts only json.loads reads


@pytest.mark.parametrize(
    "values",
    [
        ["1pBjmcnDCinT8sYespdNgVwA", "sandbox:x-1.2_3"],
        ["b c", 'q"x', "back\\slash", "", "{}", "a,b", "ü"],
        ["a", "null"],
        ["a", "NULL"],
    ],
)
def test_an_array_literal_is_the_sql_psycopg_writes_for_the_list(transactional_db: None, values: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        own = cursor.cursor.mogrify("SELECT %s", [array_literal(values)])
        psycopg = cursor.cursor.mogrify("SELECT %s", [values])
        cursor.execute("SELECT %s::text[]", [array_literal(values)])
        (back,) = cursor.fetchone()

    assert own == psycopg
    assert back == values


def test_plain_ids_become_one_text_parameter_and_anything_else_stays_a_list() -> None:
    assert array_literal(["1pBjmcnDCinT8sYespdNgVwA", "sandbox:x-1"]) == "{1pBjmcnDCinT8sYespdNgVwA,sandbox:x-1}"
    assert array_literal(["a", "b c"]) == ["a", "b c"]
    assert array_literal([1, 2]) == [1, 2]


def test_pipelined_statements_give_what_each_alone_gives_and_errors_stay_django_errors(db: None) -> None:
    from django.db import DatabaseError

    from apps.applications.rows import Compiled, execute, execute_many

    def compiled(sql: str, names: tuple[str, ...], json_positions: tuple[int, ...] = ()) -> Compiled:
        return Compiled(sql=sql, params=(), names=names, json_positions=json_positions, converted=())

    numbers = compiled("SELECT n, %s FROM generate_series(1, 3) AS n", ("n", "label"))
    documents = compiled("SELECT '{\"a\": [1, 2.5]}'::jsonb WHERE %s", ("doc",), (0,))
    empty = compiled("SELECT 1 WHERE %s", ("one",))
    statements = [(numbers, ["x"]), (documents, [True]), (empty, [False])]

    together = execute_many(statements)

    assert together == [execute(item, params) for item, params in statements]
    assert together[0] == [{"n": 1, "label": "x"}, {"n": 2, "label": "x"}, {"n": 3, "label": "x"}]
    assert together[1:] == [[{"doc": {"a": [1, 2.5]}}], []]
    with pytest.raises(DatabaseError):
        execute_many([(numbers, ["x"]), (compiled("SELECT * FROM no_such_table WHERE %s", ("x",)), [True])])


def test_text_that_is_not_json_is_kept_as_django_keeps_it() -> None:
    # A JSON column can hold text that is not JSON only where the database does not check it (SQLite); Django's
    # from_db_value then returns the text as it is, and so do the row loaders.
    rows = [("not json", '{"n": 12345678901234567890}'), (None, "[]")]

    assert decode_json_columns(rows, [0, 1]) == [("not json", {"n": 12345678901234567890}), (None, [])]
