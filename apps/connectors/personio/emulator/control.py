"""Personio emulator: its own `/_emulator/` endpoints — what stands in for Personio's settings screens and the
recruiters' hands in its UI (the API can neither create channels nor move, reject or edit applications, A3/A4)."""

from __future__ import annotations

from apps.connectors.emulation.app import ControlError
from apps.connectors.emulation.http import Request, Response
from apps.connectors.personio.emulator.state import Rec, State


def _id(request: Request) -> int:
    raw = request.path_params["id"]
    if not raw.isdigit():
        raise ControlError("id must be an integer", 404)
    return int(raw)


def _public(channel: Rec) -> Rec:
    return {**channel, "created_at": channel["created_at"].isoformat()}


class ControlApi:
    state: State

    def _register_controls(self) -> None:
        add = self.add_control  # type: ignore[attr-defined]
        add("GET", "/_emulator/channels", self._channels)
        add("POST", "/_emulator/channels", self._add_channel)
        add("DELETE", "/_emulator/channels/{id}", self._delete_channel)
        add("PATCH", "/_emulator/applications/{id}", self._edit_application)
        add("POST", "/_emulator/applications/{id}/stage", self._move)
        add("DELETE", "/_emulator/applications/{id}", self._delete_application)
        add("PATCH", "/_emulator/candidates/{id}", self._edit_candidate)
        add("POST", "/_emulator/jobs/{id}/status", self._job_status)

    def _channels(self, request: Request) -> Response:
        """Settings > Recruiting > Recruiting > Channels: the list with each Channel ID."""
        return Response.json({"channels": [_public(c) for c in self.state.channels.values()]})

    def _add_channel(self, request: Request) -> Response:
        """*Add new channel* (name, pricing type): "automatically created with a unique Channel ID" (P-SUP)."""
        body = request.json_object()
        channel = self.state.add_channel(str(body.get("name") or ""), str(body.get("pricing_type") or "free"))
        return Response.json(_public(channel), 201)

    def _delete_channel(self, request: Request) -> Response:
        channel = self.state.channels.pop(_id(request), None)
        if channel is None:
            raise ControlError("no such channel", 404)
        return Response.json({"deleted": channel["id"]})

    def _edit_application(self, request: Request) -> Response:
        """A recruiter edits the application (`channel_id`, `is_anonymized`, …): its `updated_at` moves."""
        application = self.state.get(self.state.applications, "Application", _id(request))
        body = request.json_object()
        application.update({k: v for k, v in body.items() if k not in ("id", "created_at", "updated_at", "stage")})
        self.state.touch(application)
        return Response.json({"id": application["id"], "updated_at": application["updated_at"].isoformat()})

    def _move(self, request: Request) -> Response:
        """A recruiter moves the application to a stage (`{"stage_id": "rejected" | "<custom id>"}`)."""
        application = self.state.get(self.state.applications, "Application", _id(request))
        moved = self.state.move(application, str(request.json_object().get("stage_id")))
        return Response.json({"id": moved["id"], "stage": moved["stage"]})

    def _delete_application(self, request: Request) -> Response:
        application = self.state.get(self.state.applications, "Application", _id(request))
        del self.state.applications[application["id"]]
        return Response.json({"deleted": application["id"]})

    def _edit_candidate(self, request: Request) -> Response:
        candidate = self.state.get(self.state.candidates, "Candidate", _id(request))
        body = request.json_object()
        candidate.update({k: v for k, v in body.items() if k not in ("id", "created_at", "updated_at")})
        self.state.touch(candidate)
        return Response.json({"id": candidate["id"]})

    def _job_status(self, request: Request) -> Response:
        """Publish / unpublish / archive a job position (`{"status": "published"}`)."""
        job = self.state.get(self.state.jobs, "Job", _id(request))
        status = str(request.json_object().get("status"))
        if status not in ("published", "unpublished", "archived"):
            raise ControlError("status must be published, unpublished or archived")
        job["status"] = status
        self.state.touch(job)
        return Response.json({"id": job["id"], "status": status})
