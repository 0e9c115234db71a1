"""Greenhouse Harvest v3 in-memory company: records as v3 JSON dicts, every state change. No HTTP here.

Facts: /work/shared/reference/ats-greenhouse-lever.md Part A (A3-A6). Records keep v3 field names; timestamps are
`fmt` strings and compared as datetimes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.records import StateError, fmt, ms

Rec = dict[str, Any]
ATTACHMENT_TYPES = (
    "resume", "cover_letter", "take_home_test", "offer_packet", "offer_letter", "signed_offer_letter", "other",
    "form_attachment", "midfunnel_agreement", "automated_agreement",
)  # fmt: skip
VISIBILITIES = ("public", "admin_only", "private")
# GH-V3-SPEC `note`: written as `visibility` admin_only|private|public and `note_type` (A5), read back as
# `visibility` admin_only_visible|privately_visible|publicly_visible and `type`.
NOTE_VISIBILITY_READ = {
    "admin_only": "admin_only_visible",
    "private": "privately_visible",
    "public": "publicly_visible",
}
BLOCKED_EXTENSIONS = (".exe", ".bat", ".sh", ".js", ".dll")  # "blocklisted extensions rejected" (list assumed)


class Invalid(StateError):
    """A 422 with `errors[{message, field}]` (GH-V1 doc example shape; v3 bodies NOT FOUND, assumed the same)."""

    status = 422

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.reason = message


class Missing(StateError):
    status = 404

    def __init__(self, what: str, identifier: Any) -> None:
        super().__init__(f"{what} {identifier} not found")


@dataclass
class State:
    clock: Clock
    users: dict[int, Rec] = field(default_factory=dict)
    jobs: dict[int, Rec] = field(default_factory=dict)
    stages: dict[int, Rec] = field(default_factory=dict)  # job_interview_stages
    job_posts: dict[int, Rec] = field(default_factory=dict)
    candidates: dict[int, Rec] = field(default_factory=dict)
    applications: dict[int, Rec] = field(default_factory=dict)
    sources: dict[int, Rec] = field(default_factory=dict)
    rejection_reasons: dict[int, Rec] = field(default_factory=dict)
    candidate_tags: dict[int, Rec] = field(default_factory=dict)
    applied_tags: dict[int, Rec] = field(default_factory=dict)
    notes: dict[int, Rec] = field(default_factory=dict)
    attachments: dict[int, Rec] = field(default_factory=dict)
    # GH-V3-SPEC components `job_interview`, `interview`, `interviewer`, `scorecard`, `offer`, `application_stage`
    job_interviews: dict[int, Rec] = field(default_factory=dict)
    interviews: dict[int, Rec] = field(default_factory=dict)
    interviewers: dict[int, Rec] = field(default_factory=dict)
    scorecards: dict[int, Rec] = field(default_factory=dict)
    # GH-V3-SPEC `scorecard_question`, `scorecard_question_option`, `scorecard_question_answer`,
    # `scorecard_question_answer_option`: a kit's questions, a select's options, a scorecard's answers.
    scorecard_questions: dict[int, Rec] = field(default_factory=dict)
    scorecard_question_options: dict[int, Rec] = field(default_factory=dict)
    scorecard_question_answers: dict[int, Rec] = field(default_factory=dict)
    scorecard_question_answer_options: dict[int, Rec] = field(default_factory=dict)
    offers: dict[int, Rec] = field(default_factory=dict)
    application_stages: dict[int, Rec] = field(default_factory=dict)
    user_roles: dict[int, Rec] = field(default_factory=dict)  # GH-V3-SPEC `user_role`
    custom_fields: dict[int, Rec] = field(default_factory=dict)  # definitions (custom_fields.py)
    custom_field_options: dict[int, Rec] = field(default_factory=dict)
    files: dict[int, tuple[bytes, str]] = field(default_factory=dict)  # attachment id → (content, content type)
    next_id: int = 1000

    def now(self) -> datetime:
        return ms(self.clock.now())

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def stamp(self, at: datetime | None = None) -> Rec:
        when = fmt(at or self.now())
        return {"created_at": when, "updated_at": when}

    def touch(self, record: Rec) -> None:
        record["updated_at"] = fmt(self.now())

    # -- lookups -----------------------------------------------------------------------------------------
    def get(self, table: dict[int, Rec], what: str, identifier: Any) -> Rec:
        record = table.get(identifier) if isinstance(identifier, int) and not isinstance(identifier, bool) else None
        if record is None:
            raise Missing(what, identifier)
        return record

    def stages_of(self, job_id: int) -> list[Rec]:
        rows = [s for s in self.stages.values() if s["job_id"] == job_id and s["active"]]
        return sorted(rows, key=lambda s: s["sort_order"])

    # -- seeding and the settings screens ----------------------------------------------------------------
    def add(self, table: dict[int, Rec], record: Rec, at: datetime | None = None) -> Rec:
        record = {"id": self.new_id(), **self.stamp(at), **record}
        table[record["id"]] = record
        return record

    def add_source(self, name: str, type_name: str = "third_party_boards") -> Rec:
        """Configure → Custom Options → Sources (the API cannot create sources, A4)."""
        if not name.strip():
            raise Invalid("name", "can't be blank")
        if any(s["name"].lower() == name.strip().lower() for s in self.sources.values()):
            raise Invalid("name", "has already been taken")
        return self.add(self.sources, {"name": name.strip(), "type": {"id": 3, "name": type_name}})

    def delete_source(self, source_id: int) -> Rec:
        return self.sources.pop(self.get(self.sources, "Source", source_id)["id"])

    def delete_candidate(self, candidate_id: int) -> None:
        self.get(self.candidates, "Candidate", candidate_id)
        del self.candidates[candidate_id]
        for app_id in [a["id"] for a in self.applications.values() if a["candidate_id"] == candidate_id]:
            del self.applications[app_id]

    # -- API writes --------------------------------------------------------------------------------------
    def create_candidate(self, body: Rec) -> Rec:
        for name in ("first_name", "last_name"):
            if not isinstance(body.get(name), str) or not body[name].strip():
                raise Invalid(name, "can't be blank")
        record: Rec = {
            "first_name": body["first_name"],
            "last_name": body["last_name"],
            "preferred_name": None,
            "company": _text(body, "company"),
            "title": _text(body, "title"),
            "last_activity_at": fmt(self.now()),
            "private": bool(body.get("private", False)),
            "can_email": True,
            "time_zone": None,
            "tags": [],
            "linked_user_ids": [],
            "email_addresses": _typed(body, "email_addresses", ("personal", "work", "other")),
            "phone_numbers": _typed(body, "phone_numbers", ("home", "work", "mobile", "skype", "other")),
            "addresses": [],
            "website_addresses": _typed(
                body, "website_addresses", ("personal", "company", "portfolio", "blog", "other")
            ),
            "social_media_addresses": [],
            "custom_fields": {},
        }
        return self.add(self.candidates, record)

    def create_application(self, body: Rec) -> Rec:
        candidate = self.get(self.candidates, "Candidate", _int(body, "candidate_id"))
        job = self.get(self.jobs, "Job", _int(body, "job_id"))
        if job["status"] != "open":
            raise Invalid("job_id", "Job is not open and cannot accept applications")  # wording assumed
        if any(
            a["candidate_id"] == candidate["id"] and a["job_id"] == job["id"] and not a["prospect"]
            for a in self.applications.values()
        ):
            raise Invalid("job_id", "Candidate has already applied to this job")  # wording assumed
        stages = self.stages_of(job["id"])
        stage = stages[0] if stages else None
        if body.get("initial_stage_id") is not None:
            stage = self.stages.get(_int(body, "initial_stage_id"))
            if stage is None or stage["job_id"] != job["id"] or not stage["active"]:
                raise Invalid("initial_stage_id", "must be a stage of the job")
        source_id = body.get("source_id")
        if source_id is not None and _int(body, "source_id") not in self.sources:
            raise Invalid("source_id", "Source does not exist")  # A4: unknown source_id ⇒ 422 (status inferred)
        post = next((p for p in self.job_posts.values() if p["job_id"] == job["id"]), None)
        record: Rec = {
            "referrer_id": None,
            "source_id": source_id,
            "recruiter_id": None,
            "coordinator_id": None,
            "needs_decision": False,
            "prospect": False,
            "rejected_at": None,
            "last_activity_at": fmt(self.now()),
            "stage_id": stage["id"] if stage else None,
            "candidate_id": candidate["id"],
            "job_id": job["id"],
            "job_post_id": post["id"] if post else None,
            "status": "in_process",
            "stage_name": stage["name"] if stage else None,
            "rejection_reason_id": None,
            "custom_fields": {},
            "answers": [],
            "prospective_job_ids": [],
        }
        self.touch(candidate)
        created = self.add(self.applications, record)
        if stage is not None:
            self.enter_stage(created["id"], stage["id"])
        return created

    def enter_stage(self, application_id: int, stage_id: int) -> Rec:
        """`/v3/application_stages`: the stage the application leaves is exited, the new one entered (current)."""
        now = fmt(self.now())
        for row in self.application_stages.values():
            if row["application_id"] == application_id and row["current"]:
                row.update(current=False, exited_at=now)
                self.touch(row)
        return self.add(
            self.application_stages,
            {"application_id": application_id, "job_interview_stage_id": stage_id, "entered_at": now,
             "exited_at": None, "days_in_stage": 0, "current": True},
        )  # fmt: skip

    def _active(self, application_id: int) -> Rec:
        application = self.get(self.applications, "Application", application_id)
        if application["status"] != "in_process":
            raise Invalid("status", "Only active applications can be changed")  # A6; wording assumed
        return application

    def move(self, application_id: int, body: Rec) -> Rec:
        application = self._active(application_id)
        if _int(body, "from_stage_id") != application["stage_id"]:
            raise Invalid("from_stage_id", "is not the application's current stage")
        stages = self.stages_of(application["job_id"])
        if body.get("to_stage_id") is None:  # blank target = advance (A5)
            later = [s for s in stages if s["sort_order"] > self.stages[application["stage_id"]]["sort_order"]]
            if not later:
                raise Invalid("to_stage_id", "the application is in the job's last stage")
            target = later[0]
        else:
            target = self.stages.get(_int(body, "to_stage_id"))
            if target is None or target["job_id"] != application["job_id"] or not target["active"]:
                raise Invalid("to_stage_id", "must be an active stage of the application's job")
        application.update(stage_id=target["id"], stage_name=target["name"], last_activity_at=fmt(self.now()))
        self.touch(application)
        self.enter_stage(application_id, target["id"])
        return application

    def reject(self, application_id: int, body: Rec) -> Rec:
        application = self._active(application_id)
        reason = self.get(self.rejection_reasons, "Rejection reason", _int(body, "rejection_reason_id"))
        application.update(status="rejected", rejected_at=fmt(self.now()), rejection_reason_id=reason["id"])
        if isinstance(body.get("notes"), str) and body["notes"].strip():
            self.create_note({"application_id": application_id, "body": body["notes"], "visibility": "admin_only"})
        self.touch(application)
        return application

    def hire(self, application_id: int) -> Rec:
        application = self._active(application_id)
        application["status"] = "hired"
        self.touch(application)
        return application

    def create_note(self, body: Rec, user_id: int | None = None) -> Rec:
        application = self.get(self.applications, "Application", _int(body, "application_id"))
        if not isinstance(body.get("body"), str) or not body["body"].strip():
            raise Invalid("body", "can't be blank")
        visibility = body.get("visibility", "admin_only")
        if visibility not in VISIBILITIES:
            raise Invalid("visibility", f"Must be one of: {', '.join(VISIBILITIES)}")
        note_type = body.get("note_type", "NOTE")
        if note_type not in ("NOTE", "ACTIVITY", "EMAIL"):
            raise Invalid("note_type", "Must be one of: NOTE, ACTIVITY, EMAIL")
        record = {
            "application_id": application["id"],
            "candidate_id": application["candidate_id"],
            "user_id": user_id,
            "body": body["body"],
            "subject": None,
            "visibility": NOTE_VISIBILITY_READ[visibility],
            "type": note_type,
        }
        self.touch(self.candidates[application["candidate_id"]])
        return self.add(self.notes, record)

    def create_tag(self, body: Rec) -> tuple[Rec, bool]:
        """`POST /v3/candidate_tags`: the existing tag when the name matches case-insensitively (v1 rule, A5)."""
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise Invalid("name", "can't be blank")
        found = next((t for t in self.candidate_tags.values() if t["name"].lower() == name.strip().lower()), None)
        if found is not None:
            return found, False
        return self.add(self.candidate_tags, {"name": name.strip()}), True

    def apply_tag(self, body: Rec) -> Rec:
        candidate = self.get(self.candidates, "Candidate", _int(body, "candidate_id"))
        tag = self.get(self.candidate_tags, "Candidate tag", _int(body, "candidate_tag_id"))
        found = next(
            (
                a
                for a in self.applied_tags.values()
                if (a["candidate_id"], a["candidate_tag_id"]) == (candidate["id"], tag["id"])
            ),
            None,
        )
        if found is not None:
            return found
        if tag["name"] not in candidate["tags"]:
            candidate["tags"].append(tag["name"])
        self.touch(candidate)
        return self.add(self.applied_tags, {"candidate_id": candidate["id"], "candidate_tag_id": tag["id"]})

    def remove_applied_tag(self, applied_id: int) -> None:
        applied = self.get(self.applied_tags, "Applied candidate tag", applied_id)
        del self.applied_tags[applied_id]
        candidate = self.candidates.get(applied["candidate_id"])
        tag = self.candidate_tags.get(applied["candidate_tag_id"])
        if candidate is not None and tag is not None and tag["name"] in candidate["tags"]:
            candidate["tags"].remove(tag["name"])
            self.touch(candidate)

    def create_attachment(self, body: Rec, content: bytes | None, base_url: str) -> Rec:
        application = self.get(self.applications, "Application", _int(body, "application_id"))
        filename = body.get("filename")
        if not isinstance(filename, str) or not filename.strip():
            raise Invalid("filename", "can't be blank")
        if filename.lower().endswith(BLOCKED_EXTENSIONS):
            raise Invalid("filename", "has a file extension that is not allowed")
        kind = body.get("type")
        if kind not in ATTACHMENT_TYPES:
            raise Invalid("type", f"Must be one of: {', '.join(ATTACHMENT_TYPES)}")
        if (body.get("content") is None) == (body.get("url") is None):
            raise Invalid("content", "exactly one of content or url is required")
        if content is not None and not body.get("content_type"):
            raise Invalid("content_type", "is required with content")
        visibility = body.get("visibility", "public")
        if visibility not in VISIBILITIES:
            raise Invalid("visibility", f"Must be one of: {', '.join(VISIBILITIES)}")
        if kind in ("resume", "cover_letter"):  # a new resume / cover letter demotes the previous one (A5)
            for old in self.attachments.values():
                if old["application_id"] == application["id"] and old["type"] == kind:
                    old["type"] = "other"
                    self.touch(old)
        record = {
            "application_id": application["id"],
            "candidate_id": application["candidate_id"],
            "filename": filename,
            "type": kind,
            "visibility": visibility,
            "content_type": body.get("content_type"),
            "source_url": body.get("url"),
        }
        created = self.add(self.attachments, record)
        created["url"] = f"{base_url}/_files/{created['id']}"
        self.files[created["id"]] = (content or b"", str(body.get("content_type") or "application/octet-stream"))
        self.touch(self.candidates[application["candidate_id"]])
        return created


def _int(body: Rec, name: str) -> int:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.isdigit():
            return int(value)
        raise Invalid(name, "must be an integer" if value is not None else "is required")
    return value


def _text(body: Rec, name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise Invalid(name, "must be a string")
    return value


def _typed(body: Rec, name: str, types: tuple[str, ...]) -> list[Rec]:
    items = body.get(name) or []
    if not isinstance(items, list):
        raise Invalid(name, "must be an array")
    out = []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("value"), str) or not item["value"]:
            raise Invalid(f"{name}[{index}].value", "is required")
        kind = item.get("type", types[0])
        if kind not in types:
            raise Invalid(f"{name}[{index}].type", f"Must be one of: {', '.join(types)}")
        out.append({"value": item["value"], "type": kind})
    return out
