"""Greenhouse Harvest v3 raw HTTP: tokens (client credentials with `sub`, the v1-key transition token, partner
authorization code with rotating refresh tokens), Bearer auth with one renewal after a 401, `Link` cursor paging.

Facts: /work/shared/reference/ats-greenhouse-lever.md Part A (A1, A2).
"""

from __future__ import annotations

import base64
import dataclasses
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests

from apps.connectors import oauth2
from apps.connectors.catalog import AuthKind
from apps.connectors.dtos import OAuthClient
from apps.connectors.errors import ConnectorAuthError, ConnectorBadResponse, ConnectorInputError
from apps.connectors.http import HttpClient, HttpResponse
from apps.connectors.oauth2 import ACCESS_TOKEN, API_KEY, CLIENT_ID, CLIENT_SECRET, EXPIRES_AT, REFRESH_TOKEN

DEFAULT_BASE_URL = "https://harvest.greenhouse.io"
V3 = "/v3"
# Tokens come from `auth.greenhouse.io/token` (A1) when the API is Greenhouse's own host; any other base (the
# emulator, a proxy) serves `/token` itself (assumed: there is no documented sandbox host).
PRODUCTION_API_HOST = "harvest.greenhouse.io"
AUTH_BASE_URL = "https://auth.greenhouse.io"
TOKEN_PATH = "/token"
AUTHORIZE_PATH = "/authorize"
TRANSITION_TOKEN_PATH = "/auth/token"
USER_ID = "user_id"  # the `sub` credential: the numeric id of the Greenhouse user the integration acts as
MAX_PAGE_SIZE = 500  # per_page 1-500 (A2)
IDS_PER_REQUEST = 50  # `ids` ≤ 50 (A2)
REFRESH_MARGIN_SECONDS = 60
JsonDict = dict[str, Any]
# The contract's `remote_fields.greenhouse.post_headers.On-Behalf-Of` (v1's acting-user header). Harvest v3 replaced
# it with the token's `sub` (A1), so the connector honours it by minting a token for that user where the auth mode
# can (client credentials, the v1-key transition token) and refuses it where it cannot (partner OAuth: the token is
# the approving user's, and no grant takes another `sub`).
ON_BEHALF_OF_FIELD = "remote_fields.greenhouse.post_headers.On-Behalf-Of"


def _unsaved(credentials: Mapping[str, str], renew: Callable[[dict[str, str]], dict[str, str]]) -> dict[str, str]:
    return renew(dict(credentials))


def next_link(response: HttpResponse) -> str | None:
    """The `rel="next"` target of a `Link` header (v3 sends no prev/last), None on the last page."""
    header = response.headers.get("Link") or ""
    for part in header.split(","):
        if 'rel="next"' in part and "<" in part and ">" in part:
            return part[part.index("<") + 1 : part.index(">")]
    return None


def cursor_of(url: str) -> str:
    """Our page cursor: the next link's path and query (opaque to everyone else)."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


@dataclass
class GreenhouseClient:
    http: HttpClient
    auth_kind: AuthKind
    credentials: dict[str, str]
    renew_credentials: Callable[[Mapping[str, str], Callable[[dict[str, str]], dict[str, str]]], dict[str, str]]
    clock: Callable[[], float] = time.time
    page_size: int = 100
    _acting: dict[str, GreenhouseClient] = field(default_factory=dict, repr=False)

    # -- auth ------------------------------------------------------------------------------------------
    def auth_headers(self) -> dict[str, str]:
        if self.auth_kind not in (
            AuthKind.API_KEY,
            AuthKind.OAUTH2_CLIENT_CREDENTIALS,
            AuthKind.OAUTH2_AUTHORIZATION_CODE,
        ):
            raise ConnectorAuthError(f"Greenhouse takes OAuth2 or a Harvest key, not {self.auth_kind}.")
        if not self.credentials.get(ACCESS_TOKEN) or self._expiring():
            self.renew()
        return {"Authorization": f"Bearer {self.credentials[ACCESS_TOKEN]}"}

    def _expiring(self) -> bool:
        raw = self.credentials.get(EXPIRES_AT, "")
        try:
            return bool(raw) and float(raw) - REFRESH_MARGIN_SECONDS <= self.clock()
        except ValueError:
            return True

    def renew(self) -> None:
        self.credentials = self.renew_credentials(self.credentials, self._renewed)

    def renew_after_rejection(self) -> bool:
        if self.auth_kind == AuthKind.OAUTH2_AUTHORIZATION_CODE and not self.credentials.get(REFRESH_TOKEN):
            return False
        self.renew()
        return True

    def _renewed(self, credentials: dict[str, str]) -> dict[str, str]:
        """A fresh access token for the auth mode (client credentials and the v1 key can always mint one)."""
        if self.auth_kind == AuthKind.OAUTH2_CLIENT_CREDENTIALS:
            client_id, secret = credentials.get(CLIENT_ID, ""), credentials.get(CLIENT_SECRET, "")
            if not (client_id and secret):
                raise ConnectorAuthError("No Greenhouse client id and secret are configured.")
            form = {"grant_type": "client_credentials"}
            if credentials.get(USER_ID):
                form["sub"] = credentials[USER_ID]
            body = _token(token_http(self.http), form, basic=(client_id, secret))
            return {**credentials, **oauth2.token_credentials(body, now=self.clock())}
        if self.auth_kind == AuthKind.API_KEY:
            return {**credentials, **self._transition_token(credentials)}
        refresh = credentials.get(REFRESH_TOKEN, "")
        if not refresh:
            raise ConnectorAuthError("The Greenhouse access token expired and cannot be refreshed; reconnect.")
        form = {"grant_type": "refresh_token", "refresh_token": refresh}
        body = _token(
            token_http(self.http), form, basic=(credentials.get(CLIENT_ID, ""), credentials.get(CLIENT_SECRET, ""))
        )
        # Refresh tokens rotate on every use; reuse is `invalid_grant` (A1).
        return {**credentials, **oauth2.token_credentials(body, now=self.clock())}

    def _transition_token(self, credentials: Mapping[str, str]) -> dict[str, str]:
        """`POST /auth/token` with the v1 key (Basic key:blank) and `{"sub": <int>}` (GH-V3-SPEC)."""
        key, user = credentials.get(API_KEY, ""), credentials.get(USER_ID, "")
        if not key:
            raise ConnectorAuthError("No Greenhouse Harvest key is configured.")
        if not user.isdigit():
            raise ConnectorAuthError("The Greenhouse user id (sub) must be a number.")
        basic = base64.b64encode(f"{key}:".encode()).decode()
        try:
            response = self.http.request(
                "POST",
                TRANSITION_TOKEN_PATH,
                json_body={"sub": int(user)},
                headers={"Authorization": f"Basic {basic}"},
                authenticate=False,
                idempotent=True,
            )
        except ConnectorInputError as error:
            raise ConnectorAuthError(
                "Greenhouse refused the key or user id.", remote_message=error.remote_message
            ) from None
        body = response.json()
        if not isinstance(body, dict) or not body.get("access_token"):
            raise ConnectorBadResponse("Greenhouse's /auth/token answered without an access_token.")
        expires = ""
        if isinstance(body.get("expires"), str):
            expires = str(
                int(datetime.fromisoformat(body["expires"].replace("Z", "+00:00")).astimezone(UTC).timestamp())
            )
        return {ACCESS_TOKEN: str(body["access_token"]), EXPIRES_AT: expires}

    def acting_as(self, user_id: str | None) -> GreenhouseClient:
        """This client, or one whose token has `sub=<user_id>` (for `On-Behalf-Of`). Its tokens are never saved
        over the connection's own credentials."""
        if user_id is None or user_id == self.credentials.get(USER_ID):
            return self
        if not user_id.isdigit():
            raise ConnectorInputError(f"{ON_BEHALF_OF_FIELD} must be a numeric Greenhouse user id, not {user_id!r}.")
        if self.auth_kind == AuthKind.OAUTH2_AUTHORIZATION_CODE:
            raise ConnectorInputError(
                f"{ON_BEHALF_OF_FIELD} is not available on a “Sign in with Greenhouse” connection: Harvest v3 acts "
                "as the token's user (`sub`), and a partner token belongs to the user who approved it. Leave it out, "
                "or connect with client credentials."
            )
        if user_id not in self._acting:
            other = GreenhouseClient(
                http=self.http,
                auth_kind=self.auth_kind,
                credentials={
                    k: v for k, v in self.credentials.items() if k not in (ACCESS_TOKEN, EXPIRES_AT, REFRESH_TOKEN)
                }
                | {USER_ID: user_id},
                renew_credentials=_unsaved,
                clock=self.clock,
                page_size=self.page_size,
            )
            try:
                other.renew()
            except ConnectorAuthError as error:
                raise ConnectorInputError(
                    f"{ON_BEHALF_OF_FIELD}: Greenhouse issues no token for user {user_id} (not an active user?).",
                    remote_message=error.remote_message,
                ) from None
            self._acting[user_id] = other
        return self._acting[user_id]

    # -- requests --------------------------------------------------------------------------------------
    def request(self, method: str, path: str, **kwargs: Any) -> HttpResponse:
        headers = self.auth_headers()
        try:
            return self.http.request(method, path, headers=headers, **kwargs)
        except ConnectorAuthError:
            if not self.renew_after_rejection():
                raise
            return self.http.request(method, path, headers=self.auth_headers(), **kwargs)

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.request("GET", V3 + path, params=params).json()

    def post(self, path: str, body: JsonDict, *, idempotent: bool = False) -> Any:
        response = self.request("POST", V3 + path, json_body=body, idempotent=idempotent)
        return response.json() if response.content else None

    def delete(self, path: str) -> None:
        self.request("DELETE", V3 + path, idempotent=True)

    def list_page(
        self, path: str, params: Mapping[str, Any] | None, cursor: str | None
    ) -> tuple[list[JsonDict], str | None]:
        """One page: the first with filters and `per_page`, the next ones with the `cursor` link only (A2)."""
        if cursor:
            response = self.request("GET", cursor)
        else:
            response = self.request("GET", V3 + path, params={"per_page": self.page_size, **(params or {})})
        body = response.json()
        if not isinstance(body, list):
            raise ConnectorBadResponse(f"GET {path} answered no JSON array.")
        # A list item may be an async placeholder `{"message": …}` (GH-V3-SPEC): skipped.
        rows = [row for row in body if isinstance(row, dict) and "id" in row]
        link = next_link(response)
        return rows, cursor_of(link) if link else None

    def list_all(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[JsonDict]:
        cursor: str | None = None
        while True:
            rows, cursor = self.list_page(path, params, cursor)
            yield from rows
            if cursor is None:
                return

    def list_by_ids(self, path: str, ids: Sequence[str], name: str = "ids", **params: Any) -> list[JsonDict]:
        wanted = sorted({int(value) for value in ids if str(value).isdigit()})
        rows: list[JsonDict] = []
        for start in range(0, len(wanted), IDS_PER_REQUEST):
            chunk = ",".join(str(value) for value in wanted[start : start + IDS_PER_REQUEST])
            rows.extend(self.list_all(path, {**params, name: chunk}))
        return rows


def auth_base(api_base: str) -> str:
    """Where the authorize page and the token endpoint live for this API base."""
    return AUTH_BASE_URL if urlsplit(api_base).hostname == PRODUCTION_API_HOST else api_base.rstrip("/")


def token_http(http: HttpClient) -> HttpClient:
    """The HTTP seam for token requests: the integration's own client, or one on auth.greenhouse.io (same
    secrets, timeouts and retries; its own limiter lane) when the API is Greenhouse's production host."""
    base = auth_base(http.base_url)
    if base == http.base_url.rstrip("/"):
        return http
    return dataclasses.replace(
        http, base_url=base, rate_key=f"{http.rate_key}:auth", budget=None, session=requests.Session(), calls=0
    )


def _token(http: HttpClient, form: Mapping[str, str], *, basic: tuple[str, str]) -> JsonDict:
    """`POST /token`, Basic client_id:client_secret, form body (GH-V3-DOC authentication)."""
    encoded = base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode()
    try:
        response = http.request(
            "POST", TOKEN_PATH, data=dict(form), headers={"Authorization": f"Basic {encoded}"}, idempotent=False,
            authenticate=False,
        )  # fmt: skip
    except ConnectorInputError as error:
        raise ConnectorAuthError(
            "Greenhouse refused the token request.", status_code=error.status_code, remote_message=error.remote_message
        ) from None
    body = response.json()
    if not isinstance(body, dict) or not body.get("access_token"):
        raise ConnectorBadResponse("Greenhouse's token endpoint answered without an access_token.")
    return body


def authorize_url(base_url: str, *, client: OAuthClient, redirect_uri: str, state: str, scopes: Sequence[str]) -> str:
    query = {"client_id": client.client_id, "redirect_uri": redirect_uri, "response_type": "code", "state": state,
             "scope": " ".join(scopes)}  # fmt: skip
    return f"{auth_base(base_url)}{AUTHORIZE_PATH}?{urlencode(query)}"


def exchange_code(http: HttpClient, *, client: OAuthClient, code: str, redirect_uri: str, now: float) -> dict[str, str]:
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    body = _token(token_http(http), form, basic=(client.client_id, client.client_secret))
    return {**oauth2.token_credentials(body, now=now), CLIENT_ID: client.client_id, CLIENT_SECRET: client.client_secret}
