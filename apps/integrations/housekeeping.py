"""Hourly clean-up of rows that only matter for a while; each purge lives next to the code that writes the rows.

Apps above this one (`apps.applications`: idempotency keys) register their purges at start-up, so this module
needs no import of them (DESIGN.md "Apps and their direction").
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from apps.core.timeutils import utcnow
from apps.integrations.abandoned import abandoned_integrations_purge
from apps.integrations.connect_checks import pending_credentials_purge
from apps.integrations.connect_services import connect_tokens_purge
from apps.integrations.request_log import outbound_requests_purge
from apps.integrations.sync import sync_runs_purge
from apps.integrations.webhook_services import webhook_events_purge

logger = logging.getLogger(__name__)

Purge = Callable[..., int]  # called as purge(now=...), returns how many rows it deleted

_PURGES: dict[str, Purge] = {
    "abandoned_integrations": abandoned_integrations_purge,
    "connect_tokens": connect_tokens_purge,
    "pending_credentials": pending_credentials_purge,
    "outbound_requests": outbound_requests_purge,
    "sync_runs": sync_runs_purge,
    "webhook_events": webhook_events_purge,
}


def housekeeping_register(name: str, purge: Purge) -> None:
    """Add a purge to the hourly run (an app's `ready()`); registering a name again replaces it."""
    _PURGES[name] = purge


def housekeeping_run(*, now: datetime | None = None) -> dict[str, int]:
    """Run every purge once; returns how many rows each deleted."""
    now = now or utcnow()
    deleted = {name: purge(now=now) for name, purge in _PURGES.items()}
    logger.info("housekeeping deleted %s", deleted)
    return deleted
