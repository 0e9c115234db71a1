"""Harvest v3 list paging: filters on the first call, then only `cursor` (opaque), `Link: <…>; rel="next"`.

GH-V3-DOC pagination: "per_page" 1-500 (default 100), `ids` ≤ 50, `created_at`/`updated_at` as pipe-delimited
`op|time` pairs (`gte|2024-01-01T00:00:00Z|lte|…`), and with `cursor` no other parameter is allowed.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from apps.connectors.emulation.http import Request, Response
from apps.connectors.greenhouse.emulator.state import Invalid, Rec

MAX_PER_PAGE = 500
DEFAULT_PER_PAGE = 100
MAX_IDS = 50
COMMON = ("per_page", "ids", "created_at", "updated_at", "fields")
OPS: dict[str, Callable[[datetime, datetime], bool]] = {
    "gte": lambda a, b: a >= b,
    "lte": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "lt": lambda a, b: a < b,
}
Filter = Callable[[Rec, str], bool]


def _time(value: str, name: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid(name, "must be an ISO-8601 time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _time_filter(raw: str, name: str) -> Callable[[Rec], bool]:
    parts = raw.split("|")
    if len(parts) % 2 or not parts[0]:
        raise Invalid(name, "must be op|time pairs, e.g. gte|2024-01-01T00:00:00Z")
    checks = []
    for op, value in zip(parts[::2], parts[1::2], strict=True):
        if op not in OPS:
            raise Invalid(name, f"unknown operator {op} (gte, lte, gt, lt)")
        checks.append((OPS[op], _time(value, name)))
    return lambda record: all(check(_time(record[name], name), at) for check, at in checks)


def id_list(raw: str, name: str, limit: int | None = None) -> set[int]:
    parts = [part.strip() for part in raw.split(",") if part.strip()]
    if not all(part.isdigit() for part in parts):
        raise Invalid(name, "must be comma-separated integers")
    if limit is not None and len(parts) > limit:
        raise Invalid(name, f"at most {limit} ids")
    return {int(part) for part in parts}


def paged(
    request: Request, path: str, rows: Iterable[Rec], filters: dict[str, Filter], render: Callable[[Rec], Rec]
) -> Response:
    """One page of `rows` (any order in; id order out) with the query's filters or the cursor's."""
    query = {key: values[0] for key, values in request.query.items() if values}
    after = 0
    if "cursor" in query:
        extra = sorted(set(query) - {"cursor"})
        if extra:  # "With cursor, no other query param is allowed" (status NOT FOUND: 422 assumed, A8.4)
            raise Invalid(extra[0], "no other parameter is allowed together with cursor")
        try:
            saved = json.loads(base64.urlsafe_b64decode(query["cursor"].encode()))
            after, query = int(saved["after"]), dict(saved["query"])
        except (ValueError, KeyError, TypeError, binascii.Error):
            raise Invalid("cursor", "is invalid") from None
    unknown = sorted(set(query) - set(COMMON) - set(filters))
    if unknown:  # assumed: an unknown filter is refused rather than ignored
        raise Invalid(unknown[0], "is not a filter of this endpoint")
    try:
        per_page = int(query.get("per_page", DEFAULT_PER_PAGE))
    except ValueError:
        raise Invalid("per_page", "must be an integer") from None
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise Invalid("per_page", f"must be between 1 and {MAX_PER_PAGE}")
    checks: list[Callable[[Rec], bool]] = []
    if "ids" in query:
        wanted = id_list(query["ids"], "ids", MAX_IDS)
        checks.append(lambda record: record["id"] in wanted)
    for name in ("created_at", "updated_at"):
        if name in query:
            checks.append(_time_filter(query[name], name))
    for name, check in filters.items():
        if name in query:
            value = query[name]
            checks.append(lambda record, check=check, value=value: check(record, value))
    selected = sorted((r for r in rows if r["id"] > after and all(c(r) for c in checks)), key=lambda r: r["id"])
    page = selected[:per_page]
    response = Response.json([render(record) for record in page])
    if len(selected) > per_page:
        token = base64.urlsafe_b64encode(json.dumps({"after": page[-1]["id"], "query": query}).encode()).decode()
        response.set_header("Link", f'<{request.base_url}{path}?{urlencode({"cursor": token})}>; rel="next"')
    return response


def ids_filter(field: str) -> Filter:
    def check(record: Rec, raw: str) -> bool:
        return record.get(field) in id_list(raw, f"{field}s")

    return check


def equals(field: str, translate: dict[str, str] | None = None) -> Filter:
    def check(record: Rec, raw: str) -> bool:
        return record.get(field) == (translate or {}).get(raw, raw)

    return check


def any_of(items: Any) -> list[Any]:
    return list(items)
