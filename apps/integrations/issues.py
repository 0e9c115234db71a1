"""Raising and resolving integration issues from what Tributary observes.

Every transition goes through `_transition` (one code path): it updates the issue row and writes one
`IssueTransition` in the same transaction, under a row lock, so concurrent observers record it once. Outgoing
webhooks (`issue-status-changed`) announce each transition: `_transition` writes the outbox event with it.

Who observes what:
- the sync engine (`observe_sync_error` / `observe_sync_success`): credentials rejected, a permission missing,
  the ATS unreachable or rate-limiting for `ISSUE_OUTAGE_MINUTES`, `ISSUE_SYNC_FAILURES` runs failed in a row;
- the source check (`observe_source`, after every live re-check of the source mapping): the configured source gone
  or of the wrong type;
- outgoing webhooks (`observe_webhook_endpoint`): an endpoint disabled after failing for 24 h (an issue of the
  environment: no integration, `subject` = the endpoint's id), resolved when staff re-enable it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from apps.connectors.errors import (
    ConnectorAuthError,
    ConnectorError,
    ConnectorPermissionError,
    ConnectorRateLimited,
    ConnectorUnavailable,
)
from apps.core.timeutils import format_datetime, utcnow
from apps.integrations.issue_models import IntegrationIssue, IssueTransition, IssueType
from apps.integrations.models import Integration
from apps.integrations.webhook_payloads import IssueChange
from apps.integrations.webhook_services import announce_issue_status_changed

logger = logging.getLogger(__name__)

OUTAGE_TYPES = (IssueType.ATS_UNREACHABLE, IssueType.ATS_RATE_LIMITED)
SYNC_TYPES = (
    IssueType.AUTHENTICATION_FAILED,
    IssueType.PERMISSION_MISSING,
    IssueType.ATS_UNREACHABLE,
    IssueType.ATS_RATE_LIMITED,
    IssueType.SYNCS_FAILING,
)

# The texts of `source_missing` when the source exists but has another type (same issue type, its own words).
SOURCE_WRONG_TYPE = "integration.source_missing:wrong_type"

TEXTS: dict[str, tuple[str, str]] = {
    IssueType.AUTHENTICATION_FAILED: (
        "{tool} rejected the credentials",
        "{tool} no longer accepts the credentials of this integration ({detail}). Syncs and writes stop until it "
        "does.\n\n**To fix it:** reconnect the integration with valid credentials (a reconnection link from "
        "`POST /v1/integrations/{{id}}/relink`), or restore the API key in {tool}.",
    ),
    IssueType.PERMISSION_MISSING: (
        "A permission is missing in {tool}",
        "{tool} refused a request for lack of a permission ({detail}).\n\n**To fix it:** grant the missing "
        "permission (scope) to the API key or app in {tool}, or reconnect with a user who has it.",
    ),
    IssueType.SOURCE_MISSING: (
        "The candidate source is gone from {tool}",
        "{detail}\n\nCandidates created from now on cannot be attributed to you.\n\n**To fix it:** create the "
        "source again in {tool} with exactly the same name, or pick another one in the setup link "
        "(`POST /v1/integrations/{{id}}/setup-link`).",
    ),
    SOURCE_WRONG_TYPE: (
        "The candidate source has the wrong type in {tool}",
        "{detail}\n\nCandidates created from now on cannot be attributed to you.\n\n**To fix it:** pick a source "
        "of the right type in the setup link (`POST /v1/integrations/{{id}}/setup-link`), or create one with exactly "
        "the same name and the right type in {tool}.",
    ),
    IssueType.ATS_UNREACHABLE: (
        "{tool} is unreachable",
        "{tool} has not answered successfully for more than {minutes} minutes ({detail}). Tributary keeps "
        "retrying; data may be out of date.\n\n**What to do:** nothing if {tool} reports an outage; otherwise "
        "check that its API is reachable from Tributary.",
    ),
    IssueType.ATS_RATE_LIMITED: (
        "{tool} is rate-limiting Tributary",
        "{tool} has answered with rate limits (HTTP 429) for more than {minutes} minutes ({detail}).\n\n"
        "**What to do:** check whether other applications share this API key's budget in {tool}.",
    ),
    IssueType.SYNCS_FAILING: (
        "Syncs keep failing",
        "The last {count} syncs of this integration failed; the latest with: {detail}\n\n**What to do:** see the "
        "sync runs in the admin; the other open issues of this integration usually name the cause.",
    ),
    IssueType.WEBHOOKS_UNAVAILABLE: (
        "{tool} webhooks could not be set up",
        "Subscribing to {tool}'s webhooks failed ({detail}). Changes still arrive with the scheduled syncs, only "
        "later.\n\n**What to do:** check that the credentials may manage webhooks in {tool}; Tributary subscribes "
        "again when the integration is re-enabled.",
    ),
}


def outage_minutes() -> int:
    return int(getattr(settings, "ISSUE_OUTAGE_MINUTES", 15))


def sync_failures_threshold() -> int:
    return int(getattr(settings, "ISSUE_SYNC_FAILURES", 3))


def issue_payload(issue: IntegrationIssue) -> dict[str, Any]:
    """The contract's `issue` object (§8, `issue-status-changed`), also the row of `GET …/issues`."""
    return {
        "id": issue.id,
        "type": issue.type,
        "title": issue.title,
        "status": issue.status,
        "markdown_message": issue.markdown_message,
        "first_observed_at": format_datetime(issue.first_observed_at),
        "resolved_at": format_datetime(issue.resolved_at),
    }


def _texts(
    integration: Integration, type: str, detail: str, texts: str | None = None, **extra: object
) -> tuple[str, str]:
    from apps.connectors.registry import get_connector_class

    title, message = TEXTS[texts or type]
    values = {"tool": get_connector_class(integration.tool).label, "detail": detail, **extra}
    return title.format(**values), message.format(**values).replace("{id}", integration.id)


def _locked(integration: Integration, type: str) -> IntegrationIssue:
    IntegrationIssue.objects.get_or_create(
        integration=integration, type=type, defaults={"environment_id": integration.environment_id}
    )
    return IntegrationIssue.objects.select_for_update().get(integration=integration, type=type)


def _transition(issue: IntegrationIssue, change: str, now: datetime) -> IssueTransition:
    """The one place an issue changes state: the transition row and its `issue-status-changed` webhook event are
    written in the same transaction."""
    issue.save()
    transition = IssueTransition.objects.create(issue=issue, change=change, at=now, payload=issue_payload(issue))
    integration = issue.integration
    announce_issue_status_changed(
        environment=issue.environment,
        change=IssueChange(
            change=change, issue_id=issue.id, type=issue.type, title=issue.title, status=issue.status,
            markdown_message=issue.markdown_message, first_observed_at=issue.first_observed_at or now,
            resolved_at=issue.resolved_at,
        ),
        integration=integration,
    )  # fmt: skip
    return transition


def issue_raise(
    *, integration: Integration, type: str, detail: str = "", now: datetime | None = None,
    first_observed_at: datetime | None = None, texts: str | None = None, **extra: object,
) -> IntegrationIssue:  # fmt: skip
    """Open the issue (recording the transition) unless it is open already (then only `last_observed_at`).

    `texts`: another entry of TEXTS to word it with (default: the type's own)."""
    now = now or utcnow()
    with transaction.atomic():
        issue = _locked(integration, type)
        issue.title, issue.markdown_message = _texts(integration, type, detail, texts, **extra)
        issue.last_observed_at = now
        if issue.status == IntegrationIssue.Status.OPEN:
            issue.save(update_fields=["title", "markdown_message", "last_observed_at", "updated_at"])
            return issue
        issue.status = IntegrationIssue.Status.OPEN
        issue.first_observed_at = first_observed_at or now
        issue.resolved_at = None
        issue.pending_since = None
        _transition(issue, IssueTransition.Change.RAISED, now)
        logger.info("integration %s: issue %s raised", integration.id, type)
        return issue


def issue_resolve(*, integration: Integration, type: str, now: datetime | None = None) -> bool:
    """Resolve the issue if it is open (recording the transition); forget a pending observation. True if resolved."""
    now = now or utcnow()
    if (
        not IntegrationIssue.objects.filter(integration=integration, type=type)
        .exclude(status=IntegrationIssue.Status.RESOLVED, pending_since__isnull=True)
        .exists()
    ):
        return False  # nothing open or pending: no lock, no write (the common case after every sync)
    with transaction.atomic():
        issue = _locked(integration, type)
        issue.pending_since = None
        if issue.status != IntegrationIssue.Status.OPEN:
            issue.save(update_fields=["pending_since", "updated_at"])
            return False
        issue.status = IntegrationIssue.Status.RESOLVED
        issue.resolved_at = now
        _transition(issue, IssueTransition.Change.RESOLVED, now)
        logger.info("integration %s: issue %s resolved", integration.id, type)
        return True


def issue_observe_outage(
    *, integration: Integration, type: str, detail: str, now: datetime | None = None
) -> IntegrationIssue | None:
    """One more failed call of an outage kind: noted, and raised once it has lasted `ISSUE_OUTAGE_MINUTES`."""
    now = now or utcnow()
    with transaction.atomic():
        issue = _locked(integration, type)
        if issue.status == IntegrationIssue.Status.OPEN or issue.pending_since is None:
            if issue.status != IntegrationIssue.Status.OPEN:
                issue.pending_since = now
                issue.save(update_fields=["pending_since", "updated_at"])
                return None
            since = issue.first_observed_at
        else:
            since = issue.pending_since
        if now - since < timedelta(minutes=outage_minutes()):
            return None
    return issue_raise(
        integration=integration, type=type, detail=detail, now=now, first_observed_at=since, minutes=outage_minutes()
    )


def _detail(exc: ConnectorError) -> str:
    return exc.message + (f"; {exc.remote_message}" if exc.remote_message else "")


def observe_error(*, integration: Integration, exc: ConnectorError, now: datetime | None = None) -> None:
    """A call to the ATS failed with `exc` (a sync, a write, a check)."""
    if isinstance(exc, ConnectorAuthError):
        issue_raise(integration=integration, type=IssueType.AUTHENTICATION_FAILED, detail=_detail(exc), now=now)
    elif isinstance(exc, ConnectorPermissionError):
        issue_raise(integration=integration, type=IssueType.PERMISSION_MISSING, detail=_detail(exc), now=now)
    elif isinstance(exc, ConnectorRateLimited):
        issue_observe_outage(integration=integration, type=IssueType.ATS_RATE_LIMITED, detail=_detail(exc), now=now)
    elif isinstance(exc, ConnectorUnavailable):
        issue_observe_outage(integration=integration, type=IssueType.ATS_UNREACHABLE, detail=_detail(exc), now=now)


def observe_sync_failed(*, integration: Integration, error: str, now: datetime | None = None) -> None:
    """A run ended FAILED: `ISSUE_SYNC_FAILURES` failed runs in a row raise `syncs_failing`."""
    from apps.integrations.models import SyncRun

    threshold = sync_failures_threshold()
    finished = SyncRun.objects.filter(integration=integration, finished_at__isnull=False).order_by("-finished_at")
    last = list(finished.values_list("status", flat=True)[:threshold])
    if len(last) == threshold and all(status == SyncRun.Status.FAILED for status in last):
        issue_raise(integration=integration, type=IssueType.SYNCS_FAILING, detail=error, now=now, count=threshold)


def observe_sync_success(*, integration: Integration, now: datetime | None = None) -> None:
    """A run succeeded: the ATS answers, the credentials and permissions work."""
    for type in SYNC_TYPES:
        issue_resolve(integration=integration, type=type, now=now)
    if integration.state == Integration.State.INVALID:
        Integration.objects.filter(pk=integration.pk, state=Integration.State.INVALID).update(
            state=Integration.State.ACTIVE
        )
        integration.state = Integration.State.ACTIVE


def observe_source(
    *, integration: Integration, broken: bool, detail: str, now: datetime | None = None, wrong_type: bool = False
) -> None:
    """After a live check of the configured source: `broken` when it is gone from the ATS or (`wrong_type`) exists
    with another type than the connector's source setup asks for."""
    if broken:
        texts = SOURCE_WRONG_TYPE if wrong_type else None
        issue_raise(integration=integration, type=IssueType.SOURCE_MISSING, detail=detail, now=now, texts=texts)
    else:
        issue_resolve(integration=integration, type=IssueType.SOURCE_MISSING, now=now)


def integration_issues(*, integration: Integration) -> list[IntegrationIssue]:
    """Raised at least once (never-raised pending rows are internal), open ones first, newest first."""
    issues = IntegrationIssue.objects.filter(integration=integration, first_observed_at__isnull=False)
    return sorted(issues, key=lambda issue: (issue.status != "OPEN", -issue.first_observed_at.timestamp()))


# -- issues of the environment ------------------------------------------------------------------------------

WEBHOOK_DISABLED_TEXTS = (
    "A webhook endpoint was disabled",
    "Tributary disabled the webhook endpoint {url} (id {endpoint_id}): {reason} Its events wait and are not "
    "delivered.\n\n**To fix it:** make the endpoint answer 2xx again, then have it re-enabled (admin → Webhook "
    "endpoints → enable); the waiting events are then delivered.",
)


def observe_webhook_endpoint(
    *, environment_id: str, endpoint_id: str, url: str, disabled: bool, reason: str = "", now: datetime | None = None
) -> bool:
    """An endpoint was disabled (raise its issue) or enabled again (resolve it). True if a transition happened."""
    now = now or utcnow()
    type = IssueType.WEBHOOK_ENDPOINT_DISABLED
    with transaction.atomic():
        if not disabled and not IntegrationIssue.objects.filter(
            environment_id=environment_id, integration=None, type=type, subject=endpoint_id,
            status=IntegrationIssue.Status.OPEN,
        ).exists():  # fmt: skip
            return False
        IntegrationIssue.objects.get_or_create(
            environment_id=environment_id, integration=None, type=type, subject=endpoint_id
        )
        issue = IntegrationIssue.objects.select_for_update().get(
            environment_id=environment_id, integration=None, type=type, subject=endpoint_id
        )
        if disabled:
            title, message = WEBHOOK_DISABLED_TEXTS
            issue.title = title
            issue.markdown_message = message.format(url=url, endpoint_id=endpoint_id, reason=reason)
            issue.last_observed_at = now
            if issue.status == IntegrationIssue.Status.OPEN:
                issue.save(update_fields=["title", "markdown_message", "last_observed_at", "updated_at"])
                return False
            issue.status, issue.first_observed_at, issue.resolved_at = IntegrationIssue.Status.OPEN, now, None
            _transition(issue, IssueTransition.Change.RAISED, now)
        else:
            issue.status, issue.resolved_at = IntegrationIssue.Status.RESOLVED, now
            _transition(issue, IssueTransition.Change.RESOLVED, now)
    logger.info("environment %s: webhook endpoint %s issue %s", environment_id, endpoint_id, issue.status)
    return True


def environment_issues(*, environment_id: str) -> list[IntegrationIssue]:
    """The environment's own issues (no integration) raised at least once, open ones first, newest first."""
    found = IntegrationIssue.objects.filter(
        environment_id=environment_id, integration=None, first_observed_at__isnull=False
    )
    return sorted(found, key=lambda issue: (issue.status != "OPEN", -issue.first_observed_at.timestamp()))
