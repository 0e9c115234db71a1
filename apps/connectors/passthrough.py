"""Passthrough: a caller's own request to the ATS API, sent with our base URL and our authentication.

The same for every connector (`Connector.passthrough` calls `send`); a tool only says where its API lives and how
requests authenticate. What this module guarantees:
- the URL stays under the API's base on the integration's own host (`resolve_url`): no absolute URLs, no
  `//host`, no backslashes, no `..` that climbs out of the base (percent-encoded ones included);
- the caller cannot override our authentication or the connection's framing (`NOT_FORWARDED` + the tool's own
  auth header names are dropped from the caller's headers);
- the request goes through the HTTP seam like every other call (shared rate limiter, lanes, timeouts, credential
  scrubbing), in its non-raising mode: any status the ATS answers comes back to the caller as it is;
- only a GET is tried again after a transport failure; a write is sent once. The one exception is a 401 the
  ATS answers when our OAuth token turned out expired: the ATS refused it before acting, so it is sent once more
  with a renewed token, as the connectors do for their own calls.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from urllib.parse import unquote, urlsplit

from requests.models import PreparedRequest

from apps.connectors.dtos import PassthroughRequest, PassthroughResponse
from apps.connectors.errors import ConnectorInputError
from apps.connectors.http import HttpClient, RetryPolicy

# RFC 9110 §7.6.1 hop-by-hop headers (and the de-facto `Proxy-Connection`, `Keep-Alive`): they describe one
# connection, ours, not the caller's.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
# Never taken from the caller: the connection's own framing (Host, Content-Length are ours to set) and anything
# that authenticates (our credentials authenticate every passthrough request; a caller's must not replace them).
NOT_FORWARDED = HOP_BY_HOP | frozenset(
    {"host", "content-length", "authorization", "cookie", "x-smarttoken", "x-api-key", "x-api-token"}
)


class PassthroughPathError(ConnectorInputError):
    """The passthrough `path` is not a path under the API's base (the message says why, without the field name)."""


def check_path(path: str) -> tuple[list[str], bool, str]:
    """The path's segments (dot-segments resolved, percent-encoding kept), whether it ends with `/`, and its query.

    Raises PassthroughPathError when `path` is not a relative path that stays under the base.
    """
    if not path or not path.strip():
        raise PassthroughPathError("must not be empty.")
    if any(ord(char) <= 0x20 or ord(char) == 0x7F for char in path):
        raise PassthroughPathError("must not contain spaces or control characters.")
    if "\\" in path:
        raise PassthroughPathError("must not contain backslashes.")
    if path.startswith("//"):
        raise PassthroughPathError("must be a path relative to the API base URL, not a network address (//host).")
    parts = urlsplit(path)
    if parts.scheme or parts.netloc:
        raise PassthroughPathError("must be a path relative to the API base URL, not an absolute URL.")
    if "#" in path:
        raise PassthroughPathError("must not contain a fragment (#).")
    raw_path, _, query = path.partition("?")
    segments: list[str] = []
    for segment in raw_path.split("/"):
        decoded = unquote(segment)
        if "/" in decoded or "\\" in decoded:
            raise PassthroughPathError("must not contain encoded slashes or backslashes (%2F, %5C).")
        if decoded in ("", "."):
            continue
        if decoded == "..":
            if not segments:
                raise PassthroughPathError("must not climb out of the API base URL (..).")
            segments.pop()
            continue
        segments.append(segment)
    return segments, raw_path.endswith("/"), query


def resolve_url(base_url: str, path: str) -> str:
    """The absolute URL of `path` under `base_url`; it is on the base's host and under its path, or this raises."""
    segments, trailing_slash, query = check_path(path)
    base = base_url.rstrip("/")
    url = base + "/" + "/".join(segments) + ("/" if trailing_slash and segments else "")
    if query:
        url += "?" + query
    target, origin = urlsplit(url), urlsplit(base + "/")
    same_origin = (target.scheme, target.hostname, target.port) == (origin.scheme, origin.hostname, origin.port)
    if not same_origin or not target.path.startswith(origin.path):
        raise PassthroughPathError("must stay under the API base URL.")
    return url


def display_url(url: str, params: Mapping[str, str]) -> str:
    """The URL as sent, the caller's `params` included (our credentials travel in headers, never in it)."""
    prepared = PreparedRequest()
    prepared.prepare_url(url, dict(params) or None)
    return str(prepared.url)


def forwardable(name: str, *, auth_names: Iterable[str] = (), multipart: bool = False) -> bool:
    """Whether a caller's header goes to the ATS (see `NOT_FORWARDED`). A multipart body's Content-Type carries
    the boundary we choose, so the caller's is dropped then."""
    lowered = name.strip().lower()
    if lowered in NOT_FORWARDED or lowered in {auth.lower() for auth in auth_names}:
        return False
    return not (multipart and lowered == "content-type")


def send(
    http: HttpClient,
    *,
    base_url: str,
    request: PassthroughRequest,
    auth_headers: Callable[[], dict[str, str]],
    reauthenticate: Callable[[], bool],
) -> PassthroughResponse:
    """Send `request` under `base_url`, authenticated by `auth_headers()`; any answered status comes back.

    `reauthenticate()` renews an expired token after a 401 (True: send once more). Transport failures raise the
    seam's errors (ConnectorUnavailable, ConnectorWriteUncertain); a bad path raises PassthroughPathError.
    """
    url = resolve_url(base_url, request.path)
    method = request.method.upper()
    is_get = method == "GET"
    files: list[tuple[str, tuple[str | None, bytes | str] | tuple[str, bytes, str]]] = [
        (name, (None, value)) for name, value in request.form_fields
    ]
    files.extend((item.field_name, (item.file_name, item.data, item.content_type)) for item in request.files)

    def once() -> PassthroughResponse:
        auth = auth_headers()
        headers = {
            name: value
            for name, value in request.headers.items()
            if forwardable(name, auth_names=auth, multipart=request.is_multipart)
        }
        headers.update(auth)
        response = http.request(
            method, url, params=dict(request.params) or None, json_body=request.json_body,
            data=request.raw_body, files=files or None, headers=headers,
            idempotent=is_get, raise_for_status=False, retry=None if is_get else RetryPolicy.never(),
        )  # fmt: skip
        return PassthroughResponse(
            url=display_url(url, request.params),
            status=response.status_code,
            headers=response.header_items,
            content=response.content,
        )

    answer = once()
    if answer.status == 401 and reauthenticate():
        answer = once()
    return answer
