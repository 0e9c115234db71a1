"""The dict-row loader decodes JSON columns exactly as `json.loads` does."""

from __future__ import annotations

import json

import pytest

from apps.applications.rows import load_json, load_page_json

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


@pytest.mark.parametrize("text", TEXTS)
def test_a_json_page_decodes_as_json_loads_decodes_it(text: str) -> None:
    page = f'[{{"id": "a", "custom_fields": {text}, "tag_rows": [{{"n": {text}}}]}}]'

    decoded = load_page_json(page)

    assert decoded == json.loads(page)
    assert json.dumps(decoded) == json.dumps(json.loads(page))
