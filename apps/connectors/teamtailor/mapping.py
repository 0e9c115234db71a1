"""Teamtailor JSON:API resources → DTOs, pure functions. Attribute names are T-DOC's (reference B5)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from apps.connectors.dtos import (
    EmailAddress,
    PhoneNumber,
    RemoteApplication,
    RemoteApplicationStage,
    RemoteAttachment,
    RemoteCandidate,
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
    ScreeningAnswer,
    ScreeningQuestionOption,
    SocialMedia,
)

Raw = dict[str, Any]
Included = Mapping[tuple[str, str], Raw]
# Our own marker in the `referring-url` we write: the source name travels in its query so it reads back exactly.
SOURCE_PARAM = "tributary_source"
JOB_STATUS = {"open": "OPEN", "draft": "DRAFT", "archived": "ARCHIVED", "unlisted": "OPEN", "temp": "DRAFT"}
JOB_VISIBILITY = {"open": "PUBLIC", "unlisted": "UNLISTED"}
REMOTE_STATUS = {"none": "ON_SITE", "hybrid": "HYBRID", "fully": "REMOTE", "temporary": "HYBRID"}
QUESTION_FORMAT = {"Text": "TEXT", "Boolean": "BOOLEAN", "Range": "NUMBER"}


def text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def dt(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def attrs(raw: Raw) -> Raw:
    value = raw.get("attributes")
    return value if isinstance(value, dict) else {}


def rel_id(raw: Raw, name: str) -> str | None:
    entry = (raw.get("relationships") or {}).get(name)
    data = entry.get("data") if isinstance(entry, dict) else None
    return str(data["id"]) if isinstance(data, dict) and data.get("id") is not None else None


def rel_ids(raw: Raw, name: str) -> list[str]:
    entry = (raw.get("relationships") or {}).get(name)
    data = entry.get("data") if isinstance(entry, dict) else None
    return [str(item["id"]) for item in data or () if isinstance(item, dict) and "id" in item]


# -- sources -----------------------------------------------------------------------------------------------


def referring_url(name: str) -> str:
    """The `referring-url` that carries the source `name`: Teamtailor shows its host as the referring site
    (`referring-site`, derived by Teamtailor); a name that is a host name is used as the host, any other name is
    turned into one (`Tributary Jobs` → `tributary-jobs`), and the exact name rides along in our query parameter."""
    candidate = name.strip().lower()
    if not re.fullmatch(r"[a-z0-9.-]+\.[a-z]{2,}", candidate):
        candidate = re.sub(r"[^a-z0-9]+", "-", candidate).strip("-") or "source"
    return f"https://{candidate}/?{SOURCE_PARAM}={quote(name.strip())}"


def source_of(raw: Raw) -> RemoteSource | None:
    """The source a candidate or job application shows: our exact name when the URL is ours, else the site."""
    values = attrs(raw)
    url = text(values.get("referring-url"))
    site = text(values.get("referring-site"))
    if url:
        ours = parse_qs(urlsplit(url).query).get(SOURCE_PARAM)
        if ours:
            return RemoteSource(remote_id=url, label=ours[0], remote_data={"referring-site": site})
    if site:
        return RemoteSource(remote_id=url or site, label=site, remote_data={"referring-site": site})
    return None


# -- records -----------------------------------------------------------------------------------------------


def user(raw: Raw) -> RemoteUser:
    values = attrs(raw)
    first, _, last = (text(values.get("name")) or "").partition(" ")
    return RemoteUser(
        remote_id=str(raw["id"]),
        first_name=first or None,
        last_name=last or None,
        email=text(values.get("email")),
        status="ACTIVE" if values.get("role") != "no_access" else "INACTIVE",
        remote_data=raw,
    )


def rejection_reason(raw: Raw) -> RemoteRejectionReason:
    return RemoteRejectionReason(remote_id=str(raw["id"]), name=text(attrs(raw).get("reason")), remote_data=raw)


def application_stage(raw: Raw) -> RemoteApplicationStage:
    return RemoteApplicationStage(remote_id=str(raw["id"]), name=text(attrs(raw).get("name")), remote_data=raw)


def screening_question(question: Raw, picked: Raw | None, index: int) -> RemoteScreeningQuestion:
    values = attrs(question)
    kind = str(values.get("question-type") or "")
    options: tuple[ScreeningQuestionOption, ...] = ()
    details: Raw = {}
    if kind == "Choice":
        fmt = "MULTI_SELECT" if values.get("multiple") else "SINGLE_SELECT"
        # Answers take `choices` as indexes into `alternatives` (T-DOC answers): the index is the option's id.
        options = tuple(
            ScreeningQuestionOption(remote_id=str(position), name=str(label))
            for position, label in enumerate(values.get("alternatives") or ())
        )
    elif kind == "Text":
        fmt = "TEXT"
        details = {"display_type": "SINGLE_LINE" if values.get("single-line") else "MULTI_LINE"}
    elif kind == "Range":
        fmt = "NUMBER"
        details = {
            k: v for k, v in (("min", values.get("start-with")), ("max", values.get("end-with"))) if v is not None
        }
    elif kind == "Boolean":
        fmt = "BOOLEAN"
    else:
        fmt = "UNKNOWN"  # Video: "It is not possible to create file or video answer via API"
        details = {"raw_question": question}
    mandatory = attrs(picked).get("mandatory") if picked else None
    return RemoteScreeningQuestion(
        remote_id=str(question["id"]),
        title=text(values.get("title")),
        format_type=fmt,
        format_details=details,
        options=options,
        required=mandatory if isinstance(mandatory, bool) else None,
        index=index,
        remote_data=question,
    )


def job(raw: Raw, included: Included) -> RemoteJob:
    values = attrs(raw)
    status = str(values.get("status") or "")
    stages = sorted(
        (included[("stages", key)] for key in rel_ids(raw, "stages") if ("stages", key) in included),
        key=lambda item: (attrs(item).get("row-order") or 0, int(item["id"])),
    )
    picked = [
        included[("picked-questions", key)]
        for key in rel_ids(raw, "picked-questions")
        if ("picked-questions", key) in included
    ]
    questions = []
    for index, entry in enumerate(picked):
        question = included.get(("questions", rel_id(entry, "question") or ""))
        if question is not None:
            questions.append(screening_question(question, entry, index))
    links = raw.get("links") if isinstance(raw.get("links"), dict) else {}
    url = text(links.get("careersite-job-url"))
    return RemoteJob(
        remote_id=str(raw["id"]),
        name=text(values.get("title")),
        description=text(values.get("body")),
        post_url=url,
        status=JOB_STATUS.get(status, status.upper() or None),
        visibility="INTERNAL" if values.get("internal") else JOB_VISIBILITY.get(status),
        remote_work_status=REMOTE_STATUS.get(str(values.get("remote-status") or "")),
        remote_created_at=dt(values.get("created-at")),
        remote_updated_at=dt(values.get("updated-at")),
        stages=tuple(
            RemoteStage(remote_id=str(item["id"]), name=text(attrs(item).get("name")), index=index, remote_data=item)
            for index, item in enumerate(stages)
        ),
        screening_questions=tuple(questions),
        job_postings=(
            RemoteJobPosting(
                remote_id=str(raw["id"]),
                title=text(values.get("title")),
                description_html=text(values.get("body")),
                url=url,
                status={"open": "ACTIVE", "unlisted": "ACTIVE", "draft": "DRAFT"}.get(status, "INACTIVE"),
                visibility="INTERNAL" if values.get("internal") else JOB_VISIBILITY.get(status),
            ),
        ),
        remote_data=raw,
    )


def candidate(raw: Raw) -> RemoteCandidate:
    values = attrs(raw)
    email, phone = text(values.get("email")), text(values.get("phone"))
    linkedin = text(values.get("linkedin-url"))
    source = source_of(raw)
    return RemoteCandidate(
        remote_id=str(raw["id"]),
        first_name=text(values.get("first-name")),
        last_name=text(values.get("last-name")),
        source=source.label if source else None,
        email_addresses=(EmailAddress(email_address=email),) if email else (),
        phone_numbers=(PhoneNumber(phone_number=phone),) if phone else (),
        social_media=(SocialMedia(link=linkedin, type="LINKEDIN"),) if linkedin else (),
        tags=tuple(RemoteTag(remote_id=tag, name=tag) for tag in values.get("tags") or () if isinstance(tag, str)),
        remote_created_at=dt(values.get("created-at")),
        remote_updated_at=dt(values.get("updated-at")),
        remote_data=raw,
    )


def outcome(raw: Raw, stage: Raw | None) -> str:
    """DECLINED ⇔ `rejected-at` is set; HIRED ⇔ the current stage's `stage-type` is Hired; else PENDING (B6)."""
    if attrs(raw).get("rejected-at"):
        return "DECLINED"
    if stage is not None and str(attrs(stage).get("stage-type") or "").lower() == "hired":
        return "HIRED"
    return "PENDING"


def application(raw: Raw, included: Included) -> RemoteApplication:
    values = attrs(raw)
    stage_id = rel_id(raw, "stage")
    reason_id = rel_id(raw, "reject-reason")
    reason = included.get(("reject-reasons", reason_id or ""))
    source = source_of(raw)
    return RemoteApplication(
        remote_id=str(raw["id"]),
        candidate_remote_id=rel_id(raw, "candidate") or "",
        job_remote_id=rel_id(raw, "job"),
        current_stage_remote_id=stage_id,
        outcome=outcome(raw, included.get(("stages", stage_id or ""))),
        rejection_reason_remote_id=reason_id,
        rejection_reason_name=text(attrs(reason).get("reason")) if reason else None,
        rejected_at=dt(values.get("rejected-at")),
        source=source.label if source else None,
        screening_question_answers=screening_answers(raw, included),
        remote_created_at=dt(values.get("created-at")),
        remote_updated_at=dt(values.get("updated-at")),
        remote_data=raw,
    )


def screening_answers(application: Raw, included: Included) -> tuple[ScreeningAnswer, ...]:
    """The candidate's answers to this application's job's questions, in the job's order (both come through
    `include`; see reads.APPLICATION_INCLUDE). `choices` are indexes into the question's `alternatives`."""
    job = included.get(("jobs", rel_id(application, "job") or ""))
    candidate = included.get(("candidates", rel_id(application, "candidate") or ""))
    if job is None or candidate is None:
        return ()
    order = {question_id: index for index, question_id in enumerate(rel_ids(job, "questions"))}
    found: list[tuple[int, ScreeningAnswer]] = []
    for answer_id in rel_ids(candidate, "answers"):
        answer = included.get(("answers", answer_id))
        question_id = rel_id(answer, "question") if answer else None
        if answer is None or question_id not in order:
            continue
        question = included.get(("questions", question_id or ""))
        found.append((order[question_id or ""], screening_answer(answer, question, question_id)))
    return tuple(answer for _, answer in sorted(found, key=lambda pair: pair[0]))


def screening_answer(answer: Raw, question: Raw | None, question_id: str | None) -> ScreeningAnswer:
    values, asked = attrs(answer), attrs(question) if question else {}
    title = text(asked.get("title")) or ""
    kind = asked.get("question-type")
    alternatives = list(asked.get("alternatives") or ())
    if kind == "Choice":
        labels = [
            str(alternatives[i])
            for i in values.get("choices") or ()
            if isinstance(i, int) and 0 <= i < len(alternatives)
        ]
        if asked.get("multiple"):
            return ScreeningAnswer(question_id, title, "MULTI_SELECT", labels)
        return ScreeningAnswer(question_id, title, "SINGLE_SELECT", labels[0] if labels else None)
    if kind == "Boolean":
        return ScreeningAnswer(question_id, title, "BOOLEAN", values.get("boolean"))
    if kind == "Range":
        return ScreeningAnswer(question_id, title, "NUMBER", values.get("range"))
    if kind == "Text":
        return ScreeningAnswer(question_id, title, "TEXT", values.get("text"))
    return ScreeningAnswer(question_id, title, "UNKNOWN", values)  # Video (not writable, read as it is)


def note(raw: Raw) -> RemoteNote:
    values = attrs(raw)
    author = values.get("user-id")
    return RemoteNote(
        remote_id=str(raw["id"]),
        candidate_remote_id=str(values.get("candidate-id") or ""),
        author_remote_id=str(author) if author is not None else None,
        content_html=text(values.get("note")),
        is_private=values.get("private-note") if isinstance(values.get("private-note"), bool) else None,
        remote_created_at=dt(values.get("created-at")),
        remote_updated_at=dt(values.get("updated-at")),
        remote_data=raw,
    )


def attachment(raw: Raw, included: Included) -> RemoteAttachment:
    """An upload (`GET /uploads?include=candidate,job`): a file on the candidate, maybe for a job. Its `url` is
    signed and valid for a minute (T-DOC), so it is kept in `remote_data` only, never as a lasting link."""
    values = attrs(raw)
    return RemoteAttachment(
        remote_id=str(raw["id"]),
        candidate_remote_id=rel_id(raw, "candidate") or "",
        file_name=text(values.get("file-name")),
        remote_created_at=dt(values.get("created-at")),
        remote_data=raw,
    )


def offer(raw: Raw, included: Included) -> RemoteOffer:
    """A job offer (`GET /job-offers?include=job-application`, T-3P schema). assumed enums: `status` draft / sent /
    answered, `response` accepted / declined (NOT FOUND)."""
    values = attrs(raw)
    status = str(values.get("status") or "")
    response = str(values.get("response") or "")
    unified = {"accepted": "ACCEPTED", "declined": "DECLINED"}.get(response) if status == "answered" else None
    return RemoteOffer(
        remote_id=str(raw["id"]),
        application_remote_id=rel_id(raw, "job-application"),
        status=unified or {"draft": "DRAFT", "sent": "SENT"}.get(status),
        remote_created_at=dt(values.get("created-at")),
        remote_updated_at=dt(values.get("answered-at")) or dt(values.get("sent-at")) or dt(values.get("created-at")),
        remote_data=raw,
    )
