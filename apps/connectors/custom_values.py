"""A create's `custom_fields` values checked against the ATS field they are mapped to, before anything is sent.

Each connector that writes them reads the field's definition from the ATS (its type, its options) and names the
type in one of these kinds; a value that does not fit fails the whole create with a 400 naming the request's key,
instead of the ATS refusing it after the candidate or application exists.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from apps.connectors.dtos import CustomFieldValue
from apps.connectors.errors import ConnectorInputError

TEXT = "TEXT"
NUMBER = "NUMBER"
BOOLEAN = "BOOLEAN"
DATE = "DATE"
SELECT = "SELECT"  # one option, named by its label
MULTI_SELECT = "MULTI_SELECT"  # a list of options, named by their labels

EXPECTED = {
    NUMBER: "a number",
    BOOLEAN: "true or false",
    DATE: "a date (YYYY-MM-DD)",
    MULTI_SELECT: "a list of non-empty strings",
}
MESSAGE_BAD_VALUE = "custom_fields.{name}: {owner} “{label}” ({kind}) takes {expected}; got {value}."


def _is_date(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def fits(kind: str, value: Any) -> bool:
    """Whether `value` has the JSON type the kind takes (options are checked by `check`)."""
    match kind:
        case "NUMBER":
            return isinstance(value, int | float) and not isinstance(value, bool)
        case "BOOLEAN":
            return isinstance(value, bool)
        case "DATE":
            return _is_date(value)
        case "MULTI_SELECT":
            return isinstance(value, list) and bool(value) and all(_is_text(item) for item in value)
        case _:  # TEXT, SELECT and kinds we do not know: a non-empty string
            return _is_text(value)


def shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)[:80]


def check(
    value: CustomFieldValue,
    *,
    kind: str,
    owner: str,
    label: str,
    vendor_kind: str,
    options: Sequence[str] | None = None,
) -> None:
    """ConnectorInputError (400) naming the request's key when the value does not fit the field: its JSON type, and
    for selects one of `options` (the field's labels, exact). `owner` names the field's kind in the message, e.g.
    "SmartRecruiters' property"; `vendor_kind` is the ATS's own name of the type."""
    chosen = value.value if isinstance(value.value, list) else [value.value]
    fine = fits(kind, value.value)
    if fine and options is not None and kind in (SELECT, MULTI_SELECT):
        fine = all(item in options for item in chosen)
    if fine:
        return
    expected = EXPECTED.get(kind, "a non-empty string")
    if options is not None and kind in (SELECT, MULTI_SELECT):
        listed = ", ".join(f"“{option}”" for option in options)
        expected = f"{'one' if kind == SELECT else 'a list'} of {listed}"
    raise ConnectorInputError(
        MESSAGE_BAD_VALUE.format(
            name=value.name or value.key, owner=owner, label=label, kind=vendor_kind, expected=expected,
            value=shown(value.value),
        ),
        status_code=400,
    )  # fmt: skip
