"""Reads of the unified ATS data: one selector per /v1/ats list.

Every selector scopes to one integration, applies the contract's filters (§4.1: AND across parameters, OR
within a CSV list), answers `updated_after` with the related-data rules (EXISTS over child and join rows,
which writers soft-delete and whose `changed_at` they move; see `apps.applications.models`), and returns one
keyset page ordered by id with a fixed number of queries: the page itself plus one per prefetched list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any, Generic, TypeVar

from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    F,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL

from apps.applications.cursors import decode_cursor, encode_cursor
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
from apps.integrations.models import Integration

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Page(Generic[M]):
    results: list[M]
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


def _paginate(
    queryset: QuerySet[M],
    *,
    endpoint: str,
    integration: Integration,
    query: ListQuery,
    prefetch: Iterable[str | Prefetch] = (),
) -> Page[M]:
    if query.cursor:
        after = decode_cursor(query.cursor, endpoint=endpoint, integration_id=integration.id)
        queryset = queryset.filter(id__gt=after)
    rows = list(queryset.order_by("id")[: query.page_size + 1])
    has_more = len(rows) > query.page_size
    rows = rows[: query.page_size]
    if rows and prefetch:
        prefetch_related_objects(rows, *prefetch)
    next_cursor = encode_cursor(rows[-1].id, endpoint=endpoint, integration_id=integration.id) if has_more else None
    return Page(results=rows, next_cursor=next_cursor)


def _empty() -> Page[Any]:
    return Page(results=[], next_cursor=None)


def _day_start(value: datetime) -> datetime:
    """`remote_created_after` has day granularity: the whole day of the given instant (UTC) counts."""
    return datetime.combine(value.astimezone(UTC).date(), time.min, tzinfo=UTC)


def _live(queryset: QuerySet[M]) -> QuerySet[M]:
    return queryset.filter(remote_deleted_at__isnull=True)


def _changed_since(model: type[Model], parent: str, since: datetime, **extra: Any) -> Exists:
    return Exists(model._default_manager.filter(**{parent: OuterRef("pk"), "changed_at__gt": since}, **extra))


def _current_stage_index() -> Subquery:
    """`current_stage.index`: the position of the current stage on the application's job."""
    return Subquery(
        JobStage.objects.filter(
            job_id=OuterRef("job_id"), stage_id=OuterRef("current_stage_id"), remote_deleted_at__isnull=True
        ).values("index")[:1]
    )


def _email_in_addresses(email: str) -> RawSQL:
    # Case-insensitive match against any `email_addresses[].email_address` of the candidate's JSON list.
    table = Candidate._meta.db_table
    if connection.vendor == "postgresql":
        sql = (
            f'EXISTS (SELECT 1 FROM jsonb_array_elements("{table}"."email_addresses") AS e '
            "WHERE lower(e->>'email_address') = %s)"
        )
    else:
        sql = (
            f'EXISTS (SELECT 1 FROM json_each("{table}"."email_addresses") AS e '
            "WHERE lower(json_extract(e.value, '$.email_address')) = %s)"
        )
    return RawSQL(sql, [email.strip().lower()], output_field=BooleanField())


def _any_iexact(field: str, values: Iterable[str]) -> Q:
    condition = Q()
    for value in values:
        condition |= Q(**{f"{field}__iexact": value})
    return condition


# -- jobs ------------------------------------------------------------------------------------------


def job_list(*, integration: Integration, query: ListQuery) -> Page[Job]:
    filters = supported_filters(integration=integration, model=ReadModel.JOBS, query=query)
    if filters is None:
        return _empty()
    queryset = _records(Job, integration=integration, query=query).defer("remote_data", "content_hash")
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
    if query.updated_after is not None:
        since = query.updated_after
        queryset = queryset.filter(
            Q(changed_at__gt=since)
            | _changed_since(JobStage, "job", since)
            | _changed_since(ScreeningQuestion, "job", since)
            | _changed_since(JobPosting, "job", since)
            | _changed_since(HiringTeamMember, "job", since)
        )
    prefetch = [
        Prefetch(
            "job_stages",
            queryset=_live(JobStage.objects.select_related("stage"))
            .filter(stage__remote_deleted_at__isnull=True)
            .defer("stage__remote_data", "stage__content_hash")
            .order_by(F("index").asc(nulls_last=True), "id"),
        ),
        Prefetch(
            "screening_questions",
            queryset=_live(ScreeningQuestion.objects.defer("remote_data", "content_hash")).order_by(
                F("index").asc(nulls_last=True), "id"
            ),
        ),
        Prefetch(
            "job_postings", queryset=_live(JobPosting.objects.defer("remote_data", "content_hash")).order_by("id")
        ),
        Prefetch(
            "hiring_team",
            queryset=_live(HiringTeamMember.objects.select_related("user"))
            .filter(user__remote_deleted_at__isnull=True)
            .defer("user__remote_data", "user__content_hash")
            .order_by("id"),
        ),
    ]
    return _paginate(queryset, endpoint="jobs", integration=integration, query=query, prefetch=prefetch)


# -- candidates and applications -------------------------------------------------------------------


def _live_tags(lookup: str) -> Prefetch:
    return Prefetch(
        lookup,
        queryset=_live(CandidateTag.objects.select_related("tag"))
        .filter(tag__remote_deleted_at__isnull=True)
        .only("id", "candidate_id", "tag__id", "tag__remote_id", "tag__name")
        .order_by("id"),
    )


def application_list(*, integration: Integration, query: ListQuery) -> Page[Application]:
    filters = supported_filters(integration=integration, model=ReadModel.APPLICATIONS, query=query)
    if filters is None:
        return _empty()
    queryset = (
        _records(Application, integration=integration, query=query)
        .select_related("candidate", "job", "current_stage")
        .only(
            *APPLICATION_COLUMNS,
            *(f"candidate__{name}" for name in EMBEDDED_CANDIDATE_COLUMNS),
            "job__id",
            "job__remote_id",
            "job__name",
            *(f"current_stage__{name}" for name in ("id", "remote_id", "name", "status", "custom_fields")),
        )
        .annotate(current_stage_index=_current_stage_index())
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
    if query.updated_after is not None:
        since = query.updated_after
        queryset = queryset.filter(
            Q(changed_at__gt=since)
            | Q(candidate__changed_at__gt=since)
            | _changed_since(Interview, "application", since)
            | _changed_since(Offer, "application", since)
        )
    prefetch = [
        _live_tags("candidate__candidate_tags"),
        Prefetch(
            "interviews",
            queryset=_live(Interview.objects.only(*EMBEDDED_INTERVIEW_COLUMNS)).order_by("id"),
        ),
        Prefetch(
            "offers", queryset=_live(Offer.objects.only("id", "remote_id", "status", "application_id")).order_by("id")
        ),
    ]
    return _paginate(queryset, endpoint="applications", integration=integration, query=query, prefetch=prefetch)


APPLICATION_COLUMNS = (
    "id",
    "integration_id",
    "remote_id",
    "outcome",
    "rejection_reason_name",
    "rejected_at",
    "current_stage_id",
    "job_id",
    "candidate_id",
    "custom_fields",
    "integration_fields",
    "remote_url",
    "changed_at",
    "remote_deleted_at",
    "remote_created_at",
    "remote_updated_at",
    "screening_question_answers",
)
EMBEDDED_CANDIDATE_COLUMNS = (
    "id",
    "remote_id",
    "first_name",
    "last_name",
    "source",
    "remote_url",
    "email_addresses",
    "phone_numbers",
    "social_media",
)
EMBEDDED_INTERVIEW_COLUMNS = (
    "id",
    "remote_id",
    "title",
    "starting_at",
    "ending_at",
    "canceled",
    "location",
    "application_id",
)


def candidate_list(*, integration: Integration, query: ListQuery) -> Page[Candidate]:
    filters = supported_filters(integration=integration, model=ReadModel.CANDIDATES, query=query)
    if filters is None:
        return _empty()
    queryset = _records(Candidate, integration=integration, query=query).defer("remote_data", "content_hash")
    if "email" in filters:
        queryset = queryset.filter(_email_in_addresses(filters["email"]))
    if "job_ids" in filters:
        queryset = queryset.filter(
            Exists(
                Application.objects.filter(
                    candidate=OuterRef("pk"), job_id__in=filters["job_ids"], remote_deleted_at__isnull=True
                )
            )
        )
    if "first_name" in filters:
        queryset = queryset.filter(first_name__iexact=filters["first_name"].strip())
    if "last_name" in filters:
        queryset = queryset.filter(last_name__iexact=filters["last_name"].strip())
    if query.updated_after is not None:
        since = query.updated_after
        queryset = queryset.filter(
            Q(changed_at__gt=since)
            | _changed_since(Application, "candidate", since)
            | _changed_since(CandidateTag, "candidate", since)
        )
    prefetch = [
        Prefetch(
            "applications",
            queryset=_live(Application.objects.select_related("job", "current_stage"))
            .only(
                "id",
                "candidate_id",
                "remote_id",
                "outcome",
                "rejection_reason_name",
                "rejected_at",
                "remote_url",
                "changed_at",
                "remote_created_at",
                "remote_updated_at",
                "job_id",
                "current_stage_id",
                "job__id",
                "job__remote_id",
                "job__name",
                "current_stage__id",
                "current_stage__remote_id",
                "current_stage__name",
            )
            .annotate(current_stage_index=_current_stage_index())
            .order_by("id"),
        ),
        _live_tags("candidate_tags"),
    ]
    return _paginate(queryset, endpoint="candidates", integration=integration, query=query, prefetch=prefetch)


# -- reference data ----------------------------------------------------------------------------------


def tag_list(*, integration: Integration, query: ListQuery) -> Page[Tag]:
    queryset = _records(Tag, integration=integration, query=query).defer("remote_data")
    if query.updated_after is not None:
        queryset = queryset.filter(changed_at__gt=query.updated_after)
    return _paginate(queryset, endpoint="tags", integration=integration, query=query)


def application_stage_list(*, integration: Integration, query: ListQuery) -> Page[ApplicationStage]:
    queryset = _records(ApplicationStage, integration=integration, query=query).defer("remote_data")
    if query.updated_after is not None:
        queryset = queryset.filter(changed_at__gt=query.updated_after)
    return _paginate(queryset, endpoint="application-stages", integration=integration, query=query)


def rejection_reason_list(*, integration: Integration, query: ListQuery) -> Page[RejectionReason]:
    queryset = _records(RejectionReason, integration=integration, query=query).defer("remote_data")
    if query.updated_after is not None:
        queryset = queryset.filter(changed_at__gt=query.updated_after)
    return _paginate(queryset, endpoint="rejection-reasons", integration=integration, query=query)


def role_list(*, integration: Integration, query: ListQuery) -> Page[Role]:
    filters = supported_filters(integration=integration, model=ReadModel.ROLES, query=query)
    if filters is None:
        return _empty()
    queryset = _records(Role, integration=integration, query=query).defer("remote_data")
    if "scopes" in filters:
        queryset = queryset.filter(scope__in=filters["scopes"])
    if query.updated_after is not None:
        queryset = queryset.filter(changed_at__gt=query.updated_after)
    return _paginate(queryset, endpoint="roles", integration=integration, query=query)


def user_list(*, integration: Integration, query: ListQuery) -> Page[AtsUser]:
    filters = supported_filters(integration=integration, model=ReadModel.USERS, query=query)
    if filters is None:
        return _empty()
    queryset = _records(AtsUser, integration=integration, query=query).defer("remote_data")
    if "emails" in filters:
        queryset = queryset.filter(_any_iexact("email", filters["emails"]))
    if query.updated_after is not None:
        since = query.updated_after
        assignment_changed = Exists(
            UserRoleAssignment.objects.filter(user=OuterRef("pk")).filter(
                Q(changed_at__gt=since) | Q(role__changed_at__gt=since)
            )
        )
        queryset = queryset.filter(Q(changed_at__gt=since) | assignment_changed)
    prefetch = [
        Prefetch(
            "role_assignments",
            queryset=_live(UserRoleAssignment.objects.select_related("role"))
            .filter(role__remote_deleted_at__isnull=True)
            .only("id", "user_id", "role__id", "role__remote_id", "role__remote_label", "role__unified_type")
            .order_by("id"),
        )
    ]
    return _paginate(queryset, endpoint="users", integration=integration, query=query, prefetch=prefetch)


USER_SUMMARY_COLUMNS = ("id", "remote_id", "first_name", "last_name", "email")

# -- application activity --------------------------------------------------------------------------

_APPLICATION_SUMMARY = (
    "application__id",
    "application__remote_id",
    "application__outcome",
    "application__rejection_reason_name",
    "application__candidate_id",
    "application__job_id",
    "application__candidate__id",
    "application__candidate__remote_id",
    "application__candidate__first_name",
    "application__candidate__last_name",
    "application__candidate__email_addresses",
    "application__job__id",
    "application__job__remote_id",
    "application__job__name",
)


def offer_list(*, integration: Integration, query: ListQuery) -> Page[Offer]:
    queryset = (
        _records(Offer, integration=integration, query=query)
        .select_related("application__candidate", "application__job")
        .only(
            "id",
            "integration_id",
            "remote_id",
            "status",
            "employment_start_date",
            "application_id",
            "custom_fields",
            "integration_fields",
            "changed_at",
            "remote_deleted_at",
            "remote_created_at",
            "remote_updated_at",
            *_APPLICATION_SUMMARY,
        )
    )
    if query.updated_after is not None:
        since = query.updated_after
        queryset = queryset.filter(Q(changed_at__gt=since) | Q(application__changed_at__gt=since))
    return _paginate(queryset, endpoint="offers", integration=integration, query=query)


def interview_list(*, integration: Integration, query: ListQuery) -> Page[Interview]:
    filters = supported_filters(integration=integration, model=ReadModel.INTERVIEWS, query=query)
    if filters is None:
        return _empty()
    queryset = (
        _records(Interview, integration=integration, query=query)
        .select_related("application__candidate", "application__job")
        .only(
            "id",
            "integration_id",
            "remote_id",
            "title",
            "starting_at",
            "ending_at",
            "video_conferencing_url",
            "application_id",
            "stage_id",
            "canceled",
            "location",
            "custom_fields",
            "integration_fields",
            "changed_at",
            "remote_deleted_at",
            "remote_created_at",
            "remote_updated_at",
            *_APPLICATION_SUMMARY,
        )
    )
    if "job_ids" in filters:
        queryset = queryset.filter(application__job_id__in=filters["job_ids"])
    if query.updated_after is not None:
        since = query.updated_after
        queryset = queryset.filter(
            Q(changed_at__gt=since)
            | _changed_since(InterviewUser, "interview", since)
            | Q(application__changed_at__gt=since)
        )
    prefetch = [
        Prefetch(
            "interview_users",
            queryset=_live(InterviewUser.objects.select_related("user"))
            .filter(user__remote_deleted_at__isnull=True)
            .only(
                "id",
                "interview_id",
                "user__id",
                "user__remote_id",
                "user__first_name",
                "user__last_name",
                "user__email",
            )
            .order_by("id"),
        )
    ]
    return _paginate(queryset, endpoint="interviews", integration=integration, query=query, prefetch=prefetch)


def _by_candidate_and_application(queryset: QuerySet[M], filters: dict[str, Any]) -> QuerySet[M]:
    if "candidate_ids" in filters:
        queryset = queryset.filter(candidate_id__in=filters["candidate_ids"])
    if "application_ids" in filters:
        queryset = queryset.filter(application_id__in=filters["application_ids"])
    return queryset


_AUTHOR = tuple(f"author__{name}" for name in USER_SUMMARY_COLUMNS)


def note_list(*, integration: Integration, query: ListQuery) -> Page[Note]:
    filters = supported_filters(integration=integration, model=ReadModel.NOTES, query=query)
    if filters is None:
        return _empty()
    queryset = (
        _records(Note, integration=integration, query=query)
        .select_related("author")
        .only(
            "id",
            "integration_id",
            "remote_id",
            "candidate_id",
            "application_id",
            "author_id",
            "title",
            "content_html",
            "is_private",
            "custom_fields",
            "integration_fields",
            "changed_at",
            "remote_deleted_at",
            "remote_created_at",
            "remote_updated_at",
            *_AUTHOR,
        )
    )
    queryset = _by_candidate_and_application(queryset, filters)
    if query.updated_after is not None:
        queryset = queryset.filter(changed_at__gt=query.updated_after)
    return _paginate(queryset, endpoint="notes", integration=integration, query=query)


def scorecard_list(*, integration: Integration, query: ListQuery) -> Page[Scorecard]:
    filters = supported_filters(integration=integration, model=ReadModel.SCORECARDS, query=query)
    if filters is None:
        return _empty()
    queryset = (
        _records(Scorecard, integration=integration, query=query)
        .select_related("author")
        .only(
            "id",
            "integration_id",
            "remote_id",
            "candidate_id",
            "application_id",
            "interview_id",
            "author_id",
            "responses",
            "custom_fields",
            "integration_fields",
            "changed_at",
            "remote_deleted_at",
            "remote_created_at",
            "remote_updated_at",
            *_AUTHOR,
        )
    )
    queryset = _by_candidate_and_application(queryset, filters)
    if query.updated_after is not None:
        queryset = queryset.filter(changed_at__gt=query.updated_after)
    return _paginate(queryset, endpoint="scorecards", integration=integration, query=query)


def attachment_list(*, integration: Integration, query: ListQuery) -> Page[Attachment]:
    filters = supported_filters(integration=integration, model=ReadModel.ATTACHMENTS, query=query)
    if filters is None:
        return _empty()
    queryset = _records(Attachment, integration=integration, query=query).defer("remote_data", "content_hash")
    queryset = _by_candidate_and_application(queryset, filters)
    if query.updated_after is not None:
        queryset = queryset.filter(changed_at__gt=query.updated_after)
    return _paginate(queryset, endpoint="attachments", integration=integration, query=query)
