"""The cache every process shares (web and workers, on any machine): django-q2's cluster status lives here."""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache

# django-q2 stores each cluster's status under `django_q:<name>:cluster:<cluster id>`
# (django_q/status.py, Stat.get_key) with a lifetime of 3 s, renewed every guard cycle (0.5 s).
Q2_STAT_PREFIX = "django_q:"
HEARTBEAT_KEEP_SECONDS = 180


class HeartbeatDatabaseCache(DatabaseCache):
    """A database cache that keeps django-q2's cluster statuses for 3 minutes instead of 3 seconds.

    A status then outlives a slow guard cycle on a busy machine, and /readyz judges its own timestamp (a
    heartbeat younger than 2 minutes) rather than whether a 3-second entry happened to exist at that moment.
    """

    def set(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        if key.startswith(Q2_STAT_PREFIX) and isinstance(timeout, int | float) and timeout < HEARTBEAT_KEEP_SECONDS:
            timeout = HEARTBEAT_KEEP_SECONDS
        super().set(key, value, timeout, version)
