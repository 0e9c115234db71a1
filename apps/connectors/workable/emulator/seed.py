"""Deterministic Workable data: the same `SeedConfig` always builds the same account."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.seeding import SeedConfigBase
from apps.connectors.workable.emulator.state import Job, State

BASE_TIME = datetime(2024, 1, 8, 9, 0, tzinfo=UTC)
SUBDOMAIN = "acme"
MEMBER_ID = "1f395d"

# One of each question type Workable documents (reference A5, questions); the first is required.
QUESTIONS: tuple[dict[str, Any], ...] = (
    {"id": "2128d717", "body": "Explain one aspect of this role", "type": "free_text", "required": True},
    {"id": "2128d718", "body": "Your nickname", "type": "short_text", "required": False},
    {"id": "3399e6cd", "body": "Years of experience?", "type": "multiple_choice", "single_answer": True,
     "required": False,
     "choices": [{"id": "3049114a", "body": "0-3 years"}, {"id": "1e477229", "body": "Over 5 years"}]},
    {"id": "3399e6ce", "body": "Languages", "type": "multiple_choice", "single_answer": False, "required": False,
     "choices": [{"id": "4049114a", "body": "German"}, {"id": "4e477229", "body": "English"}]},
    {"id": "1d3f348f", "body": "MS Office?", "type": "boolean", "required": False},
    {"id": "1d3f3490", "body": "Shift", "type": "dropdown", "required": False,
     "choices": [{"id": "5a1", "body": "Early"}, {"id": "5a2", "body": "Late"}]},
    {"id": "6b01", "body": "Notice period in weeks", "type": "numeric", "required": False},
    {"id": "6b02", "body": "Earliest start", "type": "date", "required": False},
    {"id": "5dc1dc", "body": "Portfolio", "type": "file", "required": False,
     "supported_file_types": ["pdf", "docx"], "max_file_size": 20971520},
)  # fmt: skip
REASONS: tuple[dict[str, Any], ...] = (
    {"id": "b29c63", "description": "Doesn't have required qualifications", "candidate_withdrew": False, "position": 1},
    {"id": "b29c64", "description": "Hired elsewhere", "candidate_withdrew": False, "position": 2},
    {"id": "b29c6e", "description": "Withdrew / declined interview", "candidate_withdrew": True, "position": 12},
)
MEMBERS: tuple[dict[str, Any], ...] = (
    {"id": MEMBER_ID, "name": "Natalie Sung", "headline": "Head of Talent", "email": "natalie@acme.example",
     "role": "admin", "type": "Member", "hris_role": None, "roles": ["ats.admin"], "active": True,
     "collaboration_rules": [], "hris_member_scope": None},
    {"id": "1f3961", "name": "Omar Haddad", "headline": "Recruiter", "email": "omar@acme.example",
     "role": "recruiter", "type": "Member", "hris_role": None, "roles": ["ats.recruiter"], "active": True,
     "collaboration_rules": [], "hris_member_scope": None},  # `ats.recruiter`: assumed by analogy with ats.admin
)  # fmt: skip


@dataclass(frozen=True)
class SeedConfig(SeedConfigBase):
    """`POST /_emulator/seed` keys: `seed, jobs, candidates` (the last job is closed)."""

    counts: ClassVar[tuple[str, ...]] = ("seed", "jobs", "candidates")

    seed: int = 1
    jobs: int = 3
    candidates: int = 6


def build_state(config: SeedConfig, clock: Clock) -> State:
    rng = random.Random(config.seed)
    state = State(
        clock=clock, subdomain=SUBDOMAIN, members=[dict(m) for m in MEMBERS], reasons=[dict(r) for r in REASONS]
    )
    for number in range(1, config.jobs + 1):
        at = BASE_TIME + timedelta(days=number)
        shortcode = f"{0x9CD658E13E + number:X}"
        closed = number == config.jobs and config.jobs > 1
        state.jobs[shortcode] = Job(
            id=state.new_id(), shortcode=shortcode, title=f"Engineer {number}",
            state="closed" if closed else "published",
            department=rng.choice(["Sales", "Engineering", "Operations"]), city="London", country_code="GB",
            created_at=at, updated_at=at, questions=[dict(q) for q in QUESTIONS],
        )  # fmt: skip
    open_jobs = [job for job in state.jobs.values() if job.state == "published"]
    for number in range(1, config.candidates + 1 if open_jobs else 1):
        job = open_jobs[number % len(open_jobs)]
        at = BASE_TIME + timedelta(days=30, minutes=number)
        body = {"firstname": f"Seed{config.seed}", "lastname": f"Person {number}", "email": f"p{number}@cand.example",
                "domain": rng.choice(["indeed.com", "linkedin.com", None]),
                "answers": [{"question_key": "2128d717", "body": "Planning"}]}  # fmt: skip
        candidate = state.create_candidate(job, body, sourced=rng.random() < 0.3, stage=None, at=at)
        roll = rng.random()
        if roll < 0.1:
            candidate.stage_slug, candidate.hired_at = "hired", at
        elif roll < 0.25:
            candidate.disqualified, candidate.disqualified_at = True, at
            candidate.disqualification_reason = REASONS[0]["description"]
        if number % 4 == 1:  # every fourth candidate has an interview and an offer
            conference = {"type": "zoom_meeting", "id": 1100001, "url": f"https://zoom.example/j/{candidate.id}"}
            event = {"title": f"Interview with {candidate.firstname}", "type": "InterviewEvent",
                     "starts_at": at + timedelta(days=2), "ends_at": at + timedelta(days=2, hours=1),
                     "conference": conference}  # fmt: skip
            state.add_event(candidate, event, at)
            state.set_offer(candidate, {"state": "accepted", "start_date": "2024-06-01"}, at + timedelta(days=5))
    return state
