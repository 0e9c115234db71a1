"""Toy ATS raw HTTP: the auth header, list pages (`?cursor=&limit=&updated_since=&ids=`), one record."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from apps.connectors.catalog import AuthKind
from apps.connectors.errors import ConnectorAuthError
from apps.connectors.http import HttpClient
from apps.connectors.oauth2 import API_KEY

DEFAULT_BASE_URL = "https://api.toy.example"
MAX_PAGE_SIZE = 50
JsonDict = dict[str, Any]


@dataclass
class ToyClient:
    http: HttpClient
    auth_kind: AuthKind
    credentials: dict[str, str]
    renew_credentials: Callable[..., dict[str, str]]
    clock: Callable[[], float] = time.time

    def auth_headers(self) -> dict[str, str]:
        key = self.credentials.get(API_KEY, "")
        if self.auth_kind != AuthKind.API_KEY or not key:
            raise ConnectorAuthError("No Toy API key is configured.")
        return {"X-Toy-Key": key}

    def renew_after_rejection(self) -> bool:
        return False  # an API key cannot be renewed

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.http.request("GET", path, params=params, headers=self.auth_headers()).json()

    def list_page(
        self,
        path: str,
        *,
        cursor: str | None,
        limit: int,
        updated_since: str | None = None,
        ids: Sequence[str] | None = None,
    ) -> tuple[list[JsonDict], str | None, list[str]]:
        """(records, next cursor, deleted ids) of one page."""
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        if updated_since:
            params["updated_since"] = updated_since
        if ids is not None:
            params["ids"] = ",".join(ids)
        body = self.get(path, params)
        return list(body["data"]), body.get("next_cursor"), list(body.get("deleted_ids") or [])
