"""Reads of the unified ATS data: one selector per /v1/ats list.

Every selector scopes to one integration, applies the contract's filters (§4.1: AND across parameters, OR
within a CSV list) and the related-data rules of `updated_after`, and returns one keyset page with a fixed
number of queries (see `apps.applications.paging`). Pages are dict rows holding the columns the presenters
declare (see `apps.applications.presenters`), loaded by `apps.applications.rows`; each nested list is a
`Related` defined once below (its SQL is compiled once per process).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from apps.applications import activity_presenters as act
from apps.applications import presenter_values as pv
from apps.applications import presenters as p
from apps.applications import reference_presenters as ref
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
from apps.applications.paging import (
    EMPTY,
    EmailIn,
    M,
    Page,
    any_iexact,
    changed_conditions,
    current_stage_index,
    day_start,
    live,
    paginate,
    records,
    supported_filters,
)
from apps.applications.query import ListQuery
from apps.applications.rows import Related
from apps.connectors.catalog import ReadModel
from apps.integrations.models import Integration

# -- the nested lists ----------------------------------------------------------------------------------

_BY_INDEX = (F("index").asc(nulls_last=True), "id")
JOB_RELATED = (
    Related(
        "stage_rows",
        live(JobStage.objects).filter(stage__remote_deleted_at__isnull=True).order_by(*_BY_INDEX),
        "job_id",
        p.JOB_STAGE_ROW_COLUMNS,
    ),
    Related("question_rows", live(ScreeningQuestion.objects).order_by(*_BY_INDEX), "job_id", p.QUESTION_ROW_COLUMNS),
    Related("posting_rows", live(JobPosting.objects).order_by("id"), "job_id", p.POSTING_ROW_COLUMNS),
    Related(
        "hiring_team_rows",
        live(HiringTeamMember.objects).filter(user__remote_deleted_at__isnull=True).order_by("id"),
        "job_id",
        p.HIRING_TEAM_ROW_COLUMNS,
    ),
)
_LIVE_CANDIDATE_TAGS = live(CandidateTag.objects).filter(tag__remote_deleted_at__isnull=True).order_by("id")
APPLICATION_RELATED = (
    Related("tag_rows", _LIVE_CANDIDATE_TAGS, "candidate_id", pv.TAG_ROW_COLUMNS, key="candidate_id"),
    Related("interview_rows", live(Interview.objects).order_by("id"), "application_id", p.INTERVIEW_ROW_COLUMNS),
    Related("offer_rows", live(Offer.objects).order_by("id"), "application_id", p.OFFER_ROW_COLUMNS),
)
CANDIDATE_RELATED = (
    Related(
        "application_rows",
        live(Application.objects).annotate(current_stage_index=current_stage_index()).order_by("id"),
        "candidate_id",
        p.CANDIDATE_APPLICATION_ROW_COLUMNS,
    ),
    Related("tag_rows", _LIVE_CANDIDATE_TAGS, "candidate_id", pv.TAG_ROW_COLUMNS),
)
USER_RELATED = (
    Related(
        "role_rows",
        live(UserRoleAssignment.objects).filter(role__remote_deleted_at__isnull=True).order_by("id"),
        "user_id",
        ref.USER_ROLE_ROW_COLUMNS,
    ),
)
INTERVIEW_RELATED = (
    Related(
        "user_rows",
        live(InterviewUser.objects).filter(user__remote_deleted_at__isnull=True).order_by("id"),
        "interview_id",
        act.INTERVIEW_USER_ROW_COLUMNS,
    ),
)


# -- jobs ------------------------------------------------------------------------------------------


def job_list(*, integration: Integration, query: ListQuery) -> Page:
    filters = supported_filters(integration=integration, model=ReadModel.JOBS, query=query)
    if filters is None:
        return EMPTY
    queryset = records(Job, integration=integration, query=query)
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
        queryset = queryset.filter(remote_created_at__gte=day_start(filters["remote_created_after"]))
    if "name_contains" in filters:
        queryset = queryset.filter(name__icontains=filters["name_contains"])
    changed = changed_conditions(
        query,
        integration,
        ("job", JobStage),
        ("job", ScreeningQuestion),
        ("job", JobPosting),
        ("job", HiringTeamMember),
    )
    return paginate(
        queryset,
        columns=p.JOB_COLUMNS,
        endpoint="jobs",
        integration=integration,
        query=query,
        related=JOB_RELATED,
        changed=changed,
    )


# -- candidates and applications -------------------------------------------------------------------


def application_list(*, integration: Integration, query: ListQuery) -> Page:
    filters = supported_filters(integration=integration, model=ReadModel.APPLICATIONS, query=query)
    if filters is None:
        return EMPTY

    def build() -> QuerySet[Application]:
        queryset = records(Application, integration=integration, query=query).annotate(
            current_stage_index=current_stage_index()
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
            queryset = queryset.filter(remote_created_at__gte=day_start(filters["remote_created_after"]))
        return queryset

    changed = changed_conditions(query, integration, ("application", Interview), ("application", Offer))
    if query.updated_after is not None:  # the candidate is a linked record: its own changes count
        changed.append(Q(candidate__integration=integration, candidate__changed_at__gt=query.updated_after))
    return paginate(
        build,
        model=Application,
        columns=p.APPLICATION_COLUMNS,
        endpoint="applications",
        integration=integration,
        query=query,
        related=APPLICATION_RELATED,
        changed=changed,
    )


def candidate_list(*, integration: Integration, query: ListQuery) -> Page:
    filters = supported_filters(integration=integration, model=ReadModel.CANDIDATES, query=query)
    if filters is None:
        return EMPTY

    def build() -> QuerySet[Candidate]:
        queryset = records(Candidate, integration=integration, query=query)
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
        return queryset

    changed = changed_conditions(query, integration, ("candidate", Application), ("candidate", CandidateTag))
    return paginate(
        build,
        model=Candidate,
        columns=p.CANDIDATE_COLUMNS,
        endpoint="candidates",
        integration=integration,
        query=query,
        related=CANDIDATE_RELATED,
        changed=changed,
    )


# -- reference data ----------------------------------------------------------------------------------


def tag_list(*, integration: Integration, query: ListQuery) -> Page:
    queryset = records(Tag, integration=integration, query=query)
    return paginate(queryset, columns=ref.TAG_COLUMNS, endpoint="tags", integration=integration, query=query)


def application_stage_list(*, integration: Integration, query: ListQuery) -> Page:
    queryset = records(ApplicationStage, integration=integration, query=query)
    return paginate(
        queryset,
        columns=ref.APPLICATION_STAGE_COLUMNS,
        endpoint="application-stages",
        integration=integration,
        query=query,
    )


def rejection_reason_list(*, integration: Integration, query: ListQuery) -> Page:
    queryset = records(RejectionReason, integration=integration, query=query)
    return paginate(
        queryset,
        columns=ref.REJECTION_REASON_COLUMNS,
        endpoint="rejection-reasons",
        integration=integration,
        query=query,
    )


def role_list(*, integration: Integration, query: ListQuery) -> Page:
    filters = supported_filters(integration=integration, model=ReadModel.ROLES, query=query)
    if filters is None:
        return EMPTY
    queryset = records(Role, integration=integration, query=query)
    if "scopes" in filters:
        queryset = queryset.filter(scope__in=filters["scopes"])
    return paginate(queryset, columns=ref.ROLE_COLUMNS, endpoint="roles", integration=integration, query=query)


def user_list(*, integration: Integration, query: ListQuery) -> Page:
    filters = supported_filters(integration=integration, model=ReadModel.USERS, query=query)
    if filters is None:
        return EMPTY
    queryset = records(AtsUser, integration=integration, query=query)
    if "emails" in filters:
        queryset = queryset.filter(any_iexact("email", filters["emails"]))
    changed = changed_conditions(query, integration, ("user", UserRoleAssignment))
    if query.updated_after is not None:  # an assigned role is a linked record: its own changes count
        assigned_role_changed = UserRoleAssignment.objects.filter(
            user=OuterRef("pk"), role__integration=integration, role__changed_at__gt=query.updated_after
        )
        changed.append(Exists(assigned_role_changed))
    return paginate(
        queryset,
        columns=ref.USER_COLUMNS,
        endpoint="users",
        integration=integration,
        query=query,
        related=USER_RELATED,
        changed=changed,
    )


# -- application activity --------------------------------------------------------------------------


def offer_list(*, integration: Integration, query: ListQuery) -> Page:
    queryset = records(Offer, integration=integration, query=query)
    changed = changed_conditions(query, integration)
    if query.updated_after is not None:  # the application is a linked record
        changed.append(Q(application__integration=integration, application__changed_at__gt=query.updated_after))
    return paginate(
        queryset, columns=act.OFFER_COLUMNS, endpoint="offers", integration=integration, query=query, changed=changed
    )


def interview_list(*, integration: Integration, query: ListQuery) -> Page:
    filters = supported_filters(integration=integration, model=ReadModel.INTERVIEWS, query=query)
    if filters is None:
        return EMPTY
    queryset = records(Interview, integration=integration, query=query)
    if "job_ids" in filters:
        queryset = queryset.filter(application__job_id__in=filters["job_ids"])
    changed = changed_conditions(query, integration, ("interview", InterviewUser))
    if query.updated_after is not None:  # the application is a linked record
        changed.append(Q(application__integration=integration, application__changed_at__gt=query.updated_after))
    return paginate(
        queryset,
        columns=act.INTERVIEW_COLUMNS,
        endpoint="interviews",
        integration=integration,
        query=query,
        related=INTERVIEW_RELATED,
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
    queryset = records(Note, integration=integration, query=query)
    queryset = _by_candidate_and_application(queryset, filters)
    return paginate(queryset, columns=act.NOTE_COLUMNS, endpoint="notes", integration=integration, query=query)


def scorecard_list(*, integration: Integration, query: ListQuery) -> Page:
    filters = supported_filters(integration=integration, model=ReadModel.SCORECARDS, query=query)
    if filters is None:
        return EMPTY
    queryset = records(Scorecard, integration=integration, query=query)
    queryset = _by_candidate_and_application(queryset, filters)
    return paginate(
        queryset, columns=act.SCORECARD_COLUMNS, endpoint="scorecards", integration=integration, query=query
    )


def attachment_list(*, integration: Integration, query: ListQuery) -> Page:
    filters = supported_filters(integration=integration, model=ReadModel.ATTACHMENTS, query=query)
    if filters is None:
        return EMPTY
    queryset = records(Attachment, integration=integration, query=query)
    queryset = _by_candidate_and_application(queryset, filters)
    return paginate(
        queryset, columns=act.ATTACHMENT_COLUMNS, endpoint="attachments", integration=integration, query=query
    )


# -- the write path ------------------------------------------------------------------------------------

# A created application with its whole candidate (joined), as the create response shows it
# (apps.applications.writes.presenters).
CREATED_APPLICATION_COLUMNS = (
    *p.APPLICATION_COLUMNS,
    *pv.prefixed("candidate", tuple(column for column in p.CANDIDATE_COLUMNS if column not in ("id", "remote_id"))),
)
