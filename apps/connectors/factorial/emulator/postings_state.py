"""The Factorial emulator's state changes of job postings, their questions and answers, and feedbacks."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from apps.connectors.emulation.records import fmt as fmt  # re-exported: the renderers format times with it
from apps.connectors.factorial.emulator.inputs import (
    _job_fields,
    optional_bool,
    optional_text,
    parse_options,
    required_int,
    required_text,
)
from apps.connectors.factorial.emulator.model import (
    ANSWER_CREATE_TYPES,
    JOB_STATUSES,
    QUESTION_TYPES,
    REQUIREMENT_FIELDS,
    REQUIREMENTS,
    Answer,
    Candidate,
    Feedback,
    Invalid,
    JobPosting,
    Phase,
    Question,
    QuestionOption,
    optional_id,
    to_id,
)

# -- the company ----------------------------------------------------------------------------------------

# The pipeline a new posting starts with: (phase name, phase_type, hiring stage name). Names follow the doc
# example (F-REPO AtsApplicationPhase.md: "New", "In review", "Hired"); the rest are plausible UI defaults.
DEFAULT_PIPELINE = (
    ("New", "initial", "new"),
    ("In review", "screening", "screening"),
    ("Assessment", "assessment", "assessment"),
    ("Interview", "interview", "interview"),
    ("Offer", "offer", "offer"),
    ("Hired", "hired", "hired"),
)


class PostingChanges:
    """Mixed into `State`: creating, changing and deleting job postings, questions, answers and feedbacks."""

    # -- answers ------------------------------------------------------------------------------------------
    def create_answer(self, body: dict[str, Any]) -> Answer:
        """POST /ats/answers; required: ats_question_id, ats_application_id, value (string),
        original_question_label, original_question_type (F-SDK post answers body)."""
        for key in ("ats_question_id", "ats_application_id", "value", "original_question_label"):
            if body.get(key) is None:
                raise Invalid("can't be blank", key)
        question_type = body.get("original_question_type")
        if question_type not in ANSWER_CREATE_TYPES:
            raise Invalid(f"must be one of {', '.join(ANSWER_CREATE_TYPES)}", "original_question_type")
        application = self.applications.get(to_id(body["ats_application_id"], "ats_application_id"))
        if application is None:
            raise Invalid("application does not exist", "ats_application_id")
        question = self.questions.get(to_id(body["ats_question_id"], "ats_question_id"))
        if question is None or question.job_posting_id != application.job_posting_id:
            raise Invalid("question does not belong to the application's job posting", "ats_question_id")
        value = body["value"]
        if not isinstance(value, str):
            raise Invalid("must be a string", "value")
        label = body["original_question_label"]
        if not isinstance(label, str):
            raise Invalid("must be a string", "original_question_label")
        now = self.now()
        answer = Answer(self.next_id("answers"), application.id, question.id, label, question_type, value, now, now)
        self.answers[answer.id] = answer
        self._touch(self.candidates[application.candidate_id], now)
        return answer

    # -- questions ----------------------------------------------------------------------------------------
    def create_question(self, body: dict[str, Any]) -> Question:
        """POST /ats/questions; required: ats_job_posting_id, company_id, label, position, question_type."""
        job = self.open_job(body.get("ats_job_posting_id"), for_apply=False)
        if body.get("company_id") is None:
            raise Invalid("can't be blank", "company_id")
        self.check_company(body["company_id"])
        label = required_text(body, "label")
        position = required_int(body, "position")
        question_type = body.get("question_type")
        if question_type not in QUESTION_TYPES:
            raise Invalid(f"must be one of {', '.join(QUESTION_TYPES)}", "question_type")
        options = parse_options(body.get("options"), question_type)
        now = self.now()
        question = Question(
            id=self.next_id("questions"),
            job_posting_id=job.id,
            label=label,
            position=position,
            question_type=question_type,
            mandatory=optional_bool(body, "mandatory", False),
            auto_disqualify=optional_bool(body, "auto_disqualify", False),
            created_at=now,
            updated_at=now,
            options=options,
        )
        self.questions[question.id] = question
        return question

    def update_question(self, question: Question, body: dict[str, Any]) -> Question:
        changes: dict[str, Any] = {}
        if "label" in body:
            changes["label"] = required_text(body, "label")
        if "position" in body:
            changes["position"] = required_int(body, "position")
        for key in ("mandatory", "auto_disqualify"):
            if key in body:
                changes[key] = optional_bool(body, key, getattr(question, key))
        if "options" in body:
            changes["options"] = parse_options(body["options"], question.question_type)
        for key, value in changes.items():
            setattr(question, key, value)
        question.updated_at = self.now()
        return question

    def delete_question(self, question_id: int) -> Question:
        question = self.question(question_id)
        del self.questions[question_id]
        # Answers keep their `original_question_label/type`: that is what those fields are for.
        for answer in self.answers.values():
            if answer.question_id == question_id:
                answer.question_id = None
        return question

    # -- job postings -------------------------------------------------------------------------------------
    def create_job_posting(self, body: dict[str, Any]) -> JobPosting:
        """POST /ats/job_postings; required: title, status and the five `*_requirement`s. A new posting gets the
        default pipeline (the phases a posting created in the UI starts with)."""
        title = required_text(body, "title")
        status = body.get("status")
        if status not in JOB_STATUSES:
            raise Invalid(f"must be one of {', '.join(JOB_STATUSES)}", "status")
        requirements = {}
        for key in REQUIREMENT_FIELDS:
            value = body.get(key)
            if value not in REQUIREMENTS:
                raise Invalid(f"must be one of {', '.join(REQUIREMENTS)}", key)
            requirements[key] = value
        extra = _job_fields(body)
        now = self.now()
        job = JobPosting(
            id=self.next_id("job_postings"),
            title=title,
            status=status,
            created_at=now,
            updated_at=now,
            published_at=now if status == "published" else None,
            **requirements,
            **extra,
        )
        self.job_postings[job.id] = job
        self.add_default_phases(job)
        self.emit("ats/job_posting/create", job)  # type: ignore[attr-defined]
        return job

    def update_job_posting(self, job: JobPosting, body: dict[str, Any]) -> JobPosting:
        if body.get("id") is not None and to_id(body["id"], "id") != job.id:
            raise Invalid("does not match the job posting in the path", "id")
        changes: dict[str, Any] = {}
        if "title" in body:
            changes["title"] = required_text(body, "title")
        if "status" in body:
            if body["status"] not in JOB_STATUSES:
                raise Invalid(f"must be one of {', '.join(JOB_STATUSES)}", "status")
            changes["status"] = body["status"]
        for key in REQUIREMENT_FIELDS:
            if key in body:
                if body[key] not in REQUIREMENTS:
                    raise Invalid(f"must be one of {', '.join(REQUIREMENTS)}", key)
                changes[key] = body[key]
        changes.update(_job_fields(body))
        now = self.now()
        if changes.get("status") == "published" and job.published_at is None:
            changes["published_at"] = now
        for key, value in changes.items():
            setattr(job, key, value)
        job.updated_at = now
        self.emit("ats/job_posting/update", job)  # type: ignore[attr-defined]
        return job

    def delete_job_posting(self, job: JobPosting) -> JobPosting:
        # The status enum has `deleted`: a deleted posting stays addressable and its applications stay.
        # Hard vs soft deletion is NOT FOUND in the docs; soft keeps applications' outcomes readable.
        job.status = "deleted"
        job.updated_at = self.now()
        self.emit("ats/job_posting/delete", job)  # type: ignore[attr-defined]
        return job

    def duplicate_job_posting(self, job: JobPosting) -> JobPosting:
        """POST /ats/job_postings/duplicate: a draft copy with the same pipeline and questions."""
        now = self.now()
        copy = replace(
            job,
            id=self.next_id("job_postings"),
            title=f"{job.title} (copy)",
            status="draft",
            created_at=now,
            updated_at=now,
            published_at=None,
        )
        self.job_postings[copy.id] = copy
        for phase in self.phases_of(job.id):
            clone = replace(phase, id=self.next_id("phases"), job_posting_id=copy.id)
            self.phases[clone.id] = clone
        for question in self.questions_of(job.id):
            options = [QuestionOption(o.text, o.disqualifies) for o in question.options]
            cloned = replace(
                question,
                id=self.next_id("questions"),
                job_posting_id=copy.id,
                options=options,
                created_at=now,
                updated_at=now,
            )
            self.questions[cloned.id] = cloned
        self.emit("ats/job_posting/duplicate", copy)  # type: ignore[attr-defined]
        return copy

    def add_default_phases(self, job: JobPosting, *, extra_normal_phase: bool = False) -> list[Phase]:
        template = list(DEFAULT_PIPELINE)
        if extra_normal_phase:
            template.insert(4, ("Culture fit", "normal", "interview"))
        stage_ids = {stage.name: stage.id for stage in self.hiring_stages.values()}
        phases = []
        for position, (name, phase_type, stage) in enumerate(template):
            phase = Phase(
                id=self.next_id("phases"),
                job_posting_id=job.id,
                name=name,
                position=position,
                phase_type=phase_type,
                hiring_stage_id=stage_ids[stage],
                # The first and the hired phase cannot be edited (doc example: New/Hired `editable: false`).
                editable=phase_type not in ("initial", "hired"),
            )
            self.phases[phase.id] = phase
            phases.append(phase)
        return phases

    # -- feedbacks ----------------------------------------------------------------------------------------
    def create_feedback(self, body: dict[str, Any]) -> Feedback:
        """POST /ats/feedbacks; required: ats_candidate_id. `rating` 1–5 (F-SDK AtsFeedback)."""
        if body.get("ats_candidate_id") is None:
            raise Invalid("can't be blank", "ats_candidate_id")
        candidate = self.candidates.get(to_id(body["ats_candidate_id"], "ats_candidate_id"))
        if candidate is None:
            raise Invalid("candidate does not exist", "ats_candidate_id")
        fields_ = self._feedback_fields(body, candidate)
        now = self.now()
        feedback = Feedback(self.next_id("feedbacks"), candidate.id, now, **fields_)
        self.feedbacks[feedback.id] = feedback
        self._touch(candidate, now)
        return feedback

    def update_feedback(self, feedback: Feedback, body: dict[str, Any]) -> Feedback:
        candidate = self.candidates[feedback.candidate_id]
        for key, value in self._feedback_fields(body, candidate, partial=True).items():
            setattr(feedback, key, value)
        self._touch(candidate)
        return feedback

    def _feedback_fields(self, body: dict[str, Any], candidate: Candidate, *, partial: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if not partial or "ats_application_id" in body:
            application_id = optional_id(body.get("ats_application_id"), "ats_application_id")
            if application_id is not None:
                application = self.applications.get(application_id)
                if application is None or application.candidate_id != candidate.id:
                    raise Invalid("application does not belong to the candidate", "ats_application_id")
            out["application_id"] = application_id
        if not partial or "ats_application_phase_id" in body:
            phase_id = optional_id(body.get("ats_application_phase_id"), "ats_application_phase_id")
            if phase_id is not None and phase_id not in self.phases:
                raise Invalid(f"application phase {phase_id} does not exist", "ats_application_phase_id")
            out["phase_id"] = phase_id
        if not partial or "rating" in body:
            rating = body.get("rating")
            if rating is not None and (isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5):
                raise Invalid("must be an integer from 1 to 5", "rating")
            out["rating"] = rating
        if not partial or "description" in body:
            out["description"] = optional_text(body, "description")
        if not partial or "ats_evaluation_forms_id" in body:
            out["evaluation_form_id"] = optional_id(body.get("ats_evaluation_forms_id"), "ats_evaluation_forms_id")
        if not partial or "mention_ids" in body:
            mentions = body.get("mention_ids") or []
            if not isinstance(mentions, list):
                raise Invalid("must be an array of ids", "mention_ids")
            out["mention_ids"] = [to_id(item, "mention_ids") for item in mentions]
        return out

    def delete_feedback(self, feedback_id: int) -> Feedback:
        feedback = self.feedback(feedback_id)
        del self.feedbacks[feedback_id]
        candidate = self.candidates.get(feedback.candidate_id)
        if candidate is not None:
            self._touch(candidate)
        return feedback
