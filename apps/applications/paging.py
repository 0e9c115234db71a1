"""The machinery every /v1/ats list selector shares (`apps.applications.selectors`).

Scoping to one integration, the contract's common parameters (§4.1: `ids`, `remote_ids`, `include_deleted`,
filters a connector cannot answer), `updated_after` with the related-data rules (EXISTS over the `changed_at` of
child and join rows, which writers soft-delete and move on every change, see `apps.applications.models`;
`changed_since` keeps that fast both when most records changed and when few did), and one keyset page ordered
by id with a fixed number of queries: the page itself plus one per nested list (`rows.Related`), whatever the
page size or depth.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from functools import reduce
from typing import Any, TypeVar

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, Exists, F, Func, Model, OuterRef, Q, QuerySet, Subquery
from django.db.models.sql.compiler import SQLCompiler

from apps.applications.field_exposure import needs_remote_data
from apps.applications.models import JobStage
from apps.applications.query import ListQuery
from apps.applications.rows import Related, fetch_page_rows, load_related
from apps.connectors.catalog import CoverageStatus, ReadModel
from apps.connectors.registry import UnknownTool, get_connector_class
from apps.core.api.cursors import decode_cursor, encode_cursor
from apps.integrations.models import Integration

M = TypeVar("M", bound=Model)
Row = dict[str, Any]


@dataclass(frozen=True)
class Page:
    results: list[Row]
    next_cursor: str | None


# Each endpoint filter and the unified field it needs; a filter on a field the integration's connector does not
# cover yields no results, or is dropped with `ignore_unsupported_filters=true` (§4.1).
FILTER_FIELDS: dict[ReadModel, dict[str, str]] = {
    ReadModel.JOBS: {
        "job_codes": "job_code",
        "post_url": "post_url",
        "statuses": "status",
        "employment_types": "employment_type",
        "visibilities": "visibility",
        "remote_created_after": "remote_created_at",
        "name_contains": "name",
    },
    ReadModel.APPLICATIONS: {
        "outcomes": "outcome",
        "job_ids": "job",
        "job_remote_ids": "job",
        "current_stage_ids": "current_stage",
        "remote_created_after": "remote_created_at",
    },
    ReadModel.CANDIDATES: {"email": "email_addresses", "first_name": "first_name", "last_name": "last_name"},
    ReadModel.USERS: {"emails": "email"},
    ReadModel.ROLES: {"scopes": "scope"},
    ReadModel.INTERVIEWS: {"job_ids": "application"},
    ReadModel.NOTES: {"candidate_ids": "candidate", "application_ids": "application"},
    ReadModel.SCORECARDS: {"candidate_ids": "candidate", "application_ids": "application"},
    ReadModel.ATTACHMENTS: {"candidate_ids": "candidate", "application_ids": "application"},
}


def supported_filters(*, integration: Integration, model: ReadModel, query: ListQuery) -> dict[str, Any] | None:
    """The endpoint filters to apply, or None when an unsupported one must make the result empty."""
    try:
        coverage = get_connector_class(integration.tool).coverage_for(model)
    except UnknownTool:
        return dict(query.filters)
    fields = FILTER_FIELDS.get(model, {})
    kept: dict[str, Any] = {}
    for name, value in query.filters.items():
        needed = fields.get(name)
        supported = needed is None or (coverage is not None and coverage.fields.get(needed) == CoverageStatus.SUPPORTED)
        if supported:
            kept[name] = value
        elif not query.ignore_unsupported_filters:
            return None
    return kept


def records(model: type[M], *, integration: Integration, query: ListQuery) -> QuerySet[M]:
    queryset = model._default_manager.filter(integration=integration)
    if not query.include_deleted:
        queryset = queryset.filter(remote_deleted_at__isnull=True)
    if query.ids is not None:
        queryset = queryset.filter(id__in=query.ids)
    if query.remote_ids is not None:
        queryset = queryset.filter(remote_id__in=query.remote_ids)
    return queryset


def paginate(
    queryset: QuerySet[Any] | Callable[[], QuerySet[Any]],
    *,
    columns: tuple[str, ...],
    endpoint: str,
    integration: Integration,
    query: ListQuery,
    related: Iterable[Related] = (),
    changed: Sequence[Q | Exists] = (),
    model: type[Model] | None = None,
) -> Page:
    """One keyset page. `changed`: with `updated_after`, the conditions any of which makes a record count.

    `queryset` may be a function building it (then `model` names its model): plain paging reuses its compiled SQL
    (see `rows.fetch_page_rows`), and building a queryset costs more than a millisecond's fraction worth saving."""
    slots: dict[str, Any] = {"integration": integration.id}
    after = None
    if query.cursor:
        after = decode_cursor(query.cursor, endpoint=endpoint, integration_id=integration.id)
        slots["after"] = after

    def page_queryset() -> QuerySet[Any]:
        built = queryset() if callable(queryset) else queryset
        if after is not None:
            built = built.filter(id__gt=after)
        if query.updated_after is not None:
            built = changed_since(built, changed or [Q(changed_at__gt=query.updated_after)], query.page_size + 1)
        return built.order_by("id")

    if needs_remote_data(integration, endpoint):  # integration fields or custom fields to show
        columns = (*columns, "remote_data")
    # Plain paging (no filters, ids or updated_after) always builds the same query: its SQL is reused.
    plain = not query.filters and query.ids is None and query.remote_ids is None and query.updated_after is None
    shape = (endpoint, query.include_deleted, bool(query.cursor)) if plain else None
    rows = fetch_page_rows(
        page_queryset,
        model or queryset.model,  # type: ignore[union-attr]
        columns,
        limit=query.page_size + 1,
        shape=shape,
        slots=slots,
    )
    has_more = len(rows) > query.page_size
    rows = rows[: query.page_size]
    if rows:
        load_related(rows, related)
    next_cursor = encode_cursor(rows[-1]["id"], endpoint=endpoint, integration_id=integration.id) if has_more else None
    return Page(results=rows, next_cursor=next_cursor)


EMPTY = Page(results=[], next_cursor=None)


def day_start(value: datetime) -> datetime:
    """`remote_created_after` has day granularity: the whole day of the given instant (UTC) counts."""
    return datetime.combine(value.astimezone(UTC).date(), time.min, tzinfo=UTC)


def live(queryset: QuerySet[M]) -> QuerySet[M]:
    return queryset.filter(remote_deleted_at__isnull=True)


def changed_since(queryset: QuerySet[M], conditions: Sequence[Q | Exists], limit: int) -> QuerySet[M]:
    """Records matching any of `conditions` (the record changed, or related data of it, §4.1).

    On PostgreSQL each condition becomes its own `ORDER BY id LIMIT page` branch of a UNION: for each one
    the planner picks between walking the records in id order (most changed: the page fills at once) and
    starting from the `(integration, changed_at)` index of the changed rows (few changed: a client polling
    for recent changes). A single OR of the conditions would check every record of the integration in the
    second case. The page is the first ids of the union, which are among the first ids of each branch.
    """
    if len(conditions) == 1 or connection.vendor != "postgresql":
        return queryset.filter(reduce(operator.or_, conditions))
    branches = [queryset.filter(condition).order_by("id").values("id")[:limit] for condition in conditions]
    return queryset.filter(id__in=branches[0].union(*branches[1:]))


def related_changed(model: type[Model], parent: str, integration: Integration, since: datetime) -> Exists:
    """A child or join row of the record (soft-deleted ones too: removals count) changed after `since`."""
    return Exists(
        model._default_manager.filter(integration=integration, changed_at__gt=since, **{parent: OuterRef("pk")})
    )


def changed_conditions(
    query: ListQuery, integration: Integration, *children: tuple[str, type[Model]]
) -> list[Q | Exists]:
    """The record itself changed, or one of its child / join rows `(parent field, model)` did."""
    if query.updated_after is None:
        return []
    since = query.updated_after
    return [
        Q(changed_at__gt=since),
        *(related_changed(model, parent, integration, since) for parent, model in children),
    ]


def current_stage_index() -> Subquery:
    """`current_stage.index`: the position of the current stage on the application's job."""
    return Subquery(
        JobStage.objects.filter(
            job_id=OuterRef("job_id"), stage_id=OuterRef("current_stage_id"), remote_deleted_at__isnull=True
        ).values("index")[:1]
    )


class EmailIn(Func):
    """True when `email` (case-insensitive) is one of the `email_address`es of a JSON list column.

    An expression rather than raw SQL so the column is named with the alias of whichever (sub)query uses it.
    """

    output_field = BooleanField()
    conditional = True

    def __init__(self, column: str, email: str) -> None:
        super().__init__(F(column))
        self.email = email.strip().lower()

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> tuple[str, list[Any]]:
        column, params = compiler.compile(self.get_source_expressions()[0])
        if connection.vendor == "postgresql":
            sql = f"EXISTS (SELECT 1 FROM jsonb_array_elements({column}) AS e WHERE lower(e->>'email_address') = %s)"
        else:
            sql = (
                f"EXISTS (SELECT 1 FROM json_each({column}) AS e "
                "WHERE lower(json_extract(e.value, '$.email_address')) = %s)"
            )
        return sql, [*params, self.email]


def any_iexact(field: str, values: Iterable[str]) -> Q:
    condition = Q()
    for value in values:
        condition |= Q(**{f"{field}__iexact": value})
    return condition
