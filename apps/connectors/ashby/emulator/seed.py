"""Deterministic Ashby organisation: source types and sources, archive reasons, users, jobs with plans and
postings (with application forms of every field type), candidates with applications, interview schedules (every
fifth application) and offers (every tenth)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import ClassVar

from apps.connectors.ashby.emulator import custom_fields, operations, pipeline
from apps.connectors.ashby.emulator.state import JsonDict, State
from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.records import fmt
from apps.connectors.emulation.seeding import SeedConfigBase

BASE_TIME = datetime(2024, 1, 8, 9, 0, tzinfo=UTC)
# Recorded source titles by type (AB-NANGO, reference B4); "Tributary" is not among them: the admin creates it.
SOURCES = (
    ("Inbound", ("Applied", "Indeed Listings", "LinkedIn")),
    ("Referral", ("Referral",)),
    ("Sourced", ("Recruiting Event",)),
    ("Internal", ("Internal Transfer",)),
)
ARCHIVE_REASONS = (
    ("Lacks Skills/Qualifications", "RejectedByOrg"),
    ("Accepted another offer", "RejectedByCandidate"),
    ("Position filled", "Other"),
)
STAGES = (
    ("New Lead", "Lead"),
    ("Application Review", "PreInterviewScreen"),
    ("Technical Interview", "Active"),
    ("Offer", "Offer"),
    ("Hired", "Hired"),
    ("Archived", "Archived"),
)


def _field(fid: str, kind: str, title: str, path: str | None = None, **extra: object) -> JsonDict:
    return {
        "id": fid,
        "type": kind,
        "path": path or fid,
        "humanReadablePath": title,
        "title": title,
        "isNullable": False,
        **extra,
    }


def _options(*labels: str) -> list[JsonDict]:
    return [{"label": label, "value": label} for label in labels]


def application_form(job_number: int) -> JsonDict:
    prefix = f"q{job_number}"
    required = [
        _field(f"{prefix}-name", "String", "Name", "_systemfield_name"),
        _field(f"{prefix}-email", "Email", "Email", "_systemfield_email"),
        _field(
            f"{prefix}-years",
            "ValueSelect",
            "Years of experience?",
            selectableValues=_options("0-5 years", "5-10 years"),
        ),
        _field(f"{prefix}-remote", "Boolean", "Can you work remotely?"),
    ]
    optional = [
        _field(f"{prefix}-phone", "Phone", "Phone", "_systemfield_phone"),
        _field(f"{prefix}-resume", "File", "Resume", "_systemfield_resume"),
        _field(
            f"{prefix}-stack", "MultiValueSelect", "Which languages?", selectableValues=_options("Python", "Go", "Rust")
        ),
        _field(f"{prefix}-salary", "Number", "Salary expectation (EUR)"),
        _field(f"{prefix}-start", "Date", "Earliest start date"),
        _field(f"{prefix}-why", "LongText", "Why us?"),
        _field(f"{prefix}-site", "Url", "Portfolio"),
        _field(f"{prefix}-score", "Score", "Rate your SQL"),
        _field(f"{prefix}-cover", "RichText", "Cover letter"),
    ]
    fields = [{"isRequired": True, "field": f} for f in required] + [
        {"isRequired": False, "field": f} for f in optional
    ]
    return {"sections": [{"fields": fields}]}


@dataclass(frozen=True)
class SeedConfig(SeedConfigBase):
    """`POST /_emulator/seed` keys: `seed, jobs, candidates, users`."""

    counts: ClassVar[tuple[str, ...]] = ("seed", "jobs", "candidates", "users")

    seed: int = 1
    jobs: int = 3
    candidates: int = 6
    users: int = 3


def build_state(config: SeedConfig, clock: Clock) -> State:
    state = State(clock=clock)
    for type_title, titles in SOURCES:
        type_id = state.new_id("st")
        state.source_types[type_id] = {"id": type_id, "title": type_title, "isArchived": False}
        for title in titles:
            add_source(state, title, type_title)
    for text, kind in ARCHIVE_REASONS:
        rid = state.new_id("r")
        state.archive_reasons[rid] = {"id": rid, "text": text, "reasonType": kind, "isArchived": False}
    for number in range(1, config.users + 1):
        uid = state.new_id("u")
        user = {
            "id": uid,
            "firstName": f"User{config.seed}",
            "lastName": f"Number {number}",
            "email": f"user{number}@ashby.example",
            "globalRole": "Elevated Access" if number > 1 else "Organization Admin",
            "isEnabled": True,
            "updatedAt": fmt(BASE_TIME),
            "managerId": None,
        }
        state.users[uid] = user
        state.touch("users", user, at=BASE_TIME)
    tag = operations.create_tag(state, {"title": "Seeded"})
    state.touch("tags", tag, at=BASE_TIME)
    jobs = [add_job(state, number, "Open" if number % 3 else "Closed") for number in range(1, config.jobs + 1)]
    open_jobs = [job for job in jobs if job["status"] == "Open"] or jobs
    for number in range(1, config.candidates + 1):
        at = BASE_TIME + timedelta(hours=number)
        body = {"name": f"Seed{config.seed} Person {number}", "email": f"person{number}@ashby.example"}
        candidate = operations.create_candidate(state, body, default_source_id=None, at=at)
        job = open_jobs[number % len(open_jobs)]
        application = operations.create_application(
            state, {"candidateId": candidate["id"], "jobId": job["id"]}, default_source_id=None, at=at
        )
        pipeline.seed_pipeline(state, application, number, at)
    custom_fields.seed(state, BASE_TIME)
    return state


def add_source(state: State, title: str, type_title: str) -> JsonDict:
    type_id = next(t["id"] for t in state.source_types.values() if t["title"] == type_title)
    sid = state.new_id("s")
    source = {"id": sid, "title": title, "isArchived": False, "sourceTypeId": type_id}
    state.sources[sid] = source
    return source


def add_job(state: State, number: int, status: str) -> JsonDict:
    plan_id = state.new_id("p")
    state.plans[plan_id] = [
        {
            "id": state.new_id("sg"),
            "title": title,
            "type": kind,
            "orderInInterviewPlan": index,
            "interviewStageGroupId": None,
        }
        for index, (title, kind) in enumerate(STAGES)
    ]
    job_id, posting_id = state.new_id("j"), state.new_id("jp")
    at = fmt(BASE_TIME + timedelta(minutes=number))
    job = {
        "id": job_id,
        "title": f"Engineer {number}",
        "confidential": False,
        "status": status,
        "employmentType": "FullTime",
        "locationId": "loc-berlin",
        "departmentId": "dep-eng",
        "defaultInterviewPlanId": plan_id,
        "interviewPlanIds": [plan_id],
        "customFields": [],
        "jobPostingIds": [posting_id],
        "customRequisitionId": f"REQ-{number}",
        "brandId": None,
        "hiringTeam": [],
        "author": None,
        "createdAt": at,
        "updatedAt": at,
        "openedAt": at,
        "closedAt": at if status == "Closed" else None,
    }
    state.jobs[job_id] = job
    state.touch("jobs", job, at=BASE_TIME + timedelta(minutes=number))
    state.postings[posting_id] = {
        "id": posting_id,
        "title": job["title"],
        "jobId": job_id,
        "isListed": status == "Open",
        "descriptionHtml": f"<p>Join us as Engineer {number}.</p>",
        "externalLink": f"https://jobs.ashbyhq.com/example/{posting_id}",
        "applicationFormDefinition": application_form(number),
    }
    return job
