"""A create's `custom_fields` values checked against the ATS field they are mapped to, before anything is sent.

Each connector that writes them reads the field's definition from the ATS (its type, its options) and names the
type in one of these kinds; a value that does not fit fails the whole create with a 400 naming the request's key,
instead of the ATS refusing it after the candidate or application exists.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from apps.connectors.catalog import ReadModel
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


@dataclass(frozen=True)
class Mapped:
    """A value whose key names a custom field of its model, of a kind Tributary writes."""

    value: CustomFieldValue
    field: Mapping[str, Any]  # the ATS's definition
    kind: str
    name: str  # the request's key


def mapped_values(
    values: Sequence[CustomFieldValue],
    defined: Mapping[str, Mapping[str, Any]],
    *,
    model_of: Callable[[Mapping[str, Any]], str | None],
    kind_of: Callable[[Mapping[str, Any]], str | None],
    warnings: list[str],
    warning_not_custom: str,
    warning_unsupported: str,
) -> list[Mapped]:
    """The values mapped to a candidate or application custom field (`defined`, by field id) of a kind we write;
    the others are named in the two warnings (`{keys}`): mapped to a standard or job field or a field gone
    meanwhile, or of a type we do not write."""
    found: list[Mapped] = []
    not_custom: list[str] = []
    unsupported: list[str] = []
    for value in values:
        name = value.name or value.key
        field = defined.get(value.key)
        if field is None or model_of(field) != value.model or value.model == ReadModel.JOBS.value:
            not_custom.append(name)
            continue
        kind = kind_of(field)
        if kind is None:
            unsupported.append(name)
            continue
        found.append(Mapped(value=value, field=field, kind=kind, name=name))
    if not_custom:
        warnings.append(warning_not_custom.format(keys=", ".join(sorted(not_custom))))
    if unsupported:
        warnings.append(warning_unsupported.format(keys=", ".join(sorted(unsupported))))
    return found
