"""Ashby offers, interview events, notes and files → DTOs (pure). Shapes: reference B5 ("Offers", "Interviews",
"Notes", "Files")."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from apps.connectors.dtos import Location, RemoteAttachment, RemoteInterview, RemoteNote, RemoteOffer
from apps.core.timeutils import parse_datetime

Raw = dict[str, Any]
# `acceptanceStatus` decides once the candidate answered; before that `offerStatus` tells how far the offer got.
ACCEPTANCE = {"Accepted": "ACCEPTED", "Declined": "DECLINED", "Cancelled": "ABANDONED", "WaitingOnResponse": "SENT"}
OFFER_STATUS = {
    "WaitingOnApprovalStart": "DRAFT",
    "WaitingOnOfferApproval": "DRAFT",
    "WaitingOnApprovalDefinition": "DRAFT",
    "WaitingOnCandidateResponse": "SENT",
    "CandidateRejected": "DECLINED",
    "CandidateAccepted": "ACCEPTED",
    "OfferCancelled": "ABANDONED",
}


def _time(value: Any) -> datetime | None:
    return parse_datetime(value) if isinstance(value, str) and value else None


def offer(raw: Raw) -> RemoteOffer:
    version = raw.get("latestVersion") if isinstance(raw.get("latestVersion"), dict) else {}
    status = ACCEPTANCE.get(str(raw.get("acceptanceStatus"))) or OFFER_STATUS.get(str(raw.get("offerStatus")))
    start = version.get("startDate")
    return RemoteOffer(
        remote_id=str(raw["id"]),
        application_remote_id=str(raw["applicationId"]) if raw.get("applicationId") else None,
        status=status,
        employment_start_date=_time(f"{start}T00:00:00+00:00") if isinstance(start, str) and len(start) == 10 else None,
        remote_created_at=_time(version.get("createdAt")),
        remote_updated_at=_time(raw.get("decidedAt")) or _time(version.get("createdAt")),
        remote_data=raw,
    )


def interviews(schedule: Raw) -> list[RemoteInterview]:
    """One unified interview per event of an `interviewSchedule.list` row."""
    rows: list[RemoteInterview] = []
    canceled = schedule.get("status") == "Cancelled"
    for event in schedule.get("interviewEvents") or ():
        if not isinstance(event, dict):
            continue
        details = event.get("interview") if isinstance(event.get("interview"), dict) else {}
        location = event.get("location")
        rows.append(
            RemoteInterview(
                remote_id=str(event["id"]),
                application_remote_id=str(schedule.get("applicationId") or "") or None,
                stage_remote_id=str(schedule.get("interviewStageId") or "") or None,
                title=details.get("title"),
                starting_at=_time(event.get("startTime")),
                ending_at=_time(event.get("endTime")),
                location=Location(raw=location) if isinstance(location, str) and location else None,
                video_conferencing_url=event.get("meetingLink") or None,
                canceled=canceled,
                user_remote_ids=tuple(str(user) for user in event.get("interviewerUserIds") or ()),
                remote_created_at=_time(event.get("createdAt")),
                remote_updated_at=_time(event.get("updatedAt")),
                remote_data={
                    **event,
                    "interviewSchedule": {k: v for k, v in schedule.items() if k != "interviewEvents"},
                },
            )
        )
    return rows


def note(raw: Raw, candidate_remote_id: str) -> RemoteNote:
    author = raw.get("author") if isinstance(raw.get("author"), dict) else {}
    return RemoteNote(
        remote_id=str(raw["id"]),
        candidate_remote_id=candidate_remote_id,
        author_remote_id=str(author["id"]) if author.get("id") else None,
        content_html=raw.get("content"),
        is_private=raw.get("isPrivate") if isinstance(raw.get("isPrivate"), bool) else None,
        remote_created_at=_time(raw.get("createdAt")),
        remote_data=raw,
    )


def attachments(candidate: Raw) -> list[RemoteAttachment]:
    """The candidate's `fileHandles` (the resume among them is the CV); a file's URL comes from `file.info`."""
    resume = candidate.get("resumeFileHandle") if isinstance(candidate.get("resumeFileHandle"), dict) else {}
    rows: list[RemoteAttachment] = []
    for handle in candidate.get("fileHandles") or ():
        if not isinstance(handle, dict) or not handle.get("id"):
            continue
        rows.append(
            RemoteAttachment(
                remote_id=str(handle["id"]),
                candidate_remote_id=str(candidate["id"]),
                file_name=handle.get("name"),
                type="CV" if handle.get("id") == resume.get("id") else "OTHER",
                remote_data={**handle, "candidateId": candidate["id"]},
            )
        )
    return rows
