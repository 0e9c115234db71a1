"""Pure functions: SmartRecruiters JSON → our DTOs (reads), our write DTOs → SmartRecruiters JSON (writes).

Field names and enums: /work/shared/reference/ats-smartrecruiters-factorial.md Part A (SR-RB = SmartRecruiters'
OpenAPI-generated Ruby SDK, SR-DOC = https://developers.smartrecruiters.com). Every choice made where the docs
are silent says so next to the code.

Identifiers we define (SmartRecruiters has none for these):
- an application is candidate × job ("An application is identified by pairing a unique job ID and a unique candidate
  ID", SR-DOC https://developers.smartrecruiters.com/reference/applications-2): remote id `"<candidateId>:<jobId>"`.
  Candidate and job ids are UUIDs, so the first `:` splits it.
- a stage is a candidate status, or a status plus one of the hiring process's sub-statuses: `"IN_REVIEW"`,
  `"IN_REVIEW:Screening call"` (statuses are `[A-Z_]`, so the first `:` splits it; sub-status names may contain
  anything).
- a source is a value of a source type: `"<sourceTypeId>:<sourceValueId>"` (value ids are unique per type only).
- a note (a Hireloop message) has no id in `MessageView`: ours is a digest of candidate, time, author and text.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pycountry

from apps.connectors.dtos import (
    EmailAddress,
    Location,
    PhoneNumber,
    RemoteApplication,
    RemoteApplicationStage,
    RemoteAttachment,
    RemoteCandidate,
    RemoteHiringTeamMember,
    RemoteInterview,
    RemoteJob,
    RemoteJobPosting,
    RemoteNote,
    RemoteOffer,
    RemoteRejectionReason,
    RemoteScreeningQuestion,
    RemoteSource,
    RemoteStage,
    RemoteTag,
    RemoteUser,
    RoleAssignment,
    ScreeningAnswer,
    ScreeningQuestionOption,
    SocialMedia,
)
from apps.connectors.values import dt

JsonDict = dict[str, Any]

# -- identifiers ------------------------------------------------------------------------------------------


def application_id(candidate_id: str, job_id: str) -> str:
    return f"{candidate_id}:{job_id}"


def split_application_id(remote_id: str) -> tuple[str, str] | None:
    """(candidate id, job id) of an application remote id, None when it is not one of ours."""
    candidate_id, separator, job_id = remote_id.partition(":")
    if not separator or not candidate_id or not job_id:
        return None
    return candidate_id, job_id


def source_id(type_id: str, value_id: str) -> str:
    return f"{type_id}:{value_id}"


def split_source_id(remote_id: str) -> tuple[str, str] | None:
    type_id, separator, value_id = remote_id.partition(":")
    if not separator or not type_id or not value_id:
        return None
    return type_id, value_id


# -- small helpers ----------------------------------------------------------------------------------------


def text(value: Any) -> str | None:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return None


def label(value: Any) -> str | None:
    """`Property{id, label}` objects (department, function, …) → their label."""
    return text(value.get("label")) if isinstance(value, dict) else None


def _dict(value: Any) -> JsonDict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


# -- stages (candidate statuses + hiring-process sub-statuses) -----------------------------------------------

# CandidateStatusEnum in pipeline order (SR-RB candidate_status_enum.rb). REJECTED, WITHDRAWN and TRANSFERRED end
# an application wherever it was: they are outcomes, not stages (the stage is where it stood before).
PIPELINE_STATUSES = ("LEAD", "NEW", "IN_REVIEW", "INTERVIEW", "OFFERED", "HIRED")
END_STATUSES = ("REJECTED", "WITHDRAWN", "TRANSFERRED")
SUB_STATUS_STATUSES = ("IN_REVIEW", "INTERVIEW", "OFFERED")  # SR-RB hiring_process_sub_statuses.rb
STATUS_LABELS = {
    "LEAD": "Lead",
    "NEW": "New",
    "IN_REVIEW": "In review",
    "INTERVIEW": "Interview",
    "OFFERED": "Offered",
    "HIRED": "Hired",
}


def stage_id(status: str, sub_status: str | None = None) -> str:
    return f"{status}:{sub_status}" if sub_status else status


def split_stage_id(remote_id: str) -> tuple[str, str | None]:
    status, separator, sub_status = remote_id.partition(":")
    return status, (sub_status if separator and sub_status else None)


def stages(processes: Sequence[JsonDict]) -> tuple[RemoteStage, ...]:
    """Every job's stages: the statuses in pipeline order, each followed by the sub-statuses the company's hiring
    processes define for it.

    Which process a job uses is not in `JobDetails` (NOT FOUND, reference A5 "job→process link"), so every job gets
    the union of all processes (active first); sub-statuses only inactive processes still use stay as INACTIVE
    stages, because applications keep referring to them.
    """
    ordered = sorted(processes, key=lambda process: 0 if process.get("active", True) else 1)
    subs: dict[str, dict[str, bool]] = {status: {} for status in SUB_STATUS_STATUSES}
    for process in ordered:
        active = bool(process.get("active", True))
        for status, names in _dict(process.get("subStatuses")).items():
            if status not in subs:
                continue
            for name in _list(names):
                if isinstance(name, str) and name:
                    subs[status][name] = subs[status].get(name, False) or active
    result: list[RemoteStage] = []
    for status in PIPELINE_STATUSES:
        result.append(RemoteStage(remote_id=status, name=STATUS_LABELS[status], index=len(result), status="ACTIVE"))
        for name, active in subs.get(status, {}).items():
            result.append(
                RemoteStage(
                    remote_id=stage_id(status, name),
                    name=name,
                    index=len(result),
                    status="ACTIVE" if active else "INACTIVE",
                )
            )
    return tuple(result)


def application_stages(processes: Sequence[JsonDict]) -> list[RemoteApplicationStage]:
    return [
        RemoteApplicationStage(remote_id=stage.remote_id, name=stage.name, status=stage.status)
        for stage in stages(processes)
    ]


# -- users ------------------------------------------------------------------------------------------------

# systemRole.id values: ADMINISTRATOR is documented (SR-WH lib/auth/oauth.js); the other roles of SmartRecruiters'
# access model (EXTENDED, STANDARD, RESTRICTED, EMPLOYEE) have no unified counterpart.
SYSTEM_ROLE_TYPES = {"ADMINISTRATOR": "ADMIN"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _role_label(role_id: str) -> str:
    return role_id.replace("_", " ").capitalize()


def email_or_none(value: Any) -> str | None:
    """SmartRecruiters does not validate user emails: only well-formed ones are passed on."""
    value = text(value)
    return value if value and _EMAIL.match(value) else None


def user(raw: JsonDict) -> RemoteUser:
    role_id = text(_dict(raw.get("systemRole")).get("id"))
    roles = (
        (
            RoleAssignment(
                remote_id=role_id, remote_label=_role_label(role_id), unified_type=SYSTEM_ROLE_TYPES.get(role_id)
            ),
        )
        if role_id
        else ()
    )
    active = raw.get("active")
    return RemoteUser(
        remote_id=str(raw["id"]),
        first_name=text(raw.get("firstName")),
        last_name=text(raw.get("lastName")),
        email=email_or_none(raw.get("email")),
        status=None if active is None else ("ACTIVE" if active else "INACTIVE"),
        system_roles=roles,
        remote_updated_at=dt(raw.get("updatedOn")),
        remote_data=raw,
    )


# -- rejection reasons ------------------------------------------------------------------------------------


def rejection_reason(raw: JsonDict) -> RemoteRejectionReason:
    return RemoteRejectionReason(remote_id=str(raw["id"]), name=text(raw.get("label")), remote_data=raw)


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
            (RoleAssignment(remote_id=role, remote_label=_role_label(role), unified_type=TEAM_ROLE_TYPES.get(role)),)
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


def custom_properties(properties: Any) -> JsonDict:
    """Job / offer `properties` (`[{id, label, value: {id, label} | str}]`) as `{label: value}`."""
    if isinstance(properties, dict):  # offers in some responses carry a plain object
        return {str(key): value for key, value in properties.items()}
    result: JsonDict = {}
    for item in _list(properties):
        if not isinstance(item, dict):
            continue
        key = text(item.get("label")) or text(item.get("id"))
        value = item.get("value")
        if isinstance(value, dict):
            value = value.get("label", value.get("id"))
        if key:
            result[key] = value
    return result


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


# -- candidates -------------------------------------------------------------------------------------------

# `web` keys: SR-PY WebProfile uses `linkedin`, SR-RB Web has `skype, linkedIn, facebook, twitter, website`.
WEB_TYPES = {
    "linkedin": "LINKEDIN",
    "linkedIn": "LINKEDIN",
    "facebook": "FACEBOOK",
    "twitter": "TWITTER",
    "website": "WEBSITE",
}


def candidate_location(raw: Any) -> Location | None:
    location = _dict(raw)
    if not location:
        return None
    code = text(location.get("countryCode"))
    city, region, country = text(location.get("city")), text(location.get("region")), text(location.get("country"))
    if not any((code, city, region, country)):
        return None
    parts = [part for part in (city, region, country) if part]
    return Location(city=city, country=code.upper() if code else country, raw=", ".join(parts) or None, state=region)


def social_media(web: Any) -> tuple[SocialMedia, ...]:
    result = []
    for key, value in _dict(web).items():
        link = text(value)
        if not link:
            continue
        if key == "skype":
            result.append(SocialMedia(username=link, type="SKYPE"))
        else:
            result.append(SocialMedia(link=link, type=WEB_TYPES.get(key, key.upper())))
    return tuple(result)


def current_experience(experience: Any) -> JsonDict:
    """The candidate's current position (company and title), or the first one listed."""
    entries = [entry for entry in _list(experience) if isinstance(entry, dict)]
    return next((entry for entry in entries if entry.get("current")), entries[0] if entries else {})


def _placeholder(value: Any) -> str | None:
    # What `create_application` writes for an unknown title or company ("-") is no information.
    value = text(value)
    return None if value == "-" else value


def candidate(raw: JsonDict, *, web: str) -> RemoteCandidate:
    """`GET /candidates/{id}` (CandidateDetails). The source is the primary assignment's (SmartRecruiters keeps
    sources per application)."""
    candidate_id = str(raw["id"])
    email = text(raw.get("email"))
    phone = text(raw.get("phoneNumber"))
    position = current_experience(raw.get("experience"))
    primary = _dict(raw.get("primaryAssignment"))
    return RemoteCandidate(
        remote_id=candidate_id,
        first_name=text(raw.get("firstName")),
        last_name=text(raw.get("lastName")),
        company=_placeholder(position.get("company")),
        title=_placeholder(position.get("title")),
        source=text(primary.get("source")),
        email_addresses=(EmailAddress(email_address=email),) if email else (),
        phone_numbers=(PhoneNumber(phone_number=phone),) if phone else (),
        social_media=social_media(raw.get("web")),
        location=candidate_location(raw.get("location")),
        tags=tuple(RemoteTag(remote_id=tag, name=tag) for tag in dict.fromkeys(_tags(raw.get("tags")))),
        remote_created_at=dt(raw.get("createdOn")),
        remote_updated_at=dt(raw.get("updatedOn")),
        # The recruiter UI's profile page: URL pattern NOT FOUND in the API docs (the app's people route).
        remote_url=f"{web}/app/people/candidates/{candidate_id}",
        remote_data=raw,
    )


def _tags(value: Any) -> list[str]:
    return [tag.strip() for tag in _list(value) if isinstance(tag, str) and tag.strip()]


def tag(name: str) -> RemoteTag:
    return RemoteTag(remote_id=name, name=name, remote_data={"tag": name})


def assignments(raw: JsonDict) -> list[JsonDict]:
    """A candidate's applications as its list item / details carry them (primary + secondary assignments)."""
    items = [raw.get("primaryAssignment"), *_list(raw.get("secondaryAssignments"))]
    return [item for item in items if isinstance(item, dict) and _dict(item.get("job")).get("id")]


# -- applications -----------------------------------------------------------------------------------------

OUTCOMES = {"HIRED": "HIRED", "REJECTED": "DECLINED", "WITHDRAWN": "DECLINED"}


def outcome(status: str | None) -> str:
    """HIRED → HIRED, REJECTED / WITHDRAWN → DECLINED, anything else → PENDING."""
    return OUTCOMES.get(status or "", "PENDING")


def current_stage(status: str | None, sub_status: str | None, history: Sequence[JsonDict]) -> str | None:
    """The stage of a status; for an ended application (rejected, withdrawn, transferred) the stage it was in last."""
    if status in PIPELINE_STATUSES:
        return stage_id(status, sub_status if status in SUB_STATUS_STATUSES else None)
    for entry in reversed(history):
        previous = entry.get("status")
        if previous in PIPELINE_STATUSES:
            sub = text(entry.get("subStatus"))
            return stage_id(previous, sub if previous in SUB_STATUS_STATUSES else None)
    return None


def source_from_action(value: Any) -> tuple[str, str, str | None] | None:
    """(type id, value id, subtype id) from `actions.sourceDetails.url`
    (`…/configuration/sources/{type}/values/{valueId}?sourceSubType=…`, SR-RB assignment_actions.rb)."""
    url = text(_dict(value).get("url"))
    if not url:
        return None
    parts = urlsplit(url)
    segments = [unquote(segment) for segment in parts.path.split("/") if segment]
    try:
        at = len(segments) - 1 - segments[::-1].index("sources")
    except ValueError:
        return None
    rest = segments[at + 1 :]
    if len(rest) != 3 or rest[1] != "values":
        return None
    subtype = parse_qs(parts.query).get("sourceSubType", [None])[0]
    return rest[0], rest[2], subtype


def application(
    candidate_id: str,
    job_id: str,
    raw: JsonDict,
    *,
    history: Sequence[JsonDict],
    answers: Sequence[JsonDict],
) -> RemoteApplication:
    """`GET /candidates/{id}/jobs/{jobId}` + its status history (rejected_at and the remote timestamps: the
    Application object has no dates) + its screening answers."""
    status = text(raw.get("status"))
    sub_status = text(raw.get("subStatus"))
    changes = [entry for entry in history if isinstance(entry, dict)]
    times = [when for entry in changes if (when := dt(entry.get("changedOn")))]
    rejected_at = None
    if status in ("REJECTED", "WITHDRAWN"):
        rejected_at = next((dt(e.get("changedOn")) for e in reversed(changes) if e.get("status") == status), None)
    rejection = _dict(raw.get("reasonOfRejection"))
    withdrawal = _dict(raw.get("reasonOfWithdrawal"))
    reason = rejection if status == "REJECTED" else withdrawal if status == "WITHDRAWN" else {}
    return RemoteApplication(
        remote_id=application_id(candidate_id, job_id),
        candidate_remote_id=candidate_id,
        job_remote_id=job_id,
        current_stage_remote_id=current_stage(status, sub_status, changes),
        outcome=outcome(status),
        # Withdrawal reasons are not rejection reasons (another list): only the name is passed on for them.
        rejection_reason_remote_id=text(rejection.get("id")) if status == "REJECTED" else None,
        rejection_reason_name=text(reason.get("label")),
        rejected_at=rejected_at,
        source=text(raw.get("source")),
        screening_question_answers=screening_answers(answers),
        remote_created_at=min(times) if times else None,
        remote_updated_at=max(times) if times else None,
        remote_url=text(raw.get("url")),
        remote_data={"application": raw, "statusHistory": list(changes), "screeningAnswers": list(answers)},
    )


def _answer_values(record: JsonDict) -> list[tuple[str, str]]:
    values = []
    for field in _list(record.get("fields")):
        for value in _list(_dict(field).get("values")):
            if isinstance(value, dict) and value.get("id") is not None:
                values.append((str(value["id"]), text(value.get("label")) or str(value["id"])))
    return values


def screening_answers(answers: Sequence[JsonDict]) -> tuple[ScreeningAnswer, ...]:
    """`GET /candidates/{id}/jobs/{jobId}/screening-answers` (ScreeningAnswer{id, type, label, records}) →
    answers. `select` serves single and multi selects alike (SR-RB ScreeningAnswer.type): one chosen value reads
    as a single select, several as a multi select. Choices are the options' names, as the ATS shows them."""
    result = []
    for answer in answers:
        if not isinstance(answer, dict) or answer.get("id") is None:
            continue
        kind = answer.get("type")
        title = text(answer.get("label")) or text(answer.get("name")) or str(answer["id"])
        records = [record for record in _list(answer.get("records")) if isinstance(record, dict)]
        values = [value for record in records for value in _answer_values(record)]
        question_id = str(answer["id"])
        if kind == "info":
            continue
        if len(records) > 1:  # a repeatable question: kept as it is
            result.append(ScreeningAnswer(question_id, title, "UNKNOWN", answer.get("records")))
        elif kind in ("text", "textarea"):
            result.append(ScreeningAnswer(question_id, title, "TEXT", " ".join(label for _, label in values) or None))
        elif kind == "radio" or (kind == "select" and len(values) == 1):
            result.append(ScreeningAnswer(question_id, title, "SINGLE_SELECT", values[0][1] if values else None))
        elif kind == "select":
            result.append(ScreeningAnswer(question_id, title, "MULTI_SELECT", tuple(name for _, name in values)))
        elif kind in ("checkbox", "acknowledgement") and all(value in ("true", "false") for value, _ in values):
            result.append(ScreeningAnswer(question_id, title, "BOOLEAN", bool(values) and values[0][0] == "true"))
        elif kind == "checkbox":
            result.append(ScreeningAnswer(question_id, title, "MULTI_SELECT", tuple(name for _, name in values)))
        else:
            result.append(ScreeningAnswer(question_id, title, "UNKNOWN", answer.get("records")))
    return tuple(result)


# -- offers, interviews, notes, attachments ----------------------------------------------------------------

# Offer.status (SR-RB offer_status.rb) → the contract's closed enum.
OFFER_STATUSES = {
    "CREATED": "DRAFT",
    "PENDING_APPROVAL": "DRAFT",
    "NOT_APPROVED": "DRAFT",  # turned down by its approvers: never sent, may be revised
    "APPROVED": "APPROVED",
    "PENDING_ACCEPTANCE": "SENT",
    "ACCEPTED": "ACCEPTED",
    "NOT_ACCEPTED": "DECLINED",
    "ABANDONED": "ABANDONED",
}


def offer(raw: JsonDict, *, candidate_id: str, job_id: str) -> RemoteOffer:
    """`GET /candidates/{id}/jobs/{jobId}/offers`: the Offer model names neither candidate nor job, so the
    application comes from the endpoint that listed it."""
    return RemoteOffer(
        remote_id=str(raw["id"]),
        application_remote_id=application_id(candidate_id, job_id),
        status=OFFER_STATUSES.get(str(raw.get("status"))),
        remote_created_at=dt(raw.get("createdOn")),
        remote_updated_at=dt(raw.get("updatedOn")),
        custom_fields=custom_properties(raw.get("properties")),
        remote_data=raw,
    )


def interview(raw: JsonDict) -> RemoteInterview:
    """An interview of the Interview API (SR-DOC https://developers.smartrecruiters.com/reference/interviews): one
    interview with time slots; ours spans its earliest start to its latest end, every slot's interviewers."""
    slots = [slot for slot in _list(raw.get("timeslots")) if isinstance(slot, dict)]
    starts = [when for slot in slots if (when := dt(slot.get("startsOn")))]
    ends = [when for slot in slots if (when := dt(slot.get("endsOn")))]
    users = [
        str(person["id"])
        for slot in slots
        for person in _list(slot.get("interviewers"))
        if isinstance(person, dict) and person.get("id")
    ]
    candidate_id = text(_dict(raw.get("candidate")).get("id"))
    job_id = text(raw.get("jobId"))
    title = next((text(slot.get("title")) for slot in slots if text(slot.get("title"))), None)
    place = text(raw.get("location")) or next(
        (text(slot.get("place")) for slot in slots if text(slot.get("place"))), None
    )
    url = place if place and place.startswith(("http://", "https://")) else None
    return RemoteInterview(
        remote_id=str(raw["id"]),
        application_remote_id=application_id(candidate_id, job_id) if candidate_id and job_id else None,
        title=title,
        starting_at=min(starts) if starts else None,
        ending_at=max(ends) if ends else None,
        location=Location(raw=place) if place and not url else None,
        video_conferencing_url=url,
        canceled=None,
        user_remote_ids=tuple(dict.fromkeys(users)),
        remote_created_at=dt(raw.get("createdOn")),
        remote_data=raw,
    )


_TRAILING_CANDIDATE_TAG = re.compile(r"\s*#\[CANDIDATE:[^\]]*\]\s*$")
_CANDIDATE_TAG = re.compile(r"#\[CANDIDATE:[^\]]*\]")
_USER_MENTION = re.compile(r"@\[USER:([^\]]*)\]")


def note_text(content: str, *, candidate_name: str | None = None) -> str:
    """A message's text without SmartRecruiters' markup: the `#[CANDIDATE:id]` link that ends it (how notes are
    filed on a profile) is dropped, one inside the text reads as the candidate's name, `@[USER:id]` as `@id`."""
    plain = _TRAILING_CANDIDATE_TAG.sub("", content)
    plain = _CANDIDATE_TAG.sub(candidate_name or "the candidate", plain)
    return _USER_MENTION.sub(lambda match: "@" + match.group(1), plain).strip()


def note_id(candidate_id: str, raw: JsonDict) -> str:
    digest = hashlib.sha256(
        "\x1f".join(
            str(part or "") for part in (candidate_id, raw.get("createdOn"), raw.get("authorId"), raw.get("content"))
        ).encode("utf-8")
    ).hexdigest()
    return f"msg-{digest[:32]}"


def note(raw: JsonDict, *, candidate_id: str, job_ids: Iterable[str], candidate_name: str | None = None) -> RemoteNote:
    """A Hireloop message of `GET /messages?candidateId=` (MessageView{content, createdOn, visibility, authorId,
    context}). It belongs to an application when its context names exactly one of the candidate's jobs."""
    context_jobs = [str(item) for item in _list(_dict(raw.get("context")).get("jobIds"))]
    applied = set(job_ids)
    jobs = [job_id for job_id in context_jobs if job_id in applied]
    content = note_text(str(raw.get("content") or ""), candidate_name=candidate_name)
    return RemoteNote(
        remote_id=note_id(candidate_id, raw),
        candidate_remote_id=candidate_id,
        application_remote_id=application_id(candidate_id, jobs[0]) if len(jobs) == 1 else None,
        author_remote_id=text(raw.get("authorId")),
        content_html=html.escape(content).replace("\n", "<br>") if content else None,
        remote_created_at=dt(raw.get("createdOn")),
        remote_data=raw,
    )


ATTACHMENT_TYPES = {"RESUME": "CV", "COVER_LETTER": "COVER_LETTER", "GENERIC_FILE": "OTHER"}
ATTACHMENT_TYPES_OUT = {"CV": "RESUME", "COVER_LETTER": "COVER_LETTER", "OTHER": "GENERIC_FILE"}


def attachment(raw: JsonDict, *, candidate_id: str, job_id: str | None) -> RemoteAttachment:
    return RemoteAttachment(
        remote_id=str(raw["id"]),
        candidate_remote_id=candidate_id,
        application_remote_id=application_id(candidate_id, job_id) if job_id else None,
        file_name=text(raw.get("name")),
        type=ATTACHMENT_TYPES.get(str(raw.get("type")), "OTHER"),
        content_type=text(raw.get("contentType")),
        remote_data=raw,
    )


# -- sources ----------------------------------------------------------------------------------------------


def source(type_id: str, raw: JsonDict) -> RemoteSource:
    """A value of `GET /configuration/sources/{type}/values` (Source{id, sourceIdentifier, label, sourceSubType})."""
    subtype = text(_dict(raw.get("sourceSubType")).get("id"))
    return RemoteSource(
        remote_id=source_id(type_id, str(raw["id"])),
        label=text(raw.get("label")) or str(raw["id"]),
        type=type_id,
        subtype=subtype,
        remote_data=raw,
    )


# -- writes: our DTOs → SmartRecruiters bodies ---------------------------------------------------------------

# SmartRecruiters keeps one experience entry per position with a title and a start date; neither is known for the
# candidate's current company, so placeholders stand in (`remote_fields.smartrecruiters.candidate.experience`
# replaces the whole list). "When" dates are `YYYY-MM-DD` here; their exact format is NOT FOUND (reference A5).
PLACEHOLDER_TITLE = "-"
PLACEHOLDER_START_DATE = "2100-01-01"
# Application API attachments: "Base64, ≤2 MB each, PDF/DOC(X)/RTF/JPG/PNG" (SR-DOC post-an-application).
APPLY_FILE_MAX_BYTES = 2 * 1024 * 1024
APPLY_FILE_TYPES = frozenset(
    {
        "application/pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/rtf",
        "text/rtf",
        "image/jpeg",
        "image/png",
    }
)
_NETWORKS = (("linkedin.", "linkedIn"), ("facebook.", "facebook"), ("twitter.", "twitter"), ("x.com", "twitter"))


def country_name(code: str) -> str | None:
    country = pycountry.countries.get(alpha_2=code.upper())
    return getattr(country, "common_name", None) or getattr(country, "name", None) if country else None


def candidate_body(candidate: Any, *, apply: bool, warnings: list[str]) -> JsonDict:
    """`CandidateInput` (POST /jobs/{id}/candidates) or the person part of `ApplyApiRequest` from a CandidateInput
    DTO. What SmartRecruiters has no field for is named in `warnings`."""
    body: JsonDict = {
        "firstName": candidate.first_name,
        "lastName": candidate.last_name,
        "email": candidate.email_address,
    }
    if candidate.phone_number:
        body["phoneNumber"] = candidate.phone_number
    location = candidate.location
    if location is not None:
        place: JsonDict = {"countryCode": location.country.lower()}
        name = country_name(location.country)
        if name:
            place["country"] = name
        if location.city:
            place["city"] = location.city
        if location.state:
            place["region"] = location.state
        body["location"] = place
        dropped = [name for name, value in (("street_1", location.street_1), ("zip_code", location.zip_code)) if value]
        if dropped:
            warnings.append(
                f"candidate.location.{', candidate.location.'.join(dropped)}: SmartRecruiters keeps only country, "
                "region and city of a candidate; not written."
            )
    web: JsonDict = {}
    for url in candidate.social_links:
        host = urlsplit(url).netloc.lower()
        key = next((key for needle, key in _NETWORKS if needle in host), "website")
        if key == "linkedIn" and not apply:
            key = "linkedin"  # CandidateInput's WebProfile spells it `linkedin` (SR-PY), ApplyApiRequest `linkedIn`
        if key in web:
            warnings.append(f"candidate.social_links: SmartRecruiters keeps one {key} link; {url} not written.")
            continue
        web[key] = url
    if web:
        body["web"] = web
    if candidate.company or candidate.title:
        body["experience"] = [
            {
                "title": candidate.title or PLACEHOLDER_TITLE,
                "company": candidate.company or PLACEHOLDER_TITLE,
                "current": True,
                "startDate": PLACEHOLDER_START_DATE,
            }
        ]
    return body


def answer_values(field: JsonDict, answer: Any) -> list[str] | None:
    """The values of one answer for the question's answer field (ids for selects, text otherwise), None when the
    answer cannot be expressed for that field."""
    kind = field.get("type")
    value = answer.value
    if isinstance(value, tuple | list):
        values = [str(item) for item in value]
    elif isinstance(value, bool):
        values = ["true" if value else "false"]
    elif isinstance(value, float) and value.is_integer():
        values = [str(int(value))]
    elif hasattr(value, "isoformat"):
        values = [value.isoformat()]
    elif isinstance(value, str | int | float):
        values = [str(value)]
    else:
        return None
    if kind in ("INPUT_TEXT", "TEXTAREA"):
        return values if len(values) == 1 else None
    if kind in ("SINGLE_SELECT", "RADIO"):
        return values if len(values) == 1 else None
    if kind == "CHECKBOX" and not field.get("values"):
        return values if values in (["true"], ["false"]) else None
    if kind in ("MULTI_SELECT", "CHECKBOX"):
        return values
    return None


def attachment_type(kind: str) -> str:
    return ATTACHMENT_TYPES_OUT.get(kind, "GENERIC_FILE")
