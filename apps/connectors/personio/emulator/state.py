"""Personio Recruiting in-memory company: jobs, categories with their stages, recruiting channels, candidates,
applications with their stage transitions, uploaded documents. No HTTP here.

Facts: /work/shared/reference/ats-personio-teamtailor.md Part A (A4-A6). Times are UTC `datetime`s truncated to
milliseconds; the v2 handlers render them as Personio's `{"date-time", "timezone"}` objects.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.records import StateError, ms

Rec = dict[str, Any]
# The predefined, non-editable stages (P-SUP); their ids are the v1 `phase.id` strings of `phase.type: system`.
SYSTEM_STAGES = {
    "unassigned": "Unassigned",
    "rejected": "Rejected",
    "withdrawn": "Withdrawn",
    "offer": "Offer",
    "accepted": "Accepted",
}
FILE_CATEGORIES = ("cv", "cover-letter", "employment-reference", "certificate", "work-sample", "other")
FILE_EXTENSIONS = (
    "pdf", "pptx", "xlsx", "docx", "doc", "xls", "ppt", "ods", "odt", "7z", "gz", "rar", "zip", "bmp", "gif", "jpg",
    "png", "tif", "csv", "txt", "rtf", "mp4", "3gp", "mov", "avi", "wmv",
)  # fmt: skip
MAX_FILE_BYTES = 20 * 1024 * 1024
SYSTEM_ATTRIBUTES = ("birthday", "gender", "location", "phone", "available_from", "salary_expectations")
GENDERS = ("male", "female", "diverse", "undefined")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Invalid(StateError):
    """A v1 validation failure: `{"errors": [{"field", "errors": [{"reason", "context"}]}]}` (P-YAML), 400.

    Carries every failed field at once: the v1 error list has one item per field (P-YAML `error_response`)."""

    status = 400

    def __init__(self, problems: list[tuple[str | None, str]]) -> None:
        super().__init__("; ".join(f"{name or '-'}: {reason}" for name, reason in problems))
        self.problems = problems


class Missing(StateError):
    """A v2 `common.requested_resource_not_found` (P-V2C doc example), 404."""

    status = 404

    def __init__(self, what: str, identifier: Any) -> None:
        super().__init__(f"{what} {identifier} was not found.")


@dataclass
class State:
    clock: Clock
    company_id: str = "98765"
    jobs: dict[int, Rec] = field(default_factory=dict)
    categories: dict[int, Rec] = field(default_factory=dict)
    channels: dict[int, Rec] = field(default_factory=dict)
    candidates: dict[int, Rec] = field(default_factory=dict)
    applications: dict[int, Rec] = field(default_factory=dict)
    documents: dict[str, Rec] = field(default_factory=dict)  # uploaded, not yet (or already) used by uuid
    tags: set[str] = field(default_factory=set)
    next_id: int = 500000

    def now(self) -> datetime:
        return ms(self.clock.now())

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def touch(self, record: Rec) -> None:
        record["updated_at"] = self.now()

    # -- lookups ---------------------------------------------------------------------------------------
    def get(self, table: dict[int, Rec], what: str, raw: Any) -> Rec:
        text = str(raw)
        record = table.get(int(text)) if text.isdigit() else None
        if record is None:
            raise Missing(what, raw)
        return record

    def stages_of(self, job: Rec) -> list[Rec]:
        """The job's stages: its category's custom stages between Unassigned and the other system stages
        (order of the system stages around the custom ones assumed: the v2 stage list shape is NOT FOUND)."""
        category = self.categories.get(job["category_id"])
        custom = [{"id": str(s["id"]), "name": s["name"], "type": "custom"} for s in (category or {}).get("stages", [])]
        system = [{"id": key, "name": name, "type": "system"} for key, name in SYSTEM_STAGES.items()]
        return [system[0], *custom, *system[1:]]

    def candidate_by_email(self, email: str) -> Rec | None:
        wanted = email.strip().lower()
        return next((c for c in self.candidates.values() if c["email"].lower() == wanted), None)

    # -- changes ---------------------------------------------------------------------------------------
    def add_channel(self, name: str, pricing_type: str = "free") -> Rec:
        """Settings > Recruiting > Channels > Add new channel: "created with a unique Channel ID" (P-SUP)."""
        if not name.strip():
            raise Invalid([("name", "errors.attribute-validation.required-attribute")])
        channel = {"id": self.new_id(), "name": name.strip(), "pricing_type": pricing_type, "created_at": self.now()}
        self.channels[channel["id"]] = channel
        return channel

    def upload(self, filename: str, content: bytes, mimetype: str) -> Rec:
        """`POST /v1/recruiting/applications/documents`: one file, ≤ 20 MB, allow-listed extension (P-YAML)."""
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        if len(content) > MAX_FILE_BYTES:
            raise Invalid([("file", "errors.file-too-big")])
        if extension not in FILE_EXTENSIONS:
            raise Invalid([("file", "errors.invalid-file-type")])
        document = {
            "uuid": str(uuid.UUID(int=self.new_id())),
            "size": len(content),
            "mimetype": mimetype or "application/octet-stream",
            "original_filename": filename,
            "extension": extension,
            "content": content,
        }
        self.documents[document["uuid"]] = document
        return document

    def submit(self, body: Rec) -> Rec:
        """`POST /v1/recruiting/applications` (P-YAML `submit_application`): every rule of A5, all failures
        reported together; a new candidate or the one with this email; a stage transition into the first stage."""
        problems: list[tuple[str | None, str]] = []
        for name in ("first_name", "last_name", "email"):
            value = body.get(name)
            if not isinstance(value, str) or not value.strip():
                problems.append((name, "errors.attribute-validation.required-attribute"))
        email = body.get("email")
        if isinstance(email, str) and email.strip() and not EMAIL.match(email.strip()):
            problems.append(("email", "errors.attribute-validation.invalid-email-format"))
        job = None
        raw_job = body.get("job_position_id")
        if not isinstance(raw_job, int) or isinstance(raw_job, bool):
            problems.append(("job_position_id", "errors.attribute-validation.invalid-type"))
        else:
            job = self.jobs.get(raw_job)
            if job is None:
                problems.append(("job_position_id", "errors.posting-validation.posting-not-found"))
            elif job["status"] != "published":
                problems.append(("job_position_id", "errors.job-position.not-published"))
        channel = body.get("recruiting_channel_id")
        if channel is not None:
            if not isinstance(channel, int) or isinstance(channel, bool):
                problems.append(("recruiting_channel_id", "errors.attribute-validation.invalid-type"))
            elif channel not in self.channels:
                problems.append(("recruiting_channel_id", "errors.posting-validation.channel-not-found"))
        applied = body.get("application_date")
        if applied is not None:
            try:
                if date.fromisoformat(str(applied)) > self.now().date():
                    problems.append(("application_date", "errors.date-validation.date-in-the-future"))
            except ValueError:
                problems.append(("application_date", "errors.attribute-validation.invalid-date-format"))
        problems += self._file_problems(body.get("files"))
        problems += self._attribute_problems(body.get("attributes"))
        stage = self._initial_stage(body.get("phase"), job, problems)
        if not problems and job is not None and isinstance(email, str):
            existing = self.candidate_by_email(email)
            if existing is not None and any(
                a["candidate_id"] == existing["id"] and a["job_id"] == job["id"] for a in self.applications.values()
            ):
                problems.append(("email", "errors.applicant-already-exists"))
        if problems:
            raise Invalid(problems)
        assert job is not None
        assert isinstance(email, str)
        return self._create(body, job, email.strip(), stage)

    def _file_problems(self, files: Any) -> list[tuple[str | None, str]]:
        problems: list[tuple[str | None, str]] = []
        for item in files or ():
            if not isinstance(item, dict) or str(item.get("uuid")) not in self.documents:
                problems.append(("files", "errors.file-validation.file-not-exists"))
            elif item.get("category") not in FILE_CATEGORIES:
                problems.append(("files", "errors.file-validation.unknown-file-category"))
        return problems

    def _attribute_problems(self, attributes: Any) -> list[tuple[str | None, str]]:
        problems: list[tuple[str | None, str]] = []
        for item in attributes or ():
            key = str(item.get("id")) if isinstance(item, dict) else ""
            if key not in SYSTEM_ATTRIBUTES and not re.fullmatch(r"custom_attribute_\d+", key):
                problems.append((key or "attributes", "errors.attribute-validation.unknown"))
            elif key == "gender" and item.get("value") not in GENDERS:
                problems.append((key, "errors.attribute-validation.unknown-attribute-option"))
            elif key in ("birthday", "available_from"):
                try:
                    date.fromisoformat(str(item.get("value")))
                except ValueError:
                    problems.append((key, "errors.attribute-validation.invalid-date-format"))
        return problems

    def _initial_stage(self, phase: Any, job: Rec | None, problems: list[tuple[str | None, str]]) -> Rec | None:
        if job is None:
            return None
        stages = self.stages_of(job)
        if not isinstance(phase, dict):
            return stages[0]  # omitted: the category's initial phase (P-YAML)
        if phase.get("type") == "system":
            found = next((s for s in stages if s["type"] == "system" and s["id"] == phase.get("id")), None)
            if found is None:
                problems.append(("phase", "errors.phase-validation.invalid-system-phase"))
            return found
        # An unknown custom phase: "created with the phase `unassigned`" (P-YAML).
        return next((s for s in stages if s["type"] == "custom" and s["id"] == str(phase.get("id"))), stages[0])

    def _create(self, body: Rec, job: Rec, email: str, stage: Rec | None) -> Rec:
        now = self.now()
        candidate = self.candidate_by_email(email)
        attributes = {str(a["id"]): a.get("value") for a in body.get("attributes") or ()}
        if candidate is None:
            candidate = {
                "id": self.new_id(), "first_name": body["first_name"].strip(), "last_name": body["last_name"].strip(),
                "email": email, "gender": attributes.get("gender"), "phone": attributes.get("phone"),
                "location": attributes.get("location"), "birthday": attributes.get("birthday"),
                "linkedin_profile": None, "available_from": attributes.get("available_from"),
                "created_at": now, "updated_at": now,
            }  # fmt: skip
            self.candidates[candidate["id"]] = candidate
        else:
            candidate["updated_at"] = now
        tags = [str(tag) for tag in body.get("tags") or ()]
        self.tags.update(tags)  # "Non-existing tags will be created" (P-YAML)
        files = [
            {**{k: v for k, v in self.documents[str(f["uuid"])].items() if k != "content"}, "category": f["category"]}
            for f in body.get("files") or ()
        ]
        application = {
            "id": self.new_id(), "candidate_id": candidate["id"], "job_id": job["id"],
            "channel_id": body.get("recruiting_channel_id"), "external_posting_id": body.get("external_posting_id"),
            "application_date": str(body.get("application_date") or now.date().isoformat()),
            "message": body.get("message"), "tags": tags, "attributes": attributes, "files": files,
            "stage": dict(stage or self.stages_of(job)[0]), "transitions": [], "is_anonymized": False,
            "created_at": now, "updated_at": now,
        }  # fmt: skip
        application["transitions"].append({"stage": dict(application["stage"]), "entered_at": now})
        self.applications[application["id"]] = application
        return application

    def move(self, application: Rec, stage_id: str) -> Rec:
        """A recruiter moves the application in the UI (the API cannot: A3)."""
        job = self.jobs[application["job_id"]]
        stage = next((s for s in self.stages_of(job) if s["id"] == str(stage_id)), None)
        if stage is None:
            raise Invalid([("stage", "errors.phase-validation.invalid-system-phase")])
        application["stage"] = dict(stage)
        application["transitions"].append({"stage": dict(stage), "entered_at": self.now()})
        self.touch(application)
        return application
