"""Workable raw HTTP (reference ats-workable-ashby.md A1/A2): the bearer token, the account's base path, the
`limit`/`since_id` paging loop (`paging.next` carries the next page's first id; no `paging` on the last page)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from apps.connectors import oauth2
from apps.connectors.catalog import AuthKind
from apps.connectors.dtos import OAuthClient
from apps.connectors.errors import (
    ConnectorApplicationExists,
    ConnectorAuthError,
    ConnectorInputError,
    ConnectorJobClosed,
)
from apps.connectors.http import HttpClient, error_for_status
from apps.connectors.oauth2 import ACCESS_TOKEN, API_KEY, CLIENT_ID, CLIENT_SECRET, EXPIRES_AT, REFRESH_TOKEN

DEFAULT_BASE_URL = "https://www.workable.com"
SUBDOMAIN = "subdomain"  # the credential key of the account's subdomain (`acme` of acme.workable.com)
MAX_PAGE_SIZE = 100  # `limit` max 100 (reference A2)
# OAuth for official partners (reference A1): the approval page and the token endpoint on www.workable.com, i.e.
# the connection's base URL (the emulator serves both itself).
AUTHORIZE_PATH = "/oauth/authorize"
TOKEN_PATH = "/oauth/token"
ACCOUNTS_PATH = "/spi/v3/accounts"  # the accounts a token reaches (listed in the v3 index; shape assumed)
REFRESH_MARGIN_SECONDS = 60
JsonDict = dict[str, Any]


def account_path(subdomain: str) -> str:
    """The account-path form of the v3 base (`/spi/v3/accounts/{subdomain}`, reference A1), one host for all
    accounts, so the connection's base URL stays the tool's while the subdomain comes with the credentials."""
    return f"/spi/v3/accounts/{subdomain}"


@dataclass
class WorkableClient:
    http: HttpClient
    auth_kind: AuthKind
    credentials: dict[str, str]
    renew_credentials: Callable[..., dict[str, str]]
    clock: Callable[[], float] = time.time

    @property
    def base(self) -> str:
        subdomain = (self.credentials.get(SUBDOMAIN) or "").strip().lower()
        if not subdomain or not subdomain.replace("-", "").isalnum():
            raise ConnectorInputError("The Workable subdomain is missing or not a subdomain (e.g. `acme`).")
        return account_path(subdomain)

    def auth_headers(self) -> dict[str, str]:
        if self.auth_kind == AuthKind.OAUTH2_AUTHORIZATION_CODE:
            if not self.credentials.get(ACCESS_TOKEN) or self._expiring():
                self.credentials = self.renew_credentials(self.credentials, self._refreshed)
            token = self.credentials.get(ACCESS_TOKEN, "")
        else:
            token = self.credentials.get(API_KEY, "") if self.auth_kind == AuthKind.API_KEY else ""
        if not token:
            raise ConnectorAuthError("No Workable access token is configured.")
        return {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    def _expiring(self) -> bool:
        raw = self.credentials.get(EXPIRES_AT, "")
        try:
            return bool(raw) and float(raw) - REFRESH_MARGIN_SECONDS <= self.clock()
        except ValueError:
            return True

    def _refreshed(self, credentials: dict[str, str]) -> dict[str, str]:
        refresh = credentials.get(REFRESH_TOKEN, "")
        if not refresh:
            raise ConnectorAuthError("The Workable access token expired and cannot be refreshed; reconnect.")
        form = {"grant_type": "refresh_token", "refresh_token": refresh, "client_id": credentials.get(CLIENT_ID, ""),
                "client_secret": credentials.get(CLIENT_SECRET, "")}  # fmt: skip
        body = oauth2.token_request(self.http, TOKEN_PATH, form, vendor="Workable")
        updated = {**credentials, **oauth2.token_credentials(body, now=self.clock())}
        updated.setdefault(REFRESH_TOKEN, refresh)  # assumed: the refresh token is kept when none comes back
        return updated

    def renew_after_rejection(self) -> bool:
        """An account token cannot be renewed; an OAuth token is refreshed once after a 401."""
        if self.auth_kind != AuthKind.OAUTH2_AUTHORIZATION_CODE or not self.credentials.get(REFRESH_TOKEN):
            return False
        self.credentials = self.renew_credentials(self.credentials, self._refreshed)
        return True

    def call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None, body: Any = None) -> Any:
        try:
            response = self.http.request(
                method, self.base + path, params=params, json_body=body, headers=self.auth_headers()
            )
        except ConnectorAuthError:
            if not self.renew_after_rejection():
                raise
            response = self.http.request(
                method, self.base + path, params=params, json_body=body, headers=self.auth_headers()
            )
        return response.json() if response.content else None

    def create(self, shortcode: str, params: Mapping[str, Any] | None, body: JsonDict) -> JsonDict:
        """`POST /jobs/:shortcode/candidates` in one call (a write that times out stays uncertain). Workable's 422
        names what it refused in `validation_errors` (reference A2): an existing candidate of the job
        (`email: candidate already exists`) or a job that takes none are typed here."""
        path = f"{self.base}/jobs/{shortcode}/candidates"
        response = self.http.request(
            "POST", path, params=params, json_body=body, headers=self.auth_headers(), raise_for_status=False
        )
        if response.status_code < 300:
            return dict(response.json()["candidate"])
        errors: JsonDict = {}
        if response.status_code == 422:
            try:
                errors = dict(response.json().get("validation_errors") or {})
            except ValueError:
                errors = {}
        if "already exists" in " ".join(errors.get("email") or []):
            raise ConnectorApplicationExists("This candidate already applied to this Workable job.", status_code=422)
        if "job" in errors:
            raise ConnectorJobClosed(f"Workable job {shortcode}: {'; '.join(errors['job'])}.", status_code=422)
        raise error_for_status("POST", path, response.status_code, response.content)

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.call("GET", path, params=params)

    def list_page(
        self, path: str, key: str, *, cursor: str | None, limit: int, **filters: Any
    ) -> tuple[list[JsonDict], str | None]:
        """(records, next cursor) of one page; the cursor is the next page's `since_id`."""
        params = {"limit": limit, **{k: v for k, v in filters.items() if v is not None}}
        if cursor:
            params["since_id"] = cursor
        body = self.get(path, params)
        next_url = (body.get("paging") or {}).get("next")
        next_cursor = parse_qs(urlsplit(next_url).query).get("since_id", [None])[0] if next_url else None
        return list(body.get(key) or []), next_cursor


def authorize_url(base_url: str, *, client: OAuthClient, redirect_uri: str, state: str, scopes: Sequence[str]) -> str:
    """`https://www.workable.com/oauth/authorize?client_id=&redirect_uri=&resource=user&response_type=code&scope=`
    (reference A1; scopes space-separated, `+` in the query)."""
    query = {"client_id": client.client_id, "redirect_uri": redirect_uri, "resource": "user", "response_type": "code",
             "scope": " ".join(scopes), "state": state}  # fmt: skip
    return f"{base_url.rstrip('/')}{AUTHORIZE_PATH}?{urlencode(query)}"


def exchange_code(http: HttpClient, *, client: OAuthClient, code: str, redirect_uri: str, now: float) -> dict[str, str]:
    """`POST /oauth/token` (RFC 6749 JSON assumed: NOT FOUND), then `GET /spi/v3/accounts` with the new token for
    the account's subdomain (the API lives under it)."""
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "client_id": client.client_id, "client_secret": client.client_secret}  # fmt: skip
    body = oauth2.token_request(http, TOKEN_PATH, form, vendor="Workable")
    credentials = {**oauth2.token_credentials(body, now=now), CLIENT_ID: client.client_id,
                   CLIENT_SECRET: client.client_secret}  # fmt: skip
    answer = http.request("GET", ACCOUNTS_PATH, headers={"Authorization": f"Bearer {credentials[ACCESS_TOKEN]}"})
    accounts = (answer.json() or {}).get("accounts") or []
    if not accounts or not accounts[0].get("subdomain"):
        raise ConnectorAuthError("The Workable token reaches no account.")
    return {**credentials, SUBDOMAIN: str(accounts[0]["subdomain"])}
