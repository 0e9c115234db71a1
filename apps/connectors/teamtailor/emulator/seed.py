"""A deterministic Teamtailor company: users, reject reasons, jobs with stages and questions, candidates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.records import InvalidSeed
from apps.connectors.emulation.seeding import SeedConfigBase
from apps.connectors.teamtailor.emulator.state import Answer, JobApplication, Question, RejectReason, State, User

FIRST = ("Ada", "Björn", "Chloé", "Dev", "Elif", "Farah", "Goran", "Hana", "Ivo", "Jonas")
LAST = ("Lind", "Berg", "Moreau", "Patel", "Yılmaz", "Haddad", "Novak", "Sato", "Kovač", "Brusman")


@dataclass(frozen=True)
class SeedConfig(SeedConfigBase):
    jobs: int = 3
    candidates: int = 20
    applications: int = 20  # spread over the open jobs, one per candidate at most
    answers: bool = False  # each applicant answers its job's two questions (the sync benchmark's payload)
    counts = ("jobs", "candidates", "applications")

    def check(self) -> None:
        if self.applications > self.candidates:
            raise InvalidSeed("applications: at most one per candidate")
        if self.applications and not self.jobs:
            raise InvalidSeed("applications: need at least one job")


def build_state(config: SeedConfig, clock: Clock) -> State:
    state = State(clock=clock)
    base = state.now() - timedelta(days=30)
    state.users[1] = User(1, "Alex Admin", "admin@company.example", "admin", "Head of Talent")
    state.users[2] = User(2, "Robin Recruiter", "robin@company.example", "recruiter", "Recruiter")
    state.reject_reasons[1] = RejectReason(1, "Role not a fit", True)
    state.reject_reasons[2] = RejectReason(2, "Took another job", False)
    for index in range(config.jobs):
        job = state.add_job(f"Job {index + 1}", body=f"<p>About job {index + 1}</p>")
        job.user_id = 2
        job.created_at = job.updated_at = base
        state.pick_question(job.id, Question(state.new_id(), "Do you have a work permit?", "Boolean"), mandatory=True)
        state.pick_question(job.id, Question(state.new_id(), "Why us?", "Text"), mandatory=False)
    jobs = list(state.jobs.values())
    for index in range(config.candidates):
        at = base + timedelta(minutes=index)
        first, last = FIRST[index % len(FIRST)], LAST[(index // len(FIRST)) % len(LAST)]
        candidate, _ = state.create_candidate(
            {
                "first-name": first,
                "last-name": last,
                "email": f"candidate{index + 1}@example.com",
                "phone": f"+4670{index:07d}",
                "tags": ["seed"],
            }
        )
        candidate.created_at = candidate.updated_at = at
        if index < config.applications:
            job = jobs[index % len(jobs)]
            inbox = state.job_stages(job.id)[0]
            application = JobApplication(state.new_id(), candidate.id, job.id, inbox.id, at, at, at)
            state.job_applications[application.id] = application
            if config.answers:
                permit, why = (p.question_id for p in state.job_picked(job.id))
                for question_id, values in ((permit, {"boolean": index % 2 == 0}), (why, {"text": "I like it"})):
                    answer = Answer(state.new_id(), candidate.id, question_id, at, at)
                    for key, value in values.items():
                        setattr(answer, key, value)
                    state.answers[answer.id] = answer
    return state
