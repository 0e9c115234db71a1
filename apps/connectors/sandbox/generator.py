"""Deterministic demo data for the sandbox ATS: the same seed and size always give the same records.

Records are plain JSON documents in the sandbox's own vocabulary (close to the unified model, with remote ids
only); `mapping.py` turns them into DTOs. Generation streams: memory does not grow with the size.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

# Generated history lies between these points; everything `advance` does happens at the real "now".
HISTORY_START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
HISTORY_DAYS = 300

DEFAULT_SEED = 20250106
DEFAULT_RECORDS = 400

FIRST_NAMES = (
    "Ada", "Ben", "Chloe", "Daniel", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kira", "Lars", "Maya",
    "Noah", "Olga", "Pablo", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wim", "Xenia", "Yusuf", "Zoe",
)  # fmt: skip
LAST_NAMES = (
    "Adler", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Hansen", "Ivanova", "Jansen", "Kowalski",
    "Larsen", "Moreau", "Nowak", "Okafor", "Petrov", "Quist", "Rossi", "Schmidt", "Tanaka", "Ueda", "Varga",
    "Weber", "Xu", "Yilmaz", "Zimmermann",
)  # fmt: skip
COMPANIES = ("Northwind", "Globex", "Initech", "Umbrella", "Stark Industries", "Wayne Enterprises", "Hooli", "Acme")
TITLES = (
    "Software Engineer", "Data Analyst", "Product Manager", "Designer", "Recruiter", "Sales Manager",
    "Account Executive", "DevOps Engineer", "Support Specialist", "Marketing Lead",
)  # fmt: skip
SOURCES = ("LinkedIn", "Indeed", "Company website", "Referral", "StepStone", "Glassdoor")
CITIES = (
    ("Berlin", "DE", "Berlin", "10115"), ("Munich", "DE", "Bavaria", "80331"), ("Vienna", "AT", "Vienna", "1010"),
    ("Zurich", "CH", "Zurich", "8001"), ("Amsterdam", "NL", "North Holland", "1011"), ("Paris", "FR", None, "75001"),
    ("Madrid", "ES", "Madrid", "28001"), ("London", "GB", None, "EC1A"),
)  # fmt: skip
DEPARTMENTS = ("Engineering", "Sales", "Marketing", "Operations", "Customer Success", "Finance")
JOB_NAMES = (
    "Backend Engineer", "Frontend Engineer", "Data Scientist", "Account Executive", "Customer Success Manager",
    "Product Designer", "DevOps Engineer", "Financial Controller", "Marketing Manager", "Recruiter",
)  # fmt: skip
STAGE_NAMES = ("Applied", "Screening", "Interview", "Offer", "Hired")
HIRED_STAGE_INDEX = 4
INTERVIEW_STAGE_INDEX = 2
OFFER_STAGE_INDEX = 3

ROLES = (
    ("role-01", "Administrator", "SYSTEM", "ADMIN"),
    ("role-02", "Recruiter", "SYSTEM", "RECRUITER"),
    ("role-03", "Coordinator", "SYSTEM", "COORDINATOR"),
    ("role-04", "Hiring manager", "JOB", "HIRING_MANAGER"),
    ("role-05", "Interviewer", "JOB", "INTERVIEWER"),
    ("role-06", "Sourcer", "JOB", "SOURCER"),
)
TAGS = (
    "Top talent", "Remote only", "Relocation", "Silver medalist", "Referral", "Visa needed", "Part-time",
    "Senior", "Junior", "Returning", "Diversity pipeline", "Do not contact",
)  # fmt: skip
REJECTION_REASONS = (
    "Not enough experience", "Salary expectations too high", "Position filled", "Withdrew application",
    "No show", "Culture fit",
)  # fmt: skip


@dataclass(frozen=True)
class SandboxSize:
    """How many records of each kind; `for_records` spreads a total over the models like a real ATS."""

    users: int
    jobs: int
    candidates: int
    second_application_share: float = 0.18  # share of candidates who applied to a second job
    note_share: float = 0.7  # notes per candidate
    attachment_share: float = 0.5  # candidates with a CV

    @classmethod
    def for_records(cls, records: int) -> SandboxSize:
        records = max(records, 60)
        return cls(users=max(8, records // 1000), jobs=max(6, records // 400), candidates=max(20, int(records * 0.22)))


@dataclass(frozen=True)
class Row:
    """One stored record: its model, id, parent ids (for scoped reads) and the document."""

    model: str
    remote_id: str
    updated_at: datetime
    doc: dict[str, Any]
    application_id: str | None = None
    candidate_id: str | None = None
    blob: bytes | None = None


def iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def job_id(number: int) -> str:
    return f"job-{number:06d}"


def user_id(number: int) -> str:
    return f"usr-{number:06d}"


def candidate_id(number: int) -> str:
    return f"cand-{number:07d}"


def application_id(number: int) -> str:
    return f"app-{number:07d}"


def stage_id(job_number: int, index: int) -> str:
    return f"stage-{job_number:06d}-{index}"


def attachment_bytes(name: str, kind: str, owner: str) -> bytes:
    """A small, valid-looking document; enough to test downloads byte for byte."""
    return (
        f"%PDF-1.4\n% Sandbox {kind} of {owner}\n1 0 obj << /Title ({name}) >> endobj\ntrailer << /Root 1 0 R >>\n"
        "%%EOF\n"
    ).encode()


def _when(rng: random.Random, *, after: datetime | None = None, max_days: float = HISTORY_DAYS) -> datetime:
    start = after or HISTORY_START
    end = HISTORY_START + timedelta(days=HISTORY_DAYS)
    span = max(0.0, min(max_days * 86400, (end - start).total_seconds()))
    return start + timedelta(seconds=int(rng.random() * span))


def _location(rng: random.Random) -> dict[str, Any]:
    city, country, state, zip_code = rng.choice(CITIES)
    street = f"{rng.choice(LAST_NAMES)}straße {rng.randint(1, 120)}"
    return {
        "city": city,
        "country": country,
        "state": state,
        "zip_code": zip_code,
        "street_1": street,
        "street_2": None,
        "raw": f"{street}, {zip_code} {city}, {country}",
    }


def screening_questions(job_number: int, variant: int) -> list[dict[str, Any]]:
    """All nine formats on the first job (with preconditions); later jobs get a rotating subset."""
    q = f"q-{job_number:06d}"
    options = [
        {"id": f"{q}-opt-{n}", "name": name} for n, name in enumerate(("English", "German", "French", "Spanish"), 1)
    ]
    levels = [{"id": f"{q}-lvl-{n}", "name": name} for n, name in enumerate(("Junior", "Mid", "Senior"), 1)]
    questions: list[dict[str, Any]] = [
        {"id": f"{q}-1", "title": "Why do you want to join us?", "description": "A few sentences are enough.",
         "format": {"type": "TEXT", "display_type": "MULTI_LINE", "max_length": 2000}, "required": True},
        {"id": f"{q}-2", "title": "Years of experience", "description": None,
         "format": {"type": "NUMBER", "display_type": "FIELD", "min": 0, "max": 50}, "required": True},
        {"id": f"{q}-3", "title": "Do you need a work visa?", "description": None,
         "format": {"type": "BOOLEAN"}, "required": True},
        {"id": f"{q}-4", "title": "Which visa do you hold today?", "description": "Only if you need one.",
         "format": {"type": "TEXT", "display_type": "SINGLE_LINE", "max_length": 200}, "required": False,
         "precondition_question_id": f"{q}-3", "precondition_options": [True]},
        {"id": f"{q}-5", "title": "Seniority", "description": None,
         "format": {"type": "SINGLE_SELECT", "display_type": "DROPDOWN", "options": levels}, "required": True},
        {"id": f"{q}-6", "title": "Languages you speak", "description": None,
         "format": {"type": "MULTI_SELECT", "options": options}, "required": False},
        {"id": f"{q}-7", "title": "Earliest start date", "description": None,
         "format": {"type": "DATE"}, "required": False},
        {"id": f"{q}-8", "title": "Your CV", "description": "PDF or Word, up to 5 MB.",
         "format": {"type": "FILE", "accepted_mime_types": ["application/pdf", "application/msword"],
                    "max_file_size_bytes": 5_000_000}, "required": False},
        {"id": f"{q}-9", "title": "About the process", "description": "We answer every application within 10 days.",
         "format": {"type": "INFORMATION"}, "required": None},
        {"id": f"{q}-10", "title": "Preferred team", "description": "Shown to senior applicants only.",
         "format": {"type": "UNKNOWN", "raw_question": {"widget": "team-picker", "teams": ["Core", "Platform"]}},
         "required": False, "precondition_question_id": f"{q}-5", "precondition_options": [f"{q}-lvl-3"]},
    ]  # fmt: skip
    if variant == 0:
        chosen = questions
    else:
        keep = {1, 3, 5} | {2 + variant % 6, 6 + variant % 4}
        chosen = [question for n, question in enumerate(questions, 1) if n in keep and "precondition_question_id"
                  not in question]  # fmt: skip
    for index, question in enumerate(chosen):
        question["index"] = index
        question.setdefault("category", None)
    return chosen


def _answers(rng: random.Random, questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    answers = []
    for question in questions:
        kind = question["format"]["type"]
        if kind == "TEXT":
            value: Any = rng.choice(("Your product is great.", "I love the mission.", "H-1B"))
        elif kind == "NUMBER":
            value = rng.randint(0, 15)
        elif kind == "BOOLEAN":
            value = rng.random() < 0.3
        elif kind == "SINGLE_SELECT":
            value = rng.choice(question["format"]["options"])["name"]
        elif kind == "MULTI_SELECT":
            value = [option["name"] for option in question["format"]["options"] if rng.random() < 0.5]
        elif kind == "DATE":
            value = iso(_when(rng))
        else:
            continue
        answers.append({"question_id": question["id"], "title": question["title"], "type": kind, "value": value})
    return answers


def generate(*, seed: int, size: SandboxSize) -> Iterator[Row]:
    """Every record of a fresh sandbox, in dependency order."""
    rng = random.Random(seed)

    for remote_id, label, scope, unified_type in ROLES:
        yield Row("roles", remote_id, HISTORY_START, {
            "id": remote_id, "label": label, "scope": scope, "type": unified_type,
            "created_at": iso(HISTORY_START), "updated_at": iso(HISTORY_START),
        })  # fmt: skip
    for number, name in enumerate(TAGS, 1):
        yield Row("tags", f"tag-{number:02d}", HISTORY_START, {"id": f"tag-{number:02d}", "name": name})
    for number, name in enumerate(REJECTION_REASONS, 1):
        remote_id = f"rr-{number:02d}"
        yield Row("rejection_reasons", remote_id, HISTORY_START, {"id": remote_id, "name": name})

    users: list[dict[str, Any]] = []
    for number in range(1, size.users + 1):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        created = _when(rng, max_days=30)
        system_roles = [ROLES[0]] if number == 1 else [rng.choice(ROLES[1:3])]
        doc = {
            "id": user_id(number), "first_name": first, "last_name": last,
            "email": f"{first}.{last}.{number}@sandbox-ats.example.com".lower(),
            "status": "ACTIVE" if rng.random() < 0.9 else "INACTIVE",
            "system_roles": [{"id": r[0], "label": r[1], "type": r[3]} for r in system_roles],
            "created_at": iso(created), "updated_at": iso(created),
        }  # fmt: skip
        users.append(doc)
        yield Row("users", doc["id"], created, doc)

    jobs: list[dict[str, Any]] = []
    for number in range(1, size.jobs + 1):
        created = _when(rng, max_days=60)
        opened = created + timedelta(days=rng.randint(0, 5))
        status = "OPEN" if number % 7 != 0 else rng.choice(("CLOSED", "DRAFT", "ARCHIVED"))
        stages = [
            {"id": stage_id(number, index), "name": name, "index": index, "status": "ACTIVE"}
            for index, name in enumerate(STAGE_NAMES)
        ]
        team_users = rng.sample(users, k=min(len(users), 2 + number % 2))
        hiring_team = [
            {"user_id": member["id"], "first_name": member["first_name"], "last_name": member["last_name"],
             "email": member["email"],
             "roles": [{"id": ROLES[3 + n % 3][0], "label": ROLES[3 + n % 3][1], "type": ROLES[3 + n % 3][3]}]}
            for n, member in enumerate(team_users)
        ]  # fmt: skip
        salary_from = rng.randrange(40_000, 90_000, 5_000)
        name = f"{JOB_NAMES[(number - 1) % len(JOB_NAMES)]}" + (
            f" ({number // len(JOB_NAMES) + 1})" if number > len(JOB_NAMES) else ""
        )
        doc = {
            "id": job_id(number), "name": name, "job_code": f"SBX-{number:04d}",
            "description": f"<p>Join our {DEPARTMENTS[number % len(DEPARTMENTS)]} team as a {name}.</p>",
            "category": DEPARTMENTS[number % len(DEPARTMENTS)], "department": DEPARTMENTS[number % len(DEPARTMENTS)],
            "post_url": f"https://careers.sandbox-ats.example.com/jobs/{number}",
            "experience_level": rng.choice(("Entry", "Mid", "Senior")), "confidential": False,
            "weekly_hours": rng.choice((40, 40, 32, 20)),
            "employment_type": rng.choice(("FULL_TIME", "FULL_TIME", "PART_TIME", "CONTRACT", "INTERNSHIP")),
            "status": status, "visibility": "PUBLIC" if status == "OPEN" else "INTERNAL",
            "remote_work_status": rng.choice(("REMOTE", "HYBRID", "ON_SITE")),
            "salary_amount": None, "salary_amount_from": salary_from, "salary_amount_to": salary_from + 20_000,
            "salary_currency": "EUR", "salary_period": "YEAR", "location": _location(rng),
            "opened_at": iso(opened), "closed_at": iso(opened + timedelta(days=90)) if status == "CLOSED" else None,
            "created_at": iso(created), "updated_at": iso(opened),
            "url": f"https://app.sandbox-ats.example.com/jobs/{job_id(number)}",
            "contact_id": hiring_team[0]["user_id"] if hiring_team else None,
            "stages": stages, "screening_questions": screening_questions(number, (number - 1) % 8),
            "postings": [
                {"id": f"post-{number:06d}-1", "title": name, "description_html": f"<p>{name}</p>",
                 "url": f"https://careers.sandbox-ats.example.com/jobs/{number}",
                 "status": "ACTIVE" if status == "OPEN" else "INACTIVE", "visibility": "PUBLIC"},
            ],
            "hiring_team": hiring_team,
            "custom_fields": {"cost_center": f"CC-{100 + number % 9}"},
        }  # fmt: skip
        jobs.append(doc)
        yield Row("jobs", doc["id"], opened, doc)

    open_jobs = [job for job in jobs if job["status"] == "OPEN"] or jobs
    app_number = 0
    interview_number = 0
    note_number = 0
    for number in range(1, size.candidates + 1):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        created = _when(rng, after=HISTORY_START + timedelta(days=10))
        cand_id = candidate_id(number)
        tags = [
            {"id": f"tag-{n:02d}", "name": TAGS[n - 1]} for n in sorted(rng.sample(range(1, 13), k=rng.randint(0, 2)))
        ]
        email = f"{first}.{last}.{number}@candidates.example.com".lower()
        candidate = {
            "id": cand_id, "first_name": first, "last_name": last, "company": rng.choice(COMPANIES),
            "title": rng.choice(TITLES), "source": rng.choice(SOURCES), "confidential": rng.random() < 0.05,
            "emails": [{"address": email, "type": "PERSONAL"}],
            "phones": [{"number": f"+49 30 {rng.randint(1000000, 9999999)}", "type": "MOBILE"}],
            "social": [{"link": f"https://www.linkedin.com/in/{first}-{last}-{number}".lower(), "type": "LINKEDIN",
                        "username": f"{first}-{last}-{number}".lower()}],
            "location": _location(rng), "tags": tags, "created_at": iso(created), "updated_at": iso(created),
            "url": f"https://app.sandbox-ats.example.com/candidates/{cand_id}",
            "custom_fields": {"notice_period_weeks": rng.choice((2, 4, 8, 12))},
        }  # fmt: skip
        yield Row("candidates", cand_id, created, candidate)

        applied_jobs = rng.sample(
            open_jobs, k=min(len(open_jobs), 2 if rng.random() < size.second_application_share else 1)
        )
        for job in applied_jobs:
            app_number += 1
            app_id = application_id(app_number)
            applied = created + timedelta(hours=rng.randint(0, 48))
            stage_index = min(HIRED_STAGE_INDEX, int(rng.random() ** 1.6 * 5))
            roll = rng.random()
            outcome_status = "hired" if stage_index == HIRED_STAGE_INDEX else ("rejected" if roll < 0.4 else "active")
            updated = applied + timedelta(days=rng.randint(0, 20))
            reason = rng.randrange(len(REJECTION_REASONS)) if outcome_status == "rejected" else None
            application = {
                "id": app_id, "candidate_id": cand_id, "job_id": job["id"],
                "stage_id": job["stages"][stage_index]["id"], "status": outcome_status,
                "rejection_reason_id": f"rr-{reason + 1:02d}" if reason is not None else None,
                "rejection_reason_name": REJECTION_REASONS[reason] if reason is not None else None,
                "rejected_at": iso(updated) if reason is not None else None,
                "hired_at": iso(updated) if outcome_status == "hired" else None,
                "source": candidate["source"], "answers": _answers(rng, job["screening_questions"]),
                "created_at": iso(applied), "updated_at": iso(updated),
                "url": f"https://app.sandbox-ats.example.com/applications/{app_id}",
                "custom_fields": {"referrer": None if rng.random() < 0.8 else rng.choice(users)["email"]},
            }  # fmt: skip
            yield Row("applications", app_id, updated, application, application_id=app_id, candidate_id=cand_id)

            if stage_index >= INTERVIEW_STAGE_INDEX:
                interview_number += 1
                start = applied + timedelta(days=rng.randint(2, 10), hours=rng.randint(8, 16))
                interviewers = rng.sample(users, k=min(2, len(users)))
                interview_id = f"int-{interview_number:07d}"
                interview = {
                    "id": interview_id, "application_id": app_id,
                    "stage_id": job["stages"][INTERVIEW_STAGE_INDEX]["id"], "title": f"Interview with {first} {last}",
                    "start": iso(start), "end": iso(start + timedelta(hours=1)),
                    "location": None if rng.random() < 0.6 else _location(rng),
                    "video_url": f"https://meet.sandbox-ats.example.com/{interview_id}",
                    "canceled": rng.random() < 0.05, "user_ids": [user["id"] for user in interviewers],
                    "created_at": iso(applied), "updated_at": iso(start),
                }  # fmt: skip
                yield Row("interviews", interview_id, start, interview, application_id=app_id, candidate_id=cand_id)
                if rng.random() < 0.6:
                    scorecard_id = f"sc-{interview_number:07d}"
                    author = interviewers[0]
                    scorecard = {
                        "id": scorecard_id, "candidate_id": cand_id, "application_id": app_id,
                        "interview_id": interview_id, "author_id": author["id"],
                        "author": {"first_name": author["first_name"], "last_name": author["last_name"],
                                   "email": author["email"]},
                        "responses": [
                            {"type": "NUMBER", "id": "crit-1", "label": "Technical skills", "description": None,
                             "required": True, "answer": rng.randint(1, 5)},
                            {"type": "BOOLEAN", "id": "crit-2", "label": "Would hire", "description": None,
                             "required": True, "answer": rng.random() < 0.5},
                            {"type": "TEXT", "id": "crit-3", "label": "Summary", "description": "Free text",
                             "required": False, "answer": "Solid answers, good communication."},
                            {"type": "SINGLE_SELECT", "id": "crit-4", "label": "Overall", "description": None,
                             "required": True, "options": [{"id": "yes", "label": "Yes"}, {"id": "no", "label": "No"}],
                             "answer": {"id": "yes", "label": "Yes"}},
                            {"type": "MULTI_SELECT", "id": "crit-5", "label": "Strengths", "description": None,
                             "required": False,
                             "options": [{"id": "code", "label": "Coding"}, {"id": "comm", "label": "Communication"}],
                             "answer": [{"id": "comm", "label": "Communication"}]},
                            {"type": "DATE", "id": "crit-6", "label": "Available from", "description": None,
                             "required": False, "answer": "2025-09-01"},
                        ],
                        "created_at": iso(start), "updated_at": iso(start + timedelta(hours=2)),
                    }  # fmt: skip
                    yield Row(
                        "scorecards", scorecard_id, start + timedelta(hours=2), scorecard,
                        application_id=app_id, candidate_id=cand_id,
                    )  # fmt: skip
            if stage_index >= OFFER_STAGE_INDEX:
                offer_id = f"off-{app_number:07d}"
                offer_status = "ACCEPTED" if outcome_status == "hired" else rng.choice(("SENT", "DRAFT", "DECLINED"))
                offered = applied + timedelta(days=rng.randint(10, 25))
                offer = {
                    "id": offer_id, "application_id": app_id, "status": offer_status,
                    "start_date": iso(offered + timedelta(days=45)), "created_at": iso(offered),
                    "updated_at": iso(offered), "custom_fields": {"salary": rng.randrange(50_000, 110_000, 5_000)},
                }  # fmt: skip
                yield Row("offers", offer_id, offered, offer, application_id=app_id, candidate_id=cand_id)

        notes = int(size.note_share) + (1 if rng.random() < size.note_share % 1 else 0)
        for _ in range(notes):
            note_number += 1
            author = rng.choice(users)
            note_id = f"note-{note_number:07d}"
            written = created + timedelta(days=rng.randint(1, 15))
            note = {
                "id": note_id, "candidate_id": cand_id, "application_id": application_id(app_number),
                "author_id": author["id"],
                "author": {"first_name": author["first_name"], "last_name": author["last_name"],
                           "email": author["email"]},
                "title": "Phone screen", "content_html": f"<p>Spoke with {first}. Motivated, available soon.</p>",
                "private": rng.random() < 0.2, "created_at": iso(written), "updated_at": iso(written),
            }  # fmt: skip
            yield Row("notes", note_id, written, note, application_id=application_id(app_number), candidate_id=cand_id)

        if rng.random() < size.attachment_share:
            attachment_id = f"att-{number:07d}"
            file_name = f"{first}_{last}_CV.pdf"
            attachment = {
                "id": attachment_id, "candidate_id": cand_id, "application_id": application_id(app_number),
                "file_name": file_name, "type": "CV", "content_type": "application/pdf",
                "created_at": iso(created), "updated_at": iso(created),
            }  # fmt: skip
            yield Row(
                "attachments", attachment_id, created, attachment, application_id=application_id(app_number),
                candidate_id=cand_id, blob=attachment_bytes(file_name, "CV", f"{first} {last}"),
            )  # fmt: skip
