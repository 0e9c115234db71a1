"""Ashby state changes (reference B4/B5): candidates, applications, stages, sources, notes, tags, files, forms."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from apps.connectors.ashby.emulator.state import JsonDict, Refused, State
from apps.connectors.emulation.records import fmt


def _text(body: JsonDict, name: str, *, required: bool = False) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise Refused("invalid_input", f"{name} must be a non-empty string")
    return value.strip()


def source_json(state: State, source_id: str | None) -> JsonDict | None:
    if source_id is None:
        return None
    source = state.sources[source_id]
    return {
        "id": source["id"],
        "title": source["title"],
        "isArchived": source["isArchived"],
        "sourceType": dict(state.source_types[source["sourceTypeId"]]),
    }


def resolve_source(state: State, body: JsonDict, default_source_id: str | None) -> str | None:
    """`sourceId` must name an existing, unarchived source; absent, the API key's default source applies (B4.5)."""
    if "sourceId" not in body or body["sourceId"] is None:
        return default_source_id
    source = state.sources.get(body["sourceId"]) if isinstance(body["sourceId"], str) else None
    if source is None or source["isArchived"]:
        # assumed: the code for an unknown sourceId is not documented (reference C: use invalid_input)
        raise Refused("invalid_input", f"sourceId {body['sourceId']} is not an active source")
    return str(source["id"])


def create_candidate(
    state: State, body: JsonDict, *, default_source_id: str | None, at: datetime | None = None
) -> JsonDict:
    name = _text(body, "name", required=True)
    email = _text(body, "email")
    phone = _text(body, "phoneNumber")
    when = fmt(at or state.now())
    source_id = resolve_source(state, body, default_source_id)
    emails = [{"value": email, "type": "Personal", "isPrimary": True}] if email else []
    phones = [{"value": phone, "type": "Personal", "isPrimary": True}] if phone else []
    links = [
        {"type": kind, "url": body[key]}
        for key, kind in (("linkedInUrl", "LinkedIn"), ("githubUrl", "GitHub"), ("website", "Website"))
        if isinstance(body.get(key), str)
    ]
    location = body.get("location") if isinstance(body.get("location"), dict) else None
    candidate: JsonDict = {
        "id": state.new_id("c"),
        "createdAt": when,
        "updatedAt": when,
        "name": name,
        "primaryEmailAddress": emails[0] if emails else None,
        "emailAddresses": emails,
        "primaryPhoneNumber": phones[0] if phones else None,
        "phoneNumbers": phones,
        "socialLinks": links,
        "tags": [],
        "position": body.get("position"),
        "company": body.get("company"),
        "school": None,
        "applicationIds": [],
        "resumeFileHandle": None,
        "fileHandles": [],
        "customFields": [],
        "profileUrl": "",
        "source": source_json(state, source_id),
        "creditedToUser": None,
        "timezone": None,
        "location": _location(location),
    }
    candidate["profileUrl"] = f"https://app.ashbyhq.com/candidates/{candidate['id']}"
    state.candidates[candidate["id"]] = candidate
    state.touch("candidates", candidate, at=at)
    return candidate


def _location(location: JsonDict | None) -> JsonDict | None:
    if not location:
        return None
    parts = [
        (kind, location.get(key)) for key, kind in (("city", "City"), ("region", "Region"), ("country", "Country"))
    ]
    components = [{"type": kind, "name": value} for kind, value in parts if isinstance(value, str) and value]
    return {
        "id": "loc-" + "-".join(c["name"] for c in components),
        "locationSummary": ", ".join(c["name"] for c in components),
        "locationComponents": components,
    }


def stage_of(state: State, plan_id: str, stage_id: Any) -> JsonDict:
    for stage in state.plans.get(plan_id, []):
        if stage["id"] == stage_id:
            return stage
    raise Refused("interview_stage_not_found", f"Interview stage {stage_id} not found in plan {plan_id}")


def status_for(stage: JsonDict) -> str:
    return {"Lead": "Lead", "Hired": "Hired", "Archived": "Archived"}.get(stage["type"], "Active")


def create_application(
    state: State, body: JsonDict, *, default_source_id: str | None, at: datetime | None = None
) -> JsonDict:
    candidate = state.get("candidates", body.get("candidateId"), "candidate_not_found")
    job = state.get("jobs", body.get("jobId"), "job_not_found")
    if job["status"] != "Open":
        # assumed: the refusal of an application to a job that is not open is not documented
        raise Refused("job_not_open", f"Job {job['id']} is {job['status']}, not Open")
    if any(state.applications[aid]["job"]["id"] == job["id"] for aid in candidate["applicationIds"]):
        # assumed: the duplicate-application code is not documented
        raise Refused("application_already_exists", "The candidate already has an application for this job")
    plan_id = body.get("interviewPlanId") or job["defaultInterviewPlanId"]
    if plan_id not in job["interviewPlanIds"]:
        raise Refused("interview_plan_not_found", f"Interview plan {plan_id} not found for this job")
    stages = state.plans[plan_id]
    wanted = body.get("interviewStageId")
    if wanted is None:
        stage = next(s for s in stages if s["type"] == "Lead")
    elif wanted == "FirstPreInterviewScreen":
        stage = next(s for s in stages if s["type"] == "PreInterviewScreen")
    else:
        stage = stage_of(state, plan_id, wanted)
    source_id = resolve_source(state, body, default_source_id)
    when = fmt(at or state.now())
    application: JsonDict = {
        "id": state.new_id("a"),
        "createdAt": when,
        "updatedAt": when,
        "status": status_for(stage),
        "candidate": {k: candidate[k] for k in ("id", "name", "primaryEmailAddress", "primaryPhoneNumber")},
        "currentInterviewStage": {**stage, "interviewPlanId": plan_id},
        "source": source_json(state, source_id),
        "archiveReason": None,
        "archivedAt": None,
        "customFields": [],
        "job": {k: job[k] for k in ("id", "title", "locationId", "departmentId")},
        "creditedToUser": None,
        "hiringTeam": [],
        "appliedViaJobPostingId": body.get("_postingId"),
        "submitterClientIp": None,
        "submitterUserAgent": None,
        "applicationHistory": [_history(state, stage, when, 0)],
    }
    state.applications[application["id"]] = application
    state.touch("applications", application, at=at)
    candidate["applicationIds"].append(application["id"])
    state.touch("candidates", candidate, at=at)
    return application


def _history(state: State, stage: JsonDict, when: str, number: int) -> JsonDict:
    return {
        "id": state.new_id("h"),
        "stageId": stage["id"],
        "title": stage["title"],
        "stageNumber": number,
        "enteredStageAt": when,
        "allowedActions": ["set_entered_at"],
        "actorId": None,
    }


def change_stage(state: State, body: JsonDict) -> JsonDict:
    application = state.get("applications", body.get("applicationId"), "application_not_found")
    plan_id = application["currentInterviewStage"]["interviewPlanId"]
    stage = stage_of(state, plan_id, body.get("interviewStageId"))
    reason_id = body.get("archiveReasonId")
    if stage["type"] == "Archived":
        if reason_id is None:
            raise Refused("invalid_input", "archiveReasonId is required when moving to an Archived stage")
        reason = state.get("archive_reasons", reason_id, "archive_reason_not_found")
        if reason["isArchived"]:
            raise Refused("archive_reason_not_found", f"Archive reason {reason_id} is archived")
        application["archiveReason"] = dict(reason)
        application["archivedAt"] = fmt(state.now())
    else:
        if reason_id is not None:
            raise Refused("invalid_input", "archiveReasonId is only allowed when moving to an Archived stage")
        application["archiveReason"] = None
        application["archivedAt"] = None
    application["currentInterviewStage"] = {**stage, "interviewPlanId": plan_id}
    application["status"] = status_for(stage)
    history = application["applicationHistory"]
    history.append(_history(state, stage, fmt(state.now()), len(history)))
    state.touch("applications", application)
    return application


def change_source(state: State, body: JsonDict) -> JsonDict:
    application = state.get("applications", body.get("applicationId"), "application_not_found")
    if "sourceId" not in body:
        raise Refused("invalid_input", "sourceId is required (pass null to unset)")
    source_id = None if body["sourceId"] is None else resolve_source(state, body, None)
    application["source"] = source_json(state, source_id)
    state.touch("applications", application)
    return application


def create_note(state: State, body: JsonDict, author: JsonDict) -> JsonDict:
    candidate = state.get("candidates", body.get("candidateId"), "candidate_not_found")
    note = body.get("note")
    if isinstance(note, dict):
        if note.get("type") not in ("text/plain", "text/html") or not isinstance(note.get("value"), str):
            raise Refused("invalid_input", "note.type must be text/plain or text/html with a string value")
        content = note["value"]
    elif isinstance(note, str):
        content = note
    else:
        raise Refused("invalid_input", "note is required")
    if not content.strip():
        raise Refused("invalid_input", "note must not be empty")
    record = {
        "id": state.new_id("n"),
        "createdAt": fmt(state.now()),
        "isPrivate": bool(body.get("isPrivate")),
        "content": content,
        "author": author,
        "candidateId": candidate["id"],
    }
    state.notes[record["id"]] = record
    state.touch("notes", record)
    # assumed (not documented): a new note moves its candidate's `updatedAt`, as any change to the candidate does;
    # the connector's delta reads notes only for the candidates that changed.
    state.touch("candidates", candidate)
    return record


def create_tag(state: State, body: JsonDict) -> JsonDict:
    title = _text(body, "title", required=True)
    tag = {"id": state.new_id("t"), "title": title, "isArchived": False}
    state.tags[tag["id"]] = tag
    state.touch("tags", tag)
    return tag


def add_tag(state: State, body: JsonDict) -> JsonDict:
    candidate = state.get("candidates", body.get("candidateId"), "candidate_not_found")
    tag = state.get("tags", body.get("tagId"), "tag_not_found")
    if all(existing["id"] != tag["id"] for existing in candidate["tags"]):
        candidate["tags"].append(dict(tag))
        state.touch("candidates", candidate)
    return candidate


def add_file(
    state: State, candidate_id: Any, name: str, content: bytes, content_type: str, *, resume: bool
) -> JsonDict:
    candidate = state.get("candidates", candidate_id, "candidate_not_found")
    if not content:
        raise Refused("invalid_input", "The file is empty")
    handle = state.new_id("f")
    file = {"id": handle, "name": name, "handle": handle}
    state.files[handle] = {**file, "size": len(content), "contentType": content_type, "candidateId": candidate["id"]}
    if resume:
        candidate["resumeFileHandle"] = file
    candidate["fileHandles"].append(file)
    state.touch("candidates", candidate)
    return candidate
