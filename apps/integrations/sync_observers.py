"""What a finished sync attempt tells us beyond its own row: integration issues, and (after a FULL run) a fresh
list of the ATS's fields and a live re-check of the configured source. Never fails the run itself."""

from __future__ import annotations

import logging

from apps.connectors.errors import ConnectorError
from apps.integrations import issues
from apps.integrations.models import SyncRun

logger = logging.getLogger(__name__)


def after_sync_attempt(run: SyncRun, outcome: str, exc: BaseException | None = None) -> None:
    """`outcome` is a `RunOutcome` value; `exc` what the attempt failed with, if anything."""
    try:
        _observe(run, outcome, exc)
    except Exception:
        logger.exception("sync run %s: observing its outcome failed", run.id)


def _observe(run: SyncRun, outcome: str, exc: BaseException | None) -> None:
    integration = run.integration
    if isinstance(exc, ConnectorError):
        issues.observe_error(integration=integration, exc=exc)
    if outcome == "FAILED":
        issues.observe_sync_failed(integration=integration, error=str(getattr(exc, "message", exc) or run.error))
    elif outcome == "SUCCEEDED":
        issues.observe_sync_success(integration=integration)
        if run.type == SyncRun.Type.FULL:
            _after_full_sync(run)


def _after_full_sync(run: SyncRun) -> None:
    from apps.integrations.connectors import connector_for
    from apps.integrations.field_services import integration_fields_refresh
    from apps.integrations.source_step import source_recheck

    integration = run.integration
    connector = connector_for(integration)
    try:
        integration_fields_refresh(integration=integration, connector=connector)
    except ConnectorError as error:
        logger.warning("integration %s: listing its fields failed: %s", integration.id, error.message)
    if hasattr(integration, "source_mapping"):
        source_recheck(integration, connector)
