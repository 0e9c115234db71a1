"""The Factorial emulator's in-memory company: records, enums and every state change of the ATS API.

Nothing here knows about HTTP. Mutations raise `Invalid` (a 422, or a 400 for a malformed body) or `Missing`
(a 404). Ids are integers, allocated per table in ascending order, so every dict here iterates in id order
(the API sorts by id ascending). Every change to a candidate or one of its applications moves the candidate's
`updated_at` (applications only carry `created_at`, reference B7).
Reference: /work/shared/reference/ats-smartrecruiters-factorial.md Part B (F-SDK = PyPI `factorial-api-client`,
F-REPO = GitHub factorialco/factorial-api-sdks, the official SDK sources and vendored apidoc guides).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.records import fmt as fmt  # re-exported: the renderers format times with it
from apps.connectors.emulation.records import ms
from apps.connectors.factorial.emulator.inputs import (
    optional_bool,
    optional_email,
    optional_enum,
    optional_text,
    optional_time,
    required_text,
)
from apps.connectors.factorial.emulator.model import (
    APPLY_OPEN_STATUSES,
    AUTHOR_TYPES,
    GENDERS,
    SOURCE_CATEGORIES,
    Answer,
    Application,
    Candidate,
    CandidateSource,
    Employee,
    Feedback,
    HiringStage,
    Invalid,
    JobPosting,
    Missing,
    Phase,
    PhaseChange,
    Question,
    RejectionReason,
    StoredFile,
    optional_id,
    to_id,
)
from apps.connectors.factorial.emulator.postings_state import PostingChanges

# -- the company ----------------------------------------------------------------------------------------
TABLES = (
    "employees",
    "hiring_stages",
    "phases",
    "job_postings",
    "questions",
    "candidate_sources",
    "rejection_reasons",
    "candidates",
    "applications",
    "answers",
    "feedbacks",
)


class State(PostingChanges):
    """All records of one emulated Factorial company."""

    def __init__(self, *, company_id: int, company_name: str, clock: Clock, seed: int | str = 0) -> None:
        self.company_id = company_id
        self.company_name = company_name
        self.clock = clock
        self._rng = random.Random(f"factorial-files-{seed}")
        self._next: dict[str, int] = dict.fromkeys(TABLES, 1)
        self.employees: dict[int, Employee] = {}
        self.hiring_stages: dict[int, HiringStage] = {}
        self.phases: dict[int, Phase] = {}
        self.job_postings: dict[int, JobPosting] = {}
        self.questions: dict[int, Question] = {}
        self.candidate_sources: dict[int, CandidateSource] = {}
        self.rejection_reasons: dict[int, RejectionReason] = {}
        self.candidates: dict[int, Candidate] = {}
        self.applications: dict[int, Application] = {}
        self.answers: dict[int, Answer] = {}
        self.feedbacks: dict[int, Feedback] = {}
        self.files: dict[str, StoredFile] = {}  # by signed id
        self.owner_employee_id: int | None = None  # the admin who approves OAuth (user tokens act as them)
        # Webhook events of the changes made (subscription type, the record), sent after each request.
        self.events: list[tuple[str, Any]] = []

    def emit(self, subscription_type: str, record: Any) -> None:
        self.events.append((subscription_type, record))

    def now(self) -> datetime:
        return ms(self.clock.now())

    def next_id(self, table: str) -> int:
        value = self._next[table]
        self._next[table] = value + 1
        return value

    # -- lookups -----------------------------------------------------------------------------------------
    def _get(self, table: dict[int, Any], identifier: int, model: str) -> Any:
        record = table.get(identifier)
        if record is None:
            raise Missing(model, identifier)
        return record

    def job_posting(self, identifier: int) -> JobPosting:
        return self._get(self.job_postings, identifier, "Ats::JobPosting")

    def phase(self, identifier: int) -> Phase:
        return self._get(self.phases, identifier, "Ats::ApplicationPhase")

    def candidate(self, identifier: int) -> Candidate:
        return self._get(self.candidates, identifier, "Ats::Candidate")

    def application(self, identifier: int) -> Application:
        return self._get(self.applications, identifier, "Ats::Application")

    def question(self, identifier: int) -> Question:
        return self._get(self.questions, identifier, "Ats::Question")

    def answer(self, identifier: int) -> Answer:
        return self._get(self.answers, identifier, "Ats::Answer")

    def feedback(self, identifier: int) -> Feedback:
        return self._get(self.feedbacks, identifier, "Ats::Feedback")

    def candidate_source(self, identifier: int) -> CandidateSource:
        return self._get(self.candidate_sources, identifier, "Ats::CandidateSource")

    def rejection_reason(self, identifier: int) -> RejectionReason:
        return self._get(self.rejection_reasons, identifier, "Ats::RejectionReason")

    def hiring_stage(self, identifier: int) -> HiringStage:
        return self._get(self.hiring_stages, identifier, "Ats::HiringStage")

    def employee(self, identifier: int) -> Employee:
        return self._get(self.employees, identifier, "Employees::Employee")

    def phases_of(self, job_posting_id: int) -> list[Phase]:
        return sorted(
            (phase for phase in self.phases.values() if phase.job_posting_id == job_posting_id),
            key=lambda phase: (phase.position, phase.id),
        )

    def questions_of(self, job_posting_id: int) -> list[Question]:
        return [question for question in self.questions.values() if question.job_posting_id == job_posting_id]

    def answers_of(self, application_id: int) -> list[Answer]:
        return [answer for answer in self.answers.values() if answer.application_id == application_id]

    def find_candidate_by_email(self, email: str) -> Candidate | None:
        wanted = email.strip().lower()
        for candidate in self.candidates.values():
            if candidate.email and candidate.email.lower() == wanted:
                return candidate
        return None

    def rating_average(self, application_id: int) -> int | None:
        return self.rating_averages([application_id]).get(application_id)

    def rating_averages(self, application_ids: Iterable[int] | None = None) -> dict[int, int]:
        """Average feedback rating per application, an integer (F-SDK `rating_average: int`); Ruby's `round`
        takes halves up. Applications without rated feedback are absent."""
        wanted = None if application_ids is None else set(application_ids)
        ratings: dict[int, list[int]] = {}
        for item in self.feedbacks.values():
            if item.application_id is not None and item.rating is not None:
                if wanted is None or item.application_id in wanted:
                    ratings.setdefault(item.application_id, []).append(item.rating)
        return {key: int(sum(values) / len(values) + 0.5) for key, values in ratings.items()}

    def outcome(self, application: Application) -> str:
        """The outcome reading of reference B6, for the state dump: rejected / hired / pending."""
        if application.rejection_reason_id is not None:
            return "rejected"
        if self.phases[application.phase_id].phase_type == "hired":
            return "hired"
        return "pending"

    # -- files --------------------------------------------------------------------------------------------
    def store_file(self, filename: str, content_type: str, content: bytes, when: datetime | None = None) -> StoredFile:
        stored = StoredFile(f"{self._rng.getrandbits(128):032x}", filename, content_type, content, when or self.now())
        self.files[stored.signed_id] = stored
        return stored

    def _drop_file(self, stored: StoredFile | None) -> None:
        if stored is not None:
            self.files.pop(stored.signed_id, None)

    # -- sources ------------------------------------------------------------------------------------------
    def resolve_source(self, raw: str | None) -> int | None:
        """How a written `source` string becomes a `source_id`. The docs do not say (reference B4: "NOT
        DOCUMENTED"); our inference: an exact match on a catalogue entry's `name`, else on its `label`; no match
        leaves `source_id` null and keeps the string. Nothing is ever created from a string."""
        if raw is None:
            return None
        for source in self.candidate_sources.values():
            if source.name == raw:
                return source.id
        for source in self.candidate_sources.values():
            if source.label == raw:
                return source.id
        return None

    def source_matches(self, raw: str | None, source_id: int | None, wanted: set[str]) -> bool:
        """The `source[]` filter of GET /ats/candidates (doc example `email`): matches the written string or the
        resolved entry's name or label. The matching rule is NOT FOUND in the docs; this is our reading."""
        if raw is not None and raw in wanted:
            return True
        source = self.candidate_sources.get(source_id) if source_id is not None else None
        return source is not None and (source.name in wanted or source.label in wanted)

    def create_custom_source(self, *, name: str, category: str, label: str | None = None) -> CandidateSource:
        """The settings page's "add source" — never reachable through the API (read-only catalogue, B4)."""
        name = name.strip()
        if not name:
            raise Invalid("must not be empty", "name")
        if category not in SOURCE_CATEGORIES:
            raise Invalid(f"must be one of {', '.join(SOURCE_CATEGORIES)}", "category")
        if any(source.name == name for source in self.candidate_sources.values()):
            raise Invalid(f"a candidate source named {name} already exists", "name", status=409)
        source = CandidateSource(
            self.next_id("candidate_sources"), category, name, (label or name).strip() or name, custom=True
        )
        self.candidate_sources[source.id] = source
        return source

    def delete_source(self, source_id: int) -> CandidateSource:
        """Removes the entry; candidates and applications that pointed at it keep their written string and lose
        the id (what Factorial does with records of a deleted source is NOT FOUND)."""
        source = self.candidate_source(source_id)
        del self.candidate_sources[source_id]
        for candidate in self.candidates.values():
            if candidate.source_id == source_id:
                candidate.source_id = None
        for application in self.applications.values():
            if application.source_id == source_id:
                application.source_id = None
        return source

    # -- candidates ---------------------------------------------------------------------------------------
    def _touch(self, candidate: Candidate, when: datetime | None = None) -> None:
        when = when or self.now()
        candidate.updated_at = max(candidate.updated_at, when)

    def create_candidate(self, body: dict[str, Any]) -> Candidate:
        """POST /ats/candidates. Required: first_name, last_name, company_id (F-REPO AtsCandidatesPostRequest)."""
        first_name = required_text(body, "first_name")
        last_name = required_text(body, "last_name")
        if "company_id" not in body or body["company_id"] is None:
            raise Invalid("can't be blank", "company_id")
        self.check_company(body["company_id"])
        email = optional_email(body, "email")
        if email is not None and self.find_candidate_by_email(email) is not None:
            # Uniqueness of candidate emails per company is NOT FOUND in the docs; refusing duplicates keeps one
            # person one candidate, which is what the career page's apply flow assumes (see `apply`).
            raise Invalid("has already been taken", "email")
        gender = optional_enum(body, "gender", GENDERS)
        consent_given_at = optional_time(body, "consent_given_at")
        source = optional_text(body, "source")
        medium = optional_text(body, "medium")
        now = self.now()
        candidate = Candidate(
            id=self.next_id("candidates"),
            first_name=first_name,
            last_name=last_name,
            created_at=now,
            updated_at=now,
            email=email,
            phone_number=optional_text(body, "phone_number"),
            talent_pool=optional_bool(body, "talent_pool", False),
            consent_given_at=consent_given_at,
            consent_to_talent_pool=optional_bool(body, "consent_to_talent_pool", False),
            personal_url=optional_text(body, "personal_url"),
            gender=gender,
            source=source,
            source_id=self.resolve_source(source),
            medium=medium,
        )
        self.candidates[candidate.id] = candidate
        self.emit("ats/candidate/create", candidate)
        return candidate

    def update_candidate(self, candidate: Candidate, body: dict[str, Any]) -> Candidate:
        """PUT /ats/candidates/{id}: body {id*, email, first_name, last_name, talent_pool, consent_given_at,
        phone_number, personal_url}; only the keys present change. A body `id` must name the same record."""
        if body.get("id") is not None and to_id(body["id"], "id") != candidate.id:
            raise Invalid("does not match the candidate in the path", "id")
        changes: dict[str, Any] = {}
        for key in ("first_name", "last_name"):
            if key in body:
                changes[key] = required_text(body, key)
        if "email" in body:
            email = optional_email(body, "email")
            other = self.find_candidate_by_email(email) if email else None
            if other is not None and other.id != candidate.id:
                raise Invalid("has already been taken", "email")
            changes["email"] = email
        for key in ("phone_number", "personal_url"):
            if key in body:
                changes[key] = optional_text(body, key)
        if "talent_pool" in body:
            changes["talent_pool"] = optional_bool(body, "talent_pool", candidate.talent_pool)
        if "consent_given_at" in body:
            changes["consent_given_at"] = optional_time(body, "consent_given_at")
        if any(getattr(candidate, key) != value for key, value in changes.items()):
            for key, value in changes.items():
                setattr(candidate, key, value)
            self._touch(candidate)
            self.emit("ats/candidate/update", candidate)
        return candidate

    def delete_candidate(self, candidate_id: int) -> Candidate:
        candidate = self.candidate(candidate_id)
        for application_id in list(candidate.application_ids):
            self._remove_application(application_id)
        for feedback_id in [f.id for f in self.feedbacks.values() if f.candidate_id == candidate_id]:
            del self.feedbacks[feedback_id]
        del self.candidates[candidate_id]
        self.emit("ats/candidate/delete", candidate)
        return candidate

    def check_company(self, value: Any) -> None:
        if to_id(value, "company_id") != self.company_id:
            raise Invalid("does not match the company of the credentials", "company_id")

    # -- applications -------------------------------------------------------------------------------------
    def phase_for(self, job: JobPosting, value: Any, name: str) -> Phase:
        phase_id = to_id(value, name)
        phase = self.phases.get(phase_id)
        if phase is None:
            raise Invalid(f"application phase {phase_id} does not exist", name)
        if phase.job_posting_id != job.id:
            # "target phase must belong to the same job posting" (F-SDK move_to_phase docstring)
            raise Invalid(f"application phase {phase_id} does not belong to job posting {job.id}", name)
        return phase

    def open_job(self, value: Any, *, for_apply: bool) -> JobPosting:
        job_id = to_id(value, "ats_job_posting_id")
        job = self.job_postings.get(job_id)
        if job is None or job.status == "deleted":
            raise Invalid(f"job posting {job_id} does not exist", "ats_job_posting_id")
        if for_apply and job.status not in APPLY_OPEN_STATUSES:
            raise Invalid(
                f"job posting {job_id} is {job.status} and does not accept applications", "ats_job_posting_id"
            )
        return job

    def add_application(
        self,
        candidate: Candidate,
        job: JobPosting,
        *,
        phase: Phase | None,
        phone: str | None,
        cover_letter: str | None,
        source: str | None,
        medium: str | None,
        consent_to_talent_pool: bool | None,
        author_id: int | None = None,
        author_type: str | None = None,
        when: datetime | None = None,
    ) -> Application:
        if any(self.applications[a].job_posting_id == job.id for a in candidate.application_ids):
            raise Invalid(f"candidate {candidate.id} has already applied to job posting {job.id}", "ats_candidate_id")
        phases = self.phases_of(job.id)
        if phase is None:
            if not phases:
                raise Invalid(f"job posting {job.id} has no application phases", "ats_job_posting_id")
            phase = phases[0]
        when = when or self.now()
        application_id = self.next_id("applications")
        application = Application(
            id=application_id,
            job_posting_id=job.id,
            candidate_id=candidate.id,
            created_at=when,
            phase_id=phase.id,
            phone=phone,
            cover_letter=cover_letter,
            conversation_id=application_id,
            source=source,
            source_id=self.resolve_source(source),
            medium=medium,
            author_id=author_id,
            author_type=author_type,
            consent_to_talent_pool=consent_to_talent_pool,
            history=[PhaseChange(when, phase.id)],
        )
        self.applications[application.id] = application
        candidate.application_ids.append(application.id)
        self._touch(candidate, when)
        self.emit("ats/application/create", application)
        return application

    def move_to_phase(self, application: Application, value: Any, name: str = "ats_application_phase_id") -> bool:
        job = self.job_postings[application.job_posting_id]
        phase = self.phase_for(job, value, name)
        if phase.id == application.phase_id:
            return False
        now = self.now()
        application.phase_id = phase.id
        application.history.append(PhaseChange(now, phase.id))
        self._touch(self.candidates[application.candidate_id], now)
        self.emit("ats/application/update", application)
        return True

    def update_application(
        self, application: Application, body: dict[str, Any], *, cv: tuple[str, str, bytes] | None = None
    ) -> Application:
        """PUT /ats/applications/{id} (F-REPO AtsApplicationsIdPutRequest): author_id, author_type, qualified,
        ats_application_phase_id, disqualified_reason, phone, ats_rejection_reason_id, source, source_id — plus,
        in the emulator, a decoded `cv` (filename, content type, bytes) that replaces the application's CV (see
        `applying.py`). Validated first, written after: a refused request changes nothing."""
        if body.get("id") is not None and to_id(body["id"], "id") != application.id:
            raise Invalid("does not match the application in the path", "id")
        changes: dict[str, Any] = {}
        if "qualified" in body:
            changes["qualified"] = optional_bool(body, "qualified", application.qualified)
        if "disqualified_reason" in body:
            changes["disqualified_reason"] = optional_text(body, "disqualified_reason")
        if "phone" in body:
            changes["phone"] = optional_text(body, "phone")
        if "author_type" in body:
            changes["author_type"] = optional_enum(body, "author_type", AUTHOR_TYPES)
        if "author_id" in body:
            changes["author_id"] = optional_id(body["author_id"], "author_id")
        if "ats_rejection_reason_id" in body:
            reason_id = optional_id(body["ats_rejection_reason_id"], "ats_rejection_reason_id")
            if reason_id is not None and reason_id not in self.rejection_reasons:
                raise Invalid(f"rejection reason {reason_id} does not exist", "ats_rejection_reason_id")
            changes["rejection_reason_id"] = reason_id
        if "source" in body:
            changes["source"] = optional_text(body, "source")
            changes["source_id"] = self.resolve_source(changes["source"])
        if "source_id" in body:
            # `source_id` names the catalogue entry directly and wins over the string (F-SDK put body has both).
            source_id = optional_id(body["source_id"], "source_id")
            if source_id is not None and source_id not in self.candidate_sources:
                raise Invalid(f"candidate source {source_id} does not exist", "source_id")
            changes["source_id"] = source_id
        phase_value = body.get("ats_application_phase_id")
        if phase_value is not None:
            self.phase_for(self.job_postings[application.job_posting_id], phase_value, "ats_application_phase_id")
        changed = any(getattr(application, key) != value for key, value in changes.items())
        for key, value in changes.items():
            setattr(application, key, value)
        if phase_value is not None:
            changed = self.move_to_phase(application, phase_value) or changed
        if cv is not None:
            self._drop_file(application.cv)
            application.cv = self.store_file(*cv)
            changed = True
        if changed:
            self._touch(self.candidates[application.candidate_id])
            self.emit("ats/application/update", application)
        return application

    def reject(self, application: Application, reason_id: int) -> None:
        self.rejection_reason(reason_id)
        application.rejection_reason_id = reason_id
        self._touch(self.candidates[application.candidate_id])
        self.emit("ats/application/update", application)

    def hire(self, application: Application, *, create_employee: bool) -> Phase:
        """Moves to the job's `hired` phase (B6); optionally converts the candidate into an employee."""
        hired = next((p for p in self.phases_of(application.job_posting_id) if p.phase_type == "hired"), None)
        if hired is None:
            raise Invalid(f"job posting {application.job_posting_id} has no hired phase", "ats_application_phase_id")
        self.move_to_phase(application, hired.id)
        application.rejection_reason_id = None
        if create_employee and application.employee_id is None:
            candidate = self.candidates[application.candidate_id]
            now = self.now()
            employee_id = self.next_id("employees")
            employee = Employee(
                id=employee_id,
                access_id=employee_id + 1000,
                first_name=candidate.first_name,
                last_name=candidate.last_name,
                email=candidate.email or f"employee{employee_id}@example.com",
                created_at=now,
                updated_at=now,
                location_id=self.job_postings[application.job_posting_id].location_id or 1,
            )
            self.employees[employee.id] = employee
            application.employee_id = employee.id
        return hired

    def _remove_application(self, application_id: int) -> Application:
        application = self.applications.pop(application_id)
        for answer in self.answers_of(application_id):
            self._drop_file(answer.file)
            del self.answers[answer.id]
        for feedback in self.feedbacks.values():
            if feedback.application_id == application_id:
                feedback.application_id = None
        self._drop_file(application.cv)
        candidate = self.candidates.get(application.candidate_id)
        if candidate is not None:
            candidate.application_ids.remove(application_id)
            self._touch(candidate)
        self.emit("ats/application/delete", application)
        return application

    def delete_application(self, application_id: int) -> Application:
        self.application(application_id)
        return self._remove_application(application_id)
