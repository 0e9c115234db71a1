"""Deterministic Lever data: the same `SeedConfig` always builds the same account."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.seeding import SeedConfigBase
from apps.connectors.lever.emulator.state import Posting, State

BASE_MS = int(datetime(2024, 1, 8, 9, 0, tzinfo=UTC).timestamp() * 1000)
DAY_MS = 24 * 3600 * 1000
ADMIN_ID = "8d49b010-cc6a-4f40-ace5-e86061c677ed"  # the doc example's perform_as user
RECRUITER_ID = "df0a9c3b-1f6e-4c0b-9a0b-4b3d9a8e7f11"

USERS: tuple[dict[str, Any], ...] = (
    {"id": ADMIN_ID, "name": "Rachel Green", "username": "rachel", "email": "rachel@acme.example",
     "createdAt": BASE_MS, "deactivatedAt": None, "externalDirectoryId": None, "accessRole": "super admin",
     "jobTitle": "Head of Talent", "managerId": None},
    {"id": RECRUITER_ID, "name": "Monica Geller", "username": "monica", "email": "monica@acme.example",
     "createdAt": BASE_MS, "deactivatedAt": None, "externalDirectoryId": None, "accessRole": "team member",
     "jobTitle": "Recruiter", "managerId": ADMIN_ID},
    {"id": "0b7c7d7e-0000-4000-8000-00000000dead", "name": "Ross Geller", "username": "ross",
     "email": "ross@acme.example", "createdAt": BASE_MS, "deactivatedAt": BASE_MS + DAY_MS,
     "externalDirectoryId": None, "accessRole": "interviewer", "jobTitle": "Engineer", "managerId": None},
)  # fmt: skip
# Global stages (reference B6: no per-posting pipeline); the doc example's texts first.
STAGES: tuple[dict[str, Any], ...] = (
    {"id": "51adb2bb-0001-4b7e-9c33-4f1d0e5a7c01", "text": "New lead"},
    {"id": "fff60592-0002-4b7e-9c33-4f1d0e5a7c02", "text": "New applicant"},
    {"id": "00922a60-7c15-422b-b086-f62000824fd7", "text": "Recruiter screen"},
    {"id": "a80bbbe0-0004-4b7e-9c33-4f1d0e5a7c04", "text": "On-site interview"},
    {"id": "f48aad6f-0005-4b7e-9c33-4f1d0e5a7c05", "text": "Offer"},
)
ARCHIVE_REASONS: tuple[dict[str, Any], ...] = (
    {"id": "63dd55b2-0001-4c1e-8f0e-6a2b1c3d4e01", "text": "Underqualified", "status": "active", "type": "non-hired"},
    {"id": "63dd55b2-0002-4c1e-8f0e-6a2b1c3d4e02", "text": "Withdrew", "status": "active", "type": "non-hired"},
    {"id": "1630a8c4-0003-4c1e-8f0e-6a2b1c3d4e03", "text": "Hired", "status": "active", "type": "hired"},
)
# One application form with every posting-form field type (reference B5); the first field is required.
FORM_ID = "75f54523-ff77-4307-a868-08392ee02cab"
CUSTOM_QUESTIONS: tuple[dict[str, Any], ...] = (
    {"id": FORM_ID, "text": "Previous work experience", "fields": [
        {"id": "9653a1f0-0001-4000-8000-000000000001", "type": "textarea", "text": "What experience do you have?",
         "required": True},
        {"id": "9653a1f0-0002-4000-8000-000000000002", "type": "text", "text": "Your nickname", "required": False},
        {"id": "9653a1f0-0003-4000-8000-000000000003", "type": "dropdown", "text": "Shift", "required": False,
         "options": [{"text": "Early"}, {"text": "Late"}]},
        {"id": "9653a1f0-0004-4000-8000-000000000004", "type": "multiple-choice", "text": "Years of experience",
         "required": False, "options": [{"text": "0-3 years"}, {"text": "Over 5 years"}]},
        {"id": "1d27c0de-0005-4000-8000-000000000005", "type": "multiple-select", "text": "favorite language",
         "required": False, "options": [{"text": "JavaScript"}, {"text": "Ruby"}, {"text": "Python"}]},
        {"id": "9653a1f0-0006-4000-8000-000000000006", "type": "university", "text": "University", "required": False},
        {"id": "9653a1f0-0007-4000-8000-000000000007", "type": "file-upload", "text": "Portfolio", "required": False},
    ]},
)  # fmt: skip
SOURCES = ("LinkedIn", "Referral", "Posting", "GitHub")


@dataclass(frozen=True)
class SeedConfig(SeedConfigBase):
    """`POST /_emulator/seed` keys: `seed, postings, opportunities` (the last posting is closed; every third
    opportunity belongs to the contact of the one before it)."""

    counts: ClassVar[tuple[str, ...]] = ("seed", "postings", "opportunities")

    seed: int = 1
    postings: int = 3
    opportunities: int = 6


def build_state(config: SeedConfig, clock: Clock) -> State:
    rng = random.Random(config.seed)
    state = State(
        clock=clock, users=[dict(u) for u in USERS], stages=[dict(s) for s in STAGES],
        archive_reasons=[dict(r) for r in ARCHIVE_REASONS],
    )  # fmt: skip
    for number in range(1, config.postings + 1):
        at = BASE_MS + number * DAY_MS
        closed = number == config.postings and config.postings > 1
        posting = Posting(
            id=state.new_id(), text=f"Engineer {number}", state="closed" if closed else "published",
            created_at=at, updated_at=at, owner=ADMIN_ID, team=rng.choice(["Platform", "Product", "Data"]),
            location="Berlin", commitment="Full-time",
            custom_questions=[{**f, "fields": [dict(x) for x in f["fields"]]} for f in CUSTOM_QUESTIONS],
        )  # fmt: skip
        state.postings[posting.id] = posting
    open_postings = [p for p in state.postings.values() if p.state == "published"]
    previous_email = None
    for number in range(1, config.opportunities + 1 if open_postings else 1):
        posting = open_postings[number % len(open_postings)]
        email = previous_email if number % 3 == 0 and previous_email else f"p{number}@cand.example"
        body = {"name": f"Seed{config.seed} Person {number}", "emails": [email], "postings": [posting.id],
                "sources": [rng.choice(SOURCES)], "origin": rng.choice(["applied", "sourced", "referred"]),
                "tags": [rng.choice(["Full-time", "Remote"])]}  # fmt: skip
        opportunity = state.create_opportunity(body, perform_as=ADMIN_ID, at=BASE_MS + 30 * DAY_MS + number * 60_000)
        if number % 4 == 1:
            _interview_with_feedback(state, opportunity, rng)
        if number % 5 == 2:
            _offer(state, opportunity, rng)
        roll = rng.random()
        if roll < 0.1:
            opportunity.archived_at, opportunity.archive_reason = opportunity.created_at, ARCHIVE_REASONS[2]["id"]
        elif roll < 0.25:
            opportunity.archived_at, opportunity.archive_reason = opportunity.created_at, ARCHIVE_REASONS[0]["id"]
        previous_email = email
    return state


OFFER_STATUSES = ("draft", "approval-sent", "approved", "sent", "sent-manually", "opened", "denied", "signed")
FEEDBACK_TEMPLATE = "b2a1c3d4-0000-4000-8000-0000000f0001"


def _interview_with_feedback(state: State, opportunity: Any, rng: random.Random) -> None:
    """One interview (reference B5 shape) and its completed feedback form (a scorecard)."""
    at = opportunity.created_at + DAY_MS
    interview = {
        "id": state.new_id(), "panel": state.new_id(), "subject": "On-site interview", "note": None,
        "interviewers": [{"id": RECRUITER_ID, "email": "monica@acme.example", "name": "Monica Geller"}],
        "timezone": "Europe/Berlin", "createdAt": at, "date": at + DAY_MS, "duration": 60, "location": "Berlin office",
        "feedbackTemplate": FEEDBACK_TEMPLATE, "feedbackForms": [], "feedbackReminder": "frequently", "user": ADMIN_ID,
        "stage": STAGES[3]["id"], "canceledAt": None, "postings": [opportunity.application["posting"]],
        "gcalEventUrl": None,
    }  # fmt: skip
    feedback = {
        "id": state.new_id(), "type": "interview", "text": "Interview feedback", "instructions": None,
        "baseTemplateId": FEEDBACK_TEMPLATE, "user": RECRUITER_ID, "panel": interview["panel"],
        "interview": interview["id"], "createdAt": at + DAY_MS, "completedAt": at + DAY_MS + 3_600_000,
        "fields": [
            {"id": "f-rating", "type": "score-system", "text": "Rating", "required": True,
             "options": [{"text": "4 - Strong Hire"}, {"text": "3 - Hire"}, {"text": "2 - No Hire"},
                         {"text": "1 - Strong No Hire"}],
             "value": rng.choice(["4 - Strong Hire", "3 - Hire", "2 - No Hire"])},
            {"id": "f-notes", "type": "textarea", "text": "Notes", "required": False, "value": "Solid fundamentals"},
            {"id": "f-again", "type": "yes-no", "text": "Would you work with them?", "required": False,
             "value": "yes"},
        ],
    }  # fmt: skip
    interview["feedbackForms"] = [feedback["id"]]
    opportunity.interviews.append(interview)
    opportunity.feedback.append(feedback)


def _offer(state: State, opportunity: Any, rng: random.Random) -> None:
    at = opportunity.created_at + 2 * DAY_MS
    opportunity.offers.append({
        "id": state.new_id(), "posting": opportunity.application["posting"], "createdAt": at,
        "status": rng.choice(OFFER_STATUSES), "creator": ADMIN_ID, "approved": None, "approvedAt": None,
        "sentAt": None, "sentDocument": None, "signedDocument": None,
        "fields": [{"text": "Salary", "identifier": "salary_amount", "value": 70000},
                   {"text": "Anticipated start date", "identifier": "anticipated_start_date",
                    "value": at + 30 * DAY_MS}],
    })  # fmt: skip
