"""Deterministic company data: the same `SeedConfig` always builds the same state (ids, names, timestamps).

The fixed catalogue (hiring stages, rejection reasons, candidate sources, the default pipeline, five screening
questions per posting covering every question type) is the same for every seed; `employees`, `jobPostings`,
`candidates` and `applications` set the volume. Seeded timestamps lie in 2024, before anything the emulator
records while running. Thousands of candidates build in well under a second, for benchmarks.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.records import InvalidSeed
from apps.connectors.emulation.seeding import SeedConfigBase, seeded_name
from apps.connectors.factorial.emulator.model import (
    HIRING_STAGE_NAMES,
    Answer,
    Application,
    Candidate,
    CandidateSource,
    Employee,
    Feedback,
    HiringStage,
    JobPosting,
    PhaseChange,
    Question,
    QuestionOption,
    RejectionReason,
)
from apps.connectors.factorial.emulator.state import State

BASE_TIME = datetime(2024, 1, 8, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class SeedConfig(SeedConfigBase):
    """What `POST /_emulator/seed` accepts (JSON keys: `seed, employees, jobPostings, candidates, applications,
    companyId, companyName`)."""

    json_names: ClassVar[dict[str, str]] = {
        "job_postings": "jobPostings",
        "company_id": "companyId",
        "company_name": "companyName",
    }
    counts: ClassVar[tuple[str, ...]] = (
        "seed",
        "employees",
        "job_postings",
        "candidates",
        "applications",
        "company_id",
    )

    seed: int = 1
    employees: int = 6
    job_postings: int = 4
    candidates: int = 12
    applications: int = 16
    company_id: int = 1
    company_name: str = "Acme Corp"

    def check(self) -> None:
        if self.employees < 1:
            raise InvalidSeed("employees: at least one employee (the administrator) is needed")
        if self.company_id < 1:
            raise InvalidSeed("companyId: must be positive")
        if self.applications > self.candidates * self.job_postings:
            raise InvalidSeed(
                "applications: at most candidates × jobPostings (one application per candidate and posting)"
            )
        if not isinstance(self.company_name, str) or not self.company_name.strip():
            raise InvalidSeed("companyName: must not be empty")


# -- fixed catalogue ----------------------------------------------------------------------------------
FIRST_NAMES = [
    "Ana", "Ben", "Chloe", "Diego", "Elif", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kenji", "Lara",
    "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tara", "Uma", "Victor", "Wen", "Yara",
]  # fmt: skip
LAST_NAMES = [
    "Ruiz", "Schmidt", "Martin", "Okafor", "Novak", "Haddad", "Kim", "Larsen", "Costa", "Fischer",
    "Tanaka", "Moreau", "Silva", "Jensen", "Rossi", "Kowalski", "Brennan", "Ito", "Dubois", "Meyer",
]  # fmt: skip
TITLES = [
    ("Backend Engineer", "engineering"),
    ("Account Executive", "sales"),
    ("Product Designer", "design_and_architecture"),
    ("Data Analyst", "it"),
    ("People Partner", "hr"),
    ("Marketing Manager", "marketing_and_communication"),
    ("Finance Controller", "finance"),
    ("Frontend Engineer", "engineering"),
]
# (status, workplace type) per posting, cycling: the first two are always open for applications.
JOB_SHAPES = [
    ("published", "hybrid"),
    ("published", "remote"),
    ("draft", "onsite"),
    ("unlisted", "hybrid"),
    ("archived", "onsite"),
    ("published", "onsite"),
]
HIRING_STAGE_LABELS = {
    "new": "New",
    "screening": "Screening",
    "assessment": "Assessment",
    "interview": "Interview",
    "offer": "Offer",
    "hired": "Hired",
}
# Rejection reasons: the first is the doc example (F-REPO AtsRejectionReason.md); decision_maker `candidate`
# stands for a withdrawal (reference B6).
REJECTION_REASONS = [
    ("Unfit for the role", "company"),
    ("Not enough experience", "company"),
    ("Position filled", "company"),
    ("Salary expectations too high", "company"),
    ("Accepted another offer", "candidate"),
    ("No longer interested", "candidate"),
]
# The default catalogue: (category, name, label). Default sources have snake_case names and a translated label
# (F-SDK AtsCandidateSource; doc example `manually_added` / "Manually added", `referred` from the candidate POST
# example). The further defaults are plausible; the last one is a custom source (label = name).
CANDIDATE_SOURCES = [
    ("manually_added", "manually_added", "Manually added", False),
    ("referral", "referred", "Referred", False),
    ("social_media", "linkedin", "LinkedIn", False),
    ("job_board", "indeed", "Indeed", False),
    ("job_board", "infojobs", "InfoJobs", False),
    ("organic", "career_page", "Career page", False),
    ("agency_or_external_recruiter", "agency", "Agency", False),
    ("event", "event", "Event", False),
    ("internal", "internal", "Internal", False),
    ("system", "api", "API", False),
    ("job_board", "Acme Jobs", "Acme Jobs", True),
]
# How seeded candidates were sourced: (written source string, medium, weight). `None` = no source.
SEEDED_SOURCES = [
    ("career_page", None, 5),
    ("linkedin", "paid campaign", 4),
    ("indeed", None, 3),
    ("referred", "Laura Gil", 2),
    ("Acme Jobs", None, 1),
    ("newsletter", "email", 1),  # a string that matches no catalogue entry: source_id stays null
    (None, None, 2),
]
# Where seeded applications end up: (phase type, weight); "rejected"/"withdrawn" stop somewhere on the way.
OUTCOMES = [
    ("initial", 4),
    ("screening", 5),
    ("assessment", 2),
    ("interview", 4),
    ("offer", 2),
    ("hired", 2),
    ("rejected", 5),
    ("withdrawn", 1),
]
# The first seeded applications take these outcomes in turn, so even a small seed shows every one of them.
FIRST_OUTCOMES = ["initial", "screening", "rejected", "interview", "hired", "withdrawn", "offer", "assessment"]
CV_BYTES = b"%PDF-1.4\n% emulated CV\n"
PORTFOLIO_BYTES = b"%PDF-1.4\n% emulated portfolio\n"


def add_screening_questions(state: State, job: JobPosting, when: datetime) -> list[Question]:
    """Five questions covering every question type; the work-permit one knocks out "No" (auto_disqualify)."""
    specs = [
        ("How many years of professional experience do you have?", "text", True, False, []),
        (
            "Do you have a valid work permit for this country?",
            "single_choice",
            True,
            True,
            [QuestionOption("Yes"), QuestionOption("No", disqualifies=True)],
        ),
        (
            "Which languages do you speak?",
            "multiple_choice",
            False,
            False,
            [QuestionOption("English"), QuestionOption("Spanish"), QuestionOption("German"), QuestionOption("French")],
        ),
        ("Why do you want to join us?", "long_text", False, False, []),
        ("Portfolio", "file", False, False, []),
    ]
    questions = []
    for position, (label, kind, mandatory, auto_disqualify, options) in enumerate(specs):
        question = Question(
            id=state.next_id("questions"),
            job_posting_id=job.id,
            label=label,
            position=position,
            question_type=kind,
            mandatory=mandatory,
            auto_disqualify=auto_disqualify,
            created_at=when,
            updated_at=when,
            options=[QuestionOption(o.text, o.disqualifies) for o in options],
        )
        state.questions[question.id] = question
        questions.append(question)
    return questions


def _catalogue(state: State) -> None:
    for position, name in enumerate(HIRING_STAGE_NAMES):
        stage = HiringStage(state.next_id("hiring_stages"), name, HIRING_STAGE_LABELS[name], position)
        state.hiring_stages[stage.id] = stage
    created = BASE_TIME - timedelta(days=300)
    for reason, decision_maker in REJECTION_REASONS:
        item = RejectionReason(state.next_id("rejection_reasons"), reason, decision_maker, created, created)
        state.rejection_reasons[item.id] = item
    for category, name, label, custom in CANDIDATE_SOURCES:
        source = CandidateSource(state.next_id("candidate_sources"), category, name, label, custom)
        state.candidate_sources[source.id] = source


def _weighted(rng: random.Random, options: list[tuple[Any, ...]]) -> tuple[Any, ...]:
    total = sum(option[-1] for option in options)
    pick = rng.uniform(0, total)
    for option in options:
        pick -= option[-1]
        if pick <= 0:
            return option
    return options[-1]


def build_state(config: SeedConfig, clock: Clock) -> State:
    config.validate()
    state = State(company_id=config.company_id, company_name=config.company_name, clock=clock, seed=config.seed)
    rng = random.Random(f"factorial-seed-{config.seed}")
    _catalogue(state)

    domain = "".join(ch for ch in config.company_name.lower() if ch.isalnum()) or "company"
    employees = []
    for index in range(config.employees):
        first, last = FIRST_NAMES[index % len(FIRST_NAMES)], LAST_NAMES[(index * 7) % len(LAST_NAMES)]
        created = BASE_TIME - timedelta(days=400 - index)
        employee_id = state.next_id("employees")
        employee = Employee(
            id=employee_id,
            access_id=employee_id + 1000,
            first_name=first,
            last_name=last,
            email=f"{first}.{last}{index}@{domain}.example".lower(),
            created_at=created,
            updated_at=created + timedelta(days=rng.randint(0, 60)),
            location_id=1 + index % 3,
            role="admin" if index == 0 else "basic",
            manager_id=None if index == 0 else employees[0].id,
            terminated_on=created + timedelta(days=200) if index % 9 == 8 else None,
        )
        employees.append(employee)
        state.employees[employee.id] = employee
    state.owner_employee_id = employees[0].id

    jobs: list[tuple[JobPosting, list[Question]]] = []
    for index in range(config.job_postings):
        status, workplace = JOB_SHAPES[index % len(JOB_SHAPES)]
        title, category = TITLES[index % len(TITLES)]
        if index >= len(TITLES):
            title = f"{title} {index // len(TITLES) + 1}"
        created = BASE_TIME + timedelta(days=index % 30, hours=index)
        job = JobPosting(
            id=state.next_id("job_postings"),
            title=title,
            status=status,
            created_at=created,
            updated_at=created + timedelta(days=1),
            description=f"<p>Join {config.company_name} as {title}.</p>",
            contract_type="indefinite",
            category=category,
            workplace_type=workplace,
            remote=workplace == "remote",
            schedule_type="full_time",
            team_id=1 + index % 3,
            location_id=1 + index % 3,
            legal_entity_id=1,
            salary_format="range",
            salary_from_amount_in_cents=(40000 + 5000 * (index % 6)) * 100,
            salary_to_amount_in_cents=(60000 + 5000 * (index % 6)) * 100,
            # The third posting demands a CV on apply; the others leave it optional.
            cv_requirement="mandatory" if index % 6 == 2 else "optional",
            cover_letter_requirement="optional",
            phone_requirement="optional",
            published_at=created + timedelta(days=1) if status in ("published", "unlisted", "archived") else None,
        )
        state.job_postings[job.id] = job
        state.add_default_phases(job, extra_normal_phase=index % 2 == 1)
        jobs.append((job, add_screening_questions(state, job, created)))

    candidates: list[Candidate] = []
    for index in range(config.candidates):
        first, last = seeded_name(index, FIRST_NAMES, LAST_NAMES)
        created = BASE_TIME + timedelta(days=40, seconds=37 * index)
        source, medium, _ = _weighted(rng, SEEDED_SOURCES)
        candidate = Candidate(
            id=state.next_id("candidates"),
            first_name=first,
            last_name=last,
            created_at=created,
            updated_at=created,
            email=f"{first}.{last}.{index}@example.com".lower(),
            phone_number=f"+3460{index:07d}",
            talent_pool=index % 4 == 0,
            consent_given_at=created if index % 2 == 0 else None,
            consent_to_talent_pool=index % 2 == 0,
            personal_url=f"https://www.linkedin.com/in/{first}-{last}-{index}".lower(),
            gender=("female", "male", "other", "unanswered")[index % 4],
            score=float(rng.randint(0, 10)),
            source=source,
            source_id=state.resolve_source(source),
            medium=medium,
        )
        if index % 10 == 9:
            candidate.inactive_since = created + timedelta(days=120)
        candidates.append(candidate)
        state.candidates[candidate.id] = candidate

    if config.applications and config.candidates and config.job_postings:
        offsets = [rng.randrange(config.job_postings) for _ in range(config.candidates)]
        pending: list[tuple[Candidate, JobPosting, list[Question], int]] = []
        for index in range(config.applications):
            round_, position = divmod(index, config.candidates)
            job, questions = jobs[(offsets[position] + round_) % config.job_postings]
            pending.append((candidates[position], job, questions, round_))
        # Ids grow round by round (a candidate's second application comes after everyone's first).
        pending.sort(key=lambda item: (item[3], item[0].id))
        for index, (candidate, job, questions, round_) in enumerate(pending):
            outcome = FIRST_OUTCOMES[index] if index < len(FIRST_OUTCOMES) else _weighted(rng, OUTCOMES)[0]
            _seed_application(state, rng, candidate, job, questions, round_, employees, outcome)
    return state


def _seed_application(
    state: State,
    rng: random.Random,
    candidate: Candidate,
    job: JobPosting,
    questions: list[Question],
    round_: int,
    employees: list[Employee],
    outcome: str,
) -> None:
    phases = state.phases_of(job.id)
    created = max(candidate.created_at, job.created_at) + timedelta(days=3 * round_, minutes=rng.randint(1, 600))
    if outcome in ("rejected", "withdrawn"):
        final_index = rng.randint(0, len(phases) - 2)  # stopped anywhere before hired
    else:
        final_index = next(index for index, phase in enumerate(phases) if phase.phase_type == outcome)
    history = [PhaseChange(created, phases[0].id)]
    when = created
    for phase in phases[1 : final_index + 1]:
        when += timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 8))
        history.append(PhaseChange(when, phase.id))
    application_id = state.next_id("applications")
    application = Application(
        id=application_id,
        job_posting_id=job.id,
        candidate_id=candidate.id,
        created_at=created,
        phase_id=history[-1].phase_id,
        phone=candidate.phone_number,
        cover_letter="I would love to join the team." if rng.random() < 0.5 else None,
        conversation_id=application_id,
        source=candidate.source,
        source_id=candidate.source_id,
        medium=candidate.medium,
        consent_to_talent_pool=candidate.consent_to_talent_pool,
        history=history,
        tag_ids=[1 + application_id % 3] if application_id % 4 == 0 else [],
    )
    reasons = list(state.rejection_reasons.values())
    if outcome == "rejected":
        application.rejection_reason_id = rng.choice([r.id for r in reasons if r.decision_maker == "company"])
        application.qualified = False
        application.disqualified_reason = "Unfit for the role"
    elif outcome == "withdrawn":
        application.rejection_reason_id = rng.choice([r.id for r in reasons if r.decision_maker == "candidate"])
    if outcome == "hired" and rng.random() < 0.5:
        application.employee_id = employees[-1].id
    if rng.random() < 0.85:
        filename = f"{candidate.first_name}_{candidate.last_name}_CV.pdf"
        application.cv = state.store_file(filename, "application/pdf", CV_BYTES, when=created)
    state.applications[application.id] = application
    candidate.application_ids.append(application.id)
    candidate.updated_at = max(candidate.updated_at, history[-1].changed_at)

    if application.source in ("career_page", "linkedin") and questions:
        text, permit, languages, _, portfolio = questions
        values: list[tuple[Question, str | None]] = [
            (text, str(rng.randint(1, 15))),
            (permit, "Yes"),
            (languages, json.dumps(["English", "Spanish"])),
        ]
        for question, value in values:
            answer = Answer(
                state.next_id("answers"), application.id, question.id, question.label,
                question.question_type, value, created, created,
            )  # fmt: skip
            state.answers[answer.id] = answer
        if rng.random() < 0.3:
            stored = state.store_file("portfolio.pdf", "application/pdf", PORTFOLIO_BYTES, when=created)
            answer = Answer(
                state.next_id("answers"), application.id, portfolio.id, portfolio.label,
                portfolio.question_type, None, created, created, file=stored,
            )  # fmt: skip
            state.answers[answer.id] = answer
    if len(history) > 2 and rng.random() < 0.5:
        author = employees[rng.randrange(len(employees))]
        feedback = Feedback(
            id=state.next_id("feedbacks"),
            candidate_id=candidate.id,
            created_at=history[1].changed_at + timedelta(hours=2),
            application_id=application.id,
            phase_id=history[1].phase_id,
            rating=rng.randint(1, 5),
            description=f"Screening call with {candidate.first_name}: solid background.",
            mention_ids=[author.access_id],
        )
        state.feedbacks[feedback.id] = feedback
