"""Files of write requests: base64 `data` decoded, or `data_url` downloaded at once through the HTTP seam.

A `data_url` is fetched only from public addresses (`apps.connectors.http_fetch.fetch_file`); the setting
`WRITE_FETCH_ALLOWED_NETWORKS` lists private networks that are allowed anyway (tests serve files on loopback).
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import mimetypes
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from django.conf import settings

from apps.connectors.dtos import AttachmentInput
from apps.connectors.errors import ConnectorError
from apps.connectors.http_fetch import Network, fetch_file
from apps.core.api.errors import input_invalid

MESSAGE_BASE64 = "{field}.data: not valid base64."
MESSAGE_EMPTY = "{field}: the file is empty."
MESSAGE_TOO_LARGE = "{field}: the file is larger than {limit} bytes."
MESSAGE_DOWNLOAD = "{field}.data_url: could not download the file: {reason}"
DEFAULT_CONTENT_TYPE = "application/octet-stream"


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def allowed_networks() -> tuple[Network, ...]:
    return _networks(tuple(settings.WRITE_FETCH_ALLOWED_NETWORKS))


def max_bytes() -> int:
    return int(settings.WRITE_ATTACHMENT_MAX_BYTES)


def file_from(value: Mapping[str, Any], *, field: str, type: str = "OTHER") -> AttachmentInput:
    """An `AttachmentInput` from a validated file object (`name`, `content_type`, exactly one of `data`/`data_url`).

    Raises PLATFORM.INPUT_INVALID naming `field` when the content cannot be had.
    """
    limit = max_bytes()
    content_type = (value.get("content_type") or "").strip()
    if value.get("data"):
        text = "".join(str(value["data"]).split())
        try:
            content = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise input_invalid(MESSAGE_BASE64.format(field=field)) from None
    else:
        try:
            fetched = fetch_file(str(value["data_url"]), max_bytes=limit, allowed_networks=allowed_networks())
        except ConnectorError as error:
            reason = error.message + (f" ({error.remote_message})" if error.remote_message else "")
            raise input_invalid(MESSAGE_DOWNLOAD.format(field=field, reason=reason)) from None
        content = fetched.content
        content_type = content_type or fetched.content_type or ""
    if not content:
        raise input_invalid(MESSAGE_EMPTY.format(field=field))
    if len(content) > limit:
        raise input_invalid(MESSAGE_TOO_LARGE.format(field=field, limit=limit))
    name = str(value["name"])
    content_type = content_type or mimetypes.guess_type(name)[0] or DEFAULT_CONTENT_TYPE
    return AttachmentInput(name=name, type=type, content_type=content_type, data=content)


def attachment_from(value: Mapping[str, Any], *, field: str) -> AttachmentInput:
    """An attachment of a request (`attachments[i]`, `attachment`): a file with a `type` (CV, ...)."""
    return file_from(value, field=field, type=str(value["type"]))
