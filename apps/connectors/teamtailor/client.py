"""Teamtailor raw HTTP: `Authorization: Token token=<key>` + `X-Api-Version`, JSON:API bodies, `page[number]`
paging that ends when `links.next` is absent (T-RB `page_result.rb`)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from apps.connectors.catalog import AuthKind
from apps.connectors.errors import ConnectorAuthError, ConnectorBadResponse
from apps.connectors.http import HttpClient, HttpResponse
from apps.connectors.oauth2 import API_KEY
from apps.connectors.teamtailor.errors import jsonapi_error, retry_wait

API_PREFIX = "/v1"
# Dated versions; the docs' example is `20161108`, recent clients send `20240904` (reference B1).
API_VERSION = "20240904"
JSONAPI = "application/vnd.api+json"
MAX_PAGE_SIZE = 30  # "page[size] Default: 10, max: 30" (T-DOC)
JsonDict = dict[str, Any]


@dataclass
class JsonApiPage:
    data: list[JsonDict]
    included: dict[tuple[str, str], JsonDict] = field(default_factory=dict)
    next_page: str | None = None


def included_index(body: Mapping[str, Any]) -> dict[tuple[str, str], JsonDict]:
    return {
        (str(item.get("type")), str(item.get("id"))): item
        for item in body.get("included") or ()
        if isinstance(item, dict)
    }


@dataclass
class TeamtailorClient:
    http: HttpClient
    auth_kind: AuthKind
    credentials: dict[str, str]
    renew_credentials: Callable[..., dict[str, str]]
    clock: Callable[[], float] = time.time
    page_size: int = MAX_PAGE_SIZE

    def auth_headers(self) -> dict[str, str]:
        key = self.credentials.get(API_KEY, "")
        if self.auth_kind != AuthKind.API_KEY or not key:
            raise ConnectorAuthError("No Teamtailor API key is configured.")
        return {"Authorization": f"Token token={key}", "X-Api-Version": API_VERSION, "Accept": JSONAPI}

    def renew_after_rejection(self) -> bool:
        return False  # an API key cannot be renewed

    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None, body: Any = None) -> Any:
        headers = self.auth_headers()
        if body is not None:
            headers["Content-Type"] = JSONAPI
        attempt = 0
        while True:
            attempt += 1
            response: HttpResponse = self.http.request(
                method, API_PREFIX + path, params=params, json_body=body, headers=headers, raise_for_status=False
            )
            if 200 <= response.status_code < 300:
                return response.json() if response.content else {}
            # The JSON:API `detail` becomes the error's remote message (errors.py says why it is read here).
            error = jsonapi_error(response, now=self.http.clock(), secrets=(self.credentials.get(API_KEY, ""),))
            wait = retry_wait(error, method=method, attempt=attempt, policy=self.http.retry)
            if wait is None:
                raise error
            if wait > 0:
                self.http.sleep(wait)

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.request("GET", path, params=params)

    def post(self, path: str, body: JsonDict) -> Any:
        return self.request("POST", path, body=body)

    def patch(self, path: str, body: JsonDict) -> Any:
        return self.request("PATCH", path, body=body)

    def list_page(
        self, path: str, params: Mapping[str, Any] | None = None, *, page: str | None = None, size: int | None = None
    ) -> JsonApiPage:
        query: dict[str, Any] = dict(params or {})
        query["page[size]"] = min(size or self.page_size, MAX_PAGE_SIZE)
        query["page[number]"] = page or "1"
        body = self.get(path, query)
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise ConnectorBadResponse(f"GET {path} answered no JSON:API `data` list.")
        next_link = (body.get("links") or {}).get("next")
        next_page = None
        if next_link:
            next_page = (parse_qs(urlsplit(str(next_link)).query).get("page[number]") or [None])[0]
        data = [item for item in body["data"] if isinstance(item, dict)]
        return JsonApiPage(data=data, included=included_index(body), next_page=next_page)

    def list_all(self, path: str, params: Mapping[str, Any] | None = None) -> list[JsonDict]:
        items: list[JsonDict] = []
        page: str | None = None
        while True:
            result = self.list_page(path, params, page=page, size=MAX_PAGE_SIZE)
            items.extend(result.data)
            if result.next_page is None:
                return items
            page = result.next_page
