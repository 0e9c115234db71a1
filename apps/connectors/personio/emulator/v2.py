"""Personio Recruiting v2 reads: jobs, categories, candidates, applications, stage transitions.

Envelope `{"_data": [...], "_meta": {"links": {"self": {"href"}, "next": {"href"}}}}`, `limit` 1-200 (default 100)
and an opaque `cursor` (P-V2C); lists "sorted by last updated date, newest first" (P-DEV); `updated_at.gt` xor
`updated_at.lt` on candidates and applications; `candidate.email` on applications (P-3P). Never returns tags or
custom attributes (P-DEV). Shapes: A5 "v2 resources".
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from apps.connectors.emulation.http import HttpError, Request, Response
from apps.connectors.personio.emulator.state import Rec, State

READ_SCOPE = "personio:recruiting:read"
MAX_LIMIT = 200
DEFAULT_LIMIT = 100
TIMEZONE = "Europe/Berlin"  # the company's timezone on every timestamp (observed payloads, P-3P)
_ZONE = ZoneInfo(TIMEZONE)


def timestamp(value: datetime | None) -> dict[str, str] | None:
    """`{"date-time": "2025-06-01T10:00:00", "timezone": "Europe/Berlin"}`: local time, seconds (P-3P)."""
    if value is None:
        return None
    local = value.astimezone(_ZONE).replace(tzinfo=None)
    return {"date-time": local.isoformat(timespec="seconds"), "timezone": TIMEZONE}


def stage(raw: Rec) -> Rec:
    # `kind` / `type` values are NOT FOUND (A5): assumed `type` system|custom as the v1 `phase.type`, and `kind`
    # the system phase id (or "custom").
    return {"id": raw["id"], "kind": raw["id"] if raw["type"] == "system" else "custom", "name": raw["name"],
            "type": raw["type"]}  # fmt: skip


def bad_request(detail: str) -> HttpError:
    # The status of a refused list parameter is NOT FOUND (A2): assumed 400 with the v2 ErrorResponse.
    return HttpError(400, "common.invalid_request", detail)


def _since(request: Request) -> Callable[[Rec], bool]:
    after, before = request.arg("updated_at.gt"), request.arg("updated_at.lt")
    if after and before:
        raise bad_request("updated_at.gt and updated_at.lt are mutually exclusive.")
    raw = after or before
    if not raw:
        return lambda record: True
    try:
        instant = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise bad_request(f"updated_at: {raw!r} is not an ISO 8601 date-time.") from None
    instant = instant if instant.tzinfo else instant.replace(tzinfo=UTC)  # assumed: a time without offset is UTC
    if after:
        return lambda record: record["updated_at"] > instant
    return lambda record: record["updated_at"] < instant


def _cursor_key(raw: str) -> tuple[datetime, int]:
    try:
        text = base64.urlsafe_b64decode(raw.removeprefix("cur_").encode() + b"==").decode()
        when, identifier = text.split("|")
        return datetime.fromisoformat(when), int(identifier)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise bad_request("The cursor is invalid.") from None


def _cursor(record: Rec) -> str:
    text = f"{record['updated_at'].isoformat()}|{record['id']}"
    return "cur_" + base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def page(request: Request, rows: Iterable[Rec], render: Callable[[Rec], Rec]) -> Response:
    """One page, newest-updated first, keyed by (updated_at, id) so a cursor survives concurrent writes."""
    raw_limit = request.arg("limit") or str(DEFAULT_LIMIT)
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_LIMIT:
        raise bad_request(f"limit must be between 1 and {MAX_LIMIT}.")
    limit = int(raw_limit)
    ordered = sorted(rows, key=lambda r: (r["updated_at"], r["id"]), reverse=True)
    cursor = request.arg("cursor")
    if cursor:
        key = _cursor_key(cursor)
        ordered = [r for r in ordered if (r["updated_at"], r["id"]) < key]
    chunk = ordered[:limit]
    query = {k: v[0] for k, v in request.query.items() if k != "cursor" and v}
    links: dict[str, Any] = {"self": {"href": f"{request.base_url}{request.path}?{urlencode(query)}"}}
    if len(ordered) > limit:
        next_query = urlencode({**query, "cursor": _cursor(chunk[-1]), "limit": limit})
        links["next"] = {"href": f"{request.base_url}{request.path}?{next_query}"}
    return Response.json({"_data": [render(r) for r in chunk], "_meta": {"links": links}})


class V2Api:
    state: State

    def _register_v2(self) -> None:
        add = self.add_route  # type: ignore[attr-defined]
        base = "/v2/recruiting"
        add("GET", f"{base}/jobs", self._jobs, READ_SCOPE)
        add("GET", f"{base}/jobs/{{id}}", self._job, READ_SCOPE)
        add("GET", f"{base}/categories", self._categories, READ_SCOPE)
        add("GET", f"{base}/categories/{{id}}", self._category, READ_SCOPE)
        add("GET", f"{base}/candidates", self._candidates, READ_SCOPE)
        add("GET", f"{base}/candidates/{{id}}", self._candidate, READ_SCOPE)
        add("GET", f"{base}/applications", self._applications, READ_SCOPE)
        add("GET", f"{base}/applications/{{id}}", self._application, READ_SCOPE)
        add("GET", f"{base}/applications/{{id}}/stage-transitions", self._transitions, READ_SCOPE)

    # -- renderers ---------------------------------------------------------------------------------------
    def render_job(self, job: Rec) -> Rec:
        # `status` on a v2 job is NOT FOUND (A5): assumed published / unpublished / archived as the v1 rules name.
        return {
            "id": str(job["id"]), "name": job["name"], "status": job["status"], "department": job["department"],
            "category": {"id": str(job["category_id"])}, "hiring_team": job["hiring_team"],
            "created_at": timestamp(job["created_at"]), "updated_at": timestamp(job["updated_at"]),
        }  # fmt: skip

    def render_category(self, category: Rec) -> Rec:
        # The stage list of a category is NOT FOUND (A3): assumed `stages` in pipeline order, system ones included.
        job = {"category_id": category["id"]}
        return {"id": str(category["id"]), "name": category["name"],
                "stages": [stage(s) for s in self.state.stages_of(job)]}  # fmt: skip

    def render_candidate(self, candidate: Rec) -> Rec:
        applications = [a for a in self.state.applications.values() if a["candidate_id"] == candidate["id"]]
        return {
            "id": str(candidate["id"]), "first_name": candidate["first_name"], "last_name": candidate["last_name"],
            "email": candidate["email"], "gender": candidate["gender"], "phone": candidate["phone"],
            "location": candidate["location"], "birthday": candidate["birthday"],
            "linkedin_profile": candidate["linkedin_profile"], "available_from": candidate["available_from"],
            "applications": [{"id": str(a["id"]), "application_date": a["application_date"]} for a in applications],
            "created_at": timestamp(candidate["created_at"]), "updated_at": timestamp(candidate["updated_at"]),
        }  # fmt: skip

    def render_application(self, application: Rec) -> Rec:
        candidate = self.state.candidates[application["candidate_id"]]
        job = self.state.jobs[application["job_id"]]
        channel = self.state.channels.get(application["channel_id"]) if application["channel_id"] else None
        return {
            "id": str(application["id"]), "application_date": application["application_date"],
            "candidate": {"id": str(candidate["id"]), "first_name": candidate["first_name"],
                          "last_name": candidate["last_name"], "email": candidate["email"]},
            "job": {"id": str(job["id"]), "name": job["name"], "department": job["department"]},
            "current_stage": stage(application["stage"]),
            "channel": {"id": str(channel["id"]), "name": channel["name"]} if channel else None,
            "is_anonymized": application["is_anonymized"],
            "created_at": timestamp(application["created_at"]), "updated_at": timestamp(application["updated_at"]),
        }  # fmt: skip

    # -- handlers ----------------------------------------------------------------------------------------
    def _jobs(self, request: Request) -> Response:
        return page(request, self.state.jobs.values(), self.render_job)

    def _job(self, request: Request) -> Response:
        job = self.state.get(self.state.jobs, "Job", request.path_params["id"])
        return Response.json({"_data": self.render_job(job)})

    def _categories(self, request: Request) -> Response:
        rows = [{**c, "updated_at": datetime.min.replace(tzinfo=UTC)} for c in self.state.categories.values()]
        return page(request, rows, self.render_category)

    def _category(self, request: Request) -> Response:
        category = self.state.get(self.state.categories, "Category", request.path_params["id"])
        return Response.json({"_data": self.render_category(category)})

    def _candidates(self, request: Request) -> Response:
        since = _since(request)
        return page(request, [c for c in self.state.candidates.values() if since(c)], self.render_candidate)

    def _candidate(self, request: Request) -> Response:
        candidate = self.state.get(self.state.candidates, "Candidate", request.path_params["id"])
        return Response.json({"_data": self.render_candidate(candidate)})

    def _applications(self, request: Request) -> Response:
        since = _since(request)
        email = (request.arg("candidate.email") or "").strip().lower()
        rows = [
            a
            for a in self.state.applications.values()
            if since(a) and (not email or self.state.candidates[a["candidate_id"]]["email"].lower() == email)
        ]
        return page(request, rows, self.render_application)

    def _application(self, request: Request) -> Response:
        application = self.state.get(self.state.applications, "Application", request.path_params["id"])
        return Response.json({"_data": self.render_application(application)})

    def _transitions(self, request: Request) -> Response:
        """ "ordered by latest-first" (P-DEV)."""
        application = self.state.get(self.state.applications, "Application", request.path_params["id"])
        rows = [
            {"entered_at": timestamp(t["entered_at"]), "stage": stage(t["stage"])} for t in application["transitions"]
        ]
        return Response.json({"_data": rows[::-1]})
