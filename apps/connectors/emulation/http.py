"""Requests and responses for emulators: WSGI environ in, status + headers + bytes out.

Parses query strings (repeated keys and `key[]` both kept as lists), JSON, form-urlencoded and
multipart/form-data bodies. The multipart parser is our own (the stdlib `cgi` module is deprecated).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from email.message import Message
from functools import cached_property
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

MAX_BODY_BYTES = 50 * 1024 * 1024


class HttpError(Exception):
    """An error answer. Each emulator renders it in its vendor's error format (`EmulatorApp.error_response`)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.details = details or []


class BadRequest(HttpError):
    def __init__(self, message: str, code: str = "INVALID_REQUEST") -> None:
        super().__init__(400, code, message)


class NotFound(HttpError):
    def __init__(self, message: str = "Not found", code: str = "NOT_FOUND") -> None:
        super().__init__(404, code, message)


class MethodNotAllowed(HttpError):
    def __init__(self, allowed: list[str]) -> None:
        super().__init__(405, "METHOD_NOT_ALLOWED", "Method not allowed", headers={"Allow": ", ".join(allowed)})


@dataclass(frozen=True)
class UploadedFile:
    """One file part of a multipart body."""

    field_name: str
    filename: str
    content_type: str
    content: bytes


@dataclass
class Request:
    """One incoming request. `path_params` and `principal` are filled in by the app while dispatching."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    environ: dict[str, Any] = field(repr=False, default_factory=dict)
    path_params: dict[str, str] = field(default_factory=dict)
    principal: Any = None

    @classmethod
    def from_environ(cls, environ: dict[str, Any]) -> Request:
        headers = {}
        for key, value in environ.items():
            if key.startswith("HTTP_"):
                headers[key[5:].replace("_", "-").lower()] = value
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        if environ.get("CONTENT_LENGTH"):
            headers["content-length"] = environ["CONTENT_LENGTH"]
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY_BYTES:
            raise HttpError(413, "PAYLOAD_TOO_LARGE", "Request body too large")
        if "chunked" in str(environ.get("HTTP_TRANSFER_ENCODING", "")).lower():
            raise HttpError(411, "LENGTH_REQUIRED", "Send the request body with a Content-Length")
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        # PATH_INFO arrives percent-decoded as latin-1 (PEP 3333); re-decode it as UTF-8.
        raw_path = environ.get("PATH_INFO", "/") or "/"
        path = raw_path.encode("latin-1").decode("utf-8", errors="replace")
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        return cls(
            method=environ.get("REQUEST_METHOD", "GET").upper(),
            path=path,
            query=query,
            headers=headers,
            body=body,
            environ=environ,
        )

    # -- query ---------------------------------------------------------------------------------
    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.args(name)
        return values[0] if values else default

    def args(self, name: str) -> list[str]:
        """All values of a query parameter, accepting both `name=a&name=b` and `name[]=a&name[]=b`."""
        return [*self.query.get(name, []), *self.query.get(f"{name}[]", [])]

    def int_arg(self, name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
        raw = self.arg(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            raise BadRequest(f"{name}: must be an integer", "INVALID_VALUE") from None
        if value < minimum or (maximum is not None and value > maximum):
            bound = f" and {maximum}" if maximum is not None else ""
            raise BadRequest(f"{name}: must be between {minimum}{bound}", "INVALID_VALUE")
        return value

    # -- headers -------------------------------------------------------------------------------
    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)

    @property
    def content_type(self) -> str:
        return (self.header("content-type") or "").split(";")[0].strip().lower()

    @property
    def base_url(self) -> str:
        """The scheme + host the client used, for absolute links in responses (`actions.*.url`)."""
        scheme = self.environ.get("wsgi.url_scheme", "http")
        host = self.header("host")
        if not host:
            host = f"{self.environ.get('SERVER_NAME', '127.0.0.1')}:{self.environ.get('SERVER_PORT', '80')}"
        return f"{scheme}://{host}"

    @property
    def remote_addr(self) -> str:
        return str(self.environ.get("REMOTE_ADDR", ""))

    # -- body ----------------------------------------------------------------------------------
    @cached_property
    def json(self) -> Any:
        """The body parsed as JSON; an empty body is `None`. Malformed JSON is a 400."""
        if not self.body.strip():
            return None
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            raise BadRequest("Malformed JSON body", "INVALID_JSON") from None

    def json_object(self) -> dict[str, Any]:
        """The body as a JSON object (400 when it is anything else)."""
        data = self.json
        if not isinstance(data, dict):
            raise BadRequest("Request body must be a JSON object", "INVALID_JSON")
        return data

    @cached_property
    def _form_and_files(self) -> tuple[dict[str, list[str]], dict[str, list[UploadedFile]]]:
        if self.content_type == "application/x-www-form-urlencoded":
            text = self.body.decode("utf-8", errors="replace")
            return parse_qs(text, keep_blank_values=True), {}
        if self.content_type == "multipart/form-data":
            boundary = _header_param(self.header("content-type") or "", "boundary")
            if not boundary:
                raise BadRequest("multipart/form-data without a boundary", "INVALID_MULTIPART")
            return parse_multipart(self.body, boundary.encode("latin-1"))
        return {}, {}

    @property
    def form(self) -> dict[str, list[str]]:
        return self._form_and_files[0]

    @property
    def files(self) -> dict[str, list[UploadedFile]]:
        return self._form_and_files[1]

    def form_value(self, name: str, default: str | None = None) -> str | None:
        values = self.form.get(name)
        return values[0] if values else default

    def file(self, name: str) -> UploadedFile | None:
        values = self.files.get(name)
        return values[0] if values else None


def _header_param(header_value: str, param: str, header_name: str = "content-type") -> str | None:
    message = Message()
    message[header_name] = header_value
    value = message.get_param(param, header=header_name)
    if isinstance(value, tuple):  # RFC 2231 encoded parameter
        value = value[2]
    return None if value is None else str(value)


def parse_multipart(body: bytes, boundary: bytes) -> tuple[dict[str, list[str]], dict[str, list[UploadedFile]]]:
    """Split a multipart/form-data body (RFC 7578) into text fields and files. Malformed input is a 400."""
    fields: dict[str, list[str]] = {}
    files: dict[str, list[UploadedFile]] = {}
    delimiter = b"\r\n--" + boundary
    # Prefix CRLF so the first delimiter looks like every other one; content may contain the boundary
    # text itself only when it is not preceded by CRLF, which is what the RFC guarantees.
    chunks = (b"\r\n" + body).split(delimiter)
    if len(chunks) < 3 or not chunks[-1].startswith(b"--"):
        raise BadRequest("Malformed multipart body", "INVALID_MULTIPART")
    for chunk in chunks[1:-1]:
        # Each part starts right after the delimiter line: optional whitespace, CRLF, headers, CRLF CRLF, content.
        _, _, part = chunk.partition(b"\r\n")
        head, separator, content = part.partition(b"\r\n\r\n")
        if not separator:
            raise BadRequest("Malformed multipart part", "INVALID_MULTIPART")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", errors="replace").split("\r\n"):
            if ":" in line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "")
        field_name = _header_param(disposition, "name", "content-disposition")
        if not field_name:
            raise BadRequest("Multipart part without a field name", "INVALID_MULTIPART")
        filename = _header_param(disposition, "filename", "content-disposition")
        if filename is not None:
            upload = UploadedFile(
                field_name=field_name,
                filename=filename,
                content_type=headers.get("content-type", "application/octet-stream"),
                content=content,
            )
            files.setdefault(field_name, []).append(upload)
        else:
            fields.setdefault(field_name, []).append(content.decode("utf-8", errors="replace"))
    return fields, files


@dataclass
class Response:
    """An answer: status, headers (ordered, repeatable) and the body bytes."""

    status: int = 200
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        body = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        response = cls(status=status, body=body, headers=[("Content-Type", "application/json;charset=UTF-8")])
        for name, value in (headers or {}).items():
            response.set_header(name, value)
        return response

    @classmethod
    def html(cls, text: str, status: int = 200) -> Response:
        return cls(status=status, body=text.encode("utf-8"), headers=[("Content-Type", "text/html; charset=utf-8")])

    @classmethod
    def text(cls, text: str, status: int = 200) -> Response:
        return cls(status=status, body=text.encode("utf-8"), headers=[("Content-Type", "text/plain; charset=utf-8")])

    @classmethod
    def binary(cls, content: bytes, content_type: str, filename: str | None = None) -> Response:
        response = cls(status=200, body=content, headers=[("Content-Type", content_type)])
        if filename:
            safe = filename.replace('"', "")
            response.set_header("Content-Disposition", f'attachment; filename="{safe}"')
        return response

    @classmethod
    def redirect(cls, location: str, status: int = 302) -> Response:
        return cls(status=status, headers=[("Location", location)])

    @classmethod
    def empty(cls, status: int = 204) -> Response:
        return cls(status=status)

    def set_header(self, name: str, value: str) -> None:
        lowered = name.lower()
        self.headers = [(key, val) for key, val in self.headers if key.lower() != lowered]
        self.headers.append((name, value))

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None

    @property
    def status_line(self) -> str:
        try:
            phrase = HTTPStatus(self.status).phrase
        except ValueError:
            phrase = "Unknown"
        return f"{self.status} {phrase}"

    def json_body(self) -> Any:
        return json.loads(self.body) if self.body else None
