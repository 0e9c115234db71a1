"""Ashby offers and interview schedules (reference B5 "Offers", "Interviews"): made in Ashby's interface (the
emulator's control endpoints and the seed stand in for it), read through `offer.list` and `interviewSchedule.list`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from apps.connectors.ashby.emulator.state import JsonDict, Refused, State
from apps.connectors.emulation.records import fmt

ACCEPTANCE = ("Accepted", "Declined", "Pending", "Created", "Cancelled", "WaitingOnResponse")
OFFER_STATUS = (
    "WaitingOnApprovalStart",
    "WaitingOnOfferApproval",
    "WaitingOnApprovalDefinition",
    "WaitingOnCandidateResponse",
    "CandidateRejected",
    "CandidateAccepted",
    "OfferCancelled",
)
SCHEDULE_STATUS = (
    "NeedsScheduling",
    "WaitingOnCandidateBooking",
    "WaitingOnCandidateAvailability",
    "CandidateAvailabilitySubmitted",
    "Scheduled",
    "WaitingOnFeedback",
    "Complete",
    "Cancelled",
)


def _choice(value: Any, allowed: tuple[str, ...], name: str) -> str:
    if value not in allowed:
        raise Refused("invalid_input", f"{name} must be one of {', '.join(allowed)}")
    return str(value)


def add_offer(state: State, body: JsonDict, *, at: datetime | None = None) -> JsonDict:
    """`{"applicationId", "acceptanceStatus"?, "offerStatus"?, "startDate"?, "salary"?}` → the `offer.list` row."""
    application = state.get("applications", body.get("applicationId"), "application_not_found")
    when = fmt(at or state.now())
    offer: JsonDict = {
        "id": state.new_id("o"),
        "decidedAt": None,
        "applicationId": application["id"],
        "acceptanceStatus": _choice(body.get("acceptanceStatus", "Pending"), ACCEPTANCE, "acceptanceStatus"),
        "offerStatus": _choice(body.get("offerStatus", "WaitingOnCandidateResponse"), OFFER_STATUS, "offerStatus"),
        "latestVersion": {
            "id": state.new_id("ov"),
            "startDate": body.get("startDate"),
            "salary": body.get("salary"),
            "createdAt": when,
            "openingId": None,
            "customFields": [],
            "fileHandles": [],
            "author": None,
        },
    }
    if offer["acceptanceStatus"] in ("Accepted", "Declined"):
        offer["decidedAt"] = when
    state.offers[offer["id"]] = offer
    state.touch("offers", offer, at=at)
    return offer


def add_schedule(state: State, body: JsonDict, *, at: datetime | None = None) -> JsonDict:
    """`{"applicationId", "status"?, "events": [{"title", "startTime", "endTime"?, "interviewerUserIds"?,
    "location"?, "meetingLink"?}]}` → the `interviewSchedule.list` row (one event per interview)."""
    application = state.get("applications", body.get("applicationId"), "application_not_found")
    when = fmt(at or state.now())
    schedule_id = state.new_id("is")
    events = []
    for item in body.get("events") or ():
        if not isinstance(item, dict) or not item.get("startTime"):
            raise Refused("invalid_input", "every event needs a startTime")
        users = [u for u in item.get("interviewerUserIds") or () if u in state.users]
        interview_id = state.new_id("iv")
        events.append(
            {
                "id": state.new_id("ie"),
                "interviewId": interview_id,
                "interviewScheduleId": schedule_id,
                "interviewerUserIds": users,
                "interviewers": [{**state.users[u], "trainingRole": None} for u in users],
                "createdAt": when,
                "updatedAt": when,
                "startTime": item["startTime"],
                "endTime": item.get("endTime"),
                "feedbackLink": f"https://app.ashbyhq.com/interview-briefings/{interview_id}/feedback",
                "location": item.get("location"),
                "meetingLink": item.get("meetingLink"),
                "hasSubmittedFeedback": False,
                "interview": {
                    "id": interview_id,
                    "title": str(item.get("title") or "Interview"),
                    "externalTitle": str(item.get("title") or "Interview"),
                    "isArchived": False,
                    "isDebrief": False,
                    "feedbackFormDefinitionId": None,
                },
                "extraData": {},
            }
        )
    schedule: JsonDict = {
        "id": schedule_id,
        "status": _choice(body.get("status", "Scheduled"), SCHEDULE_STATUS, "status"),
        "applicationId": application["id"],
        "interviewStageId": application["currentInterviewStage"]["id"],
        "interviewEvents": events,
        "updatedAt": when,  # assumed: a schedule carries its change time like the other records
    }
    state.schedules[schedule_id] = schedule
    state.touch("schedules", schedule, at=at)
    return schedule


def seed_pipeline(state: State, application: JsonDict, number: int, at: datetime) -> None:
    """Every fifth seeded application has an interview scheduled, every tenth an offer."""
    if number % 5 == 0:
        users = list(state.users)[:2]
        start = at + timedelta(days=3)
        event = {
            "title": "Technical Interview",
            "startTime": fmt(start),
            "endTime": fmt(start + timedelta(hours=1)),
            "interviewerUserIds": users,
            "meetingLink": f"https://meet.example.com/{number}",
        }
        add_schedule(state, {"applicationId": application["id"], "events": [event]}, at=at)
    if number % 10 == 0:
        body = {"applicationId": application["id"], "startDate": (at + timedelta(days=30)).date().isoformat()}
        add_offer(state, {**body, "salary": {"currencyCode": "EUR", "value": 65000}}, at=at)
