"""Upserts of application activity (offers, interviews, notes, scorecards, attachments): rows that hang off an
application or candidate we hold; those whose parent we do not hold are skipped and counted."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from apps.applications.models import (
    Application,
    ApplicationStage,
    AtsUser,
    Attachment,
    Candidate,
    Interview,
    InterviewUser,
    Note,
    Offer,
    Scorecard,
)
from apps.applications.upserting import (
    Json,
    UpsertResult,
    _ids_by_remote_id,
    _location,
    _simple_upsert,
    _sync_links,
)
from apps.connectors.dtos import (
    RemoteAttachment,
    RemoteInterview,
    RemoteNote,
    RemoteOffer,
    RemoteScorecard,
)
from apps.integrations.models import Integration


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
