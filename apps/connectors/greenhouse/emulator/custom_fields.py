"""Greenhouse custom fields: their definitions and options, and the values a candidate / application create takes.

Facts (GH-V1 `harvest/_custom_fields.md`, `_candidates.md`, `_jobs.md` "Custom Field Parameters"): a custom field is
`{id, name, active, field_type, priority, value_type, private, required, name_key, custom_field_options[]}`,
`value_type` ∈ short_text, long_text, yes_no, single_select, multi_select, currency, currency_range, number,
number_range, date, url, user; `name_key` is the "immutable field key". A write element names the field by `id` or
`name_key` and carries `value` ("a string or a number"; single/multi select: "a custom field option id or an array
of custom field option ids"); ranges carry `min_value` < `max_value`, currencies a 3-letter `unit`; blank values do not
validate. Records read `keyed_custom_fields`: name_key → `{name, type, value}`, a select's value by option name,
a yes_no field typed `boolean` (doc examples).

Assumed (the v3 pages are not readable; listed in the connector's assumptions): v3 lists the definitions at
`GET /v3/custom_fields` (filter `field_type`) and the options at `GET /v3/custom_field_options` (filter
`custom_field_ids`, rows `{id, custom_field_id, name, active, sort_order}`), as third-party v3 connectors read them;
`POST /v3/candidates` and `POST /v3/applications` take v1's elements as `custom_fields: [...]`; a v3 record's
`custom_fields` is v1's keyed shape holding the fields that have a value; an element that does not fit is a 422
naming `custom_fields[i]`, and nothing of that request is created.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from apps.connectors.emulation.records import fmt
from apps.connectors.greenhouse.emulator.state import Invalid, Rec, State

# (id, field_type, name, name_key, value_type, options) of the seeded company (fixed ids: other ids do not move).
SEEDED = (
    (5001, "candidate", "Desired Salary", "desired_salary", "number", ()),
    (5002, "candidate", "Work Remotely", "work_remotely", "yes_no", ()),
    (5003, "application", "Referral Channel", "referral_channel", "single_select", ("Event", "Employee", "Online")),
    (5004, "application", "Earliest Start", "earliest_start", "date", ()),
    (5005, "job", "Cost Center", "cost_center", "short_text", ()),
)
READ_TYPE = {"yes_no": "boolean"}  # GH-V1 doc example: a yes_no field reads `"type": "boolean"`
TEXT_TYPES = ("short_text", "long_text", "url")


def seed(state: State, at: datetime) -> None:
    when = fmt(at)
    for field_id, field_type, name, name_key, value_type, options in SEEDED:
        state.custom_fields[field_id] = {
            "id": field_id, "name": name, "name_key": name_key, "field_type": field_type, "value_type": value_type,
            "active": True, "private": False, "required": False, "priority": len(state.custom_fields),
            "created_at": when, "updated_at": when,
        }  # fmt: skip
        for order, label in enumerate(options):
            option_id = field_id * 100 + order + 1
            state.custom_field_options[option_id] = {
                "id": option_id, "custom_field_id": field_id, "name": label, "active": True, "sort_order": order,
                "created_at": when, "updated_at": when,
            }  # fmt: skip


def _definition(state: State, item: Rec, field_type: str, where: str) -> Rec:
    by_id, by_key = item.get("id"), item.get("name_key")
    found = None
    if isinstance(by_id, int) and not isinstance(by_id, bool):
        found = state.custom_fields.get(by_id)
    elif isinstance(by_key, str):
        found = next((d for d in state.custom_fields.values() if d["name_key"] == by_key), None)
    else:
        raise Invalid(f"{where}.id", "id or name_key is required")
    if found is None or not found["active"] or found["field_type"] != field_type:
        raise Invalid(f"{where}.id", f"is not a custom field of this {field_type}")
    return found


def _number(value: Any) -> float | int | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            return float(value) if "." in value else int(value)
        except ValueError:
            return None
    return None


def _option(state: State, definition: Rec, value: Any) -> str | None:
    found = state.custom_field_options.get(value) if isinstance(value, int) and not isinstance(value, bool) else None
    if found is None or found["custom_field_id"] != definition["id"] or not found["active"]:
        return None
    return str(found["name"])


def _value(state: State, definition: Rec, item: Rec, where: str) -> Any:
    """The value as the record reads it; Invalid when the element does not fit the field's `value_type`."""
    kind, value = definition["value_type"], item.get("value")
    if kind in ("number_range", "currency_range"):
        low, high = _number(item.get("min_value")), _number(item.get("max_value"))
        if low is None or high is None or low >= high:
            raise Invalid(f"{where}.min_value", "min_value and max_value must be numbers, min_value < max_value")
        answer: Rec = {"min_value": low, "max_value": high}
        if kind == "currency_range":
            answer["unit"] = _unit(item, where)
        return answer
    if value is None or value == "":
        raise Invalid(f"{where}.value", "can't be blank")
    if kind in TEXT_TYPES and isinstance(value, str):
        return value
    if kind == "number" and _number(value) is not None:
        return _number(value)
    if kind == "currency" and _number(value) is not None:
        return {"amount": _number(value), "unit": _unit(item, where)}
    if kind == "yes_no" and isinstance(value, bool):
        return value
    if kind == "date" and isinstance(value, str) and _is_date(value):
        return value
    if kind == "single_select" and _option(state, definition, value) is not None:
        return _option(state, definition, value)
    if kind == "multi_select" and isinstance(value, list) and value:
        names = [_option(state, definition, option_id) for option_id in value]
        if all(name is not None for name in names):
            return names
    if kind == "user" and isinstance(value, int) and value in state.users:
        return state.users[value]["name"]
    raise Invalid(f"{where}.value", f"is not a valid {kind} value for {definition['name']}")


def _unit(item: Rec, where: str) -> str:
    unit = item.get("unit")
    if not isinstance(unit, str) or len(unit) != 3 or not unit.isalpha():
        raise Invalid(f"{where}.unit", "must be a 3-letter ISO-4217 currency code")
    return unit.upper()


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def written(state: State, body: Rec, field_type: str) -> Rec:
    """The request's `custom_fields` as the record stores them (name_key → {name, type, value}); checked whole
    before the caller creates anything."""
    items = body.get("custom_fields")
    if items is None:
        return {}
    if not isinstance(items, list):
        raise Invalid("custom_fields", "must be an array")
    stored: Rec = {}
    for index, item in enumerate(items):
        where = f"custom_fields[{index}]"
        if not isinstance(item, dict):
            raise Invalid(where, "must be an object")
        definition = _definition(state, item, field_type, where)
        stored[definition["name_key"]] = {
            "name": definition["name"],
            "type": READ_TYPE.get(definition["value_type"], definition["value_type"]),
            "value": _value(state, definition, item, where),
        }
    return stored
