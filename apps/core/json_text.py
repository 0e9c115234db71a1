"""JSON text from the database decoded as `json.loads` decodes it, in a fraction of its time.

orjson gives the same objects as `json.loads` for what the ATS columns hold, except for integers beyond 64 bits
(which it turns into floats) and lone surrogate escapes (which it refuses): text with a run of 19+ digits goes to
`json.loads`, and so does text orjson refuses.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

import orjson
from django.db.models import JSONField
from django.db.models.expressions import Col

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


_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")


def load_json_many(texts: Sequence[str | None]) -> list[Any]:
    """`[load_json(text) ...]` (None stays None) with one orjson call for all: a page's JSON columns are hundreds of
    small texts, and a call per text costs more than the decoding itself."""
    data = ("[" + ",".join([text or "null" for text in texts]) + "]").encode()  # JSON text is never empty
    if b"0000000000000000000" not in data.translate(_DIGITS_TO_ZERO):  # no run of 19+ digits (see load_json)
        try:
            decoded: list[Any] = orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
        else:
            return decoded
    return [None if text is None else load_json(text) for text in texts]


def is_plain_json_column(functions: Sequence[Any], expression: Any) -> bool:
    """Whether Django's only converter for this selected column is `JSONField.from_db_value` of a field without
    a decoder (a plain column, not a key transform): then `decode_json_columns` gives the same values."""
    field = getattr(expression, "target", None)
    return (
        type(expression) is Col
        and isinstance(field, JSONField)
        and field.decoder is None
        and [getattr(function, "__func__", None) for function in functions] == [JSONField.from_db_value]
    )


def _loaded_or_text(text: str | None) -> Any:
    """`JSONField.from_db_value` of a plain column: None stays None, text that is not JSON is returned as it is."""
    if text is None:
        return None
    try:
        return load_json(text)
    except json.JSONDecodeError:
        return text


def decode_json_columns(rows: Sequence[Sequence[Any]], positions: Sequence[int]) -> list[tuple[Any, ...]]:
    """The fetched rows with the JSON text at `positions` decoded, every cell of them in one `load_json_many` call
    (a call per cell or per column costs more than the decoding). Text that is not JSON (possible only where the
    database does not check it) is kept as Django keeps it."""
    columns: list[Any] = list(zip(*rows, strict=True))
    texts = [text for position in positions for text in columns[position]]
    try:
        decoded = load_json_many(texts)
    except json.JSONDecodeError:
        decoded = [_loaded_or_text(text) for text in texts]
    count = len(rows)
    for index, position in enumerate(positions):
        columns[position] = decoded[index * count : (index + 1) * count]
    return list(zip(*columns, strict=True))
