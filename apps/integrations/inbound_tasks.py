"""django-q2 tasks of inbound ATS webhooks (kept apart so task paths stay stable)."""

from __future__ import annotations

from apps.integrations.inbound_targeted import targeted_sync


def inbound_targeted_sync(integration_id: str) -> str:
    """Work off the integration's pending webhook targets (one worker per integration; others return "busy")."""
    return targeted_sync(integration_id)
