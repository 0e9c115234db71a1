"""Reads of automatic attribution: what source to send for an integration, coverage figures, failures."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate

from apps.attribution.models import ApplicationAttribution, SourceMapping
from apps.connectors.catalog import SourceStrategy
from apps.connectors.dtos import SourceInstruction
from apps.connectors.registry import get_connector_class
from apps.core.compiled import CompiledValues
from apps.core.timeutils import utcnow
from apps.integrations.abandoned import abandoned_filter
from apps.integrations.models import Environment, Integration

REASON_WRITING_OFF = "Automatic source writing is turned off for this environment."
REASON_UNSUPPORTED = "{tool} has no candidate source Tributary can write."
REASON_NOT_SET_UP = "The source {name!r} is not set up in {tool} yet (source mapping {status})."


@dataclass(frozen=True)
class SourceDecision:
    """What a create call sends as source: an instruction, or None with the reason why not."""

    instruction: SourceInstruction | None
    reason: str = ""


# Read on every create (automatic attribution); compiled once (apps.core.compiled).
_MAPPING = CompiledValues(
    lambda integration_id: (
        SourceMapping.objects.filter(integration_id=integration_id)
        .order_by("-created_at")
        .values(*(field.attname for field in SourceMapping._meta.concrete_fields))[:1]
    ),
    arity=1,
)


def source_mapping_get(integration: Integration) -> SourceMapping | None:
    found = _MAPPING.instances(SourceMapping, integration.id)
    return found[0] if found else None


def tool_source_strategy(tool: str) -> SourceStrategy:
    return get_connector_class(tool).source_strategy


def source_mapping_configured(integration: Integration) -> bool:
    """Whether the integration's source is set up (the connection flow's source step is done)."""
    mapping = source_mapping_get(integration)
    return mapping is not None and mapping.status == SourceMapping.Status.CONFIGURED


def attribution_source_for_write(integration: Integration) -> SourceDecision:
    """The source to write on a create application / create candidate call for this integration."""
    environment = integration.environment
    connector_class = get_connector_class(integration.tool)
    if not environment.automatic_source_writing:
        return SourceDecision(None, REASON_WRITING_OFF)
    strategy = connector_class.source_strategy
    if strategy == SourceStrategy.UNSUPPORTED:
        return SourceDecision(None, REASON_UNSUPPORTED.format(tool=connector_class.label))
    if strategy == SourceStrategy.FREE_TEXT:
        return SourceDecision(SourceInstruction(name=environment.effective_source_name))
    mapping = source_mapping_get(integration)
    if mapping is None or mapping.status != SourceMapping.Status.CONFIGURED:
        status = mapping.status if mapping else SourceMapping.Status.PENDING_SETUP
        name = mapping.source_name if mapping and mapping.source_name else environment.effective_source_name
        return SourceDecision(None, REASON_NOT_SET_UP.format(name=name, tool=connector_class.label, status=status))
    return SourceDecision(
        SourceInstruction(
            name=mapping.remote_label or mapping.source_name,
            remote_id=mapping.remote_id or None,
            type=mapping.remote_type or None,
            subtype=mapping.remote_subtype or None,
        )
    )


# -- coverage -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoveragePoint:
    day: date
    total: int
    confirmed: int

    @property
    def share(self) -> float | None:
        return self.confirmed / self.total if self.total else None


@dataclass(frozen=True)
class Coverage:
    """Share of created applications whose source was confirmed in the ATS, overall and per day."""

    total: int = 0
    confirmed: int = 0
    failed: int = 0
    not_configured: int = 0
    series: list[CoveragePoint] = field(default_factory=list)

    @property
    def share(self) -> float | None:
        return self.confirmed / self.total if self.total else None


def _attributions(*, environment: Environment | None, integration: Integration | None) -> QuerySet:
    queryset = ApplicationAttribution.objects.all()
    if integration is not None:
        queryset = queryset.filter(integration=integration)
    if environment is not None:
        queryset = queryset.filter(integration__environment=environment)
    return queryset


def attribution_coverage(
    *,
    environment: Environment | None = None,
    integration: Integration | None = None,
    days: int = 30,
    today: date | None = None,
) -> Coverage:
    """Totals over all time; the series has one point per day for the last `days` days (empty days count 0)."""
    queryset = _attributions(environment=environment, integration=integration)
    Status = ApplicationAttribution.Status
    totals = queryset.aggregate(
        total=Count("id"),
        confirmed=Count("id", filter=Q(status=Status.CONFIRMED)),
        failed=Count("id", filter=Q(status=Status.FAILED)),
        not_configured=Count("id", filter=Q(status=Status.NOT_CONFIGURED)),
    )
    last_day = today or utcnow().date()
    first_day = last_day - timedelta(days=days - 1)
    per_day = {
        row["day"]: row
        for row in queryset.filter(created_at__date__gte=first_day)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(total=Count("id"), confirmed=Count("id", filter=Q(status=Status.CONFIRMED)))
    }
    series = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        row = per_day.get(day)
        series.append(
            CoveragePoint(day=day, total=row["total"] if row else 0, confirmed=row["confirmed"] if row else 0)
        )
    return Coverage(series=series, **totals)


@dataclass(frozen=True)
class IntegrationCoverage:
    integration: Integration
    coverage: Coverage
    mapping: SourceMapping | None


@dataclass(frozen=True)
class EnvironmentCoverage:
    environment: Environment
    coverage: Coverage
    integrations: list[IntegrationCoverage]


COVERAGE_COUNTS = ("total", "confirmed", "failed", "not_configured")


def _summed(rows: list[Mapping[str, Any]]) -> dict[str, int]:
    return {name: sum(row.get(name, 0) for row in rows) for name in COVERAGE_COUNTS}


def _coverage_from(totals: Mapping[str, int], per_day: Mapping[date, Mapping[str, int]], days: list[date]) -> Coverage:
    series = [
        CoveragePoint(
            day=day, total=per_day.get(day, {}).get("total", 0), confirmed=per_day.get(day, {}).get("confirmed", 0)
        )
        for day in days
    ]
    return Coverage(series=series, **{name: totals.get(name, 0) for name in COVERAGE_COUNTS})


def attribution_coverage_report(
    *, days: int = 30, today: date | None = None, include_abandoned: bool = False
) -> list[EnvironmentCoverage]:
    """Coverage per environment and, within it, per integration (the same figures as `attribution_coverage`).
    Integrations of abandoned connection flows are left out unless asked for (they never create anything).

    A fixed number of queries however many environments and integrations there are: the counts are grouped
    by integration (and day) in the database and summed per environment here."""
    Status = ApplicationAttribution.Status
    last_day = today or utcnow().date()
    first_day = last_day - timedelta(days=days - 1)
    day_list = [first_day + timedelta(days=offset) for offset in range(days)]
    totals = {
        row["integration_id"]: row
        for row in ApplicationAttribution.objects.values("integration_id").annotate(
            total=Count("id"),
            confirmed=Count("id", filter=Q(status=Status.CONFIRMED)),
            failed=Count("id", filter=Q(status=Status.FAILED)),
            not_configured=Count("id", filter=Q(status=Status.NOT_CONFIGURED)),
        )
    }
    daily: dict[str, dict[date, dict[str, Any]]] = {}
    for row in (
        ApplicationAttribution.objects.filter(created_at__date__gte=first_day)
        .annotate(day=TruncDate("created_at"))
        .values("integration_id", "day")
        .annotate(total=Count("id"), confirmed=Count("id", filter=Q(status=Status.CONFIRMED)))
    ):
        daily.setdefault(row["integration_id"], {})[row["day"]] = row
    members: dict[str, list[Integration]] = {}
    listed = Integration.objects.order_by("created_at")
    if not include_abandoned:
        listed = abandoned_filter(listed, abandoned=False)
    for integration in listed:
        members.setdefault(integration.environment_id, []).append(integration)
    mappings = {mapping.integration_id: mapping for mapping in SourceMapping.objects.all()}

    report = []
    for environment in Environment.objects.order_by("name"):
        integrations = members.get(environment.pk, [])
        environment_daily = {
            day: _summed([daily.get(integration.pk, {}).get(day, {}) for integration in integrations])
            for day in day_list
        }
        report.append(
            EnvironmentCoverage(
                environment=environment,
                coverage=_coverage_from(
                    _summed([totals.get(integration.pk, {}) for integration in integrations]),
                    environment_daily,
                    day_list,
                ),
                integrations=[
                    IntegrationCoverage(
                        integration=integration,
                        coverage=_coverage_from(
                            totals.get(integration.pk, {}), daily.get(integration.pk, {}), day_list
                        ),
                        mapping=mappings.get(integration.pk),
                    )
                    for integration in integrations
                ],
            )
        )
    return report


def attribution_failures(
    *, environment: Environment | None = None, integration: Integration | None = None
) -> QuerySet[ApplicationAttribution]:
    return (
        _attributions(environment=environment, integration=integration)
        .filter(status=ApplicationAttribution.Status.FAILED)
        .select_related("integration", "integration__environment")
    )
