"""The `data` of each webhook event, exactly as the contract models it (§8; the SDK's *WebhookPayload models).

Builders take plain values or our models and return JSON-ready dicts; they write nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings

from apps.connectors.registry import get_connector_class, is_known_tool
from apps.core.timeutils import format_datetime
from apps.integrations.models import ConnectionFlowFailure, ConnectLink, Integration, SyncRun

Json = dict[str, Any]
# Tributary has no manual QA review of integrations: an integration is usable as soon as it is connected (assumed).
QA_STATUS = "PASSED"


def category_of(tool: str) -> str:
    return get_connector_class(tool).category if tool and is_known_tool(tool) else "ATS"


def admin_url(path: str) -> str:
    """An admin page as a URL for `log_url` (absolute when PUBLIC_BASE_URL is set)."""
    return f"{settings.PUBLIC_BASE_URL}/admin/{path}"


def end_user(organization_name: str, creator_email: str | None, origin_id: str | None) -> Json:
    return {"organization_name": organization_name, "creator_email": creator_email or None, "origin_id": origin_id}


def integration_end_user(integration: Integration) -> Json:
    return end_user(integration.end_user_organization_name, integration.end_user_email, integration.end_user_origin_id)


def data_changed(integration: Integration, changed_models: Iterable[str]) -> Json:
    return {
        "integration_id": integration.id,
        "integration_tool": integration.tool,
        "integration_category": category_of(integration.tool),
        "changed_models": [{"name": name} for name in sorted(set(changed_models))],
    }


def sync_finished(run: SyncRun, integration: Integration) -> Json:
    started = run.started_at or run.created_at
    ended = run.finished_at or started
    return {
        "sync_id": run.id,
        "sync_state": run.status,
        "sync_started_at": format_datetime(started),
        "sync_ended_at": format_datetime(ended),
        "sync_duration_seconds": max(0, int((ended - started).total_seconds())),
        "integration_id": integration.id,
        "integration_tool": integration.tool,
        "integration_category": category_of(integration.tool),
        "end_user": integration_end_user(integration),
        "log_url": admin_url(f"integrations/syncrun/{run.id}/change/"),
    }


def integration_created(integration: Integration) -> Json:
    return {
        "id": integration.id,
        "tool": integration.tool,
        "category": category_of(integration.tool),
        "end_user": integration_end_user(integration),
    }


def integration_state_changed(integration: Integration) -> Json:
    return {
        "integration_tool": integration.tool,
        "integration_id": integration.id,
        "integration_category": category_of(integration.tool),
        "end_user": integration_end_user(integration),
        "qa_status": QA_STATUS,
        "setup_status": integration.setup_status,
        "state": integration.state,
        "updated_at": format_datetime(integration.updated_at),
    }


def integration_deleted(integration: Integration, deleted_at: datetime) -> Json:
    return {**integration_created(integration), "deleted_at": format_datetime(deleted_at)}


def connection_flow_failed(failure: ConnectionFlowFailure, link: ConnectLink | None) -> Json:
    # A failure before a tool was chosen (e.g. opening an expired link) names no tool: `integration_tool` is "".
    tool = failure.tool or (link.selected_tool if link is not None else "") or ""
    user = (
        end_user(link.end_user_organization_name, link.end_user_email, link.end_user_origin_id)
        if link is not None
        else end_user("", None, None)
    )
    return {
        "integration_tool": tool,
        "integration_category": link.integration_category if link is not None else category_of(tool),
        "end_user": user,
        "log_url": admin_url(f"integrations/connectionflowfailure/{failure.id}/change/"),
    }


@dataclass(frozen=True)
class IssueChange:
    """What `issue-status-changed` says about an integration issue (given by the issues code)."""

    change: str  # "raised" | "resolved"
    issue_id: str
    type: str  # e.g. "integration.authentication_failed"
    title: str
    status: str  # "OPEN" | "RESOLVED"
    markdown_message: str
    first_observed_at: datetime
    resolved_at: datetime | None = None


def issue_status_changed(change: IssueChange, integration: Integration | None) -> Json:
    return {
        "change": change.change,
        "issue": {
            "id": change.issue_id,
            "type": change.type,
            "title": change.title,
            "status": change.status,
            "markdown_message": change.markdown_message,
            "first_observed_at": format_datetime(change.first_observed_at),
            "resolved_at": format_datetime(change.resolved_at),
        },
        "integration": integration_created(integration) if integration is not None else None,
    }


def ping(endpoint_id: str, sent_at: datetime) -> Json:
    return {"endpoint_id": endpoint_id, "message": "A test ping from Tributary.", "sent_at": format_datetime(sent_at)}
