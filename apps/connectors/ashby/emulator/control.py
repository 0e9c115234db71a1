"""Ashby's own `/_emulator/` endpoints: what stands in for the admin UI (Admin → Organization Setup → Candidate
Sources; Admin → API Keys with their permissions and default source) and the sync-token expiry."""

from __future__ import annotations

from typing import Any

from apps.connectors.ashby.emulator import pipeline, seed
from apps.connectors.ashby.emulator.state import State
from apps.connectors.emulation.app import ControlError
from apps.connectors.emulation.http import Request, Response


class ControlApi:
    state: State
    api_keys: dict[str, Any]
    webhooks: Any  # AshbyWebhooks

    add_control: Any  # VendorEmulator.add_control

    def register_controls(self) -> None:
        self.add_control("POST", "/_emulator/sources", self._control_source_create)
        self.add_control("POST", "/_emulator/sources/{id}/archive", self._control_source_archive)
        self.add_control("POST", "/_emulator/sync-tokens/expire", self._control_expire_sync_tokens)
        self.add_control("POST", "/_emulator/api-keys/{key}", self._control_api_key_update)
        self.add_control("DELETE", "/_emulator/candidates/{id}", self._control_candidate_delete)
        self.add_control("POST", "/_emulator/offers", self._control_offer_create)
        self.add_control("POST", "/_emulator/interview-schedules", self._control_schedule_create)

    def _control_offer_create(self, request: Request) -> Response:
        """A recruiter makes an offer in Ashby (see `pipeline.add_offer` for the body)."""
        return Response.json(pipeline.add_offer(self.state, request.json_object()), 201)

    def _control_schedule_create(self, request: Request) -> Response:
        """A coordinator schedules interviews in Ashby (see `pipeline.add_schedule` for the body)."""
        return Response.json(pipeline.add_schedule(self.state, request.json_object()), 201)

    def _control_candidate_delete(self, request: Request) -> Response:
        """A user deletes a candidate in Ashby's UI (the API has no delete): it and its applications vanish."""
        candidate = self.state.candidates.pop(request.path_params["id"], None)
        if candidate is None:
            raise ControlError("Unknown candidate", 404)
        for app_id in candidate["applicationIds"]:
            self.state.applications.pop(app_id, None)
        self.webhooks.emit("candidateDelete", {"candidate": {"id": candidate["id"]}})
        return Response.json({"deleted": candidate["id"]})

    def _control_source_create(self, request: Request) -> Response:
        """An organisation admin creates a source under a source type (`{"title", "sourceType": "Inbound"}`)."""
        body = request.json_object()
        title, type_title = body.get("title"), body.get("sourceType", "Inbound")
        if not isinstance(title, str) or not title.strip():
            raise ControlError("title is required")
        if type_title not in {t["title"] for t in self.state.source_types.values()}:
            raise ControlError(f"Unknown source type {type_title}")
        source = seed.add_source(self.state, title.strip(), type_title)
        return Response.json(source, 201)

    def _control_source_archive(self, request: Request) -> Response:
        source = self.state.sources.get(request.path_params["id"])
        if source is None:
            raise ControlError("Unknown source", 404)
        source["isArchived"] = True
        return Response.json(source)

    def _control_expire_sync_tokens(self, request: Request) -> Response:
        return Response.json({"expired": self.state.expire_sync_tokens()})

    def control_api_key(self, request: Request) -> Response:
        """Add an API key: `{"key", "title", "permissions": [...], "defaultSourceId"}` (all permissions by default)."""
        from apps.connectors.ashby.emulator.app import PERMISSIONS, ApiKey

        body = request.json_object()
        key = body.get("key")
        if not isinstance(key, str) or not key:
            raise ControlError("key is required")
        permissions = frozenset(body.get("permissions", PERMISSIONS))
        if not permissions <= PERMISSIONS:
            raise ControlError(f"Unknown permissions: {', '.join(sorted(permissions - PERMISSIONS))}")
        default = body.get("defaultSourceId")
        if default is not None and default not in self.state.sources:
            raise ControlError("defaultSourceId is not a source")
        self.api_keys[key] = ApiKey(
            title=str(body.get("title") or key), permissions=permissions, default_source_id=default
        )
        return Response.json({"key": key, "permissions": sorted(permissions), "defaultSourceId": default}, 201)

    def _control_api_key_update(self, request: Request) -> Response:
        """Change a key's default source (`{"defaultSourceId": id | null}`)."""
        found = self.api_keys.get(request.path_params["key"])
        if found is None:
            raise ControlError("Unknown key", 404)
        default = request.json_object().get("defaultSourceId")
        if default is not None and default not in self.state.sources:
            raise ControlError("defaultSourceId is not a source")
        found.default_source_id = default
        return Response.json({"key": request.path_params["key"], "defaultSourceId": default})
