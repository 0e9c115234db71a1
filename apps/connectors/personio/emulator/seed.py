"""Deterministic Personio data: the same `SeedConfig` always builds the same company."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import ClassVar

from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.records import ms
from apps.connectors.emulation.seeding import SeedConfigBase
from apps.connectors.personio.emulator.state import State

BASE_TIME = datetime(2024, 1, 8, 9, 0, tzinfo=UTC)
CATEGORY_STAGES = ("Screening", "Interview", "Assessment")
# Career-page applicants get the "Personio career page" channel (P-SUP); LinkedIn stands for a paid one.
CHANNELS = (("Personio career page", "free"), ("LinkedIn", "paid"))


@dataclass(frozen=True)
class SeedConfig(SeedConfigBase):
    """`POST /_emulator/seed` keys: `seed, jobs, candidates` (each candidate applies to one job)."""

    counts: ClassVar[tuple[str, ...]] = ("seed", "jobs", "candidates")

    seed: int = 1
    jobs: int = 2
    candidates: int = 3


def build_state(config: SeedConfig, clock: Clock) -> State:
    state = State(clock=clock)
    at = BASE_TIME
    for name, pricing in CHANNELS:
        channel = state.add_channel(name, pricing)
        channel["created_at"] = at
    category = {"id": state.new_id(), "name": "Engineering", "stages": []}
    for name in CATEGORY_STAGES:
        category["stages"].append({"id": state.new_id(), "name": name})
    state.categories[category["id"]] = category
    department = {"id": "88", "name": "Engineering"}
    job_ids = []
    for number in range(1, config.jobs + 1):
        job_ids.append(_job(state, f"Engineer {number}", "published", category["id"], department, at))
    _job(state, "Archived Role", "archived", category["id"], department, at)
    career_page = next(iter(state.channels))
    for number in range(1, config.candidates + 1):
        when = ms(at + timedelta(days=1, minutes=number))
        candidate = {
            "id": state.new_id(), "first_name": f"Seed{config.seed}", "last_name": f"Person {number}",
            "email": f"p{number}@candidates.example", "gender": None, "phone": None, "location": None,
            "birthday": None, "linkedin_profile": None, "available_from": None, "created_at": when,
            "updated_at": when,
        }  # fmt: skip
        state.candidates[candidate["id"]] = candidate
        if not job_ids:
            continue
        job = state.jobs[job_ids[number % len(job_ids)]]
        stage = state.stages_of(job)[0]
        application = {
            "id": state.new_id(), "candidate_id": candidate["id"], "job_id": job["id"], "channel_id": career_page,
            "external_posting_id": None, "application_date": when.date().isoformat(), "message": None, "tags": [],
            "attributes": {}, "files": [], "stage": dict(stage), "transitions": [{"stage": dict(stage),
            "entered_at": when}], "is_anonymized": False, "created_at": when, "updated_at": when,
        }  # fmt: skip
        state.applications[application["id"]] = application
    return state


def _job(state: State, name: str, status: str, category_id: int, department: dict[str, str], at: datetime) -> int:
    job = {
        "id": state.new_id(), "name": name, "status": status, "category_id": category_id,
        "department": dict(department), "hiring_team": [], "created_at": at, "updated_at": at,
    }  # fmt: skip
    state.jobs[job["id"]] = job
    return int(job["id"])
