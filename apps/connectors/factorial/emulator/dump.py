"""Factorial emulator: `GET /_emulator/state` (everything, in plain JSON) and the seed counts."""

from __future__ import annotations

import hashlib
from typing import Any

from apps.connectors.factorial.emulator.model import Application
from apps.connectors.factorial.emulator.seed import SeedConfig
from apps.connectors.factorial.emulator.state import State, fmt


# -- state dump ---------------------------------------------------------------------------------------
def _source_dump(source: Any) -> dict[str, Any]:
    return {
        "id": source.id,
        "category": source.category,
        "name": source.name,
        "label": source.label,
        "custom": source.custom,
    }


def _written_source(state: State, raw: str | None, source_id: int | None, medium: str | None) -> dict[str, Any]:
    source = state.candidate_sources.get(source_id) if source_id is not None else None
    return {
        "written": raw,
        "sourceId": source_id,
        "name": source.name if source else None,
        "label": source.label if source else None,
        "medium": medium,
    }


def _file_dump(stored: Any) -> dict[str, Any] | None:
    if stored is None:
        return None
    return {
        "signedId": stored.signed_id,
        "filename": stored.filename,
        "contentType": stored.content_type,
        "size": len(stored.content),
        "sha256": hashlib.sha256(stored.content).hexdigest(),
        "createdAt": fmt(stored.created_at),
    }


def _application_dump(state: State, application: Application, answers: list[Any] | None = None) -> dict[str, Any]:
    phase = state.phases[application.phase_id]
    reason = state.rejection_reasons.get(application.rejection_reason_id or 0)
    return {
        "id": application.id,
        "candidateId": application.candidate_id,
        "jobPostingId": application.job_posting_id,
        "createdAt": fmt(application.created_at),
        "phaseId": phase.id,
        "phaseName": phase.name,
        "phaseType": phase.phase_type,
        "outcome": state.outcome(application),
        "rejectionReasonId": application.rejection_reason_id,
        "decisionMaker": reason.decision_maker if reason else None,
        "qualified": application.qualified,
        "disqualifiedReason": application.disqualified_reason,
        "employeeId": application.employee_id,
        "source": _written_source(state, application.source, application.source_id, application.medium),
        "coverLetter": application.cover_letter,
        "phone": application.phone,
        "cv": _file_dump(application.cv),
        "answers": [
            {
                "id": answer.id,
                "questionId": answer.question_id,
                "type": answer.original_question_type,
                "label": answer.original_question_label,
                "value": answer.value,
                "file": _file_dump(answer.file),
            }
            for answer in (state.answers_of(application.id) if answers is None else answers)
        ],
        "history": [
            {"changedAt": fmt(change.changed_at), "phaseId": change.phase_id} for change in application.history
        ],
    }


def _counts(state: State) -> dict[str, int]:
    return {
        "employees": len(state.employees),
        "jobPostings": len(state.job_postings),
        "applicationPhases": len(state.phases),
        "hiringStages": len(state.hiring_stages),
        "questions": len(state.questions),
        "candidateSources": len(state.candidate_sources),
        "rejectionReasons": len(state.rejection_reasons),
        "candidates": len(state.candidates),
        "applications": len(state.applications),
        "answers": len(state.answers),
        "feedbacks": len(state.feedbacks),
        "files": len(state.files),
    }


def _dump(state: State, config: SeedConfig) -> dict[str, Any]:
    """`GET /_emulator/state`: everything, in plain JSON (file bytes as size + sha256)."""
    answers: dict[int, list[Any]] = {}
    for answer in state.answers.values():
        answers.setdefault(answer.application_id, []).append(answer)
    return {
        "company": {"id": state.company_id, "name": state.company_name},
        "seed": config.as_json(),
        "counts": _counts(state),
        "ownerEmployeeId": state.owner_employee_id,
        "employees": [
            {
                "id": e.id,
                "accessId": e.access_id,
                "email": e.email,
                "fullName": e.full_name,
                "role": e.role,
                "managerId": e.manager_id,
                "terminated": e.terminated_on is not None,
            }
            for e in state.employees.values()
        ],
        "hiringStages": [{"id": s.id, "name": s.name, "label": s.label} for s in state.hiring_stages.values()],
        "candidateSources": [_source_dump(source) for source in state.candidate_sources.values()],
        "rejectionReasons": [
            {"id": r.id, "reason": r.reason, "decisionMaker": r.decision_maker}
            for r in state.rejection_reasons.values()
        ],
        "jobPostings": [
            {
                "id": job.id,
                "title": job.title,
                "status": job.status,
                "cvRequirement": job.cv_requirement,
                "phases": [
                    {"id": p.id, "name": p.name, "phaseType": p.phase_type, "position": p.position}
                    for p in state.phases_of(job.id)
                ],
                "questionIds": [q.id for q in state.questions_of(job.id)],
            }
            for job in state.job_postings.values()
        ],
        "candidates": [
            {
                "id": c.id,
                "fullName": c.full_name,
                "email": c.email,
                "createdAt": fmt(c.created_at),
                "updatedAt": fmt(c.updated_at),
                "source": _written_source(state, c.source, c.source_id, c.medium),
                "applicationIds": list(c.application_ids),
            }
            for c in state.candidates.values()
        ],
        "applications": [_application_dump(state, a, answers.get(a.id, [])) for a in state.applications.values()],
        "feedbacks": [
            {
                "id": f.id,
                "candidateId": f.candidate_id,
                "applicationId": f.application_id,
                "rating": f.rating,
                "description": f.description,
            }
            for f in state.feedbacks.values()
        ],
    }
