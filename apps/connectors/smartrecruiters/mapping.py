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
    RemoteInterview,
    RemoteNote,
    RemoteOffer,
    RemoteRejectionReason,
    RemoteSource,
    RemoteStage,
    RemoteTag,
    RemoteUser,
    RoleAssignment,
    ScreeningAnswer,
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


def role_label(role_id: str) -> str:
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
                remote_id=role_id, remote_label=role_label(role_id), unified_type=SYSTEM_ROLE_TYPES.get(role_id)
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


def custom_properties(properties: Any) -> JsonDict:
    """Job / offer / candidate (application) `properties` (`[{id, label, value: {id, label} | str}]`) as
    `{label: value}`."""
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
    properties: Sequence[JsonDict] = (),
) -> RemoteApplication:
    """`GET /candidates/{id}/jobs/{jobId}` + its status history (rejected_at and the remote timestamps: the
    Application object has no dates) + its screening answers + its candidate property values (`properties`
    in `remote_data` when it has any: where the integration fields of candidate properties point)."""
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
        custom_fields=custom_properties(properties),
        remote_created_at=min(times) if times else None,
        remote_updated_at=max(times) if times else None,
        remote_url=text(raw.get("url")),
        remote_data={
            "application": raw,
            "statusHistory": list(changes),
            "screeningAnswers": list(answers),
            **({"properties": list(properties)} if properties else {}),
        },
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
