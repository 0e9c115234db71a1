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

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef, QuerySet

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
from apps.connectors.catalog import ReadModel
from apps.connectors.dtos import (
    IntegrationField,
    Location,
    RemoteApplication,
    RemoteApplicationStage,
    RemoteAttachment,
    RemoteCandidate,
    RemoteInterview,
    RemoteJob,
    RemoteNote,
    RemoteOffer,
    RemoteRejectionReason,
    RemoteRole,
    RemoteScorecard,
    RemoteStage,
    RemoteTag,
    RemoteUser,
    RoleAssignment,
    ScreeningAnswer,
)
from apps.core.bulk import JsonText, bulk_insert, bulk_update
from apps.core.ids import new_id
from apps.core.timeutils import format_datetime
from apps.integrations.models import Integration

Json = dict[str, Any]
_HALF = 32  # hex characters per half of content_hash

# The Django model that holds each read model.
RECORD_MODELS: dict[ReadModel, type[models.Model]] = {
    ReadModel.USERS: AtsUser,
    ReadModel.ROLES: Role,
    ReadModel.TAGS: Tag,
    ReadModel.REJECTION_REASONS: RejectionReason,
    ReadModel.APPLICATION_STAGES: ApplicationStage,
    ReadModel.JOBS: Job,
    ReadModel.CANDIDATES: Candidate,
    ReadModel.APPLICATIONS: Application,
    ReadModel.OFFERS: Offer,
    ReadModel.INTERVIEWS: Interview,
    ReadModel.NOTES: Note,
    ReadModel.SCORECARDS: Scorecard,
    ReadModel.ATTACHMENTS: Attachment,
}


@dataclass
class UpsertResult:
    """What one upsert did with the records it was given."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # refers to a parent we do not hold (not tracked, not synced)

    def __iadd__(self, other: UpsertResult) -> UpsertResult:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.skipped += other.skipped
        return self


# -- hashing and value helpers ---------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    return str(value)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=_json_default)


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=_HALF // 2).hexdigest()


def content_hash(values: Json, remote_data: Any) -> str:
    """`<hash of the unified values><hash of the raw payload>`; only the first half decides `changed_at`."""
    return _digest(_canonical(values)) + _digest(_canonical(remote_data))


def _location(value: Location | None) -> Json | None:
    if value is None:
        return None
    return {
        "city": value.city,
        "country": value.country,
        "raw": value.raw,
        "state": value.state,
        "street_1": value.street_1,
        "street_2": value.street_2,
        "zip_code": value.zip_code,
    }


def _integration_fields(fields: Sequence[IntegrationField]) -> list[Json]:
    return [{"key": f.key, "type": f.type, "value": f.value, "label": f.label} for f in fields]


def _answer_value(answer: ScreeningAnswer) -> Any:
    if isinstance(answer.value, datetime):
        return format_datetime(answer.value)
    if isinstance(answer.value, tuple):
        return list(answer.value)
    return answer.value


_ANSWER_KEYS = {
    "TEXT": "content",
    "SINGLE_SELECT": "choice",
    "MULTI_SELECT": "choices",
    "BOOLEAN": "checked",
    "NUMBER": "number",
    "DATE": "date",
    "UNKNOWN": "raw",
}


def _screening_answers(answers: Sequence[ScreeningAnswer]) -> list[Json]:
    """The contract's answer shape; FILE answers have no variant in the contract and are left out."""
    return [
        {
            "question": {"remote_id": answer.question_remote_id, "title": answer.question_title, "type": answer.type},
            "answer": {_ANSWER_KEYS[answer.type]: _answer_value(answer)},
        }
        for answer in answers
        if answer.type in _ANSWER_KEYS
    ]


def _role_entry(role: RoleAssignment) -> Json:
    return {"remote_id": role.remote_id, "remote_label": role.remote_label, "unified_type": role.unified_type}


# -- generic machinery -----------------------------------------------------------------------------


@dataclass
class _Row:
    key: tuple[Any, ...]
    values: Json  # every column to write except id, integration, changed_at, remote_deleted_at, hashes
    raw: Any


def _upsert(
    model: type[models.Model],
    *,
    integration: Integration,
    existing: Iterable[tuple[Any, ...]],
    rows: Iterable[_Row],
    now: datetime,
    result: UpsertResult,
) -> dict[tuple[Any, ...], str]:
    """Insert new rows, update changed ones, revive vanished ones. Returns key → our id for every row given.

    `existing` holds `(*key, id, content_hash, remote_deleted_at)` of the rows already stored for these keys.
    """
    unique: dict[tuple[Any, ...], _Row] = {}
    for row in rows:
        unique[row.key] = row  # a record twice in one page: the last one wins
    found = {tuple(entry[:-3]): entry[-3:] for entry in existing}
    creates: list[Json] = []
    full_updates: list[Json] = []
    raw_updates: list[Json] = []
    update_fields: set[str] = set()
    ids: dict[tuple[Any, ...], str] = {}
    for key, row in unique.items():
        raw_json = JsonText(_canonical(row.raw)) if row.raw is not None else None
        new_hash = _digest(_canonical(row.values)) + _digest(raw_json or "null")
        current = found.get(key)
        if current is None:
            pk = new_id()
            creates.append(
                {
                    "id": pk,
                    "integration_id": integration.id,
                    "changed_at": now,
                    "content_hash": new_hash,
                    "remote_data": raw_json,
                    **row.values,
                }
            )
            result.created += 1
        else:
            pk, old_hash, deleted_at = current
            if deleted_at is not None or old_hash[:_HALF] != new_hash[:_HALF]:
                full_updates.append(
                    {
                        "id": pk,
                        "changed_at": now,
                        "remote_deleted_at": None,
                        "content_hash": new_hash,
                        "remote_data": raw_json,
                        **row.values,
                    }
                )
                update_fields.update(row.values)
                result.updated += 1
            elif old_hash != new_hash:
                raw_updates.append({"id": pk, "content_hash": new_hash, "remote_data": raw_json})
                result.unchanged += 1
            else:
                result.unchanged += 1
        ids[key] = pk
    bulk_insert(model, creates)
    bulk_update(
        model, full_updates, sorted(update_fields | {"changed_at", "remote_deleted_at", "content_hash", "remote_data"})
    )
    bulk_update(model, raw_updates, ["content_hash", "remote_data"])
    return ids


def _soft_delete(queryset: QuerySet[Any], now: datetime) -> int:
    return queryset.filter(remote_deleted_at__isnull=True).update(remote_deleted_at=now, changed_at=now)


def _by_remote_id(
    model: type[models.Model], integration: Integration, remote_ids: Iterable[str | None], columns: Sequence[str]
) -> list[tuple[Any, ...]]:
    """`(remote_id, *columns)` of the integration's rows with these remote ids.

    On PostgreSQL one index probe per id (a LATERAL join): with `remote_id = ANY(...)` the planner trusts
    statistics taken before a big first sync ("this integration has no rows") and filters every row of the
    integration instead, which makes a first sync quadratic.
    """
    wanted = sorted({remote_id for remote_id in remote_ids if remote_id})
    if not wanted:
        return []
    if connection.vendor != "postgresql":
        return list(
            model.objects.filter(integration=integration, remote_id__in=wanted).values_list("remote_id", *columns)  # type: ignore[attr-defined]
        )
    quote = connection.ops.quote_name
    selected = ", ".join(quote(model._meta.get_field(column).column) for column in columns)
    sql = (
        f"SELECT w.remote_id, t.* FROM unnest(%s::text[]) AS w(remote_id) CROSS JOIN LATERAL "
        f"(SELECT {selected} FROM {quote(model._meta.db_table)} WHERE integration_id = %s "
        "AND remote_id = w.remote_id LIMIT 1) AS t"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [wanted, integration.id])
        return [tuple(row) for row in cursor.fetchall()]


def _ids_by_remote_id(
    model: type[models.Model], integration: Integration, remote_ids: Iterable[str | None]
) -> dict[str, str]:
    return dict(_by_remote_id(model, integration, remote_ids, ["id"]))  # type: ignore[arg-type]


def _sync_links(
    model: type[models.Model],
    *,
    integration: Integration,
    parent_field: str,
    child_field: str,
    parent_ids: Sequence[str],
    desired: dict[tuple[str, str], Json],
    now: datetime,
    parents_are_new: bool = False,
) -> None:
    """Make the live join rows of `parent_ids` exactly `desired` ({(parent id, child id): extra columns}).

    `parents_are_new`: the parents were all inserted just now, so they have no join rows to look up.
    """
    if not parent_ids:
        return
    extra_fields = sorted({field for extras in desired.values() for field in extras})
    existing = (
        []
        if parents_are_new
        else model.objects.filter(**{f"{parent_field}_id__in": parent_ids}).values_list(  # type: ignore[attr-defined]
            "id", f"{parent_field}_id", f"{child_field}_id", "remote_deleted_at", *extra_fields
        )
    )
    seen: set[tuple[str, str]] = set()
    revive_or_change: list[Json] = []
    to_delete: list[str] = []
    for pk, parent_id, child_id, deleted_at, *extras in existing:
        key = (parent_id, child_id)
        if key not in desired:
            if deleted_at is None:
                to_delete.append(pk)
            continue
        seen.add(key)
        wanted = desired[key]
        if deleted_at is not None or any(
            wanted[field] != value for field, value in zip(extra_fields, extras, strict=True)
        ):
            revive_or_change.append({"id": pk, "changed_at": now, "remote_deleted_at": None, **wanted})
    bulk_insert(
        model,
        [
            {
                "id": new_id(),
                "integration_id": integration.id,
                "changed_at": now,
                f"{parent_field}_id": parent_id,
                f"{child_field}_id": child_id,
                **extras,
            }
            for (parent_id, child_id), extras in desired.items()
            if (parent_id, child_id) not in seen
        ],
    )
    bulk_update(model, revive_or_change, ["changed_at", "remote_deleted_at", *extra_fields])
    if to_delete:
        model.objects.filter(id__in=to_delete).update(remote_deleted_at=now, changed_at=now)  # type: ignore[attr-defined]


def _simple_upsert(
    model: type[models.Model],
    *,
    integration: Integration,
    records: Sequence[Any],
    values: Callable[[Any], Json],
    now: datetime,
) -> tuple[UpsertResult, dict[str, str]]:
    result = UpsertResult()
    ids = _upsert(
        model,
        integration=integration,
        existing=_by_remote_id(
            model, integration, [r.remote_id for r in records], ["id", "content_hash", "remote_deleted_at"]
        ),
        rows=(_Row((r.remote_id,), {"remote_id": r.remote_id, **values(r)}, r.remote_data) for r in records),
        now=now,
        result=result,
    )
    return result, {key[0]: pk for key, pk in ids.items()}


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


def candidates_upsert(*, integration: Integration, records: Sequence[RemoteCandidate], now: datetime) -> UpsertResult:
    """Candidates with their tags (`CandidateTag` join rows). Tracking flags are left as they are."""

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

    result, ids = _simple_upsert(Candidate, integration=integration, records=records, values=values, now=now)
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
    return result


def applications_upsert(
    *, integration: Integration, records: Sequence[RemoteApplication], now: datetime
) -> UpsertResult:
    """Applications with their current stage, outcome and rejection. Tracking flags are left as they are."""
    candidate_ids = _ids_by_remote_id(Candidate, integration, (r.candidate_remote_id for r in records))
    job_ids = _ids_by_remote_id(Job, integration, (r.job_remote_id for r in records))
    stage_ids = _ids_by_remote_id(ApplicationStage, integration, (r.current_stage_remote_id for r in records))
    reason_ids = _ids_by_remote_id(RejectionReason, integration, (r.rejection_reason_remote_id for r in records))

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

    return _simple_upsert(Application, integration=integration, records=records, values=values, now=now)[0]


# -- application activity ----------------------------------------------------------------------------


def _partition(records: Sequence[Any], keep: Callable[[Any], bool], result: UpsertResult) -> list[Any]:
    kept = [record for record in records if keep(record)]
    result.skipped += len(records) - len(kept)
    return kept


def offers_upsert(*, integration: Integration, records: Sequence[RemoteOffer], now: datetime) -> UpsertResult:
    application_ids = _ids_by_remote_id(Application, integration, (r.application_remote_id for r in records))
    skipped = UpsertResult()
    kept = _partition(
        records, lambda r: not r.application_remote_id or r.application_remote_id in application_ids, skipped
    )

    def values(o: RemoteOffer) -> Json:
        return {
            "application_id": application_ids.get(o.application_remote_id or ""), "status": o.status,
            "employment_start_date": o.employment_start_date, "remote_created_at": o.remote_created_at,
            "remote_updated_at": o.remote_updated_at, "custom_fields": o.custom_fields, "integration_fields": [],
        }  # fmt: skip

    result, _ = _simple_upsert(Offer, integration=integration, records=kept, values=values, now=now)
    result.skipped = skipped.skipped
    return result


def interviews_upsert(*, integration: Integration, records: Sequence[RemoteInterview], now: datetime) -> UpsertResult:
    """Interviews with their interviewers (`InterviewUser` join rows)."""
    application_ids = _ids_by_remote_id(Application, integration, (r.application_remote_id for r in records))
    skipped = UpsertResult()
    kept = _partition(
        records, lambda r: not r.application_remote_id or r.application_remote_id in application_ids, skipped
    )
    stage_ids = _ids_by_remote_id(ApplicationStage, integration, (r.stage_remote_id for r in kept))
    user_ids = _ids_by_remote_id(AtsUser, integration, (uid for r in kept for uid in r.user_remote_ids))

    def values(i: RemoteInterview) -> Json:
        return {
            "application_id": application_ids.get(i.application_remote_id or ""),
            "stage_id": stage_ids.get(i.stage_remote_id or ""), "title": i.title, "starting_at": i.starting_at,
            "ending_at": i.ending_at, "canceled": i.canceled, "video_conferencing_url": i.video_conferencing_url,
            "location": _location(i.location), "remote_created_at": i.remote_created_at,
            "remote_updated_at": i.remote_updated_at, "custom_fields": {}, "integration_fields": [],
        }  # fmt: skip

    result, ids = _simple_upsert(Interview, integration=integration, records=kept, values=values, now=now)
    _sync_links(
        InterviewUser, integration=integration, parent_field="interview", child_field="user",
        parent_ids=list(ids.values()),
        desired={
            (ids[interview.remote_id], user_ids[uid]): {}
            for interview in kept for uid in interview.user_remote_ids if uid in user_ids
        },
        now=now,
    )  # fmt: skip
    result.skipped = skipped.skipped
    return result


def notes_upsert(*, integration: Integration, records: Sequence[RemoteNote], now: datetime) -> UpsertResult:
    candidate_ids = _ids_by_remote_id(Candidate, integration, (r.candidate_remote_id for r in records))
    skipped = UpsertResult()
    kept = _partition(records, lambda r: r.candidate_remote_id in candidate_ids, skipped)
    application_ids = _ids_by_remote_id(Application, integration, (r.application_remote_id for r in kept))
    author_ids = _ids_by_remote_id(AtsUser, integration, (r.author_remote_id for r in kept))

    def values(n: RemoteNote) -> Json:
        return {
            "candidate_id": candidate_ids[n.candidate_remote_id],
            "application_id": application_ids.get(n.application_remote_id or ""),
            "author_id": author_ids.get(n.author_remote_id or ""), "title": n.title, "content_html": n.content_html,
            "is_private": n.is_private, "remote_created_at": n.remote_created_at,
            "remote_updated_at": n.remote_updated_at, "custom_fields": {}, "integration_fields": [],
        }  # fmt: skip

    result, _ = _simple_upsert(Note, integration=integration, records=kept, values=values, now=now)
    result.skipped = skipped.skipped
    return result


def _scorecard_response(response: Any) -> Json:
    entry: Json = {
        "type": response.type, "remote_id": response.remote_id, "label": response.label,
        "description": response.description, "required": response.required, "answer": response.answer,
    }  # fmt: skip
    if response.type in ("SINGLE_SELECT", "MULTI_SELECT"):
        entry["options"] = [{"remote_id": remote_id, "label": label} for remote_id, label in response.options]
    return entry


def scorecards_upsert(*, integration: Integration, records: Sequence[RemoteScorecard], now: datetime) -> UpsertResult:
    candidate_ids = _ids_by_remote_id(Candidate, integration, (r.candidate_remote_id for r in records))
    application_ids = _ids_by_remote_id(Application, integration, (r.application_remote_id for r in records))
    skipped = UpsertResult()
    kept = _partition(
        records,
        lambda r: (r.application_remote_id in application_ids) or (r.candidate_remote_id in candidate_ids),
        skipped,
    )
    interview_ids = _ids_by_remote_id(Interview, integration, (r.interview_remote_id for r in kept))
    author_ids = _ids_by_remote_id(AtsUser, integration, (r.author_remote_id for r in kept))

    def values(s: RemoteScorecard) -> Json:
        return {
            "candidate_id": candidate_ids.get(s.candidate_remote_id or ""),
            "application_id": application_ids.get(s.application_remote_id or ""),
            "interview_id": interview_ids.get(s.interview_remote_id or ""),
            "author_id": author_ids.get(s.author_remote_id or ""),
            "responses": [_scorecard_response(response) for response in s.responses],
            "remote_created_at": s.remote_created_at, "remote_updated_at": s.remote_updated_at,
            "custom_fields": {}, "integration_fields": [],
        }  # fmt: skip

    result, _ = _simple_upsert(Scorecard, integration=integration, records=kept, values=values, now=now)
    result.skipped = skipped.skipped
    return result


def attachments_upsert(*, integration: Integration, records: Sequence[RemoteAttachment], now: datetime) -> UpsertResult:
    candidate_ids = _ids_by_remote_id(Candidate, integration, (r.candidate_remote_id for r in records))
    skipped = UpsertResult()
    kept = _partition(records, lambda r: r.candidate_remote_id in candidate_ids, skipped)
    application_ids = _ids_by_remote_id(Application, integration, (r.application_remote_id for r in kept))

    def values(a: RemoteAttachment) -> Json:
        return {
            "candidate_id": candidate_ids[a.candidate_remote_id],
            "application_id": application_ids.get(a.application_remote_id or ""), "file_name": a.file_name,
            "type": a.type, "content_type": a.content_type, "remote_created_at": a.remote_created_at,
            "remote_updated_at": a.remote_updated_at, "custom_fields": {}, "integration_fields": [],
        }  # fmt: skip

    result, _ = _simple_upsert(Attachment, integration=integration, records=kept, values=values, now=now)
    result.skipped = skipped.skipped
    return result


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
