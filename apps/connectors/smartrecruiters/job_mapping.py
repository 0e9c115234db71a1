"""Pure functions: SmartRecruiters jobs, job ads and the Application API's apply configuration → our DTOs (split
from `mapping.py`, whose identifiers and helpers these use; same reference and conventions)."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from apps.connectors.dtos import (
    Location,
    RemoteHiringTeamMember,
    RemoteJob,
    RemoteJobPosting,
    RemoteScreeningQuestion,
    RemoteStage,
    RoleAssignment,
    ScreeningQuestionOption,
)
from apps.connectors.smartrecruiters.mapping import JsonDict, _dict, _list, custom_properties, label, role_label, text
from apps.connectors.values import dt

# -- jobs -------------------------------------------------------------------------------------------------

# JobStatus (SR-RB job_status.rb) → the contract's open enum.
JOB_STATUSES = {
    "CREATED": "DRAFT",
    "SOURCING": "OPEN",
    "INTERVIEW": "OPEN",
    "OFFER": "OPEN",
    "FILLED": "CLOSED",
    "CANCELLED": "CLOSED",
    "ON_HOLD": "CLOSED",
}
OPEN_JOB_STATUSES = ("SOURCING", "INTERVIEW", "OFFER")
CLOSED_JOB_STATUSES = ("FILLED", "CANCELLED", "ON_HOLD")
# PostingStatus → visibility. A job nobody can see is "UNLISTED" (the contract has no "not published").
JOB_VISIBILITIES = {"PUBLIC": "PUBLIC", "INTERNAL": "INTERNAL", "PRIVATE": "UNLISTED", "NOT_PUBLISHED": "UNLISTED"}
# JobAdItem.visibility (PUBLIC, INTERNAL, PRIVATE; SR-RB job_ad_item.rb) → posting visibility.
AD_VISIBILITIES = {"PUBLIC": "PUBLIC", "INTERNAL": "INTERNAL", "PRIVATE": "UNLISTED"}
# Hiring team roles (SR-RB: HIRING_MANAGER, INTERVIEW_TEAM, RECRUITER, EXECUTIVE, COORDINATOR).
TEAM_ROLE_TYPES = {
    "HIRING_MANAGER": "HIRING_MANAGER",
    "RECRUITER": "RECRUITER",
    "COORDINATOR": "COORDINATOR",
    "INTERVIEW_TEAM": "INTERVIEWER",
}
AD_SECTIONS = ("companyDescription", "jobDescription", "qualifications", "additionalInformation")
_PUBLICATION_UUID = re.compile(r"/publication/([0-9A-Fa-f-]{36})(?:[/?#]|$)")


def employment_type(value: Any) -> str | None:
    """`typeOfEmployment{id, label}`: the ids are configurable per company (NOT FOUND as a closed list), so the
    unified type is read from the id and label words."""
    words = " ".join(part for part in (text(_dict(value).get("id")), label(value)) if part).lower()
    if not words:
        return None
    for needles, unified in (
        (("part",), "PART_TIME"),
        (("intern", "trainee", "apprentice"), "INTERNSHIP"),
        (("season",), "SEASONAL"),
        (("contract", "temporary", "freelance", "fixed"), "CONTRACT"),
        (("full", "permanent"), "FULL_TIME"),
    ):
        if any(needle in words for needle in needles):
            return unified
    return None


def sections_html(sections: Any) -> str | None:
    """A job ad's sections as one HTML document, each under its title."""
    parts = []
    for key in AD_SECTIONS:
        section = _dict(_dict(sections).get(key))
        body = section.get("text")
        if not isinstance(body, str) or not body.strip():
            continue
        title = text(section.get("title"))
        parts.append((f"<h3>{html.escape(title)}</h3>" if title else "") + body)
    return "\n".join(parts) or None


def job_location(raw: Any) -> Location | None:
    location = _dict(raw)
    if not location:
        return None
    code = text(location.get("countryCode"))
    city, region, country = text(location.get("city")), text(location.get("region")), text(location.get("country"))
    parts = [part for part in (city, region, country) if part]
    return Location(
        city=city,
        country=code.upper() if code else country,
        raw=", ".join(parts) or None,
        state=region,
        street_1=text(location.get("address")),
        zip_code=text(location.get("postalCode")),
    )


def posting_uuid(ad: JsonDict) -> str | None:
    """The posting UUID the Application API applies to, from a job ad's `applyUrl`
    (`https://jobs.smartrecruiters.com/oneclick-ui/company/<c>/publication/<uuid>`)."""
    found = _PUBLICATION_UUID.search(text(ad.get("applyUrl")) or "")
    return found.group(1) if found else None


def default_ad(ads: Sequence[JsonDict]) -> JsonDict | None:
    """The job's published default ad (the one the career page and the Application API use)."""
    published = [ad for ad in ads if ad.get("postingStatus") == "PUBLISHED"]
    return next((ad for ad in published if ad.get("default")), published[0] if published else None)


def job_posting(ad: JsonDict) -> RemoteJobPosting:
    published = ad.get("postingStatus") == "PUBLISHED"
    return RemoteJobPosting(
        remote_id=str(ad["id"]),
        title=text(ad.get("title")),
        description_html=sections_html(_dict(ad.get("jobAd")).get("sections")),
        url=text(ad.get("applyUrl")) if published else None,
        status="ACTIVE" if published else "INACTIVE",
        visibility=AD_VISIBILITIES.get(str(ad.get("visibility"))),
        remote_data=ad,
    )


def hiring_team_member(raw: JsonDict) -> RemoteHiringTeamMember:
    role = text(raw.get("role"))
    return RemoteHiringTeamMember(
        user_remote_id=str(raw["id"]),
        job_roles=(
            (RoleAssignment(remote_id=role, remote_label=role_label(role), unified_type=TEAM_ROLE_TYPES.get(role)),)
            if role
            else ()
        ),
    )


def _status_times(history: Sequence[JsonDict], status: str) -> tuple[datetime | None, datetime | None]:
    """(opened_at, closed_at) from a job's status history (oldest first)."""
    changes = [(dt(entry.get("changedOn")), entry.get("status")) for entry in history]
    opened = next((when for when, value in changes if value in OPEN_JOB_STATUSES and when), None)
    closed = None
    if status in CLOSED_JOB_STATUSES:
        closed = next((when for when, value in reversed(changes) if value == status and when), None)
    return opened, closed


def job(
    details: JsonDict,
    *,
    team: Sequence[JsonDict],
    ads: Sequence[JsonDict],
    configuration: JsonDict | None,
    status_history: Sequence[JsonDict],
    job_stages: tuple[RemoteStage, ...],
    web: str,
) -> RemoteJob:
    """A job from `GET /jobs/{id}`, its hiring team, job ads, status history and its posting's apply configuration."""
    status = str(details.get("status") or "")
    compensation = _dict(details.get("compensation"))
    members = tuple(hiring_team_member(member) for member in team if member.get("id"))
    manager = next(
        (m.user_remote_id for m in members if any(r.remote_id == "HIRING_MANAGER" for r in m.job_roles)), None
    )
    opened, closed = _status_times(status_history, status)
    location = _dict(details.get("location"))
    ad = default_ad(ads)
    job_id = str(details["id"])
    return RemoteJob(
        remote_id=job_id,
        name=text(details.get("title")),
        job_code=text(details.get("refNumber")),
        description=sections_html(_dict(details.get("jobAd")).get("sections")),
        category=label(details.get("function")),
        department=label(details.get("department")),
        post_url=text(ad.get("applyUrl")) if ad else None,
        experience_level=label(details.get("experienceLevel")),
        employment_type=employment_type(details.get("typeOfEmployment")),
        status=JOB_STATUSES.get(status),
        visibility=JOB_VISIBILITIES.get(str(details.get("postingStatus"))),
        remote_work_status="REMOTE" if location.get("remote") is True else None,
        salary_amount_from=_number(compensation.get("min")),
        salary_amount_to=_number(compensation.get("max")),
        salary_currency=text(compensation.get("currency")),
        location=job_location(location),
        opened_at=opened,
        closed_at=closed,
        remote_created_at=dt(details.get("createdOn")),
        remote_updated_at=dt(details.get("updatedOn")),
        # The recruiter UI's job page. Its URL pattern is NOT FOUND in the API docs; this is the app's route
        # (https://help.smartrecruiters.com/Jobs); the API itself only links to API resources.
        remote_url=f"{web}/app/jobs/details/{job_id}",
        contact_remote_id=manager,
        stages=job_stages,
        screening_questions=screening_questions(configuration) if configuration else (),
        job_postings=tuple(job_posting(item) for item in ads if item.get("id")),
        hiring_team=members,
        custom_fields=custom_properties(details.get("properties")),
        remote_data={
            "job": details,
            "hiringTeam": list(team),
            "jobAds": list(ads),
            "statusHistory": list(status_history),
            "applyConfiguration": configuration,
        },
    )


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


# -- screening questions (the Application API's apply configuration) -----------------------------------------

ANSWERABLE = ("INPUT_TEXT", "TEXTAREA", "SINGLE_SELECT", "RADIO", "MULTI_SELECT", "CHECKBOX")
# "text/textarea/currency answers ≤ 4000 bytes" (SR-DOC post-an-application).
TEXT_MAX_LENGTH = 4000


def answer_field(question: JsonDict) -> JsonDict | None:
    """The one field of a question that takes the answer; None for multi-field or information-only questions."""
    fields = [field for field in _list(question.get("fields")) if isinstance(field, dict)]
    answerable = [field for field in fields if field.get("type") in ANSWERABLE]
    return answerable[0] if len(answerable) == 1 else None


def _options(field: JsonDict) -> tuple[ScreeningQuestionOption, ...]:
    return tuple(
        ScreeningQuestionOption(remote_id=str(value["id"]), name=text(value.get("label")) or str(value["id"]))
        for value in _list(field.get("values"))
        if isinstance(value, dict) and value.get("id") is not None
    )


def _question_format(question: JsonDict) -> tuple[str, JsonDict, tuple[ScreeningQuestionOption, ...]]:
    fields = [field for field in _list(question.get("fields")) if isinstance(field, dict)]
    if fields and all(field.get("type") == "INFORMATION" for field in fields):
        return "INFORMATION", {}, ()
    if question.get("repeatable"):
        return "UNKNOWN", {"raw_question": question}, ()
    field = answer_field(question)
    if field is None:
        return "UNKNOWN", {"raw_question": question}, ()
    kind, options = field.get("type"), _options(field)
    if kind == "INPUT_TEXT":
        return "TEXT", {"display_type": "SINGLE_LINE", "max_length": TEXT_MAX_LENGTH}, ()
    if kind == "TEXTAREA":
        return "TEXT", {"display_type": "MULTI_LINE", "max_length": TEXT_MAX_LENGTH}, ()
    if kind == "SINGLE_SELECT":
        return "SINGLE_SELECT", {"display_type": "DROPDOWN"}, options
    if kind == "RADIO":
        return "SINGLE_SELECT", {"display_type": "RADIO"}, options
    if kind == "MULTI_SELECT" or (kind == "CHECKBOX" and options):
        return "MULTI_SELECT", {}, options
    return "BOOLEAN", {}, ()  # a single check box (consent, "keep me informed")


def screening_questions(configuration: JsonDict) -> tuple[RemoteScreeningQuestion, ...]:
    """`GET /postings/{uuid}/configuration?conditionalsIncluded=true` → the job's questions, with the conditionals
    ("show when the answer to parent/field is one of valueIds") as preconditions."""
    preconditions: dict[str, tuple[str, tuple[str, ...]]] = {}
    for conditional in _list(_dict(configuration.get("settings")).get("conditionals")):
        if not isinstance(conditional, dict):
            continue
        parent = text(conditional.get("parentQuestionId"))
        values = tuple(str(value) for value in _list(conditional.get("valueIds")))
        for child in _list(conditional.get("conditionalQuestions")):
            if parent and isinstance(child, str):
                preconditions[child] = (parent, values)
    result = []
    questions = [question for question in _list(configuration.get("questions")) if isinstance(question, dict)]
    for index, question in enumerate(questions):
        format_type, details, options = _question_format(question)
        fields = [field for field in _list(question.get("fields")) if isinstance(field, dict)]
        field = answer_field(question)
        description = None
        if format_type == "INFORMATION":
            description = "\n".join(text(item.get("label")) or "" for item in fields).strip() or None
        elif field is not None and text(field.get("label")) and text(field.get("label")) != text(question.get("label")):
            description = text(field.get("label"))
        compliance = {item.get("complianceType") for item in fields}
        precondition = preconditions.get(str(question.get("id")))
        result.append(
            RemoteScreeningQuestion(
                remote_id=str(question["id"]),
                title=text(question.get("label")),
                description=description,
                format_type=format_type,
                format_details=details,
                options=options,
                required=any(bool(item.get("required")) for item in fields) if format_type != "INFORMATION" else False,
                # "complianceType ∈ DIVERSITY" (SR-RB screening_question_field.rb): demographic questions.
                category="DEMOGRAPHIC" if "DIVERSITY" in compliance else None,
                index=index,
                precondition_question_remote_id=precondition[0] if precondition else None,
                precondition_options=precondition[1] if precondition else None,
                remote_data=question,
            )
        )
    return tuple(result)
