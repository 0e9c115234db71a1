"""Deterministic Greenhouse data: the same `SeedConfig` always builds the same company."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.records import fmt
from apps.connectors.emulation.seeding import SeedConfigBase
from apps.connectors.greenhouse.emulator import custom_fields
from apps.connectors.greenhouse.emulator.state import State

BASE_TIME = datetime(2024, 1, 8, 9, 0, tzinfo=UTC)
ADMIN = 1001  # the first seeded user (the Site Admin)
STAGE_NAMES = ("Application Review", "Recruiter Phone Screen", "Face to Face", "Offer")
# Built-in sources (A4 doc examples and type names); custom ones come from POST /_emulator/sources.
SOURCES = (("LinkedIn", "social_media"), ("Referral", "referrals"), ("Indeed", "third_party_boards"))
REASONS = (
    ("Lacking skill(s)/qualification(s)", 1, "WE_REJECTED_THEM", "We rejected them"),
    ("Higher Salary Offer Made", 2, "THEY_REJECTED_US", "They rejected us"),
    ("Missing resume", 1, "WE_REJECTED_THEM", "We rejected them"),
)
# job_post.questions answer types (GH-V3-SPEC): one question per format the connector maps.
QUESTIONS = (
    ("short_text", "What is your notice period?", True),
    ("long_text", "Why do you want to work for us?", False),
    ("boolean", "Have you ever worked for our organization before?", True),
    ("single_select", "Highest degree", False),
    ("multi_select", "Languages", False),
    ("attachment", "Portfolio", False),
)


@dataclass(frozen=True)
class SeedConfig(SeedConfigBase):
    """`POST /_emulator/seed` keys: `seed, jobs, candidates`."""

    counts: ClassVar[tuple[str, ...]] = ("seed", "jobs", "candidates")

    seed: int = 1
    jobs: int = 2
    candidates: int = 3


def build_state(config: SeedConfig, clock: Clock) -> State:
    state = State(clock=clock)
    at = BASE_TIME
    for first, last, admin in (("Ada", "Admin", True), ("Rita", "Recruiter", False)):
        email = f"{first.lower()}@greenhouse.example"
        state.add(
            state.users,
            {"name": f"{first} {last}", "first_name": first, "last_name": last, "primary_email": email,
             "emails": [email], "deactivated": False, "site_admin": admin, "employee_id": None},
            at,
        )  # fmt: skip
    # GH-V3-SPEC `user_role.role_type` ∈ deprecated_interviewer, job_admin, site_admin (names illustrative)
    for role_type, name in (
        ("site_admin", "Site Admin"),
        ("job_admin", "Job Admin: Hiring Manager"),
        ("job_admin", "Job Admin: Recruiter"),
        ("deprecated_interviewer", "Interviewer"),
    ):
        state.add(state.user_roles, {"role_type": role_type, "name": name}, at)  # fmt: skip
    for name, kind in SOURCES:
        state.add(state.sources, {"name": name, "type": {"id": 1, "name": kind}}, at)
    for name, type_id, key, label in REASONS:
        state.add(state.rejection_reasons, {"name": name, "type": {"id": type_id, "key": key, "name": label}}, at)
    job_ids = [_job(state, f"Engineer {n}", "open", at + timedelta(hours=n)) for n in range(1, config.jobs + 1)]
    _job(state, "Archived Role", "closed", at)
    for number in range(1, config.candidates + 1):
        when = at + timedelta(days=1, minutes=number)
        candidate = state.add(
            state.candidates,
            {"first_name": f"Seed{config.seed}", "last_name": f"Person {number}", "preferred_name": None,
             "company": None, "title": None, "last_activity_at": None, "private": False, "can_email": True,
             "time_zone": None, "tags": [], "linked_user_ids": [],
             "email_addresses": [{"value": f"p{number}@candidates.example", "type": "personal"}],
             "phone_numbers": [], "addresses": [], "website_addresses": [], "social_media_addresses": [],
             "custom_fields": {}},
            when,
        )  # fmt: skip
        if job_ids:
            job_id = job_ids[number % len(job_ids)]
            stage = state.stages_of(job_id)[0]
            application = state.add(
                state.applications,
                {"referrer_id": None, "source_id": None, "recruiter_id": None, "coordinator_id": None,
                 "needs_decision": False, "prospect": False, "rejected_at": None, "last_activity_at": None,
                 "stage_id": stage["id"], "candidate_id": candidate["id"], "job_id": job_id, "job_post_id": None,
                 "status": "in_process", "stage_name": stage["name"], "rejection_reason_id": None,
                 "custom_fields": {}, "answers": [], "prospective_job_ids": []},
                when,
            )  # fmt: skip
            state.add(
                state.application_stages,
                {"application_id": application["id"], "job_interview_stage_id": stage["id"],
                 "entered_at": fmt(when), "exited_at": None, "days_in_stage": 0, "current": True},
                when,
            )  # fmt: skip
            if number % 3 == 1:  # every third application has an interview, its scorecard and an offer
                interview_scorecard_offer(state, application, when + timedelta(days=2))
    custom_fields.seed(state, at)
    return state


def interview_scorecard_offer(state: State, application: dict[str, Any], at: datetime) -> None:
    """GH-V3-SPEC `interview` (+ `interviewer`), `scorecard`, `offer` records for one application."""
    job_interview = next(
        j for j in state.job_interviews.values() if j["job_id"] == application["job_id"] and j["sort_order"] == 1
    )
    interviewer = 1002  # the seeded recruiter
    interview = state.add(
        state.interviews,
        {"job_id": application["job_id"], "application_id": application["id"], "job_interview_id": job_interview["id"],
         "starts_at": fmt(at), "ends_at": fmt(at + timedelta(hours=1)), "location": "Berlin office, room 2",
         "status": "complete", "organizer_id": ADMIN, "scheduled_at": fmt(at - timedelta(days=1)),
         "all_day_start_on": None, "all_day_end_on": None, "external_event_id": None,
         "video_conferencing_url": "https://meet.example/gh-" + str(application["id"]),
         "availability_received_at": None},
        at,
    )  # fmt: skip
    scorecard = state.add(
        state.scorecards,
        {"interview_kit_id": job_interview["id"], "interviewer_id": interviewer, "interviewed_at": fmt(at),
         "notes": "Clear thinker.", "notes_with_tags": "Clear thinker.", "submitter_id": interviewer,
         "candidate_rating": "yes", "private_notes": None, "private_notes_with_tags": None, "status": "complete",
         "public_notes": None, "public_notes_with_tags": None, "application_id": application["id"],
         "submitted_at": fmt(at + timedelta(hours=2))},
        at + timedelta(hours=2),
    )  # fmt: skip
    scorecard_answers(state, scorecard, at + timedelta(hours=2))
    state.add(
        state.interviewers,
        {"interview_id": interview["id"], "user_id": interviewer, "scorecard_id": scorecard["id"],
         "email": "rita@greenhouse.example", "response_status": "accepted"},
        at,
    )  # fmt: skip
    state.add(
        state.offers,
        {"version": 1, "application_id": application["id"], "job_id": application["job_id"],
         "candidate_id": application["candidate_id"], "opening_id": None, "status": "Created",
         "starts_on": (at + timedelta(days=30)).date().isoformat(),
         "sent_on": (at + timedelta(days=3)).date().isoformat(),
         "resolved_at": None, "custom_fields": {}},
        at + timedelta(days=3),
    )  # fmt: skip


def _job(state: State, name: str, status: str, at: datetime) -> int:
    job = state.add(
        state.jobs,
        {"name": name, "requisition_id": f"REQ-{state.next_id}", "notes": None, "confidential": False,
         "status": status, "opened_at": state.stamp(at)["created_at"], "closed_at": None, "is_template": False,
         "copied_from_id": None, "department_id": None, "office_ids": [], "custom_fields": {}},
        at,
    )  # fmt: skip
    for order, stage_name in enumerate(STAGE_NAMES):
        stage = state.add(
            state.stages, {"job_id": job["id"], "sort_order": order, "name": stage_name, "active": True}, at
        )
        # one interview step per stage (GH-V3-SPEC `job_interview`, linked to its stage)
        state.add(
            state.job_interviews,
            {"job_interview_stage_id": stage["id"], "job_id": job["id"], "sort_order": order,
             "scheduling_type": "needs_scheduling", "duration": 60, "summary": None, "instructions": None,
             "name": f"{stage_name} interview", "active": True, "require_scorecard": True},
            at,
        )  # fmt: skip
    questions = []
    for index, (kind, label, required) in enumerate(QUESTIONS):
        options = []
        if kind in ("single_select", "multi_select"):
            labels = ("Bachelor", "Master") if kind == "single_select" else ("English", "German", "French")
            options = [{"id": job["id"] * 100 + index * 10 + n, "label": text} for n, text in enumerate(labels)]
        qid = job["id"] * 100 + index
        questions.append(
            {"id": qid, "description": None, "answer_type": kind, "required": required, "private": False,
             "label": label, "name": f"question_{qid}", "options": options}
        )  # fmt: skip
    state.add(
        state.job_posts,
        {"job_id": job["id"], "title": name, "internal": False, "external": True, "active": status == "open",
         "live": status == "open", "content": f"<p>{name}</p>", "questions": questions},
        at,
    )  # fmt: skip
    return int(job["id"])


# `scorecard_question.answer_type` values are not in the spec (a string): assumed text / yes_no / single_select.
KIT_QUESTIONS = (
    ("<p>Communication</p>", "text", True, "Explains trade-offs clearly."),
    ("Would you work with them again?", "yes_no", True, True),
    ("Seniority", "single_select", False, "Senior"),
)
SENIORITY = ("Junior", "Mid", "Senior")


def scorecard_answers(state: State, scorecard: dict[str, Any], at: datetime) -> None:
    """The kit's questions (once per kit) and this scorecard's answers (GH-V3-SPEC scorecard_question*)."""
    kit = scorecard["interview_kit_id"]
    questions = [q for q in state.scorecard_questions.values() if q["interview_kit_id"] == kit]
    if not questions:
        for order, (text, kind, required, _) in enumerate(KIT_QUESTIONS, start=1):
            question = state.add(
                state.scorecard_questions,
                {"interview_kit_id": kit, "question": text, "sort_order": order, "active": True,
                 "answer_type": kind, "required": required},
                at,
            )  # fmt: skip
            if kind == "single_select":
                for number, name in enumerate(SENIORITY, start=1):
                    state.add(
                        state.scorecard_question_options,
                        {"scorecard_question_id": question["id"], "name": name, "sort_order": number, "active": True},
                        at,
                    )  # fmt: skip
            questions.append(question)
    for question, (_, kind, _, value) in zip(questions, KIT_QUESTIONS, strict=True):
        answer = state.add(
            state.scorecard_question_answers,
            {"scorecard_id": scorecard["id"], "scorecard_question_id": question["id"],
             "answer": value if kind == "text" else None, "boolean_value": value if kind == "yes_no" else None},
            at,
        )  # fmt: skip
        if kind == "single_select":
            option = next(
                o for o in state.scorecard_question_options.values()
                if o["scorecard_question_id"] == question["id"] and o["name"] == value
            )  # fmt: skip
            state.add(
                state.scorecard_question_answer_options,
                {"scorecard_question_option_id": option["id"], "scorecard_question_answer_id": answer["id"]},
                at,
            )  # fmt: skip
