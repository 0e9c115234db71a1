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
