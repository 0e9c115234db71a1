"""The `/v1` resource handlers (T-DOC endpoint map, reference B3/B5), mixed into `TeamtailorEmulator`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from apps.connectors.emulation.http import HttpError, Request, Response
from apps.connectors.teamtailor.emulator.jsonapi import Document, body_data, relationship_id
from apps.connectors.teamtailor.emulator.state import Invalid, State

JSONAPI = "application/vnd.api+json"
# `filter[status]` on jobs: "published (default), unlisted, archived, draft, scheduled, all" (T-DOC).
JOB_STATUS_FILTER = {
    "published": {"open"},
    "unlisted": {"unlisted"},
    "archived": {"archived"},
    "draft": {"draft"},
    "scheduled": {"temp"},
    "all": {"open", "unlisted", "archived", "draft", "temp"},
}


def answer(body: dict[str, Any], status: int = 200) -> Response:
    response = Response.json(body, status)
    response.set_header("Content-Type", JSONAPI)
    return response


def _time_filter(request: Request, name: str) -> tuple[datetime | None, datetime | None]:
    bounds = []
    for end in ("from", "to"):
        raw = request.arg(f"filter[{name}][{end}]")
        if raw is None:
            bounds.append(None)
            continue
        try:
            value = datetime.fromisoformat(raw.replace("Z", "+00:00").replace(" ", "+"))
        except ValueError:
            raise HttpError(
                400,
                "Invalid filter value",
                f"{raw} is not a valid value for {name}.",
                details=[{"parameter": f"filter[{name}][{end}]"}],
            ) from None
        if value.tzinfo is None:
            raise HttpError(
                400,
                "Invalid filter value",
                f"{raw} needs a time zone.",
                details=[{"parameter": f"filter[{name}][{end}]"}],
            )
        bounds.append(value)
    return bounds[0], bounds[1]


def _within(records: Iterable[Any], request: Request, *names: str) -> list[Any]:
    out = list(records)
    for name in names:
        start, end = _time_filter(request, name)
        attr = name.replace("-", "_")
        if start is not None:
            out = [r for r in out if getattr(r, attr) >= start]
        if end is not None:
            out = [r for r in out if getattr(r, attr) <= end]
    return out


class ResourcesApi:
    state: State

    def base(self, request: Request) -> str:
        return f"{request.base_url}/{request.path_params['region']}/v1"

    def doc(self, request: Request, kind: str) -> Document:
        return Document(request, self.state, self.base(request), kind)

    def listing(
        self,
        kind: str,
        table: str,
        select: Callable[[Request, list[Any]], list[Any]] | None = None,
        parent: tuple[str, str, str] | None = None,
    ) -> Callable[[Request], Response]:
        def handle(request: Request) -> Response:
            records = sorted(getattr(self.state, table).values(), key=lambda r: r.id)
            path = f"/{kind}"
            if parent is not None:
                parent_table, key, parent_kind = parent
                owner = self.state.get(parent_table, request.path_params["id"])
                records = [r for r in records if getattr(r, key) == owner.id]
                path = f"/{parent_kind}/{owner.id}/{kind}"
            if select is not None:
                records = select(request, records)
            return answer(self.doc(request, kind).page(request, path, records))

        return handle

    def single(self, kind: str, table: str) -> Callable[[Request], Response]:
        def handle(request: Request) -> Response:
            return answer(self.doc(request, kind).one(self.state.get(table, request.path_params["id"])))

        return handle

    # ------------------------------------------------------------------ selections
    def select_jobs(self, request: Request, records: list[Any]) -> list[Any]:
        status = request.arg("filter[status]") or "published"
        if status not in JOB_STATUS_FILTER:
            raise HttpError(
                400,
                "Invalid filter value",
                f"{status} is not a valid value for status.",
                details=[{"parameter": "filter[status]"}],
            )
        return [r for r in records if r.status in JOB_STATUS_FILTER[status]]

    def select_candidates(self, request: Request, records: list[Any]) -> list[Any]:
        email = request.arg("filter[email]")
        if email is not None:
            records = [r for r in records if (r.email or "").lower() == email.strip().lower()]
        return _within(records, request, "created-at", "updated-at")

    def select_applications(self, request: Request, records: list[Any]) -> list[Any]:
        stage_type = request.arg("filter[stage-type]")
        if stage_type is not None:  # T-DOC's own example uses `hired`: matched case-insensitively
            wanted = stage_type.lower()
            records = [r for r in records if self.state.stages[r.stage_id].stage_type.lower() == wanted]
        return _within(records, request, "created-at", "updated-at", "changed-stage-at")

    def select_users(self, request: Request, records: list[Any]) -> list[Any]:
        email = request.arg("filter[email]")
        return records if email is None else [r for r in records if r.email.lower() == email.strip().lower()]

    # ------------------------------------------------------------------ writes
    def candidates_create(self, request: Request) -> Response:
        data = body_data(request, "candidates")
        candidate, created = self.state.create_candidate(dict(data.get("attributes") or {}))
        return answer(self.doc(request, "candidates").one(candidate), 201 if created else 200)

    def candidates_update(self, request: Request) -> Response:
        candidate = self.state.get("candidates", request.path_params["id"])
        data = body_data(request, "candidates", with_id=str(candidate.id))
        self.state.update_candidate(candidate, dict(data.get("attributes") or {}))
        return answer(self.doc(request, "candidates").one(candidate))

    def job_applications_create(self, request: Request) -> Response:
        data = body_data(request, "job-applications")
        _, candidate_id = relationship_id(data, "candidate")
        _, job_id = relationship_id(data, "job")
        application = self.state.create_job_application(candidate_id, job_id, dict(data.get("attributes") or {}))
        return answer(self.doc(request, "job-applications").one(application), 201)

    def job_applications_update(self, request: Request) -> Response:
        application = self.state.get("job_applications", request.path_params["id"])
        data = body_data(request, "job-applications", with_id=str(application.id))
        stage_given, stage_id = relationship_id(data, "stage")
        reason_given, reason_id = relationship_id(data, "reject-reason")
        self.state.update_job_application(
            application,
            dict(data.get("attributes") or {}),
            stage_id,
            reason_id,
            stage_given=stage_given,
            reason_given=reason_given,
        )
        return answer(self.doc(request, "job-applications").one(application))

    def answers_create(self, request: Request) -> Response:
        data = body_data(request, "answers")
        _, candidate_id = relationship_id(data, "candidate")
        _, question_id = relationship_id(data, "question")
        if candidate_id is None or question_id is None:
            raise Invalid("candidate and question - must exist", "candidate")
        created = self.state.upsert_answer(candidate_id, question_id, dict(data.get("attributes") or {}))
        return answer(self.doc(request, "answers").one(created), 201)

    def notes_create(self, request: Request) -> Response:
        data = body_data(request, "notes")
        _, candidate_id = relationship_id(data, "candidate")
        _, user_id = relationship_id(data, "user")
        if candidate_id is None:
            raise Invalid("candidate - must exist", "candidate")
        note = self.state.add_note(candidate_id, user_id, (data.get("attributes") or {}).get("note"))
        return answer(self.doc(request, "notes").one(note), 201)

    def uploads_create(self, request: Request) -> Response:
        data = body_data(request, "uploads")
        _, candidate_id = relationship_id(data, "candidate")
        _, job_id = relationship_id(data, "job")
        if candidate_id is None:
            raise Invalid("candidate - must exist", "candidate")
        upload = self.state.add_upload(candidate_id, job_id, dict(data.get("attributes") or {}))
        return answer(self.doc(request, "uploads").one(upload), 201)
