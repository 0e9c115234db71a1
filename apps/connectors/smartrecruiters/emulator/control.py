"""SmartRecruiters emulator: its own `/_emulator/` control endpoints (sources, statuses, deletions, API keys)."""

from __future__ import annotations

from apps.connectors.emulation.http import HttpError, Request, Response
from apps.connectors.smartrecruiters.emulator.dump import _application_dump, _source_dump
from apps.connectors.smartrecruiters.emulator.model import Invalid, Missing


class ControlApi:
    """What a SmartRecruiters admin or recruiter does in the UI, for tests (mixed into the emulator)."""

    # ================================================================== SmartRecruiters control endpoints
    def _register_sr_control_endpoints(self) -> None:
        add = self.add_control
        add("POST", "/_emulator/sources", self._control_create_source)
        add("DELETE", "/_emulator/sources/{identifier}", self._control_delete_source)
        add("POST", "/_emulator/applications/status", self._control_application_status)
        add("DELETE", "/_emulator/candidates/{candidate_id}", self._control_delete_candidate)

    def _control_create_source(self, request: Request) -> Response:
        body = request.json_object()
        try:
            value = self.state.create_custom_source(
                label=str(body.get("label") or ""),
                type_id=str(body.get("type") or "other"),
                subtype_id=body.get("subtype"),
            )
        except Invalid as exc:
            raise HttpError(exc.status, exc.code, exc.message) from None
        return Response.json(_source_dump(self.state, value), 201)

    def _control_delete_source(self, request: Request) -> Response:
        try:
            value = self.state.delete_source(request.path_params["identifier"])
        except Missing as exc:
            raise HttpError(404, "NOT_FOUND", exc.message) from None
        return Response.json(_source_dump(self.state, value))

    def _control_application_status(self, request: Request) -> Response:
        """Move an application like a recruiter in the UI would: `{"candidateId", "jobId", "status", ...}`."""
        body = request.json_object()
        try:
            application = self.state.application_for(str(body.get("candidateId")), str(body.get("jobId")))
            self.state.set_status(application, body)
        except Invalid as exc:
            raise HttpError(exc.status, exc.code, exc.message) from None
        except Missing as exc:
            raise HttpError(404, "NOT_FOUND", exc.message) from None
        return Response.json(_application_dump(self.state, application))

    def _control_delete_candidate(self, request: Request) -> Response:
        try:
            self.state.delete_candidate(request.path_params["candidate_id"])
        except Missing as exc:
            raise HttpError(404, "NOT_FOUND", exc.message) from None
        return Response.json({"deleted": request.path_params["candidate_id"]})

    def control_api_key(self, request: Request) -> Response:
        body = request.json_object()
        key = body.get("key")
        if not isinstance(key, str) or not key:
            raise HttpError(400, "CONTROL_ERROR", "key is required")
        scopes = body.get("scopes")
        self.api_keys[key] = None if scopes is None else frozenset(scopes)
        return Response.json({"key": key, "scopes": scopes}, 201)
