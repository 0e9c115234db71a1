"""Workable emulator in-memory account: jobs (stages, questions), candidates (one per job), members, reasons.

Nothing here knows about HTTP. Ids are hex strings that grow with insertion order, which `since_id` pages by
(reference A2: ascending by insert time, `since_id` inclusive).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.records import StateError

STAGES = (
    ("sourced", "Sourced", "sourced"),
    ("applied", "Applied", "applied"),
    ("phone-screen", "Phone Screen", "phone-screen"),
    ("interview", "Interview", "interview"),
    ("offer", "Offer", "offer"),
    ("hired", "Hired", "hired"),
)
QUESTION_TYPES = ("free_text", "short_text", "multiple_choice", "boolean", "dropdown", "numeric", "date", "file")


class Invalid(StateError):
    """422 with `validation_errors` (reference A2)."""

    status = 422

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field_name = field_name
        self.detail = message


class Missing(StateError):
    status = 404

    def __init__(self) -> None:
        super().__init__("Not found")


@dataclass
class Job:
    id: str
    shortcode: str
    title: str
    state: str  # draft | published | archived | closed
    department: str
    city: str
    country_code: str
    created_at: datetime
    updated_at: datetime
    questions: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Candidate:
    id: str
    job_shortcode: str
    firstname: str
    lastname: str
    email: str
    stage_slug: str
    sourced: bool
    created_at: datetime
    updated_at: datetime
    phone: str | None = None
    headline: str | None = None
    domain: str | None = None
    disqualified: bool = False
    disqualified_at: datetime | None = None
    disqualification_reason: str | None = None
    withdrew: bool = False
    hired_at: datetime | None = None
    tags: list[str] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    resume: dict[str, Any] | None = None
    comments: list[dict[str, Any]] = field(default_factory=list)
    moves: list[dict[str, Any]] = field(default_factory=list)
    offer: dict[str, Any] | None = None  # `GET /candidates/:id/offer` (reference A5), set in Workable's UI


@dataclass
class State:
    clock: Clock
    subdomain: str = "acme"
    jobs: dict[str, Job] = field(default_factory=dict)  # by shortcode
    candidates: dict[str, Candidate] = field(default_factory=dict)
    members: list[dict[str, Any]] = field(default_factory=list)
    reasons: list[dict[str, Any]] = field(default_factory=list)
    events: dict[str, dict[str, Any]] = field(default_factory=dict)  # `GET /events` (reference A5), by id
    next_id: int = 0x27270000

    def now(self) -> datetime:
        return self.clock.now().replace(microsecond=0)

    def new_id(self) -> str:
        self.next_id += 1
        return f"{self.next_id:x}"

    def job(self, shortcode: str) -> Job:
        found = self.jobs.get(shortcode)
        if found is None:
            raise Missing()
        return found

    def candidate(self, identifier: str) -> Candidate:
        found = self.candidates.get(identifier)
        if found is None:
            raise Missing()
        return found

    def member(self, member_id: Any) -> dict[str, Any]:
        if not member_id:
            raise Invalid("member_id", "is required")
        for member in self.members:
            if member["id"] == member_id:
                return member
        raise Invalid("member_id", "is not a member of this account")

    # -- candidates ------------------------------------------------------------------------------------------
    def create_candidate(
        self, job: Job, body: dict[str, Any], *, sourced: bool, stage: str | None, at: datetime | None = None
    ) -> Candidate:
        if job.state != "published":
            raise Invalid("job", "is not accepting candidates")  # assumed: only published jobs take candidates
        firstname, lastname = body.get("firstname"), body.get("lastname")
        if not (firstname and lastname) and body.get("name"):
            firstname, _, lastname = str(body["name"]).partition(" ")
        if not firstname or not lastname:
            raise Invalid("name", "can't be blank")
        email = body.get("email")
        if not isinstance(email, str) or "@" not in email:
            raise Invalid("email", "can't be blank")
        if any(c.email == email and c.job_shortcode == job.shortcode for c in self.candidates.values()):
            raise Invalid("email", "candidate already exists")
        slug = stage or ("sourced" if sourced else "applied")
        if slug not in {s[0] for s in STAGES}:
            raise Invalid("stage", "is not a stage of this job")
        tags = body.get("tags") or []
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise Invalid("tags", "must be a list of strings")
        when = at or self.now()
        candidate = Candidate(
            id=self.new_id(),
            job_shortcode=job.shortcode,
            firstname=str(firstname),
            lastname=str(lastname),
            email=email,
            stage_slug=slug,
            sourced=sourced,
            created_at=when,
            updated_at=when,
            phone=body.get("phone"),
            headline=body.get("headline"),
            domain=body.get("domain") or None,
            tags=list(tags),
            answers=self._answers(job, body.get("answers") or []),
            resume=self._resume(body),
        )
        self.candidates[candidate.id] = candidate
        return candidate

    def _answers(self, job: Job, answers: Any) -> list[dict[str, Any]]:
        if not isinstance(answers, list):
            raise Invalid("answers", "must be a list")
        by_id = {q["id"]: q for q in job.questions}
        kept: list[dict[str, Any]] = []
        for answer in answers:
            question = by_id.get(answer.get("question_key")) if isinstance(answer, dict) else None
            if question is None:
                raise Invalid("answers", "question_key is not a question of this job")
            kind = question["type"]
            value_key = {"boolean": "checked", "multiple_choice": "choices", "dropdown": "choices",
                         "date": "date", "numeric": "value", "file": "file_url"}.get(kind, "body")  # fmt: skip
            if kind == "file" and "data" in answer:
                value_key = "data"
            if value_key not in answer:
                raise Invalid("answers", f"{question['id']} needs {value_key}")
            value = answer[value_key]
            if value_key == "choices":
                ids = {c["id"] for c in question.get("choices", [])}
                single = kind == "dropdown" or question.get("single_answer")
                if not isinstance(value, list) or not set(value) <= ids or (single and len(value) != 1):
                    raise Invalid("answers", f"{question['id']} has invalid choices")
            if value_key == "checked" and not isinstance(value, bool):
                raise Invalid("answers", f"{question['id']} checked must be a boolean")
            if value_key == "value" and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise Invalid("answers", f"{question['id']} value must be a number")
            kept.append({"question_key": question["id"], value_key: value})
        missing = [
            q["id"] for q in job.questions if q.get("required") and q["id"] not in {a["question_key"] for a in kept}
        ]
        if missing:
            raise Invalid("answers", f"required question {missing[0]} is not answered")
        return kept

    @staticmethod
    def _resume(body: dict[str, Any]) -> dict[str, Any] | None:
        if body.get("resume_url"):
            return {"url": body["resume_url"], "name": str(body["resume_url"]).rsplit("/", 1)[-1]}
        resume = body.get("resume")
        if resume is None:
            return None
        if not isinstance(resume, dict) or not resume.get("name") or not resume.get("data"):
            raise Invalid("resume", "needs name and data")
        return {"name": resume["name"], "data": resume["data"]}

    def move(self, candidate: Candidate, body: dict[str, Any]) -> None:
        self.member(body.get("member_id"))
        target = body.get("target_stage")
        if target not in {s[0] for s in STAGES}:
            raise Invalid("target_stage", "is not a stage of this job")
        candidate.moves.append({"from": candidate.stage_slug, "to": target, "member_id": body["member_id"]})
        candidate.stage_slug = str(target)
        if target == "hired":
            candidate.hired_at = self.now()
        candidate.updated_at = self.now()

    def disqualify(self, candidate: Candidate, body: dict[str, Any]) -> None:
        self.member(body.get("member_id"))
        note = body.get("disqualify_note")
        if note is not None and (not isinstance(note, str) or len(note) > 256):
            raise Invalid("disqualify_note", "is too long (maximum is 256 characters)")
        reason_text = None
        reason_id = body.get("disqualify_reason_id")
        if reason_id is not None:
            reason = next((r for r in self.reasons if r["id"] == reason_id), None)
            if reason is None:
                raise Invalid("disqualify_reason_id", "is not a disqualification reason")
            reason_text = reason["description"]
        candidate.disqualified = True
        candidate.disqualified_at = self.now()
        candidate.disqualification_reason = reason_text or body.get("disqualification_reason")
        candidate.withdrew = bool(body.get("withdrew"))
        candidate.updated_at = self.now()

    def comment(self, candidate: Candidate, body: dict[str, Any]) -> dict[str, Any]:
        member = self.member(body.get("member_id"))
        comment = body.get("comment")
        if not isinstance(comment, dict) or not isinstance(comment.get("body"), str) or not comment["body"]:
            raise Invalid("comment.body", "can't be blank")
        entry = {"id": self.new_id(), "body": comment["body"], "member": member, "created_at": self.now(),
                 "policy": comment.get("policy") or [], "attachment": comment.get("attachment")}  # fmt: skip
        candidate.comments.append(entry)
        candidate.updated_at = self.now()
        return entry

    def set_tags(self, candidate: Candidate, tags: Any) -> None:
        if not isinstance(tags, list) or not all(isinstance(t, str) and t for t in tags):
            raise Invalid("tags", "must be a list of strings")
        candidate.tags = list(dict.fromkeys(tags))
        candidate.updated_at = self.now()

    def touch(self, candidate: Candidate, changes: dict[str, Any]) -> None:
        for name in ("firstname", "lastname", "phone", "headline"):
            if name in changes:
                setattr(candidate, name, changes[name])
        candidate.updated_at = self.now()

    # -- what Workable's UI does (control endpoints and the seed) ---------------------------------------------
    def add_event(self, candidate: Candidate, body: dict[str, Any], at: datetime | None = None) -> dict[str, Any]:
        """An interview / call scheduled in Workable's calendar (recorded `GET /events` item shape)."""
        when = at or self.now()
        member = self.member(body.get("member_id") or self.members[0]["id"])
        event = {
            "id": self.new_id(), "title": str(body.get("title") or "Interview"), "description": body.get("description"),
            "type": str(body.get("type") or "InterviewEvent"), "starts_at": body.get("starts_at") or when,
            "ends_at": body.get("ends_at") or when, "cancelled": bool(body.get("cancelled", False)),
            "job_shortcode": candidate.job_shortcode, "candidate_id": candidate.id,
            "members": [{"id": member["id"], "name": member["name"], "type": "Member", "status": "accepted"}],
            "conference": body.get("conference"),
        }  # fmt: skip
        self.events[event["id"]] = event
        return event

    def set_offer(self, candidate: Candidate, body: dict[str, Any], at: datetime | None = None) -> dict[str, Any]:
        """The candidate's offer (one per candidate in `GET /candidates/:id/offer`): `state` and its variables."""
        offer = {"created_at": at or self.now(), "state": str(body.get("state") or "draft"),
                 "start_date": body.get("start_date"), "salary": body.get("salary")}  # fmt: skip
        candidate.offer = offer
        if at is None:
            candidate.updated_at = self.now()
        return offer

    def delete(self, identifier: str) -> None:
        self.candidate(identifier)
        del self.candidates[identifier]
