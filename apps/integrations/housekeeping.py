"""Hourly clean-up of rows that only matter for a while; each purge lives next to the code that writes the rows."""

from __future__ import annotations

import logging
from datetime import datetime

from apps.applications.writes.idempotency import idempotency_keys_purge
from apps.core.timeutils import utcnow
from apps.integrations.connect_services import connect_tokens_purge
from apps.integrations.sync import sync_runs_purge
from apps.integrations.webhook_services import webhook_events_purge

logger = logging.getLogger(__name__)


def housekeeping_run(*, now: datetime | None = None) -> dict[str, int]:
    """Run every purge once; returns how many rows each deleted."""
    now = now or utcnow()
    deleted = {
        "idempotency_keys": idempotency_keys_purge(now=now),
        "connect_tokens": connect_tokens_purge(now=now),
        "sync_runs": sync_runs_purge(now=now),
        "webhook_events": webhook_events_purge(now=now),
    }
    logger.info("housekeeping deleted %s", deleted)
    return deleted
