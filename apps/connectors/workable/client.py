"""Workable raw HTTP (reference ats-workable-ashby.md A1/A2): the bearer token, the account's base path, the
`limit`/`since_id` paging loop (`paging.next` carries the next page's first id; no `paging` on the last page)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from apps.connectors.catalog import AuthKind
from apps.connectors.errors import (
    ConnectorApplicationExists,
    ConnectorAuthError,
    ConnectorInputError,
    ConnectorJobClosed,
)
from apps.connectors.http import HttpClient, error_for_status
from apps.connectors.oauth2 import API_KEY

DEFAULT_BASE_URL = "https://www.workable.com"
SUBDOMAIN = "subdomain"  # the credential key of the account's subdomain (`acme` of acme.workable.com)
MAX_PAGE_SIZE = 100  # `limit` max 100 (reference A2)
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
        token = self.credentials.get(API_KEY, "")
        if self.auth_kind != AuthKind.API_KEY or not token:
            raise ConnectorAuthError("No Workable access token is configured.")
        return {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    def renew_after_rejection(self) -> bool:
        return False  # an account access token cannot be renewed

    def call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None, body: Any = None) -> Any:
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
