"""The fixed catalogue every seed shares: names, titles, departments, locations, hiring processes, reasons, the
three-level source library and the screening questions (split from `seed.py`, which sets the volume)."""

from __future__ import annotations

from apps.connectors.smartrecruiters.emulator.model import (
    Conditional,
    HiringProcess,
    Reason,
    ScreeningField,
    ScreeningQuestion,
    SourceType,
    SourceValue,
    User,
)
from apps.connectors.smartrecruiters.emulator.state import State

# -- fixed catalogue --------------------------------------------------------------------------------
FIRST_NAMES = [
    "Ana",
    "Ben",
    "Chloe",
    "Diego",
    "Elif",
    "Farid",
    "Grace",
    "Hugo",
    "Ines",
    "Jonas",
    "Kenji",
    "Lara",
    "Mateo",
    "Nora",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sven",
    "Tara",
    "Uma",
    "Victor",
    "Wen",
    "Yara",
]
LAST_NAMES = [
    "Ruiz",
    "Schmidt",
    "Martin",
    "Okafor",
    "Novak",
    "Haddad",
    "Kim",
    "Larsen",
    "Costa",
    "Fischer",
    "Tanaka",
    "Moreau",
    "Silva",
    "Jensen",
    "Rossi",
    "Kowalski",
    "Brennan",
    "Ito",
    "Dubois",
    "Meyer",
]
USER_ROLES = ["ADMINISTRATOR", "EXTENDED", "STANDARD", "STANDARD", "RESTRICTED", "EMPLOYEE"]
TITLES = [
    "Backend Engineer",
    "Account Executive",
    "Product Designer",
    "Data Analyst",
    "Customer Success Manager",
    "Site Reliability Engineer",
    "Marketing Manager",
    "Finance Controller",
    "Recruiter",
    "Frontend Engineer",
]
DEPARTMENTS = [
    ("48111", "Engineering"),
    ("48112", "Sales"),
    ("48113", "Design"),
    ("48114", "Data"),
    ("48115", "Customer Success"),
    ("48116", "Marketing"),
    ("48117", "Finance"),
    ("48118", "People"),
]
LOCATIONS = [
    {"city": "Barcelona", "region": "Catalonia", "regionCode": "CT", "country": "Spain", "countryCode": "es"},
    {"city": "Berlin", "region": "Berlin", "regionCode": "BE", "country": "Germany", "countryCode": "de"},
    {"city": "London", "region": "England", "regionCode": "ENG", "country": "United Kingdom", "countryCode": "gb"},
    {
        "city": "San Francisco",
        "region": "California",
        "regionCode": "CA",
        "country": "United States",
        "countryCode": "us",
    },
]
# (status, postingStatus) per job, cycling: the first job is always open and public.
JOB_SHAPES = [
    ("SOURCING", "PUBLIC"),
    ("SOURCING", "PUBLIC"),
    ("INTERVIEW", "INTERNAL"),
    ("FILLED", "NOT_PUBLISHED"),
    ("ON_HOLD", "NOT_PUBLISHED"),
    ("CREATED", "NOT_PUBLISHED"),
]
TAGS = ["python", "remote", "senior", "relocation", "top-talent", "bilingual"]
HIRING_PROCESSES = [
    (
        "Default hiring process",
        True,
        {
            "IN_REVIEW": ["Screening call", "Hiring manager review"],
            "INTERVIEW": ["1st interview", "Technical test", "Final interview"],
            "OFFERED": ["Offer prepared", "Offer sent"],
        },
    ),
    (
        "Engineering hiring process",
        True,
        {
            "IN_REVIEW": ["CV screening"],
            "INTERVIEW": ["Coding challenge", "System design", "Team fit"],
            "OFFERED": ["Offer sent"],
        },
    ),
    ("Legacy process", False, {"IN_REVIEW": ["Old screening"], "INTERVIEW": [], "OFFERED": []}),
]
REJECTION_REASONS = [
    "Not enough experience",
    "Position filled",
    "Salary expectations too high",
    "Failed assessment",
    "Not a culture fit",
]
WITHDRAWAL_REASONS = ["Accepted another offer", "Compensation", "Relocation not possible", "No longer interested"]
# The three-level source library: type → subtypes → named sources. Labels follow SmartRecruiters' help pages
# (https://help.smartrecruiters.com/Configuration/Candidate_Sources/Source_library); the ids are NOT FOUND in
# public material, so these slugs are ours. Referral "values" are users (seeded from the user list).
SOURCE_TYPES = [
    ("paid", "Paid", ["job_board", "social_media"]),
    (
        "organic",
        "Organic",
        ["career_page", "free_job_aggregators", "job_widget", "social_shares", "internal", "manual_upload"],
    ),
    ("referral", "Referral", []),
    ("agency", "Agency", []),
    ("api", "API", []),
    ("other", "Other", ["events"]),
]
STANDARD_SOURCES = [
    ("paid", "job_board", "linkedin", "LinkedIn"),
    ("paid", "job_board", "indeed", "Indeed"),
    ("paid", "job_board", "stepstone", "StepStone"),
    ("paid", "social_media", "facebook_ads", "Facebook Ads"),
    ("organic", "career_page", "career_site", "Career Site"),
    ("organic", "free_job_aggregators", "indeed_free", "Indeed (free)"),
    ("organic", "free_job_aggregators", "glassdoor", "Glassdoor"),
    ("organic", "job_widget", "job_widget", "Job Widget"),
    ("organic", "social_shares", "social_share", "Social share"),
    ("organic", "internal", "internal_career_page", "Internal Career Page"),
    ("organic", "internal", "direct_link", "Direct Link"),
    ("organic", "manual_upload", "manual_upload", "Manual Upload"),
    ("agency", None, "talent_partners", "Talent Partners Ltd"),
    ("api", None, "api", "API"),
    ("other", "events", "career_fair", "Career Fair"),
]
# Sources seeded applications come from, with weights.
SEEDED_SOURCES = [
    (("paid", "job_board", "linkedin"), 4),
    (("paid", "job_board", "indeed"), 3),
    (("organic", "career_page", "career_site"), 5),
    (("api", None, "api"), 2),
    (("agency", None, "talent_partners"), 1),
]
# Where seeded applications end up: (final status, weight). The history walks NEW → ... → final.
OUTCOMES = [
    ("NEW", 4),
    ("IN_REVIEW", 5),
    ("INTERVIEW", 4),
    ("OFFERED", 2),
    ("HIRED", 2),
    ("REJECTED", 5),
    ("WITHDRAWN", 1),
]
PIPELINE = ["NEW", "IN_REVIEW", "INTERVIEW", "OFFERED", "HIRED"]
RESUME_BYTES = b"%PDF-1.4\n% emulated resume\n"


def screening_template(state: State, country: str) -> tuple[list[ScreeningQuestion], list[Conditional]]:
    """Seven questions covering every answerable field type, an information block and a conditional."""
    ids = state.ids
    q_permit, q_visa, q_years, q_motivation, q_languages, q_updates, q_info = (ids.uuid() for _ in range(7))
    category = ids.uuid()  # custom questions carry a uuid category (reference A5)
    questions = [
        ScreeningQuestion(
            q_permit,
            "Work permit",
            f"Are you legally authorized to work in {country}?",
            [ScreeningField("f-permit", "", "RADIO", True, [("yes", "Yes"), ("no", "No")])],
            category=category,
        ),
        ScreeningQuestion(
            q_visa,
            "Visa sponsorship",
            "Which sponsorship would you need?",
            [
                ScreeningField(
                    "f-visa",
                    "",
                    "SINGLE_SELECT",
                    True,
                    [("work_visa", "Work visa"), ("blue_card", "EU Blue Card"), ("other", "Other")],
                )
            ],
            category=category,
        ),
        ScreeningQuestion(
            q_years,
            "Experience",
            "How many years of professional experience do you have?",
            [ScreeningField("f-years", "Years", "INPUT_TEXT", True)],
            category=category,
        ),
        ScreeningQuestion(
            q_motivation,
            "Motivation",
            "Why do you want to join us?",
            [ScreeningField("f-motivation", "", "TEXTAREA", False)],
            category=category,
        ),
        ScreeningQuestion(
            q_languages,
            "Languages",
            "Which languages do you speak?",
            [
                ScreeningField(
                    "f-languages",
                    "",
                    "MULTI_SELECT",
                    False,
                    [("en", "English"), ("es", "Spanish"), ("de", "German"), ("fr", "French")],
                )
            ],
            category=category,
        ),
        ScreeningQuestion(
            q_updates,
            "Future openings",
            "Keep me informed about future openings",
            [ScreeningField("f-updates", "I agree", "CHECKBOX", False)],
            category=category,
        ),
        ScreeningQuestion(
            q_info,
            "Process",
            "About our process",
            [ScreeningField("f-info", "Our interview process takes about two weeks.", "INFORMATION", False)],
            category=category,
        ),
    ]
    conditionals = [Conditional(q_permit, "f-permit", ["no"], [q_visa])]
    return questions, conditionals


def seed_catalogue(state: State, users: list[User]) -> None:
    ids = state.ids
    for name, active, sub_statuses in HIRING_PROCESSES:
        process = HiringProcess(ids.uuid(), name, active, {key: list(value) for key, value in sub_statuses.items()})
        state.hiring_processes[process.id] = process
    for label in REJECTION_REASONS:
        reason = Reason(ids.uuid(), label)
        state.rejection_reasons[reason.id] = reason
    for label in WITHDRAWAL_REASONS:
        reason = Reason(ids.uuid(), label)
        state.withdrawal_reasons[reason.id] = reason
    for dept_id, label in DEPARTMENTS:
        state.departments[dept_id] = label
    for type_id, label, subtypes in SOURCE_TYPES:
        state.source_types[type_id] = SourceType(type_id, label, list(subtypes))
    for type_id, subtype_id, value_id, label in STANDARD_SOURCES:
        value = SourceValue(value_id, ids.uuid(), label, type_id, subtype_id)
        state.source_values[value.identifier] = value
    for user in users:
        value = SourceValue(user.id, ids.uuid(), user.name, "referral", None)
        state.source_values[value.identifier] = value
