"""The /v1 JSON parser: DRF's, plus a nesting limit.

Without one, a body like `[[[[…]]]]` nested a few thousand levels deep makes the decoder (or, a little less deep,
any recursive code that later walks the value) raise RecursionError, which is a 500. No request body of the
contract comes near the limit.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_JSON_DEPTH = 64
MESSAGE_TOO_DEEP = f"JSON nested deeper than {MAX_JSON_DEPTH} levels."


def json_depth_exceeds(value: Any, limit: int) -> bool:
    """Whether containers in `value` nest deeper than `limit` (iterative: the value itself may be very deep)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


class JsonParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict[str, Any] | None = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(MESSAGE_TOO_DEEP) from None
        if json_depth_exceeds(data, MAX_JSON_DEPTH):
            raise ParseError(MESSAGE_TOO_DEEP)
        return data
