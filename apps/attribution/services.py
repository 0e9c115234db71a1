"""Writes of automatic attribution: the source mapping of an integration and the outcome of every create.

The connector calls here are bounded single requests (list/find/create a source, read one back); the flow and
the admin call them inside a request on purpose, like a "test connection" button.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import connection

from apps.attribution.models import ApplicationAttribution, SourceMapping
from apps.attribution.selectors import SourceDecision, tool_source_strategy
from apps.connectors.base import Connector
from apps.connectors.catalog import SourceLevel, SourceStrategy
from apps.connectors.dtos import RemoteSource
from apps.connectors.errors import ConnectorError
from apps.core.db import reused_cursor
from apps.core.ids import new_id
from apps.core.timeutils import utcnow
from apps.integrations import issues
from apps.integrations.connectors import connector_for
from apps.integrations.models import Integration
from apps.integrations.source_step import SETUP_STRATEGIES

if TYPE_CHECKING:  # the application is above us: its write path calls here (DESIGN.md "Attribution")
    from apps.applications.models import Application

MESSAGE_NOT_FOUND = "No source named {name!r} exists in the ATS yet."
MESSAGE_DELETED = "The source {label!r} (id {remote_id}) no longer exists in the ATS."
MESSAGE_UNKNOWN_SOURCE = "The ATS has no source with id {remote_id!r}."
MESSAGE_CHECK_FAILED = "Could not check the source in the ATS: {error}"

REASON_NO_SOURCE_READ_BACK = "The ATS shows no source on the application; {expected!r} was expected."
REASON_OTHER_SOURCE = "The ATS shows the source {observed!r} instead of {expected!r}."
REASON_CANDIDATE_KEPT_SOURCE = (
    "The candidate already existed with the source {observed!r}; an existing candidate's source is never overwritten."
)
REASON_READ_BACK_FAILED = "Could not read the source back from the ATS: {error}"


# -- the source mapping -----------------------------------------------------------------------------------


def _status_without_setup(strategy: SourceStrategy) -> str:
    return SourceMapping.Status.NOT_REQUIRED if strategy not in SETUP_STRATEGIES else SourceMapping.Status.PENDING_SETUP


def source_mapping_ensure(*, integration: Integration) -> SourceMapping:
    """The integration's mapping, created on first use; an unconfigured one follows the environment's source name."""
    strategy = tool_source_strategy(integration.tool)
    name = integration.environment.effective_source_name
    mapping, created = SourceMapping.objects.get_or_create(
        integration=integration,
        defaults={"strategy": strategy, "status": _status_without_setup(strategy), "source_name": name},
    )
    if created:
        return mapping
    changed = []
    if mapping.strategy != strategy:
        mapping.strategy = strategy
        changed.append("strategy")
        if strategy not in SETUP_STRATEGIES:
            mapping.status = SourceMapping.Status.NOT_REQUIRED
            changed.append("status")
    if mapping.status != SourceMapping.Status.CONFIGURED and mapping.source_name != name:
        mapping.source_name = name
        changed.append("source_name")
    if changed:
        mapping.save(update_fields=[*changed, "updated_at"])
    return mapping


def _configure(mapping: SourceMapping, source: RemoteSource) -> None:
    mapping.status = SourceMapping.Status.CONFIGURED
    mapping.remote_id = source.remote_id
    mapping.remote_label = source.label
    mapping.remote_type = source.type or ""
    mapping.remote_subtype = source.subtype or ""
    mapping.last_error = ""


def _save_checked(mapping: SourceMapping) -> SourceMapping:
    mapping.last_checked_at = utcnow()
    mapping.full_clean()
    mapping.save()
    return mapping


def source_mapping_check(*, integration: Integration, connector: Connector | None = None) -> SourceMapping:
    """Re-check the mapping live against the ATS.

    Configured: the source must still exist (else BROKEN). Not configured: look for the exact name (CONFIGURED
    when found). A failing ATS call keeps the status and records the error in `last_error`.
    """
    mapping = source_mapping_ensure(integration=integration)
    if mapping.strategy not in SETUP_STRATEGIES:
        mapping.status = SourceMapping.Status.NOT_REQUIRED
        return _save_checked(mapping)
    connector = connector or connector_for(integration)
    wrong_type: str | None = None
    try:
        if mapping.remote_id:
            source = connector.get_source(mapping.remote_id)
            if source is None and mapping.source_name:
                # Created again under the same name (what the source issue asks for): the mapping heals.
                source = connector.find_source(mapping.source_name)
            wrong_type = connector.source_type_problem(source) if source is not None else None
            if source is None:
                mapping.status = SourceMapping.Status.BROKEN
                mapping.last_error = MESSAGE_DELETED.format(
                    label=mapping.remote_label or mapping.source_name, remote_id=mapping.remote_id
                )
            elif wrong_type is not None:
                mapping.status = SourceMapping.Status.BROKEN
                mapping.last_error = wrong_type
            else:
                _configure(mapping, source)
        else:
            source = connector.find_source(mapping.source_name)
            if source is None:
                mapping.status = SourceMapping.Status.PENDING_SETUP
                mapping.last_error = MESSAGE_NOT_FOUND.format(name=mapping.source_name)
            else:
                _configure(mapping, source)
    except ConnectorError as error:
        mapping.last_error = MESSAGE_CHECK_FAILED.format(error=error.message)
        return _save_checked(mapping)
    mapping = _save_checked(mapping)
    issues.observe_source(
        integration=integration,
        broken=mapping.status == SourceMapping.Status.BROKEN,
        detail=mapping.last_error,
        wrong_type=wrong_type is not None,
    )
    return mapping


def source_mapping_select(
    *, integration: Integration, remote_id: str, connector: Connector | None = None
) -> SourceMapping:
    """Use an existing source of the ATS (picked in the flow or the admin). Raises ConnectorError, ValueError."""
    mapping = source_mapping_ensure(integration=integration)
    connector = connector or connector_for(integration)
    source = connector.select_source(remote_id)
    if source is None:
        raise ValueError(MESSAGE_UNKNOWN_SOURCE.format(remote_id=remote_id))
    _configure(mapping, source)
    return _save_checked(mapping)


def source_mapping_create_remote(*, integration: Integration, connector: Connector | None = None) -> SourceMapping:
    """CREATABLE tools: create the source in the ATS (or reuse one with the exact name). Raises ConnectorError."""
    mapping = source_mapping_ensure(integration=integration)
    connector = connector or connector_for(integration)
    source = connector.find_source(mapping.source_name) or connector.create_source(mapping.source_name)
    _configure(mapping, source)
    return _save_checked(mapping)


# -- outcomes of creates -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Outcome:
    status: str
    reason: str = ""


def _matches(observed: RemoteSource, decision: SourceDecision) -> bool:
    instruction = decision.instruction
    assert instruction is not None
    if instruction.remote_id:
        # A resolved source must come back as that very source: a bare label of a since deleted source is no match.
        return observed.remote_id == instruction.remote_id
    return observed.label == instruction.name


def _judge(
    *,
    integration: Integration,
    connector: Connector,
    decision: SourceDecision,
    observed: RemoteSource | None,
    candidate_existed: bool,
) -> _Outcome:
    Status = ApplicationAttribution.Status
    instruction = decision.instruction
    assert instruction is not None
    if observed is not None and _matches(observed, decision):
        return _Outcome(Status.CONFIRMED)
    # Why not? A configured source deleted in the ATS after setup is the common cause: say so and flag the mapping.
    if instruction.remote_id:
        mapping = source_mapping_check(integration=integration, connector=connector)
        if mapping.status == SourceMapping.Status.BROKEN:
            return _Outcome(Status.FAILED, mapping.last_error)
    if observed is None:
        return _Outcome(Status.FAILED, REASON_NO_SOURCE_READ_BACK.format(expected=instruction.name))
    if candidate_existed and connector.source_level == SourceLevel.CANDIDATE:
        return _Outcome(Status.FAILED, REASON_CANDIDATE_KEPT_SOURCE.format(observed=observed.label))
    return _Outcome(Status.FAILED, REASON_OTHER_SOURCE.format(observed=observed.label, expected=instruction.name))


@dataclass(frozen=True)
class AttributionOutcome:
    """The attribution of one created application, judged and not yet saved (`attribution_outcome_save`)."""

    application_remote_id: str
    values: dict[str, Any]


def attribution_outcome(
    *,
    integration: Integration,
    decision: SourceDecision,
    application_remote_id: str,
    candidate_remote_id: str = "",
    candidate_existed: bool = False,
    connector: Connector | None = None,
) -> AttributionOutcome:
    """Read the created application's source back from the ATS and compare it with what was written.

    `decision` is what `attribution_source_for_write` returned before the write. Nothing is saved here, so the
    create can save it in the transaction that stores the application.
    """
    Status = ApplicationAttribution.Status
    observed: RemoteSource | None = None
    if decision.instruction is None:
        outcome = _Outcome(Status.NOT_CONFIGURED, decision.reason)
    else:
        connector = connector or connector_for(integration)
        try:
            observed = connector.read_application_source(
                application_remote_id=application_remote_id, candidate_remote_id=candidate_remote_id or None
            )
        except ConnectorError as error:
            outcome = _Outcome(Status.FAILED, REASON_READ_BACK_FAILED.format(error=error.message))
        else:
            outcome = _judge(
                integration=integration,
                connector=connector,
                decision=decision,
                observed=observed,
                candidate_existed=candidate_existed,
            )
    return AttributionOutcome(
        application_remote_id=application_remote_id,
        values={
            "candidate_remote_id": candidate_remote_id,
            "candidate_existed": candidate_existed,
            "status": outcome.status,
            "reason": outcome.reason,
            "expected_source": decision.instruction.name if decision.instruction else "",
            "observed_source": observed.label if observed else "",
            "observed_source_remote_id": observed.remote_id if observed else "",
        },
    )


_SAVED = (
    "application_id", "candidate_remote_id", "candidate_existed", "status", "reason", "expected_source",
    "observed_source", "observed_source_remote_id",
)  # fmt: skip
_COLUMNS = ("id", "integration_id", "application_remote_id", *_SAVED, "created_at", "updated_at")


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


# One INSERT … ON CONFLICT statement, written once: every create saves one (update_or_create took six round trips,
# and bulk_create(update_conflicts=True) compiled the statement anew each time).
_UPSERT = (
    f'INSERT INTO "{ApplicationAttribution._meta.db_table}" ({_quoted(_COLUMNS)}) '
    f"VALUES ({', '.join(['%s'] * len(_COLUMNS))}) "
    'ON CONFLICT ("integration_id", "application_remote_id") DO UPDATE SET '
    + ", ".join(f'"{name}" = EXCLUDED."{name}"' for name in (*_SAVED, "updated_at"))
    + ' RETURNING "id", "created_at"'
)


def _outcome_upsert(
    integration: Integration, outcome: AttributionOutcome, application_id: str | None
) -> tuple[str, datetime, datetime, dict[str, Any]]:
    """The one INSERT … ON CONFLICT; returns the row's id, created_at, updated_at and saved values."""
    now = utcnow()
    values = {"application_id": application_id, **outcome.values}
    params = [new_id(), integration.id, outcome.application_remote_id, *(values[name] for name in _SAVED), now, now]
    cursor = reused_cursor()
    cursor.execute(_UPSERT, params)
    pk, created_at = cursor.fetchone()
    return pk, created_at, now, values


def attribution_outcome_save(
    *, integration: Integration, outcome: AttributionOutcome, application: Application | None = None
) -> ApplicationAttribution:
    """Save a judged outcome. Idempotent per application: saving again (a retried write) updates the one row."""
    pk, created_at, now, values = _outcome_upsert(integration, outcome, application.pk if application else None)
    attribution = ApplicationAttribution(
        id=pk, integration=integration, application_remote_id=outcome.application_remote_id, created_at=created_at,
        updated_at=now, **values,
    )  # fmt: skip
    attribution._state.adding, attribution._state.db = False, connection.alias
    return attribution


def attribution_outcome_store(*, integration: Integration, outcome: AttributionOutcome, application_id: str) -> None:
    """`attribution_outcome_save` for a create, which answers without the saved row (building it cost as much as
    saving it)."""
    _outcome_upsert(integration, outcome, application_id)


def attribution_record_outcome(
    *,
    integration: Integration,
    decision: SourceDecision,
    application_remote_id: str,
    candidate_remote_id: str = "",
    candidate_existed: bool = False,
    application: Application | None = None,
    connector: Connector | None = None,
) -> ApplicationAttribution:
    """Record the attribution of one created application: read its source back from the ATS, compare, save."""
    outcome = attribution_outcome(
        integration=integration, decision=decision, application_remote_id=application_remote_id,
        candidate_remote_id=candidate_remote_id, candidate_existed=candidate_existed, connector=connector,
    )  # fmt: skip
    return attribution_outcome_save(integration=integration, outcome=outcome, application=application)


def source_mapping_update(*, mapping: SourceMapping, **fields: str) -> SourceMapping:
    """Admin staff edit a mapping by hand (status, name, remote id/type/label)."""
    for name, value in fields.items():
        setattr(mapping, name, value)
    mapping.full_clean()
    mapping.save()
    return mapping
