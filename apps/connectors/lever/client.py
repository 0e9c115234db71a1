"""Lever raw HTTP (reference ats-greenhouse-lever.md B1/B2): Basic auth with the API key as username and a blank
password, the `/v1` base, the `{data, next, hasNext}` paging loop with its opaque `offset`, multipart uploads."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from apps.connectors.catalog import AuthKind
from apps.connectors.errors import ConnectorAuthError
from apps.connectors.http import HttpClient
from apps.connectors.oauth2 import API_KEY

DEFAULT_BASE_URL = "https://api.lever.co"
API = "/v1"
MAX_PAGE_SIZE = 100  # `limit` 1–100 (reference B2)
JsonDict = dict[str, Any]


@dataclass
class LeverClient:
    http: HttpClient
    auth_kind: AuthKind
    credentials: dict[str, str]
    renew_credentials: Callable[..., dict[str, str]]
    clock: Callable[[], float] = time.time

    def auth_headers(self) -> dict[str, str]:
        key = self.credentials.get(API_KEY, "")
        if self.auth_kind != AuthKind.API_KEY or not key:
            raise ConnectorAuthError("No Lever API key is configured.")
        # `curl -u API_KEY:` — the key is the username, the password blank (reference B1).
        token = base64.b64encode(f"{key}:".encode()).decode()
        return {"Authorization": f"Basic {token}", "Accept": "application/json"}

    def renew_after_rejection(self) -> bool:
        return False  # an API key cannot be renewed

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
        response = self.http.request(
            method, API + path, params=params, json_body=body, data=data, files=files,
            headers=self.auth_headers(), idempotent=idempotent,
        )  # fmt: skip
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
