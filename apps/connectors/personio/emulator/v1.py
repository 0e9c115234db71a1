"""Personio Recruiting v1: `POST /v1/recruiting/applications` (201, no body, no id) and
`POST /v1/recruiting/applications/documents` (multipart `file` → `{uuid, …}`). P-YAML; rules in `state.submit`."""

from __future__ import annotations

from apps.connectors.emulation.http import HttpError, Request, Response
from apps.connectors.emulation.ratelimit import RouteLimits
from apps.connectors.personio.emulator.state import State

# "20 requests in 60 seconds per company" across both v1 endpoints (P-DEV), then wait 60 s.
V1_RATE_PER_MINUTE = 20
V1_LIMITS = RouteLimits(bucket="v1-recruiting", rate=V1_RATE_PER_MINUTE)


class V1Api:
    state: State

    def _register_v1(self) -> None:
        add = self.add_route  # type: ignore[attr-defined]
        add("POST", "/v1/recruiting/applications", self._submit, limits=V1_LIMITS, v1=True)
        add("POST", "/v1/recruiting/applications/documents", self._upload, limits=V1_LIMITS, v1=True)

    def _submit(self, request: Request) -> Response:
        if request.content_type != "application/json":
            raise HttpError(400, "invalid-content-type", "The body must be application/json.")  # wording assumed
        self.state.submit(request.json_object())
        return Response.empty(201)  # "Created - Application was created successfully." (no documented body)

    def _upload(self, request: Request) -> Response:
        upload = request.file("file") if request.content_type == "multipart/form-data" else None
        if upload is None:
            # The forum answer to a base64 body (A5).
            raise HttpError(400, "invalid-multipart", "Invalid multipart request body and/or headers supplied.")
        document = self.state.upload(upload.filename, upload.content, upload.content_type)
        return Response.json({k: v for k, v in document.items() if k != "content"})
