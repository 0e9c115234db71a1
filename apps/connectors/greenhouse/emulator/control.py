"""Greenhouse emulator: its own `/_emulator/` endpoints — what stands in for Greenhouse's settings screens."""

from __future__ import annotations

from typing import Any

from apps.connectors.emulation.app import ControlError
from apps.connectors.emulation.http import Request, Response
from apps.connectors.greenhouse.emulator.state import State


def _id(request: Request) -> int:
    raw = request.path_params["id"]
    if not raw.isdigit():
        raise ControlError("id must be an integer", 404)
    return int(raw)


class ControlApi:
    state: State
    emit: Any  # WebhooksApi
    emit_application: Any  # WebhooksApi
    emit_candidate: Any  # WebhooksApi

    def _register_controls(self) -> None:
        add = self.add_control  # type: ignore[attr-defined]
        add("POST", "/_emulator/sources", self._control_add_source)
        add("DELETE", "/_emulator/sources/{id}", self._control_delete_source)
        add("DELETE", "/_emulator/candidates/{id}", self._control_delete_candidate)
        add("PATCH", "/_emulator/candidates/{id}", self._control_edit_candidate)
        add("POST", "/_emulator/applications/{id}/hire", self._control_hire)
        add("PATCH", "/_emulator/applications/{id}", self._control_edit_application)
        add("DELETE", "/_emulator/applications/{id}", self._control_delete_application)
        add("POST", "/_emulator/jobs/{id}/close", self._control_close_job)

    def _control_add_source(self, request: Request) -> Response:
        """Configure → Custom Options → Sources (the API cannot create sources, A4)."""
        body = request.json_object()
        return Response.json(
            self.state.add_source(str(body.get("name") or ""), str(body.get("type") or "third_party_boards")), 201
        )

    def _control_delete_source(self, request: Request) -> Response:
        return Response.json(self.state.delete_source(_id(request)))

    def _control_delete_candidate(self, request: Request) -> Response:
        applications = [a["id"] for a in self.state.applications.values() if a["candidate_id"] == _id(request)]
        self.state.delete_candidate(_id(request))
        self.emit("delete_candidate", {"candidate": {"id": _id(request), "application_ids": applications}})
        return Response.json({"deleted": _id(request)})

    def _control_edit_candidate(self, request: Request) -> Response:
        """A recruiter edits the profile in the UI: `{"first_name": ...}` (any top-level key)."""
        candidate = self.state.get(self.state.candidates, "Candidate", _id(request))
        candidate.update({k: v for k, v in request.json_object().items() if k not in ("id", "created_at")})
        self.state.touch(candidate)
        self.emit_candidate("update_candidate", candidate["id"])
        return Response.json(candidate)

    def _control_edit_application(self, request: Request) -> Response:
        """A recruiter edits the application in the UI (any top-level key, e.g. `custom_fields`)."""
        application = self.state.get(self.state.applications, "Application", _id(request))
        application.update({k: v for k, v in request.json_object().items() if k not in ("id", "created_at")})
        self.state.touch(application)
        self.emit_application("application_updated", application["id"])
        return Response.json(application)

    def _control_delete_application(self, request: Request) -> Response:
        application = self.state.get(self.state.applications, "Application", _id(request))
        del self.state.applications[application["id"]]
        self.emit(
            "delete_application",
            {"application": {"id": application["id"], "candidate_id": application["candidate_id"]}},
        )
        return Response.json({"deleted": application["id"]})

    def _control_hire(self, request: Request) -> Response:
        hired = self.state.hire(_id(request))
        self.emit_application("hire_candidate", hired["id"])
        return Response.json(hired)

    def _control_close_job(self, request: Request) -> Response:
        job = self.state.get(self.state.jobs, "Job", _id(request))
        job.update(status="closed", closed_at=job["updated_at"])
        self.state.touch(job)
        self.emit("job_updated", {"job": dict(job)})
        return Response.json(job)
