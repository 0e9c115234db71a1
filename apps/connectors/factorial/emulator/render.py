"""State → Factorial JSON. Field names follow the F-SDK models (reference B5); ids are integers (every doc
example and the older reference use integers, B2). `base` is the emulator's own origin, used for absolute URLs
(job posting `url`, file `url`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from apps.connectors.factorial.emulator.model import (
    Answer,
    Application,
    Candidate,
    CandidateSource,
    Employee,
    Feedback,
    HiringStage,
    JobPosting,
    Phase,
    Question,
    RejectionReason,
    StoredFile,
)
from apps.connectors.factorial.emulator.state import State, fmt

FILE_ROUTE = "/rails/active_storage/blobs/redirect"


def file_url(base: str, stored: StoredFile) -> str:
    # Factorial answers ActiveStorage-style signed URLs (a Rails app); the exact URL shape is NOT FOUND. Ours is
    # served by the emulator itself, without credentials, like a signed blob URL.
    return f"{base}{FILE_ROUTE}/{stored.signed_id}/{quote(stored.filename)}"


def stored_file(base: str, stored: StoredFile | None) -> dict[str, Any] | None:
    """`AtsApplicationCv` {filename, url, byte_size, content_type, created_at} (F-SDK)."""
    if stored is None:
        return None
    return {
        "filename": stored.filename,
        "url": file_url(base, stored),
        "byte_size": len(stored.content),
        "content_type": stored.content_type,
        "created_at": fmt(stored.created_at),
    }


def job_posting(state: State, job: JobPosting, base: str) -> dict[str, Any]:
    return {
        "id": job.id,
        "company_id": state.company_id,
        "ats_company_id": state.company_id,
        "title": job.title,
        "description": job.description,
        "contract_type": job.contract_type,
        "category": job.category,
        "workplace_type": job.workplace_type,
        "remote": job.remote,
        "status": job.status,
        "schedule_type": job.schedule_type,
        "team_id": job.team_id,
        "location_id": job.location_id,
        "legal_entity_id": job.legal_entity_id,
        "salary_format": job.salary_format,
        "salary_from_amount_in_cents": job.salary_from_amount_in_cents,
        "salary_to_amount_in_cents": job.salary_to_amount_in_cents,
        "hide_salary": job.hide_salary,
        "cv_requirement": job.cv_requirement,
        "cover_letter_requirement": job.cover_letter_requirement,
        "phone_requirement": job.phone_requirement,
        "photo_requirement": job.photo_requirement,
        "personal_url_requirement": job.personal_url_requirement,
        "url": f"{base}/job_posting/{job.slug}",
        "salary_period": job.salary_period,
        "published_at": fmt(job.published_at),
        "created_at": fmt(job.created_at),
    }


def phase(item: Phase, counts: tuple[int, int]) -> dict[str, Any]:
    total, active = counts
    return {
        "id": item.id,
        "ats_job_posting_id": item.job_posting_id,
        "name": item.name,
        "position": item.position,
        "editable": item.editable,
        "phase_type": item.phase_type,
        "applications_count": total,
        "active_applications_count": active,
        "ats_hiring_stage_id": item.hiring_stage_id,
    }


def hiring_stage(state: State, item: HiringStage) -> dict[str, Any]:
    return {
        "id": item.id,
        "name": item.name,
        "label": item.label,
        "company_id": state.company_id,
        "position": item.position,
    }


def candidate(state: State, item: Candidate) -> dict[str, Any]:
    job_ids = sorted({state.applications[a].job_posting_id for a in item.application_ids})
    return {
        "id": item.id,
        "company_id": state.company_id,
        "first_name": item.first_name,
        "last_name": item.last_name,
        "full_name": item.full_name,
        "email": item.email,
        "talent_pool": item.talent_pool,
        "phone_number": item.phone_number,
        "created_at": fmt(item.created_at),
        "updated_at": fmt(item.updated_at),
        "consent_given_at": fmt(item.consent_given_at),
        "inactive_since": fmt(item.inactive_since),
        "ats_job_posting_ids": job_ids,
        "personal_url": item.personal_url,
        "consent_expiration_date": fmt(item.consent_expiration_date),
        "consent_to_talent_pool": item.consent_to_talent_pool,
        "medium": item.medium,
        "source_id": item.source_id,
        "gender": item.gender,
        "score": item.score,
    }


def application(state: State, item: Application, base: str, rating: int | None | bool = False) -> dict[str, Any]:
    """`rating` may be passed in precomputed (`State.rating_averages`) when rendering many applications."""
    return {
        "id": item.id,
        "company_id": state.company_id,
        "ats_job_posting_id": item.job_posting_id,
        "ats_candidate_id": item.candidate_id,
        "employee_id": item.employee_id,
        "phone": item.phone,
        "qualified": item.qualified,
        "ats_application_phase_id": item.phase_id,
        "created_at": fmt(item.created_at),
        "cover_letter": item.cover_letter,
        "cv": stored_file(base, item.cv),
        "ats_conversation_id": item.conversation_id,
        "medium": item.medium,
        "rating_average": state.rating_average(item.id) if rating is False else rating,
        "ats_rejection_reason_id": item.rejection_reason_id,
        "source_id": item.source_id,
    }


def question(item: Question) -> dict[str, Any]:
    return {
        "id": item.id,
        "ats_job_posting_id": item.job_posting_id,
        "label": item.label,
        "position": item.position,
        "mandatory": item.mandatory,
        "auto_disqualify": item.auto_disqualify,
        "question_type": item.question_type,
        "created_at": fmt(item.created_at),
        "updated_at": fmt(item.updated_at),
        "options": [{"text": option.text, "disqualifies": option.disqualifies} for option in item.options],
    }


def answer(item: Answer, base: str) -> dict[str, Any]:
    value = file_url(base, item.file) if item.file is not None else item.value
    return {
        "id": item.id,
        "ats_question_id": item.question_id,
        "ats_application_id": item.application_id,
        "original_question_label": item.original_question_label,
        "value": value,
        "original_question_type": item.original_question_type,
        "created_at": fmt(item.created_at),
        "updated_at": fmt(item.updated_at),
    }


def rejection_reason(state: State, item: RejectionReason) -> dict[str, Any]:
    return {
        "id": item.id,
        "company_id": state.company_id,
        "decision_maker": item.decision_maker,
        "reason": item.reason,
        "created_at": fmt(item.created_at),
        "updated_at": fmt(item.updated_at),
    }


def candidate_source(state: State, item: CandidateSource) -> dict[str, Any]:
    return {
        "id": item.id,
        "company_id": state.company_id,
        "category": item.category,
        "name": item.name,
        "label": item.label,
    }


def feedback(item: Feedback) -> dict[str, Any]:
    return {
        "id": item.id,
        "rating": item.rating,
        "description": item.description,
        "ats_application_id": item.application_id,
        "ats_application_phase_id": item.phase_id,
        "created_at": fmt(item.created_at),
        "ats_candidate_id": item.candidate_id,
        "ats_evaluation_forms_id": item.evaluation_form_id,
        "evaluation_form_answers": [],
    }


def employee(state: State, item: Employee) -> dict[str, Any]:
    return {
        "id": item.id,
        "access_id": item.access_id,
        "first_name": item.first_name,
        "last_name": item.last_name,
        "full_name": item.full_name,
        "company_id": state.company_id,
        "location_id": item.location_id,
        "email": item.email,
        "manager_id": item.manager_id,
        "terminated_on": item.terminated_on.date().isoformat() if item.terminated_on else None,
        "created_at": fmt(item.created_at),
        "updated_at": fmt(item.updated_at),
        "is_terminating": False,
        "attendable": item.terminated_on is None,
    }


def company_credential(state: State, identifier: str) -> dict[str, Any]:
    """`ApiPublicCredential` of an API key or a company OAuth token: company fields, no person."""
    return {
        "company_id": state.company_id,
        "id": identifier,
        "employee_id": None,
        "full_name": None,
        "gdpr_tos": True,
        "legal_name": f"{state.company_name} S.L.",
        "locale": "en",
        "logo": None,
        "name": state.company_name,
        "onboarded_on": "2023-01-02",
        "subscription_plan": "business",
        "tin": "B00000000",
        "to_be_deleted": None,
        "tos": True,
    }


def user_credential(state: State, item: Employee) -> dict[str, Any]:
    """`ApiPublicCredential` of a user OAuth token: `access-<access id>` and the person (doc example)."""
    return {
        "company_id": state.company_id,
        "id": f"access-{item.access_id}",
        "email": item.email,
        "login_email": item.email,
        "full_name": item.full_name,
        "first_name": item.first_name,
        "last_name": item.last_name,
        "employee_id": item.id,
        "role": item.role,
    }
