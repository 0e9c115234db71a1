"""Workable wire JSON of the emulator's records (reference A5), `GET /_emulator/state` and the seed counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from apps.connectors.workable.emulator.seed import SeedConfig
from apps.connectors.workable.emulator.state import STAGES, Candidate, Job, State


def wire_time(value: datetime | None) -> str | None:
    """ISO-8601 UTC with seconds, as the recorded responses (`2026-04-11T03:36:36Z`)."""
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def stages_json() -> list[dict[str, Any]]:
    return [
        {"id": 5272269 + index, "slug": slug, "name": name, "kind": kind, "position": index + 1}
        for index, (slug, name, kind) in enumerate(STAGES)
    ]


def job_json(job: Job, subdomain: str) -> dict[str, Any]:
    return {
        "id": job.id,
        "title": job.title,
        "full_title": f"{job.title} - {job.shortcode}",
        "shortcode": job.shortcode,
        "code": None,
        "state": job.state,
        "sample": False,
        "confidential": False,
        "department": job.department,
        "url": f"https://{subdomain}.workable.com/jobs/{job.shortcode}",
        "application_url": f"https://{subdomain}.workable.com/jobs/{job.shortcode}/candidates/new",
        "shortlink": f"https://apply.workable.com/j/{job.shortcode}",
        "workplace_type": "on_site",
        "location": {
            "location_str": f"{job.city}, United Kingdom",
            "country": "United Kingdom",
            "country_code": job.country_code,
            "region": None,
            "region_code": "England",
            "city": job.city,
            "zip_code": None,
            "telecommuting": False,
            "workplace_type": "on_site",
        },  # fmt: skip
        "salary": {"salary_from": 60000, "salary_to": 80000, "salary_currency": "gbp"},
        "created_at": wire_time(job.created_at),
        "updated_at": wire_time(job.updated_at),
        "keywords": None,
    }


def candidate_json(candidate: Candidate, state: State, *, detail: bool = False) -> dict[str, Any]:
    job = state.jobs.get(candidate.job_shortcode)
    name_by_slug = {slug: (name, kind) for slug, name, kind in STAGES}
    stage_name, stage_kind = name_by_slug[candidate.stage_slug]
    body: dict[str, Any] = {
        "id": candidate.id,
        "name": f"{candidate.firstname} {candidate.lastname}",
        "firstname": candidate.firstname,
        "lastname": candidate.lastname,
        "headline": candidate.headline,
        "account": {"subdomain": state.subdomain, "name": state.subdomain.title()},
        "job": {"shortcode": candidate.job_shortcode, "title": job.title if job else None},
        "stage": stage_name,  # the stage *name* (reference A5, recorded)
        "stage_kind": stage_kind,
        "disqualified": candidate.disqualified,
        "anonymized": False,
        "disqualification_reason": candidate.disqualification_reason,
        "hired_at": wire_time(candidate.hired_at),
        "sourced": candidate.sourced,
        "profile_url": f"https://{state.subdomain}.workable.com/backend/candidates/{candidate.id}",
        "address": None,
        "phone": candidate.phone,
        "email": candidate.email,
        "domain": candidate.domain,
        "outlet": None if candidate.domain else "SPI",
        "common_source": candidate.domain or "Unknown",
        "created_at": wire_time(candidate.created_at),
        "updated_at": wire_time(candidate.updated_at),
    }
    if detail:
        body.update(
            disqualified_at=wire_time(candidate.disqualified_at),
            withdrew=candidate.withdrew,
            tags=list(candidate.tags),
            answers=_answers_read(candidate, job),
            resume_url=f"https://files.workable.example/{candidate.id}/{candidate.resume['name']}"
            if candidate.resume
            else None,
        )
    return body


def _answers_read(candidate: Candidate, job: Job | None) -> list[dict[str, Any]]:
    """Read shape: `{"question":{"body"},"answer":{...}}` (reference A5; only text and choices are recorded, the
    other answer shapes are assumed to echo the written key)."""
    questions = {q["id"]: q for q in (job.questions if job else [])}
    out = []
    for answer in candidate.answers:
        question = questions.get(answer["question_key"], {})
        value = {k: v for k, v in answer.items() if k != "question_key"}
        if "choices" in value:
            names = {c["id"]: c["body"] for c in question.get("choices", [])}
            value = {"choices": [{"body": names.get(i, i)} for i in value["choices"]]}
        out.append({"question": {"body": question.get("body")}, "answer": value})
    return out


def event_json(event: dict[str, Any], state: State) -> dict[str, Any]:
    """Recorded `GET /events` item: `job{shortcode,title}`, `candidate{id,name}`, `members[]`, `conference`."""
    job = state.jobs.get(event["job_shortcode"])
    candidate = state.candidates.get(event["candidate_id"])
    name = f"{candidate.firstname} {candidate.lastname}" if candidate else None
    return {
        "id": event["id"], "title": event["title"], "description": event["description"], "type": event["type"],
        "starts_at": _ms(event["starts_at"]), "ends_at": _ms(event["ends_at"]), "cancelled": event["cancelled"],
        "job": {"shortcode": event["job_shortcode"], "title": job.title if job else None},
        "members": list(event["members"]), "candidate": {"id": event["candidate_id"], "name": name},
        "conference": event["conference"],
    }  # fmt: skip


def offer_json(candidate: Candidate) -> dict[str, Any]:
    """`GET /candidates/:id/offer` (WK-RB fixture): without an offer only `{"candidate": {...}}`."""
    body: dict[str, Any] = {"candidate": {"id": candidate.id, "name": f"{candidate.firstname} {candidate.lastname}"}}
    offer = candidate.offer
    if offer is None:
        return body
    variables = []
    if offer.get("salary"):
        variables.append(
            {"document_variable": {"name": "Salary", "slug": "salary"}, "value": {"data": offer["salary"]}}
        )
    if offer.get("start_date"):
        variables.append(
            {"document_variable": {"name": "Start Date", "slug": "start_date"}, "value": {"body": offer["start_date"]}}
        )
    return {**body, "created_at": _ms(offer["created_at"]), "state": offer["state"], "document_variables": variables,
            "documents": [{"name": "offer.pdf", "preview_url": f"https://files.workable.example/{candidate.id}/offer.pdf",
                           "kind": "offer"}]}  # fmt: skip


def files_json(candidate: Candidate) -> list[dict[str, Any]]:
    """`GET /candidates/:id/files` items `{name, preview_url, source, kind}` (keys from WK-NANGO's schema; the
    `kind` / `source` values are NOT FOUND: assumed `resume` / `candidate` for the CV, `attachment` / `comment`
    for a comment's file)."""
    base = f"https://files.workable.example/{candidate.id}"
    files = []
    if candidate.resume:
        files.append({"name": candidate.resume["name"], "preview_url": f"{base}/{candidate.resume['name']}",
                      "source": "candidate", "kind": "resume"})  # fmt: skip
    for comment in candidate.comments:
        attachment = comment.get("attachment")
        if isinstance(attachment, dict) and attachment.get("name"):
            files.append({"name": attachment["name"], "preview_url": f"{base}/{comment['id']}/{attachment['name']}",
                          "source": "comment", "kind": "attachment"})  # fmt: skip
    return files


def _ms(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%S.000Z") if value else None


def counts(state: State) -> dict[str, int]:
    return {"jobs": len(state.jobs), "candidates": len(state.candidates)}


def dump(state: State, config: SeedConfig) -> dict[str, Any]:
    return {
        "seed": config.as_json(),
        "counts": counts(state),
        "subdomain": state.subdomain,
        "jobs": [job_json(job, state.subdomain) for job in state.jobs.values()],
        "events": [event_json(event, state) for event in state.events.values()],
        "candidates": [
            {
                **candidate_json(c, state, detail=True),
                "stage_slug": c.stage_slug,
                "resume": c.resume,
                "raw_answers": c.answers,
                "moves": c.moves,
                "comments": [{**m, "created_at": wire_time(m["created_at"])} for m in c.comments],
                "offer": offer_json(c) if c.offer else None,
                "files": files_json(c),
            }  # fmt: skip
            for c in state.candidates.values()
        ],
    }
