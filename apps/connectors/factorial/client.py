"""Factorial's HTTP endpoints: versioned resource paths, API-key / OAuth auth with refresh, cursor paging. Raw JSON.

Facts: /work/shared/reference/ats-smartrecruiters-factorial.md Part B (F-SDK = PyPI `factorial-api-client`, generated
from Factorial's OAS for API version 2026-10-01; F-REPO = GitHub factorialco/factorial-api-sdks with the vendored
guides of https://apidoc.factorialhr.com/docs).
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from apps.connectors import oauth2
from apps.connectors.catalog import AuthKind
from apps.connectors.dtos import OAuthClient
from apps.connectors.errors import ConnectorAuthError, ConnectorBadResponse
from apps.connectors.http import HttpClient, HttpResponse
from apps.connectors.oauth2 import ACCESS_TOKEN, API_KEY, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN

# Factorial dates its API versions quarterly and serves each for a year (F-REPO api-versioning.md). We pin one:
# the schema the F-SDK (and every field name in our mapping) was generated from.
API_VERSION = "2026-10-01"
RESOURCES = f"/api/{API_VERSION}/resources"
AUTHORIZE_PATH = "/oauth/authorize"
TOKEN_PATH = "/oauth/token"
# "limit ... default = max = 100" (F-REPO pagination.md).
MAX_PAGE_SIZE = 100
# An id filter (`ids[]=…`) per request: keeps the query string well below common URL limits.
IDS_PER_REQUEST = 100

JsonDict = dict[str, Any]


def remote_id(value: Any) -> str | None:
    """Our remote ids are strings. The 2026-10-01 OAS declares ids as strings while every doc example and older
    reference use integers (reference B2): accept both."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def api_id(value: str) -> int | None:
    """A remote id as Factorial takes it in bodies and filters: an integer when it is one, None when it cannot
    name a Factorial record (e.g. `does-not-exist`)."""
    text = str(value).strip()
    if text.isdigit():
        return int(text)
    return None


def encode_cursor(identifier: str) -> str:
    """Factorial's cursors are the base64 of the id (`MTY=` is 16, F-REPO pagination.md)."""
    return base64.b64encode(identifier.encode()).decode()


@dataclass
class ListPage:
    data: list[JsonDict]
    next_cursor: str | None  # the `after_id` of the next page, None on the last one
    total: int | None = None


@dataclass
class FactorialClient:
    """One integration's calls to Factorial. `renew_credentials` refreshes OAuth tokens once across processes
    and persists them (`ConnectorContext.renew_credentials`)."""

    http: HttpClient
    auth_kind: AuthKind
    credentials: dict[str, str]
    renew_credentials: Callable[[Mapping[str, str], Callable[[dict[str, str]], dict[str, str]]], dict[str, str]]
    page_size: int = MAX_PAGE_SIZE
    clock: Callable[[], float] = time.time

    # -- auth ------------------------------------------------------------------------------------------

    def auth_headers(self) -> dict[str, str]:
        """The headers that authenticate a request (an expiring user token is refreshed first)."""
        if self.auth_kind == AuthKind.API_KEY:
            key = self.credentials.get(API_KEY, "")
            if not key:
                raise ConnectorAuthError("No Factorial API key is configured.")
            # `x-api-key: <key>`, no prefix (https://apidoc.factorialhr.com/docs, F-REPO SKILL.md).
            return {"x-api-key": key}
        if self.auth_kind == AuthKind.OAUTH2_AUTHORIZATION_CODE:
            if self._expiring() and self.credentials.get(REFRESH_TOKEN):
                self.refresh()
            token = self.credentials.get(ACCESS_TOKEN, "")
            if not token:
                raise ConnectorAuthError("No Factorial access token is configured.")
            return {"Authorization": f"Bearer {token}"}
        raise ConnectorAuthError(f"Factorial takes an API key or OAuth, not {self.auth_kind}.")

    def _expiring(self) -> bool:
        # No expiry: company tokens never expire (F-REPO oauth-2.md); an unreadable one is left to the 401.
        return oauth2.token_expiring(self.credentials, now=self.clock(), unreadable=False)

    def refresh(self) -> None:
        """Trade the refresh token for a new access token (and, Doorkeeper-style, a new single-use refresh token)
        and persist both (F-REPO refreshing-an-access-token.md)."""
        self.credentials = self.renew_credentials(self.credentials, self._refreshed)

    def _refreshed(self, credentials: dict[str, str]) -> dict[str, str]:
        client_id, client_secret = credentials.get(CLIENT_ID, ""), credentials.get(CLIENT_SECRET, "")
        refresh_token = credentials.get(REFRESH_TOKEN, "")
        if not (client_id and refresh_token):
            raise ConnectorAuthError("The Factorial access token expired and cannot be refreshed; reconnect.")
        body = token_request(
            self.http,
            {
                "client_id": client_id,
                "client_secret": client_secret,
                "refresh_token": refresh_token,
                "grant_type": "refresh_token",
            },
        )
        updated = {**credentials, **token_credentials(body, now=self.clock())}
        if REFRESH_TOKEN not in body:
            updated[REFRESH_TOKEN] = refresh_token  # a provider that keeps refresh tokens answers none
        return updated

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        idempotent: bool | None = None,
    ) -> HttpResponse:
        """One call under `/api/<version>/resources`. A user token that turns out revoked or expired (401) is
        refreshed and the call sent once more (a 401 is refused before anything happens, so even a write may be)."""
        url = RESOURCES + path
        try:
            return self.http.request(
                method, url, params=params, json_body=json_body, headers=self.auth_headers(), idempotent=idempotent
            )
        except ConnectorAuthError:
            if not self.renew_after_rejection():
                raise
            return self.http.request(
                method, url, params=params, json_body=json_body, headers=self.auth_headers(), idempotent=idempotent
            )

    def renew_after_rejection(self) -> bool:
        """After a 401: refresh a user token that has a refresh token (API keys and company tokens cannot be).
        True when the request should be sent again with fresh `auth_headers()`."""
        if self.auth_kind != AuthKind.OAUTH2_AUTHORIZATION_CODE or not self.credentials.get(REFRESH_TOKEN):
            return False
        self.refresh()
        return True

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.request("GET", path, params=params).json()

    def post(self, path: str, body: JsonDict) -> Any:
        return self.request("POST", path, json_body=body).json()

    def put(self, path: str, body: JsonDict) -> Any:
        return self.request("PUT", path, json_body=body).json()

    # -- lists -----------------------------------------------------------------------------------------

    def list_page(
        self, path: str, params: Mapping[str, Any] | None = None, *, after: str | None = None, limit: int | None = None
    ) -> ListPage:
        """One page of a list endpoint: `{"data": [...], "meta": {"has_next_page", "end_cursor", ...}}`, items by
        id ascending, `after_id` = the previous page's `end_cursor` (F-REPO pagination.md; F-SDK PagedIndexMeta)."""
        query: dict[str, Any] = dict(params or {})
        query["limit"] = min(limit or self.page_size, MAX_PAGE_SIZE)
        if after:
            query["after_id"] = after
        body = self.get(path, query)
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise ConnectorBadResponse(f"GET {path} answered no `data` list.")
        data = [item for item in body["data"] if isinstance(item, dict)]
        meta = body.get("meta") if isinstance(body.get("meta"), dict) else {}
        next_cursor = None
        if meta.get("has_next_page") and data:
            next_cursor = meta.get("end_cursor") or None
            if next_cursor is None:  # the cursor is the base64 of the last id; derive it when it is missing
                last = remote_id(data[-1].get("id"))
                next_cursor = encode_cursor(last) if last else None
        total = meta.get("total") if isinstance(meta.get("total"), int) else None
        return ListPage(data=data, next_cursor=next_cursor, total=total)

    def list_all(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[JsonDict]:
        """Every item of a list endpoint, page after page."""
        after: str | None = None
        while True:
            page = self.list_page(path, params, after=after, limit=MAX_PAGE_SIZE)
            yield from page.data
            if page.next_cursor is None:
                return
            after = page.next_cursor

    def list_by_ids(self, path: str, name: str, ids: Sequence[str], **params: Any) -> list[JsonDict]:
        """Every item whose `name` filter (`ids`, `ats_job_posting_ids`, …) is one of `ids`; ids that cannot be
        Factorial ids are dropped, large sets go in chunks."""
        wanted = sorted({api for value in ids if (api := api_id(value)) is not None})
        items: list[JsonDict] = []
        for start in range(0, len(wanted), IDS_PER_REQUEST):
            chunk = wanted[start : start + IDS_PER_REQUEST]
            items.extend(self.list_all(path, {**params, f"{name}[]": chunk}))
        return items


# -- OAuth token endpoint (no resource prefix, no auth header: the client authenticates in the body) ------------


def token_request(http: HttpClient, form: Mapping[str, str]) -> JsonDict:
    """POST /oauth/token (form-encoded, F-REPO request-an-access-token.md); Doorkeeper answers 400 `invalid_grant`
    for a used, expired or foreign code / refresh token: an auth error."""
    return oauth2.token_request(http, TOKEN_PATH, form, vendor="Factorial")


def token_credentials(body: Mapping[str, Any], *, now: float) -> dict[str, str]:
    """`expires_in` counts from Doorkeeper's `created_at` (Unix seconds, doc example `"created_at":1680013957`); a
    token without `expires_in` (a company token) never expires."""
    return oauth2.token_credentials(body, now=now, from_created_at=True)


def authorize_url(base_url: str, *, client: OAuthClient, redirect_uri: str, state: str) -> str:
    """Factorial's approval page. `resource_owner_type=company` asks for a company token: it acts for the company
    (not for the approving admin, who may leave), sees every job's candidates and never expires; the admin must be
    signed in to Factorial first (https://apidoc.factorialhr.com/docs/oauth2-partner-guide, F-REPO oauth-2.md).

    No `scope` parameter: a token is "strictly limited to the scopes configured in the OAuth application" (F-REPO
    oauth-scopes.md), so asking for more only fails the whole sign-in, while the token the application's scopes
    give is checked permission by permission by the scope tests, each with its fix."""
    query = {
        "client_id": client.client_id,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "state": state,
        "resource_owner_type": "company",
    }
    return f"{base_url.rstrip('/')}{AUTHORIZE_PATH}?{urlencode(query)}"


def exchange_code(http: HttpClient, *, client: OAuthClient, code: str, redirect_uri: str, now: float) -> dict[str, str]:
    body = token_request(
        http,
        {
            "client_id": client.client_id,
            "client_secret": client.client_secret,
            "code": code,
            "grant_type": "authorization_code",
            "redirect_uri": redirect_uri,
        },
    )
    # The client travels with the tokens: a refresh must be made by the very application that issued them.
    return {**token_credentials(body, now=now), CLIENT_ID: client.client_id, CLIENT_SECRET: client.client_secret}
