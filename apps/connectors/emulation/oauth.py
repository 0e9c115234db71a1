"""A small OAuth 2.0 authorization server for emulators (RFC 6749).

- Authorization code: `approval_page` renders an HTML page (Allow / Deny) for
  `?client_id&redirect_uri&scope&state`; `approval_submit` redirects to `redirect_uri?code=...&state=...`
  (or `?error=access_denied&state=...`).
- Token endpoint (`token_endpoint`, form-encoded, client credentials in the body or HTTP Basic):
  `authorization_code`, `refresh_token` (single use and rotating unless `rotate_refresh_tokens=False`),
  `client_credentials`.
- Access tokens expire after `access_token_ttl` seconds (or what `access_token_ttl_for(extras)` says per grant;
  `None` = never); `expire_access_tokens()` ends all of them at once.
- Vendor-specific authorize parameters named in `authorize_params` (e.g. Factorial's `resource_owner_type`) travel
  from the approval page through the code and refresh tokens to the grant's `extras`.
"""

from __future__ import annotations

import base64
import binascii
import html
import secrets
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.http import Request, Response

ALL_GRANT_TYPES = frozenset({"authorization_code", "refresh_token", "client_credentials"})


@dataclass(frozen=True)
class OAuthClient:
    """A registered OAuth application. `allowed_scopes=None` allows every scope the provider knows."""

    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...] = ()
    name: str = "Integration"
    default_scopes: frozenset[str] = frozenset()
    allowed_scopes: frozenset[str] | None = None
    grant_types: frozenset[str] = ALL_GRANT_TYPES


@dataclass
class AccessGrant:
    """What an access token stands for."""

    token: str
    client_id: str
    scopes: frozenset[str]
    expires_at: float | None  # None: never expires
    subject: str | None
    grant_type: str
    extras: Mapping[str, str] = field(default_factory=dict)

    def expired(self, now: float) -> bool:
        return self.expires_at is not None and self.expires_at <= now


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    scopes: frozenset[str]
    subject: str | None
    expires_at: float
    used: bool = False
    extras: dict[str, str] = field(default_factory=dict)


@dataclass
class _RefreshToken:
    client_id: str
    scopes: frozenset[str]
    subject: str | None
    expires_at: float
    used: bool = False
    extras: dict[str, str] = field(default_factory=dict)


class InvalidToken(Exception):
    """A bearer token that is unknown (`reason="invalid"`) or past its lifetime (`reason="expired"`)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _TokenError(Exception):
    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description


class _ApprovalError(Exception):
    """Wrong client or redirect URI: shown on the page itself, never redirected (RFC 6749 §4.1.2.1)."""


@dataclass
class OAuthProvider:
    known_scopes: Iterable[str]
    clients: Iterable[OAuthClient] = ()
    clock: Clock = field(default_factory=Clock)
    access_token_ttl: int = 1800
    refresh_token_ttl: int = 28 * 24 * 3600
    code_ttl: int = 600
    # Single-use refresh tokens: each refresh answers a new one and retires the old one.
    rotate_refresh_tokens: bool = True
    # Who "signs in" on the approval page; becomes the grant's subject (e.g. the user behind /users/me).
    subject: str | None = None
    subject_label: str = "the administrator"
    product_name: str = "the emulated product"
    scope_descriptions: Mapping[str, str] = field(default_factory=dict)
    # Extra authorize parameters carried to the grant (`AccessGrant.extras`), e.g. ("resource_owner_type",).
    authorize_params: tuple[str, ...] = ()
    # Per-grant access token lifetime from the extras; None from the callable means the token never expires.
    access_token_ttl_for: Callable[[Mapping[str, str]], int | None] | None = None
    # Add `created_at` (Unix seconds) to token responses, as Doorkeeper-based providers do.
    include_created_at: bool = False

    def __post_init__(self) -> None:
        self.known_scopes = frozenset(self.known_scopes)
        self._clients: dict[str, OAuthClient] = {client.client_id: client for client in self.clients}
        self._lock = threading.Lock()
        self._access: dict[str, AccessGrant] = {}
        self._codes: dict[str, _Code] = {}
        self._refresh: dict[str, _RefreshToken] = {}

    # -- clients -------------------------------------------------------------------------------
    def register_client(self, client: OAuthClient) -> None:
        with self._lock:
            self._clients[client.client_id] = client

    def client(self, client_id: str) -> OAuthClient | None:
        return self._clients.get(client_id)

    def reset_tokens(self) -> None:
        with self._lock:
            self._access.clear()
            self._codes.clear()
            self._refresh.clear()

    # -- bearer tokens -------------------------------------------------------------------------
    def authenticate(self, token: str) -> AccessGrant:
        with self._lock:
            grant = self._access.get(token)
        if grant is None:
            raise InvalidToken("invalid")
        if grant.expired(self.clock.time()):
            raise InvalidToken("expired")
        return grant

    def expire_access_tokens(self, *, include_non_expiring: bool = False) -> int:
        """End every access token now (refresh tokens stay valid). Tokens that never expire are left alone
        unless `include_non_expiring` (then they end too, as if revoked). Returns how many were ended."""
        now = self.clock.time()
        with self._lock:
            live = [
                grant
                for grant in self._access.values()
                if not grant.expired(now) and (grant.expires_at is not None or include_non_expiring)
            ]
            for grant in live:
                grant.expires_at = now
            return len(live)

    def revoke_client_tokens(self, client_id: str) -> int:
        """Forget every access token and retire every refresh token of one client (e.g. its scopes changed).
        Returns how many access tokens were dropped."""
        with self._lock:
            tokens = [token for token, grant in self._access.items() if grant.client_id == client_id]
            for token in tokens:
                del self._access[token]
            for refresh in self._refresh.values():
                if refresh.client_id == client_id:
                    refresh.used = True
            return len(tokens)

    def revoke_refresh_tokens(self) -> int:
        with self._lock:
            live = [token for token in self._refresh.values() if not token.used]
            for token in live:
                token.used = True
            return len(live)

    def issue_token(
        self,
        client_id: str,
        scopes: Iterable[str],
        *,
        subject: str | None = None,
        grant_type: str = "client_credentials",
        with_refresh_token: bool = False,
        extras: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """Mint a token directly (tests and seeding); returns the token endpoint's JSON."""
        with self._lock:
            return self._mint(client_id, frozenset(scopes), subject, grant_type, with_refresh_token, extras)

    def _mint(
        self,
        client_id: str,
        scopes: frozenset[str],
        subject: str | None,
        grant_type: str,
        with_refresh: bool,
        extras: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        now = self.clock.time()
        extras = dict(extras or {})
        ttl = self.access_token_ttl if self.access_token_ttl_for is None else self.access_token_ttl_for(extras)
        token = secrets.token_urlsafe(32)
        expires_at = None if ttl is None else now + ttl
        self._access[token] = AccessGrant(token, client_id, scopes, expires_at, subject, grant_type, extras)
        body: dict[str, Any] = {"access_token": token, "token_type": "Bearer"}
        if ttl is not None:
            body["expires_in"] = ttl
        body["scope"] = " ".join(sorted(scopes))
        if with_refresh:
            refresh = secrets.token_urlsafe(32)
            self._refresh[refresh] = _RefreshToken(
                client_id, scopes, subject, now + self.refresh_token_ttl, extras=dict(extras)
            )
            body["refresh_token"] = refresh
        if self.include_created_at:
            body["created_at"] = int(now)
        return body

    def snapshot(self) -> dict[str, Any]:
        now = self.clock.time()
        with self._lock:
            return {
                "clients": sorted(self._clients),
                "liveAccessTokens": sum(1 for grant in self._access.values() if not grant.expired(now)),
                "expiredAccessTokens": sum(1 for grant in self._access.values() if grant.expired(now)),
                "liveRefreshTokens": sum(
                    1 for item in self._refresh.values() if not item.used and item.expires_at > now
                ),
            }

    # -- scopes --------------------------------------------------------------------------------
    def _resolve_scopes(self, client: OAuthClient, raw: str | None) -> frozenset[str]:
        """`None` (parameter absent) → the client's defaults; empty → invalid (as SmartRecruiters documents)."""
        if raw is None:
            return client.default_scopes
        requested = frozenset(part for part in raw.replace(",", " ").split() if part)
        if not requested:
            raise _TokenError(400, "invalid_scope", "The scope parameter must not be empty")
        unknown = sorted(requested - self.known_scopes)
        if unknown:
            raise _TokenError(400, "invalid_scope", f"Unknown scope: {' '.join(unknown)}")
        allowed = client.allowed_scopes
        if allowed is not None and not requested <= allowed:
            extra = " ".join(sorted(requested - allowed))
            raise _TokenError(400, "invalid_scope", f"Scope not allowed for this client: {extra}")
        return requested

    # -- authorization code: approval page ------------------------------------------------------
    def _approval_client(self, client_id: str | None, redirect_uri: str | None) -> OAuthClient:
        client = self._clients.get(client_id or "")
        if client is None:
            raise _ApprovalError("Unknown client_id.")
        if not redirect_uri or redirect_uri not in client.redirect_uris:
            raise _ApprovalError("The redirect_uri is not registered for this application.")
        return client

    @staticmethod
    def _redirect(redirect_uri: str, params: dict[str, str | None]) -> Response:
        query = urlencode({key: value for key, value in params.items() if value is not None})
        separator = "&" if urlsplit(redirect_uri).query else "?"
        return Response.redirect(f"{redirect_uri}{separator}{query}")

    def _error_page(self, message: str) -> Response:
        body = (
            "<!doctype html><html><head><meta charset='utf-8'><title>Authorization error</title></head>"
            f"<body><h1>Authorization error</h1><p id='error'>{html.escape(message)}</p></body></html>"
        )
        return Response.html(body, status=400)

    def approval_page(self, request: Request, *, action: str) -> Response:
        """GET: show what the application asks for, with Allow / Deny buttons posting to `action`."""
        client_id, redirect_uri, state = request.arg("client_id"), request.arg("redirect_uri"), request.arg("state")
        try:
            client = self._approval_client(client_id, redirect_uri)
        except _ApprovalError as exc:
            return self._error_page(str(exc))
        assert redirect_uri is not None
        response_type = request.arg("response_type")
        if response_type not in (None, "code"):
            return self._redirect(redirect_uri, {"error": "unsupported_response_type", "state": state})
        raw_scope = request.arg("scope") if "scope" in request.query else None
        try:
            scopes = self._resolve_scopes(client, raw_scope)
        except _TokenError as exc:
            return self._redirect(
                redirect_uri, {"error": exc.error, "error_description": exc.description, "state": state}
            )
        items = "".join(
            f"<li data-scope='{html.escape(scope)}'><code>{html.escape(scope)}</code> "
            f"{html.escape(self.scope_descriptions.get(scope, ''))}</li>"
            for scope in sorted(scopes)
        )
        extras = [(name, request.arg(name)) for name in self.authorize_params if request.arg(name)]
        hidden = "".join(
            f"<input type='hidden' name='{name}' value='{html.escape(value or '')}'>"
            for name, value in (
                ("client_id", client.client_id),
                ("redirect_uri", redirect_uri),
                ("scope", " ".join(sorted(scopes))),
                ("state", state or ""),
                *extras,
            )
        )
        body = (
            "<!doctype html><html><head><meta charset='utf-8'>"
            f"<title>Authorize {html.escape(client.name)}</title></head><body>"
            f"<h1>Authorize {html.escape(client.name)}</h1>"
            f"<p>Signed in to {html.escape(self.product_name)} as {html.escape(self.subject_label)}.</p>"
            f"<p><strong>{html.escape(client.name)}</strong> asks for access to:</p><ul id='scopes'>{items}</ul>"
            f"<form method='post' action='{html.escape(action)}'>{hidden}"
            "<button type='submit' id='allow' name='decision' value='allow'>Allow</button> "
            "<button type='submit' id='deny' name='decision' value='deny'>Deny</button>"
            "</form></body></html>"
        )
        return Response.html(body)

    def approval_submit(self, request: Request) -> Response:
        """POST from the approval page: redirect back with a one-time code (Allow) or `access_denied` (Deny)."""
        client_id = request.form_value("client_id")
        redirect_uri = request.form_value("redirect_uri")
        state = request.form_value("state") or None
        try:
            client = self._approval_client(client_id, redirect_uri)
        except _ApprovalError as exc:
            return self._error_page(str(exc))
        assert redirect_uri is not None
        if request.form_value("decision") != "allow":
            return self._redirect(redirect_uri, {"error": "access_denied", "state": state})
        raw_scope = request.form_value("scope")
        try:
            scopes = self._resolve_scopes(client, raw_scope if raw_scope else None)
        except _TokenError as exc:
            return self._redirect(
                redirect_uri, {"error": exc.error, "error_description": exc.description, "state": state}
            )
        code = secrets.token_urlsafe(24)
        extras = {name: value for name in self.authorize_params if (value := request.form_value(name))}
        with self._lock:
            self._codes[code] = _Code(
                client.client_id, redirect_uri, scopes, self.subject, self.clock.time() + self.code_ttl, extras=extras
            )
        return self._redirect(redirect_uri, {"code": code, "state": state})

    # -- token endpoint ------------------------------------------------------------------------
    def token_endpoint(self, request: Request) -> Response:
        params = {key: values[0] for key, values in request.query.items() if values}
        params.update({key: values[0] for key, values in request.form.items() if values})
        headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
        try:
            client = self._authenticate_client(request, params)
            body = self._grant(client, params)
        except _TokenError as exc:
            if exc.status == 401 and (request.header("authorization") or "").lower().startswith("basic "):
                headers["WWW-Authenticate"] = 'Basic realm="oauth"'
            return Response.json({"error": exc.error, "error_description": exc.description}, exc.status, headers)
        return Response.json(body, 200, headers)

    def _authenticate_client(self, request: Request, params: dict[str, str]) -> OAuthClient:
        client_id, client_secret = params.get("client_id"), params.get("client_secret")
        authorization = request.header("authorization") or ""
        if authorization.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(authorization[6:].strip()).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                raise _TokenError(401, "invalid_client", "Malformed Basic credentials") from None
            client_id, _, client_secret = decoded.partition(":")
        if not params.get("grant_type"):
            raise _TokenError(400, "invalid_request", "Missing grant_type")
        client = self._clients.get(client_id or "")
        if client is None or not client_secret or not secrets.compare_digest(client.client_secret, client_secret):
            raise _TokenError(401, "invalid_client", "Client authentication failed")
        return client

    def _grant(self, client: OAuthClient, params: dict[str, str]) -> dict[str, Any]:
        grant_type = params["grant_type"]
        if grant_type not in ALL_GRANT_TYPES:
            raise _TokenError(400, "unsupported_grant_type", f"Unsupported grant_type: {grant_type}")
        if grant_type not in client.grant_types:
            raise _TokenError(400, "unauthorized_client", f"This client may not use {grant_type}")
        now = self.clock.time()
        with self._lock:
            if grant_type == "client_credentials":
                scopes = self._resolve_scopes(client, params.get("scope"))
                return self._mint(client.client_id, scopes, None, grant_type, with_refresh=False)
            if grant_type == "authorization_code":
                code = self._codes.get(params.get("code") or "")
                if code is None or code.used or code.expires_at <= now or code.client_id != client.client_id:
                    raise _TokenError(400, "invalid_grant", "Invalid, expired or used authorization code")
                if params.get("redirect_uri") and params["redirect_uri"] != code.redirect_uri:
                    raise _TokenError(400, "invalid_grant", "redirect_uri does not match the authorization request")
                code.used = True
                return self._mint(
                    client.client_id, code.scopes, code.subject, grant_type, with_refresh=True, extras=code.extras
                )
            refresh = self._refresh.get(params.get("refresh_token") or "")
            if refresh is None or refresh.used or refresh.expires_at <= now or refresh.client_id != client.client_id:
                raise _TokenError(400, "invalid_grant", "Invalid, expired or used refresh token")
            scopes = refresh.scopes
            if params.get("scope"):
                narrowed = frozenset(params["scope"].split())
                if not narrowed <= refresh.scopes:
                    raise _TokenError(400, "invalid_scope", "A refresh cannot widen the granted scope")
                scopes = narrowed
            rotate = self.rotate_refresh_tokens
            if rotate:
                refresh.used = True
            return self._mint(
                client.client_id,
                scopes,
                refresh.subject,
                "authorization_code",
                with_refresh=rotate,
                extras=refresh.extras,
            )
