"""The Toy ATS emulator on the emulator kit: API-key auth, one resource, its errors, limits and control endpoints."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from apps.connectors.emulation.app import Principal
from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.http import HttpError, Request, Response
from apps.connectors.emulation.ratelimit import Limits, Ticket
from apps.connectors.emulation.records import StateError
from apps.connectors.emulation.routing import Route
from apps.connectors.emulation.vendor import StateHooks, VendorEmulator
from tests.connectors.toy.emulator.candidates import CandidatesApi
from tests.connectors.toy.emulator.dump import counts, dump
from tests.connectors.toy.emulator.seed import SeedConfig, build_state
from tests.connectors.toy.emulator.state import State

DEFAULT_API_KEY = "toy-key"


class ToyEmulator(CandidatesApi, VendorEmulator):
    name = "toy"
    seed_config_type = SeedConfig
    state_hooks = StateHooks(build=build_state, counts=counts, dump=dump)
    api_key_label = "API key (X-Toy-Key)"
    state: State

    def __init__(
        self,
        *,
        seed: SeedConfig | Mapping[str, Any] | None = None,
        api_keys: Iterable[str] = (DEFAULT_API_KEY,),
        clock: Clock | None = None,
        limits_enabled: bool = True,
    ) -> None:
        super().__init__(
            seed=seed,
            clock=clock,
            limits=Limits(rate=20, concurrency=4, window=1.0),
            limits_enabled=limits_enabled,
            send_retry_after=True,
        )
        self.api_keys: dict[str, None] = dict.fromkeys(api_keys)
        add = self.add_route
        add("GET", "/me", lambda request: Response.json({"key": "valid"}))
        add("GET", "/candidates", self.candidates_list)
        add("POST", "/candidates", self.candidates_create)
        add("PATCH", "/candidates/{id}", self.candidates_update)
        add("POST", "/candidates/{id}/tags", self.candidates_tag)
        self.add_control("DELETE", "/_emulator/candidates/{id}", self._control_delete)

    def authenticate(self, request: Request, route: Route) -> Principal:
        key = request.header("x-toy-key")
        if not key or key not in self.api_keys:
            raise HttpError(401, "unauthorized", "Invalid API key")
        return self.api_key_principal(key, subject="owner")

    def http_error_for(self, error: StateError) -> HttpError:
        return HttpError(error.status, "not_found" if error.status == 404 else "invalid", error.message)

    def error_body(self, request: Request | None, route: Route | None, error: HttpError) -> dict[str, Any]:
        return {"error": {"code": error.code, "message": error.message}}

    def rate_limited_error(self, request: Request, route: Route, ticket: Ticket) -> HttpError:
        return HttpError(429, "rate_limited", "Too many requests")

    def control_api_key(self, request: Request) -> Response:
        key = request.json_object().get("key")
        if not isinstance(key, str) or not key:
            raise HttpError(400, "CONTROL_ERROR", "key is required")
        self.api_keys[key] = None
        return Response.json({"key": key}, 201)

    def _control_delete(self, request: Request) -> Response:
        self.state.delete_candidate(request.path_params["id"])
        return Response.json({"deleted": request.path_params["id"]})


def create_app(**options: Any) -> ToyEmulator:
    return ToyEmulator(**options)
