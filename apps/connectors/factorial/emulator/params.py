"""Factorial emulator: query parameters (Rails-style array filters) and cursor/offset paging."""

from __future__ import annotations

import base64
import binascii
import bisect
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from apps.connectors.emulation.http import HttpError, Request, Response

MAX_PAGE = 100  # "pagination is applied by default ... limit of 100 ... also the max limit" (pagination.md)


def _bad_param(name: str, message: str) -> HttpError:
    return HttpError(400, "bad_request", f"{name}: {message}", details=[{"field": name, "message": message}])


def _ids(request: Request, name: str) -> set[int] | None:
    """A Rails-style array filter (`ids[]=1&ids[]=2`, also `ids=1`); integer or string ids. None when absent."""
    values = request.args(name)
    if not values:
        return None
    out = set()
    for value in values:
        for part in value.split(","):
            if not part.strip().isdigit():
                raise _bad_param(name, "must be ids")
            out.add(int(part))
    return out


def _single_id(request: Request, name: str) -> int | None:
    ids = _ids(request, name)
    if ids is None:
        return None
    if len(ids) != 1:
        raise _bad_param(name, "takes one id")
    return next(iter(ids))


def _bool(request: Request, name: str) -> bool | None:
    value = request.arg(name)
    if value is None or value == "":
        return None
    lowered = value.lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise _bad_param(name, "must be true or false")


def _number(request: Request, name: str) -> float | None:
    value = request.arg(name)
    if value is None or value == "":
        return None
    try:
        return float(value)
    except ValueError:
        raise _bad_param(name, "must be a number") from None


def _date_arg(request: Request, name: str) -> datetime | None:
    value = request.arg(name)
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise _bad_param(name, "must be a date or an ISO-8601 date-time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def encode_cursor(identifier: int) -> str:
    """Cursors are the base64 of the id: `MTY=` is 16 (F-REPO pagination.md)."""
    return base64.b64encode(str(identifier).encode()).decode()


def _decode_cursor(request: Request, name: str) -> int | None:
    value = request.arg(name)
    if value is None or value == "":
        return None
    try:
        decoded = base64.b64decode(value, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = ""
    if decoded.isdigit():
        return int(decoded)
    # The guide calls `after_id` "the id that serves as the pointer" while its example sends base64; a plain
    # numeric id is accepted too (our leniency).
    if value.isdigit():
        return int(value)
    raise _bad_param(name, "must be a cursor (start_cursor / end_cursor of a page)")


def _page(request: Request, items: Sequence[Any], render_item: Callable[[Any], dict[str, Any]]) -> Response:
    """Cursor pagination (the default): `limit` (default = max = 100; larger values are cut to 100, as the guide
    says), `after_id` / `before_id` cursors, items by id ascending. The legacy offset style (`page`, 1-based) is
    served when `page` is sent, with a meta without cursors (F-DOC how-does-it-work#offset-pagination)."""
    raw_limit = request.arg("limit")
    limit = MAX_PAGE
    if raw_limit not in (None, ""):
        if not raw_limit.isdigit() or int(raw_limit) < 1:
            raise _bad_param("limit", "must be a positive integer")
        limit = min(int(raw_limit), MAX_PAGE)
    total = len(items)
    raw_page = request.arg("page")
    if raw_page not in (None, ""):
        if not raw_page.isdigit() or int(raw_page) < 1:
            raise _bad_param("page", "must be a positive integer")
        start = (int(raw_page) - 1) * limit
        window = items[start : start + limit]
        meta = {"has_next_page": start + limit < total, "has_previous_page": start > 0, "total": total, "limit": limit}
        return Response.json({"data": [render_item(item) for item in window], "meta": meta})
    ids = [item.id for item in items]
    after, before = _decode_cursor(request, "after_id"), _decode_cursor(request, "before_id")
    if after is not None:
        start = bisect.bisect_right(ids, after)
        end = min(total, start + limit)
        if before is not None:
            end = min(end, bisect.bisect_left(ids, before))
    elif before is not None:
        end = bisect.bisect_left(ids, before)
        start = max(0, end - limit)
    else:
        start, end = 0, min(total, limit)
    window = items[start:end] if end > start else []
    meta = {
        "has_next_page": end < total,
        "has_previous_page": start > 0,
        "start_cursor": encode_cursor(window[0].id) if window else None,
        "end_cursor": encode_cursor(window[-1].id) if window else None,
        "total": total,
        "limit": limit,
    }
    return Response.json({"data": [render_item(item) for item in window], "meta": meta})
