"""Fleet-wide limits of sync work: how many runs of one tool may be active at once, and how long one task may
hold a run before it yields to the others waiting (fairness).

A tool's cap is `SYNC_TOOL_CONCURRENCY[tool]` when set (`null` there means no cap), else its connector's
`rate_budget.max_concurrency` (a connector without a rate budget, like the sandbox, has no cap). Two places keep
it: the dispatcher queues no more new runs of a tool than its free slots (`apps.integrations.dispatch`), and a
worker starts a QUEUED run only while fewer than the cap of that tool are RUNNING (`sync_runs._claim`, under a
per-tool advisory lock), so manual sync requests cannot exceed it either: such a run stays QUEUED and the
dispatcher re-sends it once a slot is free.
"""

from __future__ import annotations

import zlib

from django.conf import settings
from django.db import connection

from apps.connectors.registry import UnknownTool, get_connector_class


def tool_cap(tool: str) -> int | None:
    """Runs of `tool` allowed to be active at once across the fleet; None: no cap."""
    overrides: dict[str, int | None] = getattr(settings, "SYNC_TOOL_CONCURRENCY", {}) or {}
    if tool in overrides:
        value = overrides[tool]
        return None if value is None else max(1, int(value))
    try:
        budget = get_connector_class(tool).rate_budget
    except UnknownTool:
        return None
    return budget.max_concurrency if budget is not None else None


def lock_tool(tool: str) -> None:
    """Serialise run starts of one tool until the transaction ends (PostgreSQL advisory lock; a no-op elsewhere)."""
    if connection.vendor != "postgresql":
        return
    key = zlib.crc32(f"tributary-sync-tool:{tool}".encode()) - 2**31  # a stable signed 32-bit key per tool
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [7301, key])


def slice_seconds() -> float:
    return float(getattr(settings, "SYNC_TASK_SLICE_SECONDS", 30.0))


def slice_pages() -> int | None:
    pages = getattr(settings, "SYNC_TASK_SLICE_PAGES", 50)
    return int(pages) if pages else None
