"""Toy ATS emulator: `/candidates` (cursor paging by id, `updated_since` with deletions, `ids`)."""

from __future__ import annotations

from datetime import UTC, datetime

from apps.connectors.emulation.http import HttpError, Request, Response
from tests.connectors.toy.emulator.dump import candidate_json
from tests.connectors.toy.emulator.state import Invalid, State


class CandidatesApi:
    """Handlers of `/candidates` (mixed into the emulator)."""

    state: State

    def candidates_list(self, request: Request) -> Response:
        limit = request.int_arg("limit", 50, minimum=1, maximum=50)
        since = _time_arg(request, "updated_since")
        rows = sorted(self.state.candidates.values(), key=lambda candidate: int(candidate.id))
        if since is not None:
            rows = [row for row in rows if row.updated_at > since]
        ids = request.arg("ids")
        if ids is not None:
            wanted = set(ids.split(","))
            rows = [row for row in rows if row.id in wanted]
        cursor = request.arg("cursor")
        if cursor:
            if not cursor.isdigit():
                raise Invalid("cursor: must be a cursor from next_cursor")
            rows = [row for row in rows if int(row.id) > int(cursor)]
        page = rows[:limit]
        deleted = [key for key, at in self.state.deleted.items() if since is not None and at > since]
        return Response.json(
            {
                "data": [candidate_json(row) for row in page],
                "next_cursor": page[-1].id if len(rows) > limit else None,
                "deleted_ids": deleted if cursor is None else [],
            }
        )

    def candidates_create(self, request: Request) -> Response:
        return Response.json(candidate_json(self.state.create_candidate(request.json_object())), 201)

    def candidates_update(self, request: Request) -> Response:
        candidate = self.state.update_candidate(request.path_params["id"], request.json_object())
        return Response.json(candidate_json(candidate))

    def candidates_tag(self, request: Request) -> Response:
        candidate = self.state.tag(request.path_params["id"], request.json_object().get("tag"))
        return Response.json(candidate_json(candidate))


def _time_arg(request: Request, name: str) -> datetime | None:
    value = request.arg(name)
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise HttpError(400, "invalid", f"{name}: must be an ISO-8601 date-time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
