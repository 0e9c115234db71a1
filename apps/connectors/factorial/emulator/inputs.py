"""The Factorial emulator's request-body readers: each refuses a bad value with `Invalid` naming the field."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from apps.connectors.emulation.records import fmt as fmt  # re-exported: the renderers format times with it
from apps.connectors.emulation.records import ms
from apps.connectors.factorial.emulator.model import (
    CONTRACT_TYPES,
    JOB_CATEGORIES,
    SALARY_FORMATS,
    SALARY_PERIODS,
    SCHEDULE_TYPES,
    WORKPLACE_TYPES,
    Invalid,
    QuestionOption,
    optional_id,
    parse_time,
)


def required_text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise Invalid("can't be blank", key)
    if not isinstance(value, str):
        raise Invalid("must be a string", key)
    return value.strip()


def optional_text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)  # e.g. a phone sent as a number (doc examples show `34612345678` unquoted)
    if not isinstance(value, str):
        raise Invalid("must be a string", key)
    return value.strip() or None


def optional_email(data: dict[str, Any], key: str) -> str | None:
    email = optional_text(data, key)
    if email is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise Invalid("is invalid", key)
    return email


def required_int(data: dict[str, Any], key: str) -> int:
    value = data.get(key)
    if value is None:
        raise Invalid("can't be blank", key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid("must be an integer", key)
    return value


def optional_bool(data: dict[str, Any], key: str, default: bool) -> bool:
    value = data.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise Invalid("must be true or false", key)
    return value


def optional_enum(data: dict[str, Any], key: str, allowed: Iterable[str]) -> str | None:
    value = data.get(key)
    allowed = tuple(allowed)
    if value is not None and value not in allowed:
        raise Invalid(f"must be one of {', '.join(allowed)}", key)
    return value


def optional_time(data: dict[str, Any], key: str) -> datetime | None:
    value = data.get(key)
    return None if value is None else ms(parse_time(value, key))


def parse_options(value: Any, question_type: str) -> list[QuestionOption]:
    if value is None:
        value = []
    if not isinstance(value, list):
        raise Invalid("must be an array", "options")
    options = []
    for index, item in enumerate(value):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not item["text"].strip():
            raise Invalid("each option needs a text", f"options[{index}]")
        disqualifies = item.get("disqualifies", False)
        if not isinstance(disqualifies, bool):
            raise Invalid("must be true or false", f"options[{index}].disqualifies")
        options.append(QuestionOption(item["text"].strip(), disqualifies))
    if question_type in ("single_choice", "multiple_choice") and not options:
        raise Invalid(f"a {question_type} question needs options", "options")
    if question_type not in ("single_choice", "multiple_choice") and options:
        raise Invalid(f"a {question_type} question takes no options", "options")
    return options


def _job_fields(body: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, allowed in (
        ("contract_type", CONTRACT_TYPES),
        ("category", JOB_CATEGORIES),
        ("workplace_type", WORKPLACE_TYPES),
        ("schedule_type", SCHEDULE_TYPES),
        ("salary_format", SALARY_FORMATS),
    ):
        if key in body:
            out[key] = optional_enum(body, key, allowed)
    if "salary_period" in body:
        period = optional_enum(body, "salary_period", SALARY_PERIODS)
        out["salary_period"] = period or "annual"
    if "description" in body:
        out["description"] = optional_text(body, "description")
    for key in ("team_id", "location_id", "legal_entity_id"):
        if key in body:
            out[key] = optional_id(body[key], key)
    for key in ("salary_from_amount_in_cents", "salary_to_amount_in_cents"):
        if key in body:
            out[key] = None if body[key] is None else required_int(body, key)
    for key in ("remote", "hide_salary"):
        if key in body:
            out[key] = optional_bool(body, key, False)
    return out
