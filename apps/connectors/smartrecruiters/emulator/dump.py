"""SmartRecruiters emulator: `GET /_emulator/state` (everything, in plain JSON) and the seed counts."""

from __future__ import annotations

import hashlib
from typing import Any

from apps.connectors.smartrecruiters.emulator.seed import SeedConfig
from apps.connectors.smartrecruiters.emulator.state import State, fmt


def _process_json(process: Any) -> dict[str, Any]:
    return {
        "id": process.id,
        "name": process.name,
        "active": process.active,
        "subStatuses": {key: list(value) for key, value in process.sub_statuses.items()},
    }


def _source_dump(state: State, value: Any) -> dict[str, Any]:
    return {
        "id": value.id,
        "sourceIdentifier": value.identifier,
        "label": value.label,
        "type": value.type_id,
        "subtype": value.subtype_id,
        "custom": value.custom,
        "deleted": value.deleted,
    }


def _application_dump(state: State, application: Any) -> dict[str, Any]:
    type_id, subtype_id, value_id = application.source
    return {
        "id": application.id,
        "candidateId": application.candidate_id,
        "jobId": application.job_id,
        "status": application.status,
        "subStatus": application.sub_status,
        "startsOn": fmt(application.starts_on),
        "rejectionReasonId": application.rejection_reason_id,
        "withdrawalReasonId": application.withdrawal_reason_id,
        "createdOn": fmt(application.created_on),
        "updatedOn": fmt(application.updated_on),
        "source": {
            "type": type_id,
            "subtype": subtype_id,
            "value": value_id,
            "label": state.source_label(application.source),
            "sourceIdentifier": state.source_identifier(application.source),
        },
        "history": [
            {"changedOn": fmt(change.changed_on), "status": change.status, "subStatus": change.sub_status}
            for change in application.history
        ],
        "answers": application.answers,
        "messageToHiringManager": application.message_to_hiring_manager,
        "properties": dict(application.properties),
    }


def _counts(state: State) -> dict[str, int]:
    return {
        "users": len(state.users),
        "jobs": len(state.jobs),
        "candidates": len(state.candidates),
        "applications": len(state.applications),
        "attachments": len(state.attachments),
        "messages": len(state.messages),
        "offers": len(state.offers),
        "interviews": len(state.interviews),
        "sources": sum(1 for value in state.source_values.values() if not value.deleted),
    }


def _dump(state: State, config: SeedConfig) -> dict[str, Any]:
    """`GET /_emulator/state`: everything, in plain JSON (attachment bytes as size + sha256)."""
    return {
        "company": {"identifier": state.company_identifier, "name": state.company_name},
        "seed": config.as_json(),
        "counts": _counts(state),
        "ownerUserId": state.owner_user_id,
        "users": [
            {
                "id": u.id,
                "email": u.email,
                "firstName": u.first_name,
                "lastName": u.last_name,
                "systemRole": u.system_role,
                "active": u.active,
                "updatedOn": fmt(u.updated_on),
            }
            for u in state.users.values()
        ],
        "hiringProcesses": [_process_json(p) for p in state.hiring_processes.values()],
        "rejectionReasons": [{"id": r.id, "label": r.label} for r in state.rejection_reasons.values()],
        "withdrawalReasons": [{"id": r.id, "label": r.label} for r in state.withdrawal_reasons.values()],
        "sourceTypes": [{"id": t.id, "label": t.label, "subtypes": t.subtypes} for t in state.source_types.values()],
        "sources": [_source_dump(state, value) for value in state.source_values.values()],
        "jobs": [
            {
                "id": job.id,
                "title": job.title,
                "refNumber": job.ref_number,
                "status": job.status,
                "postingStatus": job.posting_status,
                "department": job.department[1],
                "createdOn": fmt(job.created_on),
                "updatedOn": fmt(job.updated_on),
                "lastActivityOn": fmt(job.last_activity_on),
                "hiringProcessId": job.hiring_process_id,
                "hiringTeam": [{"id": uid, "role": role} for uid, role in job.hiring_team],
                "posting": {
                    "id": job.posting.id,
                    "uuid": job.posting.uuid,
                    "active": job.posting.active,
                    "questionIds": [q.id for q in job.posting.questions],
                }
                if job.posting
                else None,
            }
            for job in state.jobs.values()
        ],
        "candidates": [
            {
                "id": c.id,
                "firstName": c.first_name,
                "lastName": c.last_name,
                "email": c.email,
                "createdOn": fmt(c.created_on),
                "updatedOn": fmt(c.updated_on),
                "tags": list(c.tags),
                "applicationIds": list(c.application_ids),
            }
            for c in state.candidates.values()
        ],
        "applications": [_application_dump(state, a) for a in state.applications.values()],
        "attachments": [
            {
                "id": a.id,
                "candidateId": a.candidate_id,
                "jobId": a.job_id,
                "name": a.name,
                "type": a.type,
                "contentType": a.content_type,
                "size": len(a.content),
                "sha256": hashlib.sha256(a.content).hexdigest(),
                "createdOn": fmt(a.created_on),
            }
            for a in state.attachments.values()
        ],
        "messages": [
            {
                "id": m.id,
                "content": m.content,
                "authorId": m.author_id,
                "candidateIds": m.candidate_ids,
                "correlationId": m.correlation_id,
                "shareWith": {
                    "users": m.users,
                    "hiringTeamOf": m.hiring_team_of,
                    "everyone": m.everyone,
                    "openNote": m.open_note,
                },
                "createdOn": fmt(m.created_on),
            }
            for m in state.messages.values()
        ],
        "offers": [
            {
                "id": o.id,
                "candidateId": o.candidate_id,
                "jobId": o.job_id,
                "status": o.status,
                "createdOn": fmt(o.created_on),
            }
            for o in state.offers.values()
        ],
        "interviews": [
            {
                "id": i.id,
                "applicationId": i.application_id,
                "candidateId": i.candidate_id,
                "jobId": i.job_id,
                "organizerId": i.organizer_id,
                "interviewers": sorted({uid for slot in i.timeslots for uid, _ in slot.interviewers}),
            }
            for i in state.interviews.values()
        ],
    }
