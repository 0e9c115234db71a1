"""Writes of the unified ATS data: upserts of connector DTOs, soft deletes, the vanished-record diff.

Each `<model>_upsert` takes one page of DTOs of one integration and writes it with a fixed number of queries
(one lookup of what exists, bulk inserts and updates, one lookup per referenced model). The rules of
`apps.applications.models` hold:

- records are keyed by `(integration, remote_id)` (screening questions by `(job, remote_id)`, join rows by
  their two parents) and keep our id forever;
- `changed_at` moves only when the unified content changes. `content_hash` is two halves: a hash of the
  unified values (which decides `changed_at`) and a hash of `remote_data` (a changed raw payload with the
  same unified content is stored without moving `changed_at`);
- nothing is hard-deleted: vanished records, child and join rows get `remote_deleted_at` and a new
  `changed_at`; a record that comes back is revived the same way.

Records that hang off a parent we do not hold (an offer of an application that is not synced because it is
not tracked) are skipped and counted as such.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef, QuerySet

from apps.applications.activity_services import (
    attachments_upsert,
    interviews_upsert,
    notes_upsert,
    offers_upsert,
    scorecards_upsert,
)
from apps.applications.models import (
    Application,
    ApplicationStage,
    AtsUser,
    Candidate,
    CandidateTag,
    HiringTeamMember,
    Job,
    JobPosting,
    JobStage,
    RejectionReason,
    Role,
    ScreeningQuestion,
    Tag,
    UserRoleAssignment,
)
from apps.applications.upserting import (
    RECORD_MODELS,
    Json,
    UpsertResult,
    _by_remote_id,
    _ids_by_remote_id,
    _integration_fields,
    _location,
    _role_entry,
    _Row,
    _screening_answers,
    _simple_upsert,
    _soft_delete,
    _sync_links,
    _upsert,
    content_hash,
)
from apps.connectors.catalog import ReadModel
from apps.connectors.dtos import (
    RemoteApplication,
    RemoteApplicationStage,
    RemoteCandidate,
    RemoteJob,
    RemoteRejectionReason,
    RemoteRole,
    RemoteStage,
    RemoteTag,
    RemoteUser,
    RoleAssignment,
)
from apps.integrations.models import Integration

__all__ = ["RECORD_MODELS", "UpsertResult", "content_hash"]  # re-exported: imported from here


# -- reference data ----------------------------------------------------------------------------------


def roles_upsert(*, integration: Integration, records: Sequence[RemoteRole], now: datetime) -> UpsertResult:
    def values(role: RemoteRole) -> Json:
        return {
            "remote_label": role.remote_label, "scope": role.scope, "unified_type": role.unified_type,
            "custom_fields": {}, "integration_fields": [],
        }  # fmt: skip

    return _simple_upsert(Role, integration=integration, records=records, values=values, now=now)[0]


def _ensure_roles(integration: Integration, assignments: Iterable[RoleAssignment], now: datetime) -> dict[str, str]:
    """Role ids by remote id; roles a user or job names but the roles list lacks are created from the names."""
    wanted = {role.remote_id: role for role in assignments if role.remote_id}
    known = _ids_by_remote_id(Role, integration, wanted)
    missing = [
        RemoteRole(remote_id=rid, remote_label=role.remote_label, scope="SYSTEM", unified_type=role.unified_type)
        for rid, role in wanted.items()
        if rid not in known
    ]
    if missing:
        roles_upsert(integration=integration, records=missing, now=now)
        known = _ids_by_remote_id(Role, integration, wanted)
    return known


def users_upsert(*, integration: Integration, records: Sequence[RemoteUser], now: datetime) -> UpsertResult:
    """Users with their system roles (`UserRoleAssignment` join rows)."""

    def values(user: RemoteUser) -> Json:
        return {
            "first_name": user.first_name, "last_name": user.last_name, "email": user.email, "status": user.status,
            "custom_fields": {}, "integration_fields": [],
        }  # fmt: skip

    result, ids = _simple_upsert(AtsUser, integration=integration, records=records, values=values, now=now)
    role_ids = _ensure_roles(integration, (role for user in records for role in user.system_roles), now)
    desired = {
        (ids[user.remote_id], role_ids[role.remote_id]): {}
        for user in records
        for role in user.system_roles
        if role.remote_id in role_ids
    }
    _sync_links(
        UserRoleAssignment, integration=integration, parent_field="user", child_field="role",
        parent_ids=list(ids.values()), desired=desired, now=now,
    )  # fmt: skip
    return result


def tags_upsert(*, integration: Integration, records: Sequence[RemoteTag], now: datetime) -> UpsertResult:
    return _simple_upsert(
        Tag, integration=integration, records=records, now=now,
        values=lambda tag: {"name": tag.name, "custom_fields": {}, "integration_fields": []},
    )[0]  # fmt: skip


def rejection_reasons_upsert(
    *, integration: Integration, records: Sequence[RemoteRejectionReason], now: datetime
) -> UpsertResult:
    return _simple_upsert(
        RejectionReason, integration=integration, records=records, now=now,
        values=lambda reason: {"name": reason.name, "custom_fields": {}, "integration_fields": []},
    )[0]  # fmt: skip


def _stage_values(stage: RemoteStage | RemoteApplicationStage) -> Json:
    return {"name": stage.name, "status": stage.status, "custom_fields": stage.custom_fields, "integration_fields": []}


def application_stages_upsert(
    *, integration: Integration, records: Sequence[RemoteApplicationStage | RemoteStage], now: datetime
) -> UpsertResult:
    return _simple_upsert(ApplicationStage, integration=integration, records=records, values=_stage_values, now=now)[0]


# -- jobs ------------------------------------------------------------------------------------------


def _job_values(job: RemoteJob, contact_ids: dict[str, str]) -> Json:
    return {
        "name": job.name, "job_code": job.job_code, "description": job.description, "category": job.category,
        "department": job.department, "post_url": job.post_url, "experience_level": job.experience_level,
        "confidential": job.confidential, "weekly_hours": job.weekly_hours, "employment_type": job.employment_type,
        "status": job.status, "visibility": job.visibility, "remote_work_status": job.remote_work_status,
        "salary_amount": job.salary_amount, "salary_amount_from": job.salary_amount_from,
        "salary_amount_to": job.salary_amount_to, "salary_currency": job.salary_currency,
        "salary_period": job.salary_period, "location": _location(job.location), "opened_at": job.opened_at,
        "closed_at": job.closed_at, "remote_created_at": job.remote_created_at,
        "remote_updated_at": job.remote_updated_at, "remote_url": job.remote_url,
        "contact_id": contact_ids.get(job.contact_remote_id or ""), "custom_fields": job.custom_fields,
        "integration_fields": _integration_fields(job.integration_fields),
    }  # fmt: skip


def _ensure_users(integration: Integration, job_records: Sequence[RemoteJob], now: datetime) -> dict[str, str]:
    """User ids by remote id for contacts and hiring teams; members the users list lacks are created."""
    members = {member.user_remote_id: member for job in job_records for member in job.hiring_team}
    wanted = set(members) | {job.contact_remote_id for job in job_records if job.contact_remote_id}
    known = _ids_by_remote_id(AtsUser, integration, wanted)
    missing = [
        RemoteUser(remote_id=rid, first_name=m.first_name, last_name=m.last_name, email=m.email)
        for rid, m in members.items()
        if rid not in known
    ]
    if missing:
        users_upsert(integration=integration, records=missing, now=now)
        known = _ids_by_remote_id(AtsUser, integration, wanted)
    return known


def jobs_upsert(*, integration: Integration, records: Sequence[RemoteJob], now: datetime) -> UpsertResult:
    """Jobs with their stages (`ApplicationStage` + `JobStage`), screening questions, postings and hiring team."""
    user_ids = _ensure_users(integration, records, now)
    result, job_ids = _simple_upsert(
        Job, integration=integration, records=records, values=lambda job: _job_values(job, user_ids), now=now
    )
    all_job_ids = list(job_ids.values())

    # Stages are records of their own, linked to each job at a position.
    stages = {stage.remote_id: stage for job in records for stage in job.stages}
    _, stage_ids = _simple_upsert(
        ApplicationStage, integration=integration, records=list(stages.values()), values=_stage_values, now=now
    )
    _sync_links(
        JobStage, integration=integration, parent_field="job", child_field="stage", parent_ids=all_job_ids,
        desired={
            (job_ids[job.remote_id], stage_ids[stage.remote_id]): {"index": stage.index if stage.index is not None
                                                                   else position}
            for job in records for position, stage in enumerate(job.stages)
        },
        now=now,
    )  # fmt: skip

    # Screening questions belong to their job: keyed by (job, remote id).
    question_rows = [
        _Row(
            (job_ids[job.remote_id], question.remote_id),
            {
                "job_id": job_ids[job.remote_id], "remote_id": question.remote_id, "title": question.title,
                "description": question.description, "category": question.category, "required": question.required,
                "format_type": question.format_type, "format_details": question.format_details,
                "options": [{"remote_id": option.remote_id, "name": option.name} for option in question.options],
                "index": question.index, "precondition_question_remote_id": question.precondition_question_remote_id,
                "precondition_options": list(question.precondition_options)
                if question.precondition_options is not None else None,
                "custom_fields": {}, "integration_fields": [],
            },
            question.remote_data,
        )
        for job in records
        for question in job.screening_questions
    ]  # fmt: skip
    questions_qs = ScreeningQuestion.objects.filter(job_id__in=all_job_ids)
    kept = _upsert(
        ScreeningQuestion, integration=integration,
        existing=questions_qs.values_list("job_id", "remote_id", "id", "content_hash", "remote_deleted_at"),
        rows=question_rows, now=now, result=UpsertResult(),
    )  # fmt: skip
    _soft_delete(questions_qs.exclude(id__in=list(kept.values())), now)

    postings = [
        _Row(
            (posting.remote_id,),
            {
                "remote_id": posting.remote_id, "job_id": job_ids[job.remote_id], "title": posting.title,
                "description_html": posting.description_html, "url": posting.url, "status": posting.status,
                "visibility": posting.visibility, "custom_fields": {}, "integration_fields": [],
            },
            posting.remote_data,
        )
        for job in records
        for posting in job.job_postings
    ]  # fmt: skip
    kept = _upsert(
        JobPosting, integration=integration,
        existing=_by_remote_id(
            JobPosting, integration, [row.key[0] for row in postings], ["id", "content_hash", "remote_deleted_at"]
        ),
        rows=postings, now=now, result=UpsertResult(),
    )  # fmt: skip
    _soft_delete(JobPosting.objects.filter(job_id__in=all_job_ids).exclude(id__in=list(kept.values())), now)

    _sync_links(
        HiringTeamMember, integration=integration, parent_field="job", child_field="user", parent_ids=all_job_ids,
        desired={
            (job_ids[job.remote_id], user_ids[member.user_remote_id]): {
                "job_roles": [_role_entry(role) for role in member.job_roles]
            }
            for job in records for member in job.hiring_team if member.user_remote_id in user_ids
        },
        now=now,
    )  # fmt: skip
    return result


# -- candidates and applications -------------------------------------------------------------------


def _ensure_tags(integration: Integration, tags: Iterable[RemoteTag], now: datetime) -> dict[str, str]:
    wanted = {tag.remote_id: tag for tag in tags if tag.remote_id}
    known = _ids_by_remote_id(Tag, integration, wanted)
    missing = [tag for rid, tag in wanted.items() if rid not in known]
    if missing:
        tags_upsert(integration=integration, records=missing, now=now)
        known = _ids_by_remote_id(Tag, integration, wanted)
    return known


def _candidates_upsert(
    *, integration: Integration, records: Sequence[RemoteCandidate], now: datetime, on_insert: Json | None = None
) -> tuple[UpsertResult, dict[str, str]]:
    def values(c: RemoteCandidate) -> Json:
        return {
            "first_name": c.first_name, "last_name": c.last_name, "company": c.company, "title": c.title,
            "source": c.source, "confidential": c.confidential, "remote_url": c.remote_url,
            "email_addresses": [{"email_address": e.email_address, "type": e.type} for e in c.email_addresses],
            "phone_numbers": [{"phone_number": p.phone_number, "type": p.type} for p in c.phone_numbers],
            "social_media": [{"link": s.link, "type": s.type, "username": s.username} for s in c.social_media],
            "location": _location(c.location), "remote_created_at": c.remote_created_at,
            "remote_updated_at": c.remote_updated_at, "custom_fields": c.custom_fields,
            "integration_fields": _integration_fields(c.integration_fields),
        }  # fmt: skip

    result, ids = _simple_upsert(
        Candidate, integration=integration, records=records, values=values, now=now, on_insert=on_insert
    )
    tag_ids = _ensure_tags(integration, (tag for candidate in records for tag in candidate.tags), now)
    _sync_links(
        CandidateTag, integration=integration, parent_field="candidate", child_field="tag",
        parent_ids=list(ids.values()),
        desired={
            (ids[candidate.remote_id], tag_ids[tag.remote_id]): {}
            for candidate in records for tag in candidate.tags if tag.remote_id in tag_ids
        },
        now=now, parents_are_new=result.created == len(ids),
    )  # fmt: skip
    return result, ids


def candidates_upsert(*, integration: Integration, records: Sequence[RemoteCandidate], now: datetime) -> UpsertResult:
    """Candidates with their tags (`CandidateTag` join rows). Tracking flags are left as they are."""
    return _candidates_upsert(integration=integration, records=records, now=now)[0]


def _applications_upsert(
    *,
    integration: Integration,
    records: Sequence[RemoteApplication],
    now: datetime,
    known: Mapping[type[models.Model], Mapping[str, str]] | None = None,
    on_insert: Json | None = None,
) -> tuple[UpsertResult, dict[str, str]]:
    def ids_of(model: type[models.Model], remote_ids: Iterable[str | None]) -> Mapping[str, str]:
        wanted = {remote_id for remote_id in remote_ids if remote_id}
        given = (known or {}).get(model, {})
        return given if wanted <= given.keys() else _ids_by_remote_id(model, integration, wanted)

    candidate_ids = ids_of(Candidate, (r.candidate_remote_id for r in records))
    job_ids = ids_of(Job, (r.job_remote_id for r in records))
    stage_ids = ids_of(ApplicationStage, (r.current_stage_remote_id for r in records))
    reason_ids = ids_of(RejectionReason, (r.rejection_reason_remote_id for r in records))

    def values(a: RemoteApplication) -> Json:
        return {
            "candidate_id": candidate_ids.get(a.candidate_remote_id), "job_id": job_ids.get(a.job_remote_id or ""),
            "current_stage_id": stage_ids.get(a.current_stage_remote_id or ""), "outcome": a.outcome,
            "rejection_reason_id": reason_ids.get(a.rejection_reason_remote_id or ""),
            "rejection_reason_name": a.rejection_reason_name, "rejected_at": a.rejected_at,
            "remote_url": a.remote_url, "screening_question_answers": _screening_answers(a.screening_question_answers),
            "remote_created_at": a.remote_created_at, "remote_updated_at": a.remote_updated_at,
            "custom_fields": a.custom_fields, "integration_fields": _integration_fields(a.integration_fields),
        }  # fmt: skip

    return _simple_upsert(
        Application, integration=integration, records=records, values=values, now=now, on_insert=on_insert
    )


def applications_upsert(
    *, integration: Integration, records: Sequence[RemoteApplication], now: datetime
) -> UpsertResult:
    """Applications with their current stage, outcome and rejection. Tracking flags are left as they are."""
    return _applications_upsert(integration=integration, records=records, now=now)[0]


@dataclass(frozen=True)
class WrittenPair:
    """What `written_application_store` did: each upsert's result, and our ids."""

    candidate: UpsertResult
    application: UpsertResult
    candidate_id: str
    application_id: str
    application_candidate_id: str | None  # the candidate the application row points to (None: not known here)


def written_application_store(
    *,
    integration: Integration,
    candidate: RemoteCandidate,
    application: RemoteApplication,
    now: datetime,
    job_ids: Mapping[str, str],
    on_insert: Json,
) -> WrittenPair:
    """Upsert the candidate and application a write returned, the same rows a sync would store. `job_ids`: the
    jobs the caller holds already (remote id → our id; not looked up again), `on_insert`: the tracking flags of
    rows inserted now (rows stored before keep theirs; the caller marks those)."""
    candidate_result, candidate_ids = _candidates_upsert(
        integration=integration, records=[candidate], now=now, on_insert=on_insert
    )
    application_result, application_ids = _applications_upsert(
        integration=integration, records=[application], now=now,
        known={Candidate: candidate_ids, Job: job_ids}, on_insert=on_insert,
    )  # fmt: skip
    return WrittenPair(
        candidate=candidate_result,
        application=application_result,
        candidate_id=candidate_ids[candidate.remote_id],
        application_id=application_ids[application.remote_id],
        application_candidate_id=candidate_ids.get(application.candidate_remote_id),
    )


UPSERTS: dict[ReadModel, Callable[..., UpsertResult]] = {
    ReadModel.USERS: users_upsert,
    ReadModel.ROLES: roles_upsert,
    ReadModel.TAGS: tags_upsert,
    ReadModel.REJECTION_REASONS: rejection_reasons_upsert,
    ReadModel.APPLICATION_STAGES: application_stages_upsert,
    ReadModel.JOBS: jobs_upsert,
    ReadModel.CANDIDATES: candidates_upsert,
    ReadModel.APPLICATIONS: applications_upsert,
    ReadModel.OFFERS: offers_upsert,
    ReadModel.INTERVIEWS: interviews_upsert,
    ReadModel.NOTES: notes_upsert,
    ReadModel.SCORECARDS: scorecards_upsert,
    ReadModel.ATTACHMENTS: attachments_upsert,
}


def records_upsert(
    *, integration: Integration, model: ReadModel, records: Sequence[Any], now: datetime
) -> UpsertResult:
    """Upsert one page of `model` DTOs."""
    if not records:
        return UpsertResult()
    return UPSERTS[model](integration=integration, records=records, now=now)


def records_refresh_statistics(*, model: ReadModel) -> None:
    """Tell PostgreSQL's planner how many rows each integration now has in `model`'s table.

    Statistics taken before a big sync say "this integration has no rows", and the planner then looks rows up
    through any index that starts with the integration, filtering the rest. Syncs call this as a model's table
    grows (a cheap, small-sample ANALYZE of one column); autovacuum's full ANALYZE replaces it later.
    """
    if connection.vendor != "postgresql":
        return
    table = connection.ops.quote_name(RECORD_MODELS[model]._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('default_statistics_target')")
        previous = cursor.fetchone()[0]
        cursor.execute("SELECT set_config('default_statistics_target', '20', true)")
        cursor.execute(f"ANALYZE {table} (integration_id)")
        cursor.execute("SELECT set_config('default_statistics_target', %s, true)", [previous])


# -- deletions -----------------------------------------------------------------------------------------


def records_mark_deleted(
    *, integration: Integration, model: ReadModel, remote_ids: Sequence[str], now: datetime
) -> int:
    """The ATS says these records are gone: soft-delete the live ones. Returns how many changed."""
    if not remote_ids:
        return 0
    record_model = RECORD_MODELS[model]
    return _soft_delete(record_model.objects.filter(integration=integration, remote_id__in=list(remote_ids)), now)  # type: ignore[attr-defined]


def records_mark_vanished(
    *,
    integration: Integration,
    model: ReadModel,
    seen_remote_ids: QuerySet[Any],
    now: datetime,
    only: QuerySet[Any] | None = None,
) -> int:
    """After a complete read: soft-delete every live record of `model` whose remote id is not in `seen_remote_ids`
    (a queryset with a `remote_id` column, e.g. the sync run's seen set). `only` narrows the candidates."""
    record_model = RECORD_MODELS[model]
    queryset = (only if only is not None else record_model.objects.filter(integration=integration)).filter(  # type: ignore[attr-defined]
        remote_deleted_at__isnull=True, remote_id__isnull=False
    )
    return _soft_delete(queryset.filter(~Exists(seen_remote_ids.filter(remote_id=OuterRef("remote_id")))), now)
