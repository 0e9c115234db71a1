"""SmartRecruiters' HTTP endpoints: X-SmartToken / OAuth (authorization code with refresh, client credentials),
`pageId` and offset paging, the token endpoint. Raw JSON in, raw JSON out; the mapping lives in `mapping.py`.

Facts: /work/shared/reference/ats-smartrecruiters-factorial.md Part A (SR-RB = the `open_api_smart_recruiters_sdk`
Ruby gem generated from SmartRecruiters' OpenAPI specs, SR-DOC = https://developers.smartrecruiters.com).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from apps.connectors import oauth2
from apps.connectors.catalog import AuthKind
from apps.connectors.dtos import OAuthClient
from apps.connectors.errors import (
    ConnectorAuthError,
    ConnectorBadResponse,
    ConnectorNotFound,
)
from apps.connectors.http import HttpClient, HttpResponse
from apps.connectors.oauth2 import ACCESS_TOKEN, API_KEY, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN

DEFAULT_BASE_URL = "https://api.smartrecruiters.com"
# The approval page lives on the web host, the token endpoint on the API host (SR-DOC
# https://developers.smartrecruiters.com/docs/authentication-oauth-authorization-code).
WEB_BASE_URL = "https://www.smartrecruiters.com"
AUTHORIZE_PATH = "/identity/oauth/allow"
TOKEN_PATH = "/identity/oauth/token"

MAX_PAGE_SIZE = 100  # every list endpoint: "max value is 100" (SR-RB)

JsonDict = dict[str, Any]


def path(*parts: str) -> str:
    """`/candidates/{id}/jobs/{jobId}` with every id percent-encoded (ids come from callers, never trusted)."""
    return "/" + "/".join(quote(str(part), safe="") for part in parts)


def web_base(api_base: str) -> str:
    """The host of SmartRecruiters' web pages (approval page, candidate profiles) for an API base URL.

    The real API lives on api.smartrecruiters.com and the web app on www.smartrecruiters.com; an emulator serves
    both on its own origin.
    """
    return WEB_BASE_URL if api_base.rstrip("/") == DEFAULT_BASE_URL else api_base.rstrip("/")


@dataclass
class ListPage:
    content: list[JsonDict]
    next_page: str | None  # the `pageId` of the next page (or the next offset as text), None on the last page
    total: int | None = None


@dataclass
class SmartRecruitersClient:
    """One integration's calls to SmartRecruiters. `renew_credentials` refreshes or fetches tokens once across
    processes and persists them (`ConnectorContext.renew_credentials`)."""

    http: HttpClient
    auth_kind: AuthKind
    credentials: dict[str, str]
    renew_credentials: Callable[[Mapping[str, str], Callable[[dict[str, str]], dict[str, str]]], dict[str, str]]
    clock: Callable[[], float] = time.time
    _token_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _renewed: bool = field(default=False, init=False)

    # -- auth ------------------------------------------------------------------------------------------

    def auth_headers(self) -> dict[str, str]:
        if self.auth_kind == AuthKind.API_KEY:
            key = self.credentials.get(API_KEY, "").strip()
            if not key:
                raise ConnectorAuthError("No SmartRecruiters API key is configured.")
            # "X-SmartToken: <key>" (SR-RB configuration.rb; SR-DOC post-an-application).
            return {"X-SmartToken": key}
        if self.auth_kind in (AuthKind.OAUTH2_AUTHORIZATION_CODE, AuthKind.OAUTH2_CLIENT_CREDENTIALS):
            with self._token_lock:
                if not self.credentials.get(ACCESS_TOKEN) or self._expiring():
                    self._renew()
                token = self.credentials.get(ACCESS_TOKEN, "")
            return {"Authorization": f"Bearer {token}"}
        raise ConnectorAuthError(f"SmartRecruiters takes an API key or OAuth, not {self.auth_kind}.")

    def _expiring(self) -> bool:
        return oauth2.token_expiring(self.credentials, now=self.clock())

    def _renew(self) -> None:
        """A new access token: by refresh token (authorization code) or by client credentials; persisted."""
        self.credentials = self.renew_credentials(self.credentials, self._renewed_credentials)

    def _renewed_credentials(self, credentials: dict[str, str]) -> dict[str, str]:
        client_id, client_secret = credentials.get(CLIENT_ID, ""), credentials.get(CLIENT_SECRET, "")
        if self.auth_kind == AuthKind.OAUTH2_CLIENT_CREDENTIALS:
            if not (client_id and client_secret):
                raise ConnectorAuthError("The SmartRecruiters client ID and secret are missing.")
            form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret}
        else:
            refresh_token = credentials.get(REFRESH_TOKEN, "")
            if not (refresh_token and client_id):
                raise ConnectorAuthError("The SmartRecruiters access token expired and cannot be refreshed; reconnect.")
            # SR-RB authorization.rb refreshes with grant_type=refresh_token + client_id + client_secret.
            form = {
                "grant_type": "refresh_token",
                "refresh_token": refresh_token,
                "client_id": client_id,
                "client_secret": client_secret,
            }
        body = token_request(self.http, form)
        updated = {**credentials, **token_credentials(body, now=self.clock())}
        if self.auth_kind == AuthKind.OAUTH2_AUTHORIZATION_CODE and not body.get("refresh_token"):
            # A token server that keeps refresh tokens answers none; SmartRecruiters rotates them (single use).
            updated[REFRESH_TOKEN] = credentials.get(REFRESH_TOKEN, "")
        return updated

    def request(
        self,
        method: str,
        target: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        files: Any = None,
        data: Any = None,
        idempotent: bool | None = None,
    ) -> HttpResponse:
        """One authenticated call. An OAuth token the server calls expired is renewed once and the call repeated:
        a 401 is refused before anything happens, so even a write may be sent again."""
        send = lambda: self.http.request(  # noqa: E731 - the same call twice
            method, target, params=params, json_body=json_body, files=files, data=data,
            headers=self.auth_headers(), idempotent=idempotent,
        )  # fmt: skip
        try:
            return send()
        except ConnectorAuthError:
            if not self.renew_after_rejection():
                raise
            return send()

    def renew_after_rejection(self) -> bool:
        """After a 401: renew the OAuth token (once per client; an API key cannot be renewed). True when the
        request should be sent again with fresh `auth_headers()`."""
        renewable = self.auth_kind == AuthKind.OAUTH2_CLIENT_CREDENTIALS or (
            self.auth_kind == AuthKind.OAUTH2_AUTHORIZATION_CODE and bool(self.credentials.get(REFRESH_TOKEN))
        )
        if not renewable or self._renewed:
            return False
        self._renewed = True
        with self._token_lock:
            self._renew()
        return True

    def get(self, target: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.request("GET", target, params=params).json()

    def get_or_none(self, target: str, params: Mapping[str, Any] | None = None) -> Any:
        """GET, or None when the resource does not exist (404)."""
        try:
            return self.get(target, params)
        except ConnectorNotFound:
            return None

    # -- lists -----------------------------------------------------------------------------------------

    def page_by_id(
        self, target: str, params: Mapping[str, Any] | None = None, *, page_id: str | None, limit: int
    ) -> ListPage:
        """One page of a `pageId` list (`/candidates`, `/jobs`, `/users`, `/messages`):
        `{limit, nextPageId, content[], totalFound?}`; the first page has no `pageId` (SR-RB)."""
        query: dict[str, Any] = dict(params or {})
        query["limit"] = max(1, min(limit, MAX_PAGE_SIZE))
        if page_id:
            query["pageId"] = page_id
        body = self.get(target, query)
        content = _content(body, target)
        next_page = body.get("nextPageId") or None
        if next_page is not None and not content:
            next_page = None  # an empty page ends the list, whatever it says
        return ListPage(content=content, next_page=next_page, total=_int(body.get("totalFound")))

    def page_by_offset(
        self, target: str, params: Mapping[str, Any] | None = None, *, offset: int, limit: int
    ) -> ListPage:
        """One page of an offset list (`/offers`, source values): `{totalFound, limit, offset, content[]}`."""
        query: dict[str, Any] = dict(params or {})
        query["limit"] = max(1, min(limit, MAX_PAGE_SIZE))
        query["offset"] = max(0, offset)
        body = self.get(target, query)
        content = _content(body, target)
        total = _int(body.get("totalFound"))
        end = offset + len(content)
        more = bool(content) and (end < total if total is not None else len(content) >= query["limit"])
        return ListPage(content=content, next_page=str(end) if more else None, total=total)

    def all_by_offset(self, target: str, params: Mapping[str, Any] | None = None) -> Iterator[JsonDict]:
        offset = 0
        while True:
            page = self.page_by_offset(target, params, offset=offset, limit=MAX_PAGE_SIZE)
            yield from page.content
            if page.next_page is None:
                return
            offset = int(page.next_page)

    def all_by_id(self, target: str, params: Mapping[str, Any] | None = None) -> Iterator[JsonDict]:
        page_id: str | None = None
        while True:
            page = self.page_by_id(target, params, page_id=page_id, limit=MAX_PAGE_SIZE)
            yield from page.content
            if page.next_page is None:
                return
            page_id = page.next_page


def _content(body: Any, target: str) -> list[JsonDict]:
    if not isinstance(body, dict) or not isinstance(body.get("content"), list):
        raise ConnectorBadResponse(f"GET {target} answered no `content` list.")
    return [item for item in body["content"] if isinstance(item, dict)]


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# -- OAuth (the token endpoint authenticates the client in the body, not with our auth headers) --------------


def authorize_url(*, api_base: str, client: OAuthClient, redirect_uri: str, state: str, scopes: list[str]) -> str:
    """`GET https://www.smartrecruiters.com/identity/oauth/allow?client_id&redirect_uri&scope&state` (SR-RB
    authorization.rb). Scopes are space separated; an empty `scope=` is invalid, so it is left out when empty (the
    app's default scopes apply, SR-DOC https://developers.smartrecruiters.com/docs/authentication-access-scopes)."""
    query = {"client_id": client.client_id, "redirect_uri": redirect_uri, "state": state}
    if scopes:
        query["scope"] = " ".join(scopes)
    return f"{web_base(api_base)}{AUTHORIZE_PATH}?{urlencode(query, quote_via=quote)}"


def token_request(http: HttpClient, form: Mapping[str, str]) -> JsonDict:
    """`POST /identity/oauth/token`, form-encoded (a refused grant, 400 invalid_grant / 401 invalid_client, is an
    authentication error: the end user has to connect again)."""
    return oauth2.token_request(http, TOKEN_PATH, form, vendor="SmartRecruiters")


def token_credentials(body: Mapping[str, Any], *, now: float) -> dict[str, str]:
    """RFC 6749 JSON (SmartRecruiters' exact token JSON is NOT FOUND in its docs, reference A1): `expires_in`
    counts from now."""
    return oauth2.token_credentials(body, now=now)


def same_host(url: str, base: str) -> bool:
    """Whether `url` (e.g. an `actions.download.url`) points at the API host we talk to."""
    target, origin = urlsplit(url), urlsplit(base)
    return (target.scheme, target.hostname, target.port) == (origin.scheme, origin.hostname, origin.port)
