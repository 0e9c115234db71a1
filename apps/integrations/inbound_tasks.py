"""django-q2 tasks of inbound ATS webhooks (kept apart so task paths stay stable)."""

from __future__ import annotations

from apps.integrations.inbound_targeted import targeted_sync


def inbound_targeted_sync(integration_id: str) -> str:
    """Work off the integration's pending webhook targets (one worker per integration; others return "busy")."""
    return targeted_sync(integration_id)


def inbound_activate(integration_id: str) -> str:
    """Subscribe the integration to its tool's webhooks (after the flow, on re-enable); returns the endpoint state."""
    from apps.integrations.inbound_lifecycle import inbound_activate as activate
    from apps.integrations.models import Integration

    integration = Integration.objects.filter(id=integration_id).first()
    if integration is None:
        return "gone"
    endpoint = activate(integration=integration)
    return endpoint.state if endpoint is not None else "none"
