"""Lever raw HTTP (reference ats-greenhouse-lever.md B1/B2): Basic auth with the API key as username and a blank
password, the `/v1` base, the `{data, next, hasNext}` paging loop with its opaque `offset`, multipart uploads."""

from __future__ import annotations

import base64
import dataclasses
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests

from apps.connectors import oauth2
from apps.connectors.catalog import AuthKind
from apps.connectors.dtos import OAuthClient
from apps.connectors.errors import ConnectorAuthError
from apps.connectors.http import HttpClient
from apps.connectors.oauth2 import ACCESS_TOKEN, API_KEY, CLIENT_ID, CLIENT_SECRET, EXPIRES_AT, REFRESH_TOKEN

DEFAULT_BASE_URL = "https://api.lever.co"
API = "/v1"
MAX_PAGE_SIZE = 100  # `limit` 1–100 (reference B2)
# OAuth lives on its own host: `auth.lever.co` for the API, `sandbox-lever.auth0.com` for the sandbox API
# (reference B1, LV-CFG); any other base (the emulator, a proxy) serves `/authorize` and `/oauth/token` itself.
AUTH_HOSTS = {"api.lever.co": "https://auth.lever.co", "api.sandbox.lever.co": "https://sandbox-lever.auth0.com"}
AUDIENCE = "https://api.lever.co/v1/"  # required on the authorize URL (reference B1); the sandbox's is NOT FOUND
AUTHORIZE_PATH = "/authorize"
TOKEN_PATH = "/oauth/token"
OFFLINE_ACCESS = "offline_access"  # asks for a refresh token
REFRESH_MARGIN_SECONDS = 60
JsonDict = dict[str, Any]


@dataclass
class LeverClient:
    http: HttpClient
    auth_kind: AuthKind
    credentials: dict[str, str]
    renew_credentials: Callable[..., dict[str, str]]
    clock: Callable[[], float] = time.time

    def auth_headers(self) -> dict[str, str]:
        if self.auth_kind == AuthKind.OAUTH2_AUTHORIZATION_CODE:
            if self._expiring() and self.credentials.get(REFRESH_TOKEN):
                self.refresh()
            token = self.credentials.get(ACCESS_TOKEN, "")
            if not token:
                raise ConnectorAuthError("No Lever access token is configured.")
            return {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        key = self.credentials.get(API_KEY, "")
        if self.auth_kind != AuthKind.API_KEY or not key:
            raise ConnectorAuthError("No Lever API key is configured.")
        # `curl -u API_KEY:` — the key is the username, the password blank (reference B1).
        token = base64.b64encode(f"{key}:".encode()).decode()
        return {"Authorization": f"Basic {token}", "Accept": "application/json"}

    def _expiring(self) -> bool:
        raw = self.credentials.get(EXPIRES_AT, "")
        try:
            return bool(raw) and float(raw) - REFRESH_MARGIN_SECONDS <= self.clock()
        except ValueError:
            return False

    def refresh(self) -> None:
        """Trade the refresh token for a new access token and a new refresh token, and persist both (B1)."""
        self.credentials = self.renew_credentials(self.credentials, self._refreshed)

    def _refreshed(self, credentials: dict[str, str]) -> dict[str, str]:
        refresh_token = credentials.get(REFRESH_TOKEN, "")
        if not (credentials.get(CLIENT_ID) and refresh_token):
            raise ConnectorAuthError("The Lever access token expired and cannot be refreshed; reconnect.")
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": credentials[CLIENT_ID],
                "client_secret": credentials.get(CLIENT_SECRET, "")}  # fmt: skip
        body = oauth2.token_request(token_http(self.http), TOKEN_PATH, form, vendor="Lever")
        updated = {**credentials, **oauth2.token_credentials(body, now=self.clock())}
        updated.setdefault(REFRESH_TOKEN, refresh_token)
        return updated

    def renew_after_rejection(self) -> bool:
        """After a 401: refresh an OAuth token that has a refresh token (an API key cannot be renewed)."""
        if self.auth_kind != AuthKind.OAUTH2_AUTHORIZATION_CODE or not self.credentials.get(REFRESH_TOKEN):
            return False
        self.refresh()
        return True

    def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        data: Any = None,
        files: Any = None,
        idempotent: bool | None = None,
    ) -> Any:
        def send() -> Any:
            return self.http.request(
                method, API + path, params=params, json_body=body, data=data, files=files,
                headers=self.auth_headers(), idempotent=idempotent,
            )  # fmt: skip

        try:
            response = send()
        except ConnectorAuthError:
            # A 401 is refused before anything happens, so even a write may be sent once more after a refresh.
            if not self.renew_after_rejection():
                raise
            response = send()
        return response.json() if response.content else None

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.call("GET", path, params=params)

    def data(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """A single object's `data`."""
        return self.get(path, params)["data"]

    def list_page(
        self, path: str, *, cursor: str | None, limit: int, **filters: Any
    ) -> tuple[list[JsonDict], str | None]:
        """(records, next offset) of one page; the offset is only ever one Lever returned (reference B2)."""
        params: dict[str, Any] = {"limit": limit, **{k: v for k, v in filters.items() if v is not None}}
        if cursor:
            params["offset"] = cursor
        body = self.get(path, params)
        return list(body.get("data") or []), (body.get("next") if body.get("hasNext") else None)

    def every(self, path: str, **filters: Any) -> list[JsonDict]:
        """Every record of a list (small account lists: stages, archive reasons, users)."""
        rows: list[JsonDict] = []
        cursor: str | None = None
        while True:
            page, cursor = self.list_page(path, cursor=cursor, limit=MAX_PAGE_SIZE, **filters)
            rows += page
            if cursor is None:
                return rows

    def upload(self, name: str, content_type: str, content: bytes) -> str:
        """`POST /uploads` (multipart `file`, ≤30 MB, valid 24 h): the `uri` to hand to the apply API."""
        body = self.call("POST", "/uploads", files={"file": (name, content, content_type)}, idempotent=True)
        return str(body["data"]["uri"])


def auth_base(api_base: str) -> str:
    """Where the authorize page and the token endpoint live for this API base."""
    return AUTH_HOSTS.get(urlsplit(api_base).hostname or "", api_base.rstrip("/"))


def token_http(http: HttpClient) -> HttpClient:
    """The HTTP seam for token requests: the integration's own client, or one on Lever's auth host (same
    secrets, timeouts and retries; its own limiter lane) when the API is Lever's."""
    base = auth_base(http.base_url)
    if base == http.base_url.rstrip("/"):
        return http
    return dataclasses.replace(
        http, base_url=base, rate_key=f"{http.rate_key}:auth", budget=None, session=requests.Session(), calls=0
    )


def authorize_url(base_url: str, *, client: OAuthClient, redirect_uri: str, state: str, scopes: Sequence[str]) -> str:
    """`https://auth.lever.co/authorize?client_id&redirect_uri&response_type=code&state&audience&scope` — all
    required; `offline_access` for a refresh token (reference B1)."""
    wanted = list(dict.fromkeys([*scopes, OFFLINE_ACCESS]))
    query = {"client_id": client.client_id, "redirect_uri": redirect_uri, "response_type": "code", "state": state,
             "audience": AUDIENCE, "scope": " ".join(wanted)}  # fmt: skip
    return f"{auth_base(base_url)}{AUTHORIZE_PATH}?{urlencode(query)}"


def exchange_code(http: HttpClient, *, client: OAuthClient, code: str, redirect_uri: str, now: float) -> dict[str, str]:
    form = {"grant_type": "authorization_code", "client_id": client.client_id, "client_secret": client.client_secret,
            "code": code, "redirect_uri": redirect_uri}  # fmt: skip
    body = oauth2.token_request(token_http(http), TOKEN_PATH, form, vendor="Lever")
    # The client travels with the tokens: a refresh must be made by the application that issued them.
    return {**oauth2.token_credentials(body, now=now), CLIENT_ID: client.client_id, CLIENT_SECRET: client.client_secret}
