"""Deterministic company data: the same `SeedConfig` always builds the same state (ids, names, timestamps).

The fixed catalogue (hiring processes, reasons, the three-level source library, screening questions) is the
same for every seed; `jobs`, `candidates`, `applications` and `users` set the volume. All seeded timestamps lie
in 2024, before anything the emulator records while running. Thousands of candidates build in well under a
second, for benchmarks.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.records import InvalidSeed
from apps.connectors.emulation.seeding import SeedConfigBase, seeded_name
from apps.connectors.smartrecruiters.emulator.catalogue import (
    DEPARTMENTS,
    FIRST_NAMES,
    JOB_SHAPES,
    LAST_NAMES,
    LOCATIONS,
    OUTCOMES,
    PIPELINE,
    RESUME_BYTES,
    SEEDED_SOURCES,
    TAGS,
    TITLES,
    USER_ROLES,
    screening_template,
    seed_catalogue,
)
from apps.connectors.smartrecruiters.emulator.model import (
    Application,
    Attachment,
    Candidate,
    Interview,
    Job,
    JobAd,
    Message,
    Offer,
    Posting,
    Publication,
    StatusChange,
    Timeslot,
    User,
)
from apps.connectors.smartrecruiters.emulator.state import State

BASE_TIME = datetime(2024, 1, 8, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class SeedConfig(SeedConfigBase):
    """What `POST /_emulator/seed` accepts (camelCase keys in JSON: `seed, users, jobs, candidates, applications,
    company, companyName`)."""

    json_names: ClassVar[dict[str, str]] = {"company_name": "companyName"}
    counts: ClassVar[tuple[str, ...]] = ("seed", "users", "jobs", "candidates", "applications")

    seed: int = 1
    users: int = 6
    jobs: int = 4
    candidates: int = 12
    applications: int = 16
    company: str = "acme"
    company_name: str = "Acme Corp"

    def check(self) -> None:
        if self.users < 1:
            raise InvalidSeed("users: at least one user (the administrator) is needed")
        if self.applications > self.candidates * self.jobs:
            raise InvalidSeed("applications: at most candidates × jobs (one application per candidate and job)")
        if not isinstance(self.company, str) or not self.company:
            raise InvalidSeed("company: must be a non-empty identifier")


def build_state(config: SeedConfig, clock: Clock) -> State:
    config.validate()
    state = State(company_identifier=config.company, company_name=config.company_name, clock=clock, seed=config.seed)
    rng = random.Random(f"smartrecruiters-seed-{config.seed}")
    ids = state.ids

    users = []
    for index in range(config.users):
        first, last = FIRST_NAMES[index % len(FIRST_NAMES)], LAST_NAMES[(index * 7) % len(LAST_NAMES)]
        created = BASE_TIME - timedelta(days=200 - index)
        user = User(
            id=ids.object_id(),
            email=f"{first}.{last}{index}@{config.company}.example".lower(),
            first_name=first,
            last_name=last,
            system_role=USER_ROLES[index % len(USER_ROLES)],
            created_on=created,
            updated_on=created + timedelta(days=rng.randint(0, 30)),
            active=index % 9 != 8,
        )
        users.append(user)
        state.users[user.id] = user
    state.owner_user_id = users[0].id
    seed_catalogue(state, users)
    processes = [p for p in state.hiring_processes.values() if p.active]

    jobs: list[Job] = []
    for index in range(config.jobs):
        status, posting_status = JOB_SHAPES[index % len(JOB_SHAPES)]
        title = TITLES[index % len(TITLES)] + (f" {index // len(TITLES) + 1}" if index >= len(TITLES) else "")
        location = dict(LOCATIONS[index % len(LOCATIONS)])
        location["remote"] = index % 3 == 2
        created = BASE_TIME + timedelta(days=index % 30, hours=index)
        department = DEPARTMENTS[index % len(DEPARTMENTS)]
        process = processes[index % len(processes)]
        creator = users[0]
        job = Job(
            id=ids.uuid(),
            title=title,
            ref_number=f"REF-{1000 + index}",
            created_on=created,
            updated_on=created + timedelta(days=1),
            last_activity_on=created + timedelta(days=1),
            department=department,
            location=location,
            status=status,
            posting_status=posting_status,
            language="en",
            industry=("computer_software", "Computer Software"),
            function=("engineering", "Engineering") if "Engineer" in title else ("other", "Other"),
            type_of_employment=("permanent", "Full-time"),
            experience_level=("mid_senior_level", "Mid-Senior Level"),
            target_hiring_date=created + timedelta(days=90),
            creator_id=creator.id,
            compensation={"min": 40000 + 5000 * (index % 6), "max": 60000 + 5000 * (index % 6), "currency": "EUR"},
            sections={
                "companyDescription": {
                    "title": "Company Description",
                    "text": f"<p>{config.company_name} builds software.</p>",
                },
                "jobDescription": {"title": "Job Description", "text": f"<p>Join us as {title}.</p>"},
                "qualifications": {"title": "Qualifications", "text": "<p>Relevant experience.</p>"},
                "additionalInformation": {"title": "Additional Information", "text": "<p>Hybrid work.</p>"},
            },
            hiring_process_id=process.id,
        )
        job.status_history.append((created, "CREATED"))
        if status != "CREATED":
            job.status_history.append((created + timedelta(days=1), status if status != "FILLED" else "SOURCING"))
        if status == "FILLED":
            job.status_history.append((created + timedelta(days=60), "FILLED"))
        # One role per user: a hiring manager, a recruiter and an interviewer, when there are enough users.
        manager = users[index % len(users)].id
        recruiter = users[0].id if manager != users[0].id else users[1 % len(users)].id
        interviewer = users[(index + 2) % len(users)].id
        team = {manager: "HIRING_MANAGER"}
        team.setdefault(recruiter, "RECRUITER")
        team.setdefault(interviewer, "INTERVIEW_TEAM")
        job.hiring_team = list(team.items())
        published = posting_status in ("PUBLIC", "INTERNAL")
        ad = JobAd(
            id=ids.uuid(),
            title=title,
            language="en",
            created_on=created,
            updated_on=created + timedelta(days=1),
            posting_status="PUBLISHED" if published else "NOT_PUBLISHED",
            visibility=posting_status if published else "PRIVATE",
            creator_id=creator.id,
        )
        job.job_ads.append(ad)
        if published:
            job.publications.append(Publication("Career Page", posting_status, created + timedelta(days=1)))
        questions, conditionals = screening_template(state, location["country"])
        job.posting = Posting(
            id=ids.numeric(),
            uuid=ids.uuid(),
            job_ad_id=ad.id,
            released_on=created + timedelta(days=1),
            questions=questions,
            conditionals=conditionals,
            active=published,
        )
        jobs.append(job)
        state.jobs[job.id] = job

    candidates: list[Candidate] = []
    for index in range(config.candidates):
        first, last = seeded_name(index, FIRST_NAMES, LAST_NAMES)
        created = BASE_TIME + timedelta(days=40, seconds=37 * index)
        location = LOCATIONS[index % len(LOCATIONS)]
        candidate = Candidate(
            id=ids.uuid(),
            first_name=first,
            last_name=last,
            email=f"{first}.{last}.{index}@example.com".lower(),
            created_on=created,
            updated_on=created,
            phone=f"+3460{index:07d}",
            location={"country": location["country"], "countryCode": location["countryCode"], "city": location["city"]},
            web={"linkedin": f"https://www.linkedin.com/in/{first}-{last}-{index}".lower()},
            tags=[tag for tag in TAGS if rng.random() < 0.15],
            average_rating=float(rng.randint(0, 5)),
            education=[
                {
                    "institution": "Universidad Politécnica",
                    "degree": "BSc",
                    "major": "Computer Science",
                    "current": False,
                }
            ],
            experience=[{"title": "Engineer", "company": "Previous Co", "current": index % 2 == 0}],
        )
        candidates.append(candidate)
        state.candidates[candidate.id] = candidate

    if config.applications and config.candidates and config.jobs:
        offsets = [rng.randrange(config.jobs) for _ in range(config.candidates)]
        for index in range(config.applications):
            round_, position = divmod(index, config.candidates)
            candidate = candidates[position]
            job = jobs[(offsets[position] + round_) % config.jobs]
            _seed_application(state, rng, candidate, job, round_, users)
    return state


def _weighted(rng: random.Random, options: list[tuple[Any, int]]) -> Any:
    total = sum(weight for _, weight in options)
    pick = rng.uniform(0, total)
    for value, weight in options:
        pick -= weight
        if pick <= 0:
            return value
    return options[-1][0]


def _seed_application(
    state: State, rng: random.Random, candidate: Candidate, job: Job, round_: int, users: list[User]
) -> None:
    ids = state.ids
    created = max(candidate.created_on, job.created_on) + timedelta(days=3 * round_, minutes=rng.randint(1, 600))
    final = _weighted(rng, OUTCOMES)
    process = state.hiring_processes[job.hiring_process_id]
    history = [StatusChange(created, "NEW")]
    when = created
    if final in PIPELINE:
        path = PIPELINE[1 : PIPELINE.index(final) + 1]
    else:  # REJECTED / WITHDRAWN after some progress
        path = PIPELINE[1 : rng.randint(1, 3)] + [final]
    for status in path:
        when += timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 8))
        options = process.sub_statuses.get(status) or []
        history.append(StatusChange(when, status, rng.choice(options) if options else None))
    last = history[-1]
    application = Application(
        id=ids.uuid(),
        candidate_id=candidate.id,
        job_id=job.id,
        created_on=created,
        updated_on=last.changed_on,
        status=last.status,
        source=_weighted(rng, SEEDED_SOURCES),
        sub_status=last.sub_status,
        history=history,
    )
    if final == "HIRED":
        application.starts_on = (last.changed_on + timedelta(days=30)).replace(hour=0, minute=0)
    if final == "REJECTED":
        application.rejection_reason_id = rng.choice(list(state.rejection_reasons))
    if final == "WITHDRAWN":
        application.withdrawal_reason_id = rng.choice(list(state.withdrawal_reasons))
    if application.source == ("organic", "career_page", "career_site") and job.posting is not None:
        questions = job.posting.questions
        application.answers = [
            {"id": questions[0].id, "records": [{"f-permit": ["yes"]}]},
            {"id": questions[2].id, "records": [{"f-years": [str(rng.randint(1, 15))]}]},
        ]
    state.applications[application.id] = application
    candidate.application_ids.append(application.id)
    candidate.updated_on = max(candidate.updated_on, application.updated_on)
    job.last_activity_on = max(job.last_activity_on, created)

    attachment = Attachment(
        ids.uuid(),
        candidate.id,
        job.id,
        f"{candidate.first_name}_{candidate.last_name}_CV.pdf",
        "RESUME",
        "application/pdf",
        RESUME_BYTES,
        created,
    )
    state.attachments[attachment.id] = attachment

    reached = {change.status for change in history}
    team = [user_id for user_id, _ in job.hiring_team]
    if "INTERVIEW" in reached:
        interview_change = next(change for change in history if change.status == "INTERVIEW")
        starts = interview_change.changed_on + timedelta(days=2)
        interview = Interview(
            id=ids.uuid(),
            candidate_id=candidate.id,
            job_id=job.id,
            application_id=application.id,
            organizer_id=team[-1],
            timezone="Europe/Madrid",
            created_on=interview_change.changed_on,
            timeslots=[
                Timeslot(
                    ids.uuid(),
                    starts,
                    starts + timedelta(hours=1),
                    [(uid, "accepted") for uid in team[:2]],
                    interview_type="Video call",
                    title=f"Interview: {job.title}",
                    place="Online",
                    candidate_status="accepted",
                )
            ],
            location="Online",
        )
        state.interviews[interview.id] = interview
    if "OFFERED" in reached:
        offered = next(change for change in history if change.status == "OFFERED")
        status = (
            "ACCEPTED"
            if final == "HIRED"
            else ("NOT_ACCEPTED" if final in ("REJECTED", "WITHDRAWN") else "PENDING_ACCEPTANCE")
        )
        offer = Offer(
            ids.uuid(),
            candidate.id,
            job.id,
            status,
            offered.changed_on,
            last.changed_on,
            {"salary": str(50000 + rng.randint(0, 20) * 1000), "currency": "EUR"},
        )
        state.offers[offer.id] = offer
    if rng.random() < 0.3:
        author = team[0]
        note = Message(
            ids.uuid(),
            f"Spoke with #[CANDIDATE:{candidate.id}] about {job.title}.",
            author,
            created + timedelta(hours=5),
            [candidate.id],
            None,
            [],
            [job.id],
            False,
            True,
        )
        state.messages[note.id] = note
