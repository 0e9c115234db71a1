"""Personio Recruiting raw HTTP: the v2 token (client credentials, form body), v2 Bearer reads with one renewal
after a 401 and `_meta.links.next.href` cursor paging, and the v1 calls (Recruiting API key + `X-Company-ID`) whose
400 bodies carry Personio's reason codes.

Facts: /work/shared/reference/ats-personio-teamtailor.md Part A (A1, A2, A5).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from apps.connectors import oauth2
from apps.connectors.catalog import AuthKind
from apps.connectors.errors import (
    ConnectorAuthError,
    ConnectorBadResponse,
    ConnectorError,
    ConnectorInputError,
    ConnectorNotFound,
)
from apps.connectors.http import HttpClient, HttpResponse, error_for_status, parse_retry_after
from apps.connectors.oauth2 import ACCESS_TOKEN, API_KEY, CLIENT_ID, CLIENT_SECRET, EXPIRES_AT

DEFAULT_BASE_URL = "https://api.personio.de"
TOKEN_PATH = "/v2/auth/token"
V2 = "/v2/recruiting"
V1_APPLICATIONS = "/v1/recruiting/applications"
V1_DOCUMENTS = "/v1/recruiting/applications/documents"
COMPANY_ID = "company_id"  # the `X-Company-ID` credential of the v1 Recruiting API key
READ_SCOPE = "personio:recruiting:read"
# "UPPER_SNAKE_CASE. For example MY_COMPANY_NAME" (P-V2C; v1 spells the headers with an `X-` prefix).
PARTNER_ID = "TRIBUTARY"
APP_ID = "TRIBUTARY_CONNECT"
MAX_PAGE_SIZE = 200  # `limit` "between 1 and 200, and the default is 100" (P-V2C)
REFRESH_MARGIN_SECONDS = 60
JsonDict = dict[str, Any]

# The documented meaning of each v1 reason code (P-YAML descriptions), shown beside the code.
REASONS = {
    "errors.attribute-validation.unknown": "The attribute is unknown.",
    "errors.attribute-validation.required-attribute": "A required attribute is missing.",
    "errors.attribute-validation.invalid-date-format": "The date format is invalid.",
    "errors.attribute-validation.invalid-email-format": "The email format is invalid.",
    "errors.attribute-validation.invalid-type": "The value has the wrong type.",
    "errors.attribute-validation.unknown-attribute-option": "The value is not one of the attribute's options.",
    "errors.date-validation.date-in-the-future": "The date cannot be in the future.",
    "errors.phase-validation.invalid-system-phase": "The system phase is invalid.",
    "errors.file-validation.file-not-exists": "The uploaded file does not exist.",
    "errors.file-validation.unknown-file-category": "The file category is unknown.",
    "errors.invalid-file-type": "The file type is not allowed.",
    "errors.file-too-big": "The file is too big.",
    "errors.applicant-already-exists": "The applicant already applied to this position.",
    "errors.posting-validation.posting-not-found": "The job posting could not be found or did not match the "
    "supplied channel.",
    "errors.posting-validation.channel-not-found": "The recruiting channel could not be found.",
    "errors.job-position.not-published": "The job position is not published.",
    "feature.recruiting.disabled": "Recruiting is disabled for this company.",
    "feature.public-api.disabled": "The public API is disabled for this company.",
}


@dataclass(frozen=True)
class V1Refusal:
    """A v1 400: every `(field, reason)` Personio listed."""

    problems: tuple[tuple[str | None, str], ...]

    def reasons(self) -> set[str]:
        return {reason for _, reason in self.problems}

    def message(self, only: set[str] | None = None) -> str:
        parts = []
        for name, reason in self.problems:
            if only is None or reason in only:
                meaning = REASONS.get(reason, "")
                parts.append(f"{name or 'request'}: {reason}" + (f" ({meaning})" if meaning else ""))
        return "; ".join(parts)


def v1_problems(body: Any) -> tuple[tuple[str | None, str], ...]:
    """`{"errors": [{"field", "errors": [{"reason", "context"}]}, {"id", "status", "title", "detail"}]}`."""
    problems: list[tuple[str | None, str]] = []
    for item in (body or {}).get("errors") or () if isinstance(body, dict) else ():
        if not isinstance(item, dict):
            continue
        for inner in item.get("errors") or ():
            if isinstance(inner, dict) and inner.get("reason"):
                problems.append((item.get("field"), str(inner["reason"])))
        if item.get("detail") or item.get("title"):
            problems.append((item.get("field"), str(item.get("detail") or item.get("title"))))
    return tuple(problems)


@dataclass
class PersonioClient:
    http: HttpClient
    auth_kind: AuthKind
    credentials: dict[str, str]
    renew_credentials: Callable[[Mapping[str, str], Callable[[dict[str, str]], dict[str, str]]], dict[str, str]]
    clock: Callable[[], float] = time.time
    page_size: int = 100

    # -- v2 auth -----------------------------------------------------------------------------------------
    def auth_headers(self) -> dict[str, str]:
        if self.auth_kind != AuthKind.OAUTH2_CLIENT_CREDENTIALS:
            raise ConnectorAuthError(f"Personio takes client credentials and a Recruiting key, not {self.auth_kind}.")
        if not self.credentials.get(ACCESS_TOKEN) or self._expiring():
            self.renew()
        return {
            "Authorization": f"Bearer {self.credentials[ACCESS_TOKEN]}",
            "Personio-Partner-ID": PARTNER_ID,
            "Personio-App-ID": APP_ID,
        }

    def _expiring(self) -> bool:
        raw = self.credentials.get(EXPIRES_AT, "")
        try:
            return bool(raw) and float(raw) - REFRESH_MARGIN_SECONDS <= self.clock()
        except ValueError:
            return True

    def renew(self) -> None:
        self.credentials = self.renew_credentials(self.credentials, self._renewed)

    def renew_after_rejection(self) -> bool:
        self.renew()
        return True

    def _renewed(self, credentials: dict[str, str]) -> dict[str, str]:
        """`POST /v2/auth/token`, form-encoded `grant_type=client_credentials&client_id&client_secret` (A1)."""
        client_id, secret = credentials.get(CLIENT_ID, ""), credentials.get(CLIENT_SECRET, "")
        if not (client_id and secret):
            raise ConnectorAuthError("No Personio client id and secret are configured.")
        form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
        try:
            response = self.http.request("POST", TOKEN_PATH, data=form, idempotent=True, authenticate=False)
        except (ConnectorInputError, ConnectorNotFound) as error:
            raise ConnectorAuthError(
                "Personio refused the client credentials.", status_code=error.status_code,
                remote_message=error.remote_message,
            ) from None  # fmt: skip
        body = response.json()
        if not isinstance(body, dict) or not body.get("access_token"):
            raise ConnectorBadResponse("Personio's /v2/auth/token answered without an access_token.")
        return {**credentials, **oauth2.token_credentials(body, now=self.clock())}

    # -- v2 reads ----------------------------------------------------------------------------------------
    def request(self, method: str, path: str, **kwargs: Any) -> HttpResponse:
        headers = self.auth_headers()  # a refused token request is final: not renewed again below
        try:
            return self.http.request(method, path, headers=headers, **kwargs)
        except ConnectorAuthError:
            self.renew_after_rejection()
            return self.http.request(method, path, headers=self.auth_headers(), **kwargs)

    def get_one(self, path: str) -> JsonDict | None:
        """`GET /v2/recruiting<path>` → its `_data`, None on a 404."""
        try:
            body = self.request("GET", V2 + path).json()
        except ConnectorNotFound:
            return None
        data = body.get("_data") if isinstance(body, dict) else None
        if not isinstance(data, dict):
            raise ConnectorBadResponse(f"GET {path} answered no `_data` object.")
        return data

    def list_page(
        self, path: str, params: Mapping[str, Any] | None, cursor: str | None
    ) -> tuple[list[JsonDict], str | None]:
        """One page: the first with filters and `limit`, the next ones by `_meta.links.next.href` (A2)."""
        if cursor:
            response = self.request("GET", cursor)
        else:
            response = self.request("GET", V2 + path, params={"limit": self.page_size, **(params or {})})
        body = response.json()
        rows = body.get("_data") if isinstance(body, dict) else None
        if not isinstance(rows, list):
            raise ConnectorBadResponse(f"GET {path} answered no `_data` list.")
        href = (((body.get("_meta") or {}).get("links") or {}).get("next") or {}).get("href")
        return [row for row in rows if isinstance(row, dict)], _path_and_query(href) if href else None

    def list_all(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[JsonDict]:
        cursor: str | None = None
        while True:
            rows, cursor = self.list_page(path, params, cursor)
            yield from rows
            if cursor is None:
                return

    # -- v1 writes ---------------------------------------------------------------------------------------
    def v1_headers(self) -> dict[str, str]:
        key, company = self.credentials.get(API_KEY, ""), self.credentials.get(COMPANY_ID, "")
        if not (key and company):
            raise ConnectorAuthError("No Personio Recruiting API key and company id are configured.")
        return {
            "Authorization": f"Bearer {key}",
            "X-Company-ID": company,
            "X-Personio-Partner-ID": PARTNER_ID,
            "X-Personio-App-ID": APP_ID,
        }

    def v1(self, path: str, **kwargs: Any) -> tuple[HttpResponse, V1Refusal | None]:
        """A v1 POST (never re-sent after it may have arrived); a 400 comes back as its reason codes."""
        policy = self.http.retry
        for attempt in range(1, policy.max_attempts + 1):
            response = self.http.request(
                "POST", path, headers=self.v1_headers(), idempotent=False, raise_for_status=False, **kwargs
            )
            # A 429 was refused without being acted on: sent again once the shared limiter's hold-off (which the
            # seam set from Retry-After) has passed, within the client's retry policy.
            wait = parse_retry_after(response.headers.get("Retry-After"), now=self.clock())
            if response.status_code != 429 or attempt == policy.max_attempts or (wait or 0) > policy.max_wait:
                break
        if 200 <= response.status_code < 300:
            return response, None
        if response.status_code == 400:
            try:
                problems = v1_problems(response.json())
            except ValueError:
                problems = ()
            if problems:
                return response, V1Refusal(problems)
        retry_after = parse_retry_after(response.headers.get("Retry-After"), now=self.clock())
        error: ConnectorError = error_for_status(
            "POST", response.url, response.status_code, response.content, retry_after=retry_after
        )
        raise error


def _path_and_query(url: str) -> str:
    """Our page cursor: the next link's path and query (opaque to everyone else; same host)."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"
