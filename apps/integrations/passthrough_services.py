"""POST /v1/passthrough/{tool}/{api}: a caller's request to the integration's own ATS API, answered as the ATS did.

The connector does the sending (`Connector.passthrough`: base URL, auth, the HTTP seam with the shared rate limiter);
this service decides what may be sent and how the answer and failures look to the caller:

- `tool` must be the integration's tool and `api` one of its `passthrough_apis`, the path must stay under that
  API's base on the ATS host (else 400 PLATFORM.INPUT_INVALID naming the parameter);
- a disabled integration is refused like `POST /force-sync` refuses it (400 PLATFORM.INPUT_INVALID), one whose
  credentials the ATS rejected answers PLATFORM.AUTHENTICATION_INVALID (403) until it is relinked;
- caller headers that would override our authentication or the connection's framing are not forwarded, each with
  a warning (`apps.connectors.passthrough.NOT_FORWARDED`);
- any status the ATS answers (4xx and 5xx included) is the `status` of a successful passthrough; only failures to
  get an answer are errors. Passthrough is a general operation, so only PLATFORM.* codes (KomboGeneralError):
  no answer in time → PLATFORM.TASK_TIMED_OUT (504); refused or dropped connection → PLATFORM.UNKNOWN_ERROR (502);
  credentials that cannot be renewed → PLATFORM.AUTHENTICATION_INVALID (403, the integration becomes INVALID).

Every call leaves one log line (`apps.integrations.passthrough`): integration, api, method, path without its
query, status or error, milliseconds.
"""

from __future__ import annotations

import base64
import json
import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any

from apps.connectors.dtos import PassthroughFile, PassthroughRequest, PassthroughResponse
from apps.connectors.errors import (
    ConnectorAuthError,
    ConnectorError,
    ConnectorRateLimited,
    ConnectorUnavailable,
    ConnectorUnsupported,
    ConnectorWriteUncertain,
)
from apps.connectors.passthrough import HOP_BY_HOP, PassthroughPathError, check_path, forwardable
from apps.connectors.registry import get_connector_class
from apps.core.api.errors import ApiError, ErrorCode, input_invalid
from apps.core.logging import redact
from apps.integrations.connectors import connector_for
from apps.integrations.enabled import ensure_enabled
from apps.integrations.models import Integration
from apps.integrations.webhook_services import announce_state_if_changed

logger = logging.getLogger("apps.integrations.passthrough")

METHODS = ("GET", "POST", "DELETE", "PUT", "PATCH")

MESSAGE_TOOL = "tool: must be {expected!r}, the tool of this integration; got {got!r}."
MESSAGE_NO_APIS = "api: {label} offers no passthrough API."
MESSAGE_API = "api: must be one of {allowed} for {tool}; got {got!r}."
MESSAGE_INVALID = "The ATS rejected the integration's credentials; relink the integration first."
MESSAGE_AUTH = "The ATS rejected the integration's credentials and they could not be renewed; relink the integration."
MESSAGE_TIMEOUT = "The ATS did not answer in time ({detail})."
MESSAGE_UNCERTAIN = "The ATS did not answer ({detail}). The request may have reached it; it was not sent again."
MESSAGE_UNREACHABLE = "The ATS could not be reached ({detail})."
MESSAGE_FAILED = "The request to the ATS failed ({detail})."
MESSAGE_RATE_LIMITED = "The ATS is rate limiting this integration ({detail}); try again later."
MESSAGE_BODY_TWICE = "data: cannot be combined with multipart_form_data; send one body."
MESSAGE_HEADER_NAME = "headers: {name!r} is not a valid header name."
MESSAGE_HEADER_VALUE = "headers.{name}: must not contain line breaks."
MESSAGE_HEADER_LATIN1 = "headers.{name}: must contain only ISO-8859-1 (Latin-1) characters."
WARNING_HEADER = "headers.{name}: not forwarded ({reason})."
WARNING_OPTION = "api_options.{name}: {label} has no such option; ignored."
REASON_AUTH = "Tributary authenticates every passthrough request itself"
REASON_FRAMING = "it describes the connection, which Tributary makes"
REASON_MULTIPART = "the multipart body sets its own Content-Type with the boundary"

_TOKEN_CHARS = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def passthrough_send(
    *,
    integration: Integration,
    tool: str,
    api: str,
    method: str,
    path: str,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, str] | None = None,
    data: Any = None,
    response_as_base64: bool = False,
    multipart_form_data: Sequence[Mapping[str, Any]] | None = None,
    api_options: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """Send the request to the integration's ATS; returns (`data` of the response, warnings)."""
    connector_class = get_connector_class(integration.tool)
    if tool != integration.tool:
        raise input_invalid(MESSAGE_TOOL.format(expected=integration.tool, got=tool))
    allowed = connector_class.passthrough_apis
    if not allowed:
        raise input_invalid(MESSAGE_NO_APIS.format(label=connector_class.label))
    if api not in allowed:
        raise input_invalid(MESSAGE_API.format(allowed=", ".join(allowed), tool=tool, got=api))
    try:
        check_path(path)
    except PassthroughPathError as error:
        raise input_invalid(f"path: {error.message}") from None
    ensure_enabled(integration)
    if integration.state == Integration.State.INVALID:
        raise ApiError(ErrorCode.PLATFORM_AUTHENTICATION_INVALID, MESSAGE_INVALID, status=403)

    warnings: list[str] = []
    multipart = bool(multipart_form_data)
    if multipart and data is not None:
        raise input_invalid(MESSAGE_BODY_TWICE)
    forwarded = _forwarded_headers(headers or {}, multipart=multipart, warnings=warnings)
    for name in sorted(api_options or {}):
        warnings.append(WARNING_OPTION.format(name=name, label=connector_class.label))
    form_fields, files = _multipart(multipart_form_data or ())
    request = PassthroughRequest(
        method=method.upper(),
        path=path,
        headers=forwarded,
        params=dict(params or {}),
        json_body=None if isinstance(data, str) else data,
        raw_body=data.encode() if isinstance(data, str) else None,
        form_fields=form_fields,
        files=files,
    )

    started = time.monotonic()
    try:
        response = connector_for(integration).passthrough(api, request)
    except ConnectorError as error:
        _log(integration, api, request, started, outcome=type(error).__name__)
        raise _api_error(error, integration=integration) from None
    _log(integration, api, request, started, outcome=str(response.status))
    return present_response(response, as_base64=response_as_base64), warnings


def _forwarded_headers(headers: Mapping[str, str], *, multipart: bool, warnings: list[str]) -> dict[str, str]:
    """The caller's headers that go to the ATS; the others are named in a warning each. (The connector drops its
    own auth header names once more when it sends, whatever they are.)"""
    kept: dict[str, str] = {}
    for name, value in headers.items():
        if not name or not set(name) <= _TOKEN_CHARS:
            raise input_invalid(MESSAGE_HEADER_NAME.format(name=name))
        if any(char in value for char in "\r\n\0"):
            raise input_invalid(MESSAGE_HEADER_VALUE.format(name=name))
        # HTTP/1.1 sends header values as ISO-8859-1 (RFC 9110 §5.5); http.client fails on anything else.
        if not value.isascii() and any(ord(char) > 0xFF for char in value):
            raise input_invalid(MESSAGE_HEADER_LATIN1.format(name=name))
        if forwardable(name, multipart=multipart):
            kept[name] = value
            continue
        lowered = name.lower()
        if lowered in HOP_BY_HOP or lowered in ("host", "content-length"):
            reason = REASON_FRAMING
        elif lowered == "content-type":
            reason = REASON_MULTIPART
        else:
            reason = REASON_AUTH
        warnings.append(WARNING_HEADER.format(name=name, reason=reason))
    return kept


def _multipart(items: Sequence[Mapping[str, Any]]) -> tuple[tuple[tuple[str, str], ...], tuple[PassthroughFile, ...]]:
    """Form fields (string values) and files (base64 `data` or a `data_url` fetched now) of the multipart body."""
    from apps.integrations.files import file_from

    fields: list[tuple[str, str]] = []
    files: list[PassthroughFile] = []
    for index, item in enumerate(items):
        value = item["value"]
        if isinstance(value, str):
            fields.append((item["name"], value))
            continue
        attachment = file_from(value, field=f"multipart_form_data[{index}].value")
        files.append(
            PassthroughFile(
                field_name=item["name"],
                file_name=attachment.name,
                content_type=attachment.content_type,
                data=attachment.data,
            )
        )
    return tuple(fields), tuple(files)


def present_response(response: PassthroughResponse, *, as_base64: bool) -> dict[str, Any]:
    """The contract's `{url, status, headers, data}`: JSON bodies parsed, other bodies as text, base64 on request;
    a header that came several times is a list; hop-by-hop headers (about our connection) are left out."""
    grouped: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for name, value in response.headers:
        key = name.lower()
        if key in HOP_BY_HOP:
            continue
        names.setdefault(key, name)
        grouped.setdefault(key, []).append(value)
    headers: dict[str, str | list[str]] = {
        names[key]: values[0] if len(values) == 1 else values for key, values in grouped.items()
    }
    content_type = next((values[0] for key, values in grouped.items() if key == "content-type"), "")
    return {
        "url": response.url,
        "status": response.status,
        "headers": headers,
        "data": _body(response.content, content_type, as_base64=as_base64),
    }


def _body(content: bytes, content_type: str, *, as_base64: bool) -> Any:
    if as_base64:
        return base64.b64encode(content).decode("ascii")
    if not content:
        return None
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == "application/json" or media_type.endswith("+json"):
        try:
            return json.loads(content)
        except ValueError:
            pass  # a body that is not what it claims comes back as text
    return content.decode(_charset(content_type), errors="replace")


def _charset(content_type: str) -> str:
    for parameter in content_type.split(";")[1:]:
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            candidate = value.strip().strip('"')
            try:
                "".encode(candidate)
            except LookupError:
                break
            return candidate
    return "utf-8"


def _api_error(error: ConnectorError, *, integration: Integration) -> ApiError:
    detail = redact(error.message).rstrip(".")
    if isinstance(error, PassthroughPathError):
        return input_invalid(f"path: {error.message}")
    if isinstance(error, ConnectorUnsupported):
        return input_invalid(f"api: {error.message}")
    if isinstance(error, ConnectorAuthError):
        Integration.objects.filter(id=integration.id).update(
            state=Integration.State.INVALID, last_error=f"{MESSAGE_AUTH} ({detail})"[:5000]
        )
        announce_state_if_changed(integration_id=integration.id)
        return ApiError(ErrorCode.PLATFORM_AUTHENTICATION_INVALID, MESSAGE_AUTH, status=403)
    if isinstance(error, ConnectorRateLimited):
        return ApiError(ErrorCode.PLATFORM_RATE_LIMIT_EXCEEDED, MESSAGE_RATE_LIMITED.format(detail=detail))
    if isinstance(error, ConnectorUnavailable | ConnectorWriteUncertain) and error.timed_out:
        return ApiError(ErrorCode.PLATFORM_TASK_TIMED_OUT, MESSAGE_TIMEOUT.format(detail=detail), status=504)
    if isinstance(error, ConnectorWriteUncertain):
        return ApiError(ErrorCode.PLATFORM_UNKNOWN_ERROR, MESSAGE_UNCERTAIN.format(detail=detail), status=502)
    if isinstance(error, ConnectorUnavailable):
        return ApiError(ErrorCode.PLATFORM_UNKNOWN_ERROR, MESSAGE_UNREACHABLE.format(detail=detail), status=502)
    return ApiError(ErrorCode.PLATFORM_UNKNOWN_ERROR, MESSAGE_FAILED.format(detail=detail), status=502)


def _log(integration: Integration, api: str, request: PassthroughRequest, started: float, *, outcome: str) -> None:
    path = redact(request.path.partition("?")[0])
    logger.info(
        "passthrough integration=%s api=%s/%s method=%s path=%s status=%s ms=%d",
        integration.id, integration.tool, api, request.method, path, outcome,
        round((time.monotonic() - started) * 1000),
    )  # fmt: skip
