"""The SmartRecruiters emulator's request-body readers: each refuses a bad value with `Invalid`."""

from __future__ import annotations

from typing import Any

from apps.connectors.emulation.records import fmt as fmt  # re-exported: the renderers format times with it
from apps.connectors.smartrecruiters.emulator.model import (
    Invalid,
)


def _required_text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise Invalid(f"{key}: must not be empty")
    return value.strip()


def _optional_text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid(f"{key}: must be a string")
    return value.strip() or None


def _object(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Invalid(f"{key}: must be an object")
    return dict(value)


def _list_of_objects(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise Invalid(f"{key}: must be an array of objects")
    return [dict(item) for item in value]


def _web(value: Any) -> dict[str, str]:
    """Accept both `linkedin` (WebProfile) and `linkedIn` (Web) spellings (reference A5); store `linkedin`."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Invalid("web: must be an object")
    web = {key: str(item) for key, item in value.items() if item}
    if "linkedIn" in web:
        web["linkedin"] = web.pop("linkedIn")
    return web


def _tags(value: Any, key: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(tag, str) and tag.strip() for tag in value):
        raise Invalid(f"{key}: must be an array of non-empty strings")
    return [tag.strip() for tag in value]


def tags_from_body(body: Any) -> list[str]:
    if not isinstance(body, dict) or "tags" not in body:
        raise Invalid("tags: must not be null")
    return _tags(body["tags"], "tags")


def _merge_tags(existing: list[str], new: list[str]) -> list[str]:
    merged = list(existing)
    for tag in new:
        if tag not in merged:
            merged.append(tag)
    return merged
