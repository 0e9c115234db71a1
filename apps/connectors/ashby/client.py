"""Ashby raw HTTP: Basic auth with the API key, RPC `POST /<resource>.<action>`, `success:false` answers turned
into typed errors, cursor/`syncToken` paging (reference B1/B2)."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from apps.connectors.catalog import AuthKind
from apps.connectors.errors import (
    ConnectorApplicationExists,
    ConnectorAuthError,
    ConnectorBadResponse,
    ConnectorInputError,
    ConnectorJobClosed,
    ConnectorNotFound,
    ConnectorPermissionError,
)
from apps.connectors.http import HttpClient
from apps.connectors.oauth2 import API_KEY

DEFAULT_BASE_URL = "https://api.ashbyhq.com"
MAX_PAGE_SIZE = 100  # "maximum and default value is 100" (AB-DOC pagination)
JsonDict = dict[str, Any]
# `success:false` codes that mean "not found" / "closed" / "already applied" (AB-OAS2 per-op codes; the last two
# are the emulator's assumed codes, see assumptions.py).
NOT_FOUND_SUFFIX = "_not_found"
JOB_CLOSED = frozenset({"job_not_open", "job_posting_not_published"})
ALREADY_APPLIED = frozenset({"application_already_exists"})
SYNC_TOKEN_EXPIRED = frozenset({"sync_token_expired", "sync_token_invalid", "incremental_sync_too_large"})


class AshbyRefused(ConnectorInputError):
    """A `success:false` answer; `code` is `errorInfo.code`."""

    def __init__(self, message: str, *, code: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.code = code


class SyncTokenExpired(AshbyRefused):
    """The vendor refused a saved `syncToken`: read in full instead."""


@dataclass
class ListPage:
    results: list[JsonDict]
    next_cursor: str | None
    sync_token: str | None


@dataclass
class AshbyClient:
    http: HttpClient
    auth_kind: AuthKind
    credentials: dict[str, str]
    renew_credentials: Callable[..., dict[str, str]]
    clock: Callable[[], float] = time.time

    def auth_headers(self) -> dict[str, str]:
        key = self.credentials.get(API_KEY, "")
        if self.auth_kind != AuthKind.API_KEY or not key:
            raise ConnectorAuthError("No Ashby API key is configured.")
        token = base64.b64encode(f"{key}:".encode()).decode()
        return {"Authorization": f"Basic {token}", "Accept": "application/json; version=1"}

    def renew_after_rejection(self) -> bool:
        return False  # an API key cannot be renewed

    def call(
        self, operation: str, body: Mapping[str, Any] | None = None, *, idempotent: bool = True, **kwargs: Any
    ) -> Any:
        """`POST /<operation>`; the `results` of a successful answer. Reads are idempotent even though POST."""
        try:
            if kwargs.get("files") is not None:
                response = self.http.request(
                    "POST", f"/{operation}", headers=self.auth_headers(), idempotent=idempotent, **kwargs
                )
            else:
                response = self.http.request(
                    "POST",
                    f"/{operation}",
                    json_body=dict(body or {}),
                    headers=self.auth_headers(),
                    idempotent=idempotent,
                )
        except ConnectorPermissionError as error:
            # Ashby answers a wrong or deactivated key with 403 too (AB-DOC authentication).
            if (error.remote_message or "").lower().replace(" ", "_").startswith("invalid_api_key"):
                raise ConnectorAuthError(error.message, status_code=403, remote_message=error.remote_message) from None
            raise
        return self.results(operation, response.json())

    def results(self, operation: str, answer: Any) -> Any:
        if not isinstance(answer, dict) or "success" not in answer:
            raise ConnectorBadResponse(f"Ashby {operation}: not an Ashby answer.")
        if answer["success"] is True:
            return answer
        info = answer.get("errorInfo") if isinstance(answer.get("errorInfo"), dict) else {}
        errors = answer.get("errors") or []
        code = str(info.get("code") or (errors[0] if errors else "unknown"))
        message = str(info.get("message") or code)
        where = f"Ashby {operation}: {code}"
        if code in SYNC_TOKEN_EXPIRED:
            raise SyncTokenExpired(where, code=code, remote_message=message)
        if code in JOB_CLOSED:
            raise ConnectorJobClosed(where, remote_message=message)
        if code in ALREADY_APPLIED:
            raise ConnectorApplicationExists(where, remote_message=message)
        if code.endswith(NOT_FOUND_SUFFIX):
            raise ConnectorNotFound(where, remote_message=message)
        if code == "missing_endpoint_permission":
            raise ConnectorPermissionError(where, status_code=403, remote_message=message)
        raise AshbyRefused(where, code=code, remote_message=message)

    def result(self, operation: str, body: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
        return self.call(operation, body, **kwargs).get("results")

    def list_page(
        self, operation: str, body: Mapping[str, Any], *, cursor: str | None, limit: int, sync_token: str | None = None
    ) -> ListPage:
        request = {**body, "limit": limit}
        if cursor:
            request["cursor"] = cursor
        if sync_token:
            request["syncToken"] = sync_token
        answer = self.call(operation, request)
        more = bool(answer.get("moreDataAvailable"))
        return ListPage(
            results=list(answer.get("results") or []),
            next_cursor=str(answer["nextCursor"]) if more and answer.get("nextCursor") else None,
            sync_token=answer.get("syncToken") if not more else None,
        )

    def list_all(self, operation: str, body: Mapping[str, Any] | None = None) -> list[JsonDict]:
        rows: list[JsonDict] = []
        cursor: str | None = None
        while True:
            page = self.list_page(operation, body or {}, cursor=cursor, limit=MAX_PAGE_SIZE)
            rows.extend(page.results)
            if page.next_cursor is None:
                return rows
            cursor = page.next_cursor
