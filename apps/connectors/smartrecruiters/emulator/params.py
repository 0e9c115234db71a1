"""SmartRecruiters emulator: query parameters and `pageId` keyset paging."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from apps.connectors.emulation.http import Request
from apps.connectors.smartrecruiters.emulator.model import Invalid, parse_time
from apps.connectors.smartrecruiters.emulator.state import fmt


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _enum_arg(request: Request, name: str, allowed: tuple[str, ...]) -> str | None:
    value = request.arg(name)
    if value is not None and value not in allowed:
        raise Invalid(f"{name}: must be one of {', '.join(allowed)}")
    return value


def _time_arg(request: Request, name: str) -> datetime | None:
    value = request.arg(name)
    return parse_time(value, name) if value else None


def _limit(request: Request, default: int) -> int:
    return request.int_arg("limit", default, minimum=1, maximum=100)


def _sorted(items: Iterable[Any]) -> list[Any]:
    return sorted(items, key=lambda item: (item.created_on, item.id))


def _encode_page_id(item: Any) -> str:
    raw = f"{fmt(item.created_on)}|{item.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_page_id(page_id: str) -> tuple[str, str]:
    try:
        raw = base64.urlsafe_b64decode(page_id + "=" * (-len(page_id) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise Invalid("pageId: invalid page identifier") from None
    created, separator, identifier = raw.partition("|")
    if not separator:
        raise Invalid("pageId: invalid page identifier")
    return created, identifier


def _keyset_page(
    request: Request, items: list[Any], *, default_limit: int, allow_offset: bool
) -> tuple[list[Any], int, str | None]:
    """`pageId` paging: the token names the last record seen (createdOn + id), so records created or deleted
    between pages never shift the remaining ones. `/jobs` also accepts the deprecated `offset`."""
    limit = request.int_arg("limit", default_limit, minimum=1, maximum=100)
    ordered = _sorted(items)
    page_id = request.arg("pageId")
    if page_id:
        created, identifier = _decode_page_id(page_id)
        cursor = (parse_time(created, "pageId"), identifier)
        start = next((index for index, item in enumerate(ordered) if (item.created_on, item.id) > cursor), len(ordered))
    elif allow_offset:
        start = request.int_arg("offset", 0)
    else:
        start = 0
    content = ordered[start : start + limit]
    next_page = _encode_page_id(content[-1]) if content and start + limit < len(ordered) else None
    return content, start, next_page
