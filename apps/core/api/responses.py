"""The success envelope: HTTP 200 + `{"status": "success", "data": ..., "warnings": [...]}`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rest_framework.response import Response


def success(data: Any, *, warnings: Iterable[str] | None = None) -> Response:
    body: dict[str, Any] = {"status": "success", "data": data}
    if warnings is not None:
        body["warnings"] = [{"message": message} for message in warnings]
    return Response(body, status=200)


def page(results: list[dict[str, Any]], next_cursor: str | None) -> Response:
    return success({"next": next_cursor, "results": results})
