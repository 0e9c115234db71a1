"""`VendorEmulator`: what every stateful vendor emulator does the same way, on top of `EmulatorApp`.

- a seeded in-memory state: `POST /_emulator/seed`, `/_emulator/reset`, `GET /_emulator/state` (the vendor builds,
  counts and dumps it: `build_state`, `state_counts`, `dump_state`);
- OAuth2 on the emulator's own host: the approval page, its submit and the token endpoint (`register_oauth_routes`),
  bearer-token authentication with the vendor's 401 (`bearer_principal`), the signed-in administrator as the
  OAuth subject (`owner_subject`, `owner_label`, kept in step with the state);
- the `/_emulator/oauth/clients`, `/_emulator/oauth/tokens` and `/_emulator/api-keys` control endpoints (the vendor
  shapes the client, token and key: `control_oauth_client`, `token_grant`, `control_api_key`);
- domain errors: a handler registered with `add_route` may raise the state's `StateError`s, the vendor's
  `http_error_for` renders them; control handlers registered with `add_control` answer them as control errors;
- `describe` for `run_emulator`.

A vendor declares `StateHooks` (build, counts, dump) and its default OAuth client (`emulator_client`).

A vendor package keeps its routes, handlers, state, seed, renderers and error format (`error_body`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from apps.connectors.emulation.app import CONTROL_PREFIX, ControlError, EmulatorApp, Principal
from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.http import HttpError, Request, Response
from apps.connectors.emulation.oauth import AccessGrant, InvalidToken, OAuthClient, OAuthProvider
from apps.connectors.emulation.ratelimit import Limits
from apps.connectors.emulation.records import StateError
from apps.connectors.emulation.seeding import SeedConfigBase

Handler = Callable[[Request], Response]


# The OAuth client every fresh emulator knows (tests and `bin/run` connect with it).
DEFAULT_CLIENT_ID = "emulator-client"
DEFAULT_CLIENT_SECRET = "emulator-secret"


def emulator_client(redirect_uri: str, scopes: Iterable[str], **options: Any) -> OAuthClient:
    """The emulator's own OAuth client, redirecting to Tributary's callback, granting `scopes` by default."""
    return OAuthClient(
        client_id=DEFAULT_CLIENT_ID,
        client_secret=DEFAULT_CLIENT_SECRET,
        redirect_uris=(redirect_uri,),
        name="Emulator integration",
        default_scopes=frozenset(scopes),
        **options,
    )


@dataclass(frozen=True)
class StateHooks:
    """The vendor's state functions: build(config, clock) → state, counts(state), dump(state, config)."""

    build: Callable[[Any, Clock], Any]
    counts: Callable[[Any], dict[str, int]]
    dump: Callable[[Any, Any], dict[str, Any]]


def api_key_credential(key: str) -> str:
    """The limiter/statistics key of an API key: a fingerprint, never the secret."""
    return f"api_key:{hashlib.sha256(key.encode()).hexdigest()[:12]}"


class VendorEmulator(EmulatorApp):
    """Base of SmartRecruiters', Factorial's (and every next vendor's) emulator. See the module docstring."""

    seed_config_type: ClassVar[type[SeedConfigBase]]
    state_hooks: ClassVar[StateHooks]
    api_key_label: ClassVar[str] = "API key"  # as `describe` prints it, e.g. "API key (X-SmartToken)"
    default_client: ClassVar[OAuthClient | None] = None  # the OAuth client every fresh emulator knows
    known_scopes: ClassVar[frozenset[str]] = frozenset()
    authorize_path: ClassVar[str] = ""  # the approval page's path, e.g. "/oauth/authorize"
    token_path: ClassVar[str] = ""

    state: Any
    api_keys: dict[str, Any]

    def __init__(
        self,
        *,
        seed: SeedConfigBase | Mapping[str, Any] | None,
        clock: Clock | None,
        limits: Limits,
        limits_enabled: bool,
        send_retry_after: bool,
    ) -> None:
        super().__init__(clock=clock, limits=limits, limits_enabled=limits_enabled, send_retry_after=send_retry_after)
        config_type = self.seed_config_type
        self.initial_seed = seed if isinstance(seed, config_type) else config_type.from_json(dict(seed or {}))
        self.seed_config = self.initial_seed
        self.state = self.build_state(self.seed_config)
        add = self.add_control
        add("POST", f"{CONTROL_PREFIX}/oauth/clients", self._control_oauth_client)
        add("POST", f"{CONTROL_PREFIX}/oauth/tokens", self._control_oauth_token)
        add("POST", f"{CONTROL_PREFIX}/api-keys", self.control_api_key)

    # ------------------------------------------------------------------ hooks for the vendor
    def build_state(self, config: Any) -> Any:
        return self.state_hooks.build(config, self.clock)

    def state_counts(self) -> dict[str, int]:
        return self.state_hooks.counts(self.state)

    def dump_state(self) -> dict[str, Any]:
        return self.state_hooks.dump(self.state, self.seed_config)

    def owner_subject(self) -> str | None:
        """The OAuth subject of tokens approved on the page: the company's administrator."""
        return None

    def owner_label(self) -> str:
        return "the administrator"

    def http_error_for(self, error: StateError) -> HttpError:
        """The vendor's API error for a refused state change (`Invalid`, `Missing`, …)."""
        return HttpError(error.status, "INVALID" if error.status != 404 else "NOT_FOUND", error.message)

    def invalid_token_error(self, error: InvalidToken) -> HttpError:
        """The vendor's 401 for a bearer token it does not (or no longer) accept."""
        return HttpError(401, "UNAUTHORIZED", "Invalid access token")

    def control_oauth_client(self, body: dict[str, Any]) -> tuple[OAuthClient, dict[str, Any]]:
        """`POST /_emulator/oauth/clients`: the client to register from the body, and the answer's extra keys."""
        raise NotImplementedError

    def token_grant(self, client: OAuthClient, body: dict[str, Any]) -> dict[str, Any]:
        """`POST /_emulator/oauth/tokens`: the `issue_token` keywords (scopes, grant type, …) for this body."""
        raise NotImplementedError

    def control_api_key(self, request: Request) -> Response:
        """`POST /_emulator/api-keys`: add an API key (the vendor's key shape)."""
        raise ControlError("This emulator has no API keys", 404)

    def describe_endpoints(self, url: str) -> dict[str, str]:
        """Entry points beside the OAuth ones worth printing, e.g. the API's base."""
        return {}

    # ------------------------------------------------------------------ routes
    def add_route(self, method: str, template: str, handler: Handler, *scopes: str, **meta: Any) -> None:
        """An API route; a `StateError` its handler raises answers as the vendor's error (`http_error_for`)."""
        self.router.add(method, template, self._domain_errors(handler), scopes=scopes, **meta)

    def add_control(self, method: str, template: str, handler: Handler, **meta: Any) -> None:
        """A `/_emulator/` route; a `StateError` its handler raises answers as a control error. `unlocked=True`: the
        handler runs outside the state lock (it waits for something that may need the emulator meanwhile)."""
        self.control.add(method, template, _control_errors(handler), **meta)

    def register_oauth_routes(self, **meta: Any) -> None:
        """The approval page (GET), its form (POST) and the token endpoint, outside the rate limits."""
        self.add_route("GET", self.authorize_path, self._oauth_page, unlimited=True, **meta)
        self.add_route("POST", self.authorize_path, self._oauth_submit, unlimited=True, **meta)
        self.add_route("POST", self.token_path, self._oauth_token, unlimited=True, **meta)

    def _domain_errors(self, handler: Handler) -> Handler:
        def run(request: Request) -> Response:
            try:
                return handler(request)
            except StateError as exc:
                raise self.http_error_for(exc) from None

        return run

    @property
    def provider(self) -> OAuthProvider:
        assert self.oauth is not None, "the vendor emulator sets self.oauth in its __init__"
        return self.oauth

    def _oauth_page(self, request: Request) -> Response:
        return self.provider.approval_page(request, action=self.authorize_path)

    def _oauth_submit(self, request: Request) -> Response:
        return self.provider.approval_submit(request)

    def _oauth_token(self, request: Request) -> Response:
        return self.provider.token_endpoint(request)

    # ------------------------------------------------------------------ authentication
    def bearer_grant(self, request: Request) -> AccessGrant | None:
        """The grant behind `Authorization: Bearer …`, None without one; the vendor's 401 for a refused token."""
        authorization = request.header("authorization") or ""
        if not authorization.lower().startswith("bearer "):
            return None
        try:
            return self.provider.authenticate(authorization[7:].strip())
        except InvalidToken as exc:
            raise self.invalid_token_error(exc) from None

    # ------------------------------------------------------------------ state hooks of EmulatorApp
    def state_snapshot(self) -> dict[str, Any]:
        return self.dump_state()

    def seed(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            config = self.seed_config_type.from_json(params)
        except TypeError as exc:
            raise ControlError(str(exc)) from None
        except StateError as exc:
            raise ControlError(exc.message) from None
        self._replace_state(config)
        return {"seed": config.as_json(), "counts": self.state_counts()}

    def reset_state(self) -> None:
        self._replace_state(self.initial_seed)

    def _replace_state(self, config: Any) -> None:
        self.seed_config = config
        self.state = self.build_state(config)
        if self.oauth is not None:
            self.oauth.subject = self.owner_subject()
            self.oauth.subject_label = self.owner_label()

    def describe(self, url: str) -> dict[str, str]:
        described = {self.api_key_label: ", ".join(self.api_keys)}
        client = self.default_client
        if client is not None:
            redirect = client.redirect_uris[0] if client.redirect_uris else "-"
            described["OAuth client"] = f"{client.client_id} / {client.client_secret} (redirect URI {redirect})"
            described["authorize"] = f"{url}{self.authorize_path}?client_id={client.client_id}&redirect_uri=..."
            described["token"] = f"{url}{self.token_path}"
        return {**described, **self.describe_endpoints(url), "seed": json.dumps(self.seed_config.as_json())}

    # ------------------------------------------------------------------ OAuth control endpoints
    def require_known_scopes(self, scopes: Iterable[str]) -> None:
        unknown = set(scopes) - self.known_scopes
        if unknown:
            raise ControlError(f"Unknown scopes: {', '.join(sorted(unknown))}")

    def _control_oauth_client(self, request: Request) -> Response:
        body = request.json_object()
        if not body.get("clientId") or not body.get("clientSecret"):
            raise ControlError("clientId and clientSecret are required")
        client, extra = self.control_oauth_client(body)
        self.provider.register_client(client)
        answer = {"clientId": body["clientId"], "redirectUris": list(client.redirect_uris), **extra}
        return Response.json(answer, 201)

    def _control_oauth_token(self, request: Request) -> Response:
        """Mint a token without the browser dance (tests): `{"clientId", "scopes": [...], "refreshToken": bool}`
        and the vendor's extra keys (`token_grant`)."""
        body = request.json_object()
        default = self.default_client.client_id if self.default_client else ""
        client_id = str(body.get("clientId") or default)
        client = self.provider.client(client_id)
        if client is None:
            raise ControlError(f"Unknown client {client_id}", 404)
        grant = self.token_grant(client, body)
        self.require_known_scopes(grant["scopes"])
        token = self.provider.issue_token(
            client_id, with_refresh_token=bool(body.get("refreshToken")), subject=self.owner_subject(), **grant
        )
        return Response.json(token, 201)

    def api_key_principal(self, key: str, *, scopes: frozenset[str] | None = None, subject: str | None) -> Principal:
        return Principal(credential=api_key_credential(key), kind="api_key", scopes=scopes, subject=subject)


def _control_errors(handler: Handler) -> Handler:
    def run(request: Request) -> Response:
        try:
            return handler(request)
        except StateError as exc:
            raise ControlError(exc.message, exc.status) from None

    return run
