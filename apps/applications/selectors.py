"""Reads of the unified ATS data: one selector per /v1/ats list.

Every selector scopes to one integration, applies the contract's filters (§4.1: AND across parameters, OR
within a CSV list), answers `updated_after` with the related-data rules (EXISTS over the `changed_at` of
child and join rows, which writers soft-delete and move on every change, see `apps.applications.models`;
`_changed_since` keeps that fast both when most records changed and when few did), and returns one
keyset page ordered by id with a fixed number of queries: the page itself plus one per nested list
(`Related`), whatever the page size or depth.

Pages are `values()` rows holding the columns the presenters declare (see `apps.applications.presenters`).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from functools import cache, reduce
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    BooleanField,
    CharField,
    DateTimeField,
    Exists,
    F,
    Func,
    Lookup,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.sql.compiler import SQLCompiler

from apps.applications import presenters as p
from apps.applications.field_exposure import needs_remote_data
from apps.applications.models import (
    Application,
    ApplicationStage,
    AtsUser,
    Attachment,
    Candidate,
    CandidateTag,
    HiringTeamMember,
    Interview,
    InterviewUser,
    Job,
    JobPosting,
    JobStage,
    Note,
    Offer,
    RejectionReason,
    Role,
    Scorecard,
    ScreeningQuestion,
    Tag,
    UserRoleAssignment,
)
from apps.applications.query import ListQuery
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


def _records(model: type[M], *, integration: Integration, query: ListQuery) -> QuerySet[M]:
    queryset = model._default_manager.filter(integration=integration)
    if not query.include_deleted:
        queryset = queryset.filter(remote_deleted_at__isnull=True)
    if query.ids is not None:
        queryset = queryset.filter(id__in=query.ids)
    if query.remote_ids is not None:
        queryset = queryset.filter(remote_id__in=query.remote_ids)
    return queryset


@dataclass(frozen=True)
class Related:
    """A nested list loaded for a whole page in one query.

    The rows of `queryset.values(parent, *columns)` whose `parent` is one of the page rows' `key` values are
    grouped and set on each page row under `name` (a list of dicts, in queryset order). Cheaper than Django's
    prefetch_related, which clones a queryset per record.
    """

    name: str
    queryset: QuerySet[Any]
    parent: str
    columns: tuple[str, ...]
    key: str = "id"


class AnyOf(Lookup):
    """`column = ANY(%s)` with the values as one array parameter (PostgreSQL).

    A page loads its nested lists for 100-250 parent ids; Django's `__in` prepares and binds every id on its own,
    which costs more than the query itself. Other databases get a plain `IN (...)`.
    """

    lookup_name = "any_of"
    prepare_rhs = False  # the ids are passed through as they are

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


class WireDatetime(Func):
    """A datetime column as the contract's text, `YYYY-MM-DDTHH:mm:ss.sssZ`, formatted by PostgreSQL.

    Parsing each timestamp into a Python datetime and formatting it back costs more than running the page
    query; `to_char` truncates to milliseconds exactly as `format_datetime` does. Other databases skip this
    and the presenters format the datetimes.
    """

    output_field = CharField()
    template = "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"


@cache
def _datetime_columns(model: type[Model], columns: tuple[str, ...]) -> frozenset[str]:
    """Which of `columns` (`relation__field` paths from `model`) are datetime fields."""
    found = set()
    for column in columns:
        current: Any = model
        field = None
        for part in column.split("__"):
            try:
                field = current._meta.get_field(part)
            except (FieldDoesNotExist, AttributeError):
                field = None  # an annotation
                break
            current = field.related_model
        if isinstance(field, DateTimeField):
            found.add(column)
    return frozenset(found)


def _fetch(queryset: QuerySet[Any], columns: tuple[str, ...]) -> QuerySet[Any]:
    """`queryset.values(*columns)`, datetimes as wire text (see `WireDatetime`; the keys stay the same)."""
    datetimes = _datetime_columns(queryset.model, columns) if connection.vendor == "postgresql" else frozenset()
    if not datetimes:
        return queryset.values(*columns)
    aliases = {f"wire_{index}": column for index, column in enumerate(columns) if column in datetimes}
    queryset = queryset.annotate(**{alias: WireDatetime(column) for alias, column in aliases.items()})
    return queryset.values(*(column for column in columns if column not in datetimes), *aliases)


def _rename_wire(rows: list[Row], columns: tuple[str, ...], model: type[Model]) -> None:
    datetimes = _datetime_columns(model, columns) if connection.vendor == "postgresql" else frozenset()
    if not datetimes:
        return
    aliases = [(f"wire_{index}", column) for index, column in enumerate(columns) if column in datetimes]
    for row in rows:
        for alias, column in aliases:
            row[column] = row.pop(alias)


def _load_related(rows: list[Row], related: Iterable[Related]) -> None:
    for spec in related:
        keys = {row[spec.key] for row in rows} - {None}
        groups: dict[str, list[Row]] = {}
        if keys:
            columns = (spec.parent, *spec.columns)
            children = list(_fetch(spec.queryset.filter(AnyOf(F(spec.parent), sorted(keys))), columns))
            _rename_wire(children, columns, spec.queryset.model)
            for child in children:
                groups.setdefault(child[spec.parent], []).append(child)
        for row in rows:
            row[spec.name] = groups.get(row[spec.key], [])


def _paginate(
    queryset: QuerySet[Any],
    *,
    columns: tuple[str, ...],
    endpoint: str,
    integration: Integration,
    query: ListQuery,
    related: Iterable[Related] = (),
    changed: Sequence[Q | Exists] = (),
) -> Page:
    """One keyset page. `changed`: with `updated_after`, the conditions any of which makes a record count."""
    if query.cursor:
        after = decode_cursor(query.cursor, endpoint=endpoint, integration_id=integration.id)
        queryset = queryset.filter(id__gt=after)
    if query.updated_after is not None:
        queryset = _changed_since(queryset, changed or [Q(changed_at__gt=query.updated_after)], query.page_size + 1)
    if needs_remote_data(integration, endpoint):  # integration fields or custom fields to show
        columns = (*columns, "remote_data")
    rows = list(_fetch(queryset.order_by("id"), columns)[: query.page_size + 1])
    has_more = len(rows) > query.page_size
    rows = rows[: query.page_size]
    _rename_wire(rows, columns, queryset.model)
    if rows:
        _load_related(rows, related)
    next_cursor = encode_cursor(rows[-1]["id"], endpoint=endpoint, integration_id=integration.id) if has_more else None
    return Page(results=rows, next_cursor=next_cursor)


EMPTY = Page(results=[], next_cursor=None)


def _day_start(value: datetime) -> datetime:
    """`remote_created_after` has day granularity: the whole day of the given instant (UTC) counts."""
    return datetime.combine(value.astimezone(UTC).date(), time.min, tzinfo=UTC)


def _live(queryset: QuerySet[M]) -> QuerySet[M]:
    return queryset.filter(remote_deleted_at__isnull=True)


def _changed_since(queryset: QuerySet[M], conditions: Sequence[Q | Exists], limit: int) -> QuerySet[M]:
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


def _related_changed(model: type[Model], parent: str, integration: Integration, since: datetime) -> Exists:
    """A child or join row of the record (soft-deleted ones too: removals count) changed after `since`."""
    return Exists(
        model._default_manager.filter(integration=integration, changed_at__gt=since, **{parent: OuterRef("pk")})
    )


def _changed_conditions(
    query: ListQuery, integration: Integration, *children: tuple[str, type[Model]]
) -> list[Q | Exists]:
    """The record itself changed, or one of its child / join rows `(parent field, model)` did."""
    if query.updated_after is None:
        return []
    since = query.updated_after
    return [
        Q(changed_at__gt=since),
        *(_related_changed(model, parent, integration, since) for parent, model in children),
    ]


def _current_stage_index() -> Subquery:
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


def _any_iexact(field: str, values: Iterable[str]) -> Q:
    condition = Q()
    for value in values:
        condition |= Q(**{f"{field}__iexact": value})
    return condition


# -- jobs ------------------------------------------------------------------------------------------


def job_list(*, integration: Integration, query: ListQuery) -> Page:
    filters = supported_filters(integration=integration, model=ReadModel.JOBS, query=query)
    if filters is None:
        return EMPTY
    queryset = _records(Job, integration=integration, query=query)
    if "job_codes" in filters:
        queryset = queryset.filter(job_code__in=filters["job_codes"])
    if "post_url" in filters:
        queryset = queryset.filter(post_url=filters["post_url"])
    if "statuses" in filters:
        queryset = queryset.filter(status__in=filters["statuses"])
    if "employment_types" in filters:
        queryset = queryset.filter(employment_type__in=filters["employment_types"])
    if "visibilities" in filters:
        queryset = queryset.filter(visibility__in=filters["visibilities"])
    if "remote_created_after" in filters:
        queryset = queryset.filter(remote_created_at__gte=_day_start(filters["remote_created_after"]))
    if "name_contains" in filters:
        queryset = queryset.filter(name__icontains=filters["name_contains"])
    changed = _changed_conditions(
        query,
        integration,
        ("job", JobStage),
        ("job", ScreeningQuestion),
        ("job", JobPosting),
        ("job", HiringTeamMember),
    )
    by_index = (F("index").asc(nulls_last=True), "id")
    related = [
        Related(
            "stage_rows",
            _live(JobStage.objects).filter(stage__remote_deleted_at__isnull=True).order_by(*by_index),
            "job_id",
            p.JOB_STAGE_ROW_COLUMNS,
        ),
        Related(
            "question_rows", _live(ScreeningQuestion.objects).order_by(*by_index), "job_id", p.QUESTION_ROW_COLUMNS
        ),
        Related("posting_rows", _live(JobPosting.objects).order_by("id"), "job_id", p.POSTING_ROW_COLUMNS),
        Related(
            "hiring_team_rows",
            _live(HiringTeamMember.objects).filter(user__remote_deleted_at__isnull=True).order_by("id"),
            "job_id",
            p.HIRING_TEAM_ROW_COLUMNS,
        ),
    ]
    return _paginate(
        queryset,
        columns=p.JOB_COLUMNS,
        endpoint="jobs",
        integration=integration,
        query=query,
        related=related,
        changed=changed,
    )


# -- candidates and applications -------------------------------------------------------------------


def _candidate_tags(*, key: str) -> Related:
    return Related(
        "tag_rows",
        _live(CandidateTag.objects).filter(tag__remote_deleted_at__isnull=True).order_by("id"),
        "candidate_id",
        p.TAG_ROW_COLUMNS,
        key=key,
    )


def application_list(*, integration: Integration, query: ListQuery) -> Page:
    filters = supported_filters(integration=integration, model=ReadModel.APPLICATIONS, query=query)
    if filters is None:
        return EMPTY
    queryset = _records(Application, integration=integration, query=query).annotate(
        current_stage_index=_current_stage_index()
    )
    if "outcomes" in filters:
        queryset = queryset.filter(outcome__in=filters["outcomes"])
    if "job_ids" in filters:
        queryset = queryset.filter(job_id__in=filters["job_ids"])
    if "job_remote_ids" in filters:
        queryset = queryset.filter(job__remote_id__in=filters["job_remote_ids"])
    if "current_stage_ids" in filters:
        queryset = queryset.filter(current_stage_id__in=filters["current_stage_ids"])
    if "remote_created_after" in filters:
        queryset = queryset.filter(remote_created_at__gte=_day_start(filters["remote_created_after"]))
    changed = _changed_conditions(query, integration, ("application", Interview), ("application", Offer))
    if query.updated_after is not None:  # the candidate is a linked record: its own changes count
        changed.append(Q(candidate__integration=integration, candidate__changed_at__gt=query.updated_after))
    related = [
        _candidate_tags(key="candidate_id"),
        Related("interview_rows", _live(Interview.objects).order_by("id"), "application_id", p.INTERVIEW_ROW_COLUMNS),
        Related("offer_rows", _live(Offer.objects).order_by("id"), "application_id", p.OFFER_ROW_COLUMNS),
    ]
    return _paginate(
        queryset,
        columns=p.APPLICATION_COLUMNS,
        endpoint="applications",
        integration=integration,
        query=query,
        related=related,
        changed=changed,
    )


def candidate_list(*, integration: Integration, query: ListQuery) -> Page:
    filters = supported_filters(integration=integration, model=ReadModel.CANDIDATES, query=query)
    if filters is None:
        return EMPTY
    queryset = _records(Candidate, integration=integration, query=query)
    if "email" in filters:
        queryset = queryset.filter(EmailIn("email_addresses", filters["email"]))
    if "job_ids" in filters:
        applied = Application.objects.filter(
            candidate=OuterRef("pk"), job_id__in=filters["job_ids"], remote_deleted_at__isnull=True
        )
        queryset = queryset.filter(Exists(applied))
    if "first_name" in filters:
        queryset = queryset.filter(first_name__iexact=filters["first_name"].strip())
    if "last_name" in filters:
        queryset = queryset.filter(last_name__iexact=filters["last_name"].strip())
    changed = _changed_conditions(query, integration, ("candidate", Application), ("candidate", CandidateTag))
    related = [
        Related(
            "application_rows",
            _live(Application.objects).annotate(current_stage_index=_current_stage_index()).order_by("id"),
            "candidate_id",
            p.CANDIDATE_APPLICATION_ROW_COLUMNS,
        ),
        _candidate_tags(key="id"),
    ]
    return _paginate(
        queryset,
        columns=p.CANDIDATE_COLUMNS,
        endpoint="candidates",
        integration=integration,
        query=query,
        related=related,
        changed=changed,
    )


# -- reference data ----------------------------------------------------------------------------------


def tag_list(*, integration: Integration, query: ListQuery) -> Page:
    queryset = _records(Tag, integration=integration, query=query)
    return _paginate(queryset, columns=p.TAG_COLUMNS, endpoint="tags", integration=integration, query=query)


def application_stage_list(*, integration: Integration, query: ListQuery) -> Page:
    queryset = _records(ApplicationStage, integration=integration, query=query)
    return _paginate(
        queryset,
        columns=p.APPLICATION_STAGE_COLUMNS,
        endpoint="application-stages",
        integration=integration,
        query=query,
    )


def rejection_reason_list(*, integration: Integration, query: ListQuery) -> Page:
    queryset = _records(RejectionReason, integration=integration, query=query)
    return _paginate(
        queryset,
        columns=p.REJECTION_REASON_COLUMNS,
        endpoint="rejection-reasons",
        integration=integration,
        query=query,
    )


def role_list(*, integration: Integration, query: ListQuery) -> Page:
    filters = supported_filters(integration=integration, model=ReadModel.ROLES, query=query)
    if filters is None:
        return EMPTY
    queryset = _records(Role, integration=integration, query=query)
    if "scopes" in filters:
        queryset = queryset.filter(scope__in=filters["scopes"])
    return _paginate(queryset, columns=p.ROLE_COLUMNS, endpoint="roles", integration=integration, query=query)


def user_list(*, integration: Integration, query: ListQuery) -> Page:
    filters = supported_filters(integration=integration, model=ReadModel.USERS, query=query)
    if filters is None:
        return EMPTY
    queryset = _records(AtsUser, integration=integration, query=query)
    if "emails" in filters:
        queryset = queryset.filter(_any_iexact("email", filters["emails"]))
    changed = _changed_conditions(query, integration, ("user", UserRoleAssignment))
    if query.updated_after is not None:  # an assigned role is a linked record: its own changes count
        assigned_role_changed = UserRoleAssignment.objects.filter(
            user=OuterRef("pk"), role__integration=integration, role__changed_at__gt=query.updated_after
        )
        changed.append(Exists(assigned_role_changed))
    related = [
        Related(
            "role_rows",
            _live(UserRoleAssignment.objects).filter(role__remote_deleted_at__isnull=True).order_by("id"),
            "user_id",
            p.USER_ROLE_ROW_COLUMNS,
        )
    ]
    return _paginate(
        queryset,
        columns=p.USER_COLUMNS,
        endpoint="users",
        integration=integration,
        query=query,
        related=related,
        changed=changed,
    )


# -- application activity --------------------------------------------------------------------------


def offer_list(*, integration: Integration, query: ListQuery) -> Page:
    queryset = _records(Offer, integration=integration, query=query)
    changed = _changed_conditions(query, integration)
    if query.updated_after is not None:  # the application is a linked record
        changed.append(Q(application__integration=integration, application__changed_at__gt=query.updated_after))
    return _paginate(
        queryset, columns=p.OFFER_COLUMNS, endpoint="offers", integration=integration, query=query, changed=changed
    )


def interview_list(*, integration: Integration, query: ListQuery) -> Page:
    filters = supported_filters(integration=integration, model=ReadModel.INTERVIEWS, query=query)
    if filters is None:
        return EMPTY
    queryset = _records(Interview, integration=integration, query=query)
    if "job_ids" in filters:
        queryset = queryset.filter(application__job_id__in=filters["job_ids"])
    changed = _changed_conditions(query, integration, ("interview", InterviewUser))
    if query.updated_after is not None:  # the application is a linked record
        changed.append(Q(application__integration=integration, application__changed_at__gt=query.updated_after))
    related = [
        Related(
            "user_rows",
            _live(InterviewUser.objects).filter(user__remote_deleted_at__isnull=True).order_by("id"),
            "interview_id",
            p.INTERVIEW_USER_ROW_COLUMNS,
        )
    ]
    return _paginate(
        queryset,
        columns=p.INTERVIEW_COLUMNS,
        endpoint="interviews",
        integration=integration,
        query=query,
        related=related,
        changed=changed,
    )


def _by_candidate_and_application(queryset: QuerySet[M], filters: dict[str, Any]) -> QuerySet[M]:
    if "candidate_ids" in filters:
        queryset = queryset.filter(candidate_id__in=filters["candidate_ids"])
    if "application_ids" in filters:
        queryset = queryset.filter(application_id__in=filters["application_ids"])
    return queryset


def note_list(*, integration: Integration, query: ListQuery) -> Page:
    filters = supported_filters(integration=integration, model=ReadModel.NOTES, query=query)
    if filters is None:
        return EMPTY
    queryset = _records(Note, integration=integration, query=query)
    queryset = _by_candidate_and_application(queryset, filters)
    return _paginate(queryset, columns=p.NOTE_COLUMNS, endpoint="notes", integration=integration, query=query)


def scorecard_list(*, integration: Integration, query: ListQuery) -> Page:
    filters = supported_filters(integration=integration, model=ReadModel.SCORECARDS, query=query)
    if filters is None:
        return EMPTY
    queryset = _records(Scorecard, integration=integration, query=query)
    queryset = _by_candidate_and_application(queryset, filters)
    return _paginate(queryset, columns=p.SCORECARD_COLUMNS, endpoint="scorecards", integration=integration, query=query)


def attachment_list(*, integration: Integration, query: ListQuery) -> Page:
    filters = supported_filters(integration=integration, model=ReadModel.ATTACHMENTS, query=query)
    if filters is None:
        return EMPTY
    queryset = _records(Attachment, integration=integration, query=query)
    queryset = _by_candidate_and_application(queryset, filters)
    return _paginate(
        queryset, columns=p.ATTACHMENT_COLUMNS, endpoint="attachments", integration=integration, query=query
    )


# -- the write path ------------------------------------------------------------------------------------

CREATED_APPLICATION_COLUMNS = (
    *p.APPLICATION_COLUMNS,
    *p.prefixed("candidate", tuple(column for column in p.CANDIDATE_COLUMNS if column not in ("id", "remote_id"))),
)


def created_application_row(*, integration: Integration, application_id: str, tagged: bool = True) -> Row | None:
    """One application with its whole candidate (joined) and the candidate's tags, for the create response.

    Two queries (one when `tagged` is False: the candidate has no tags). The row has the keys `present_application`
    reads (no interview or offer rows: the create response has none) plus every candidate column as `candidate__*`.
    """
    # One row: plain values() (datetimes formatted in Python) compiles faster than the lists' wire-text columns.
    row = (
        Application.objects.filter(integration=integration, id=application_id)
        .annotate(current_stage_index=_current_stage_index())
        .values(*CREATED_APPLICATION_COLUMNS)
        .first()
    )
    if row is None:
        return None
    row["tag_rows"] = (
        list(
            _live(CandidateTag.objects)
            .filter(candidate_id=row["candidate_id"], tag__remote_deleted_at__isnull=True)
            .order_by("id")
            .values(*p.TAG_ROW_COLUMNS)
        )
        if tagged
        else []
    )
    row["interview_rows"], row["offer_rows"] = [], []
    return row
