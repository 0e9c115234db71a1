"""Reading an integration field's raw value out of a record's `remote_data` (pure functions, no ORM)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def value_at(data: Any, path: Sequence[Any]) -> Any:
    """The value at `path` (see `RemoteFieldDefinition.path`), None where any step is missing.

    A step is a key of an object, or a `[name, value]` pair picking the element of a list whose `name` equals
    `value` (stored as a JSON list). An empty path has no value.
    """
    if not path:
        return None
    current = data
    for step in path:
        if isinstance(step, (list, tuple)) and len(step) == 2:
            name, wanted = step
            if not isinstance(current, list):
                return None
            current = next((item for item in current if isinstance(item, dict) and item.get(name) == wanted), None)
        elif isinstance(current, dict):
            current = current.get(step)
        else:
            return None
        if current is None:
            return None
    return current
