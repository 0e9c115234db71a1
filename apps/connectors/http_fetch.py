"""Fetching a file a caller pointed us at (attachments' `data_url`, outgoing webhooks' targets), behind the SSRF guard.

The URL comes from an API caller, so it must not become a way into our own network (SSRF): only http(s), and
every connection — the first and each redirect's — goes only to public addresses. The check runs when the
socket is opened, on the addresses the name resolved to, and the connection uses the address that was
checked, so a name that resolves differently the second time (DNS rebinding) gains nothing.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import requests.adapters
import urllib3
import urllib3.connection

from apps.connectors.errors import ConnectorInputError, ConnectorUnavailable
from apps.connectors.http import MAX_REDIRECTS, USER_AGENT, BodyTooLarge, Timeout, error_for_status, read_capped
from apps.core.logging import redact

logger = logging.getLogger("apps.connectors.http")  # the seam's logger, as before the split

FETCH_SCHEMES = ("http", "https")


class AddressRefused(ConnectorInputError):
    """The URL is not fetched: another scheme, or it leads to a private, loopback, link-local or reserved address."""


@dataclass(frozen=True)
class FetchedFile:
    content: bytes
    content_type: str | None  # the answer's Content-Type without parameters, None when absent
    url: str  # after redirects


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def address_allowed(address: str, allowed_networks: Sequence[Network] = ()) -> bool:
    """Public unicast addresses only, unless the address is inside one of `allowed_networks` (tests)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip.version == network.version and ip in network for network in allowed_networks):
        return True
    return ip.is_global and not ip.is_multicast


def _checked_address(host: str, port: int, allowed_networks: Sequence[Network]) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ConnectorInputError(f"The host {host!r} could not be resolved ({exc}).") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    refused = [address for address in addresses if not address_allowed(address, allowed_networks)]
    if refused or not addresses:
        raise AddressRefused(
            f"The host {host!r} resolves to a non-public address ({', '.join(refused) or 'none'}); not fetched."
        )
    return addresses[0]


def _guarded_session(allowed_networks: Sequence[Network]) -> requests.Session:
    """A session whose every new connection first checks where it goes (see above)."""

    class Guard:
        def _new_conn(self) -> socket.socket:
            # Connect to the checked address; TLS still verifies the certificate against the host name.
            self._dns_host = _checked_address(self._dns_host, self.port, allowed_networks)  # type: ignore[attr-defined]
            return super()._new_conn()  # type: ignore[misc]

    http_connection = type("GuardedHTTPConnection", (Guard, urllib3.connection.HTTPConnection), {})
    https_connection = type("GuardedHTTPSConnection", (Guard, urllib3.connection.HTTPSConnection), {})
    http_pool = type("GuardedHTTPPool", (urllib3.HTTPConnectionPool,), {"ConnectionCls": http_connection})
    https_pool = type("GuardedHTTPSPool", (urllib3.HTTPSConnectionPool,), {"ConnectionCls": https_connection})

    class GuardedAdapter(requests.adapters.HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": http_pool, "https": https_pool}

    session = requests.Session()
    session.trust_env = False  # no proxy: the check must see the real destination
    session.mount("http://", GuardedAdapter(max_retries=0))
    session.mount("https://", GuardedAdapter(max_retries=0))
    return session


def guarded_session(allowed_networks: Sequence[Network] = ()) -> requests.Session:
    """A session that connects only to public addresses (or `allowed_networks`): the SSRF guard of `fetch_file`,
    for other caller-given URLs (outgoing webhooks)."""
    return _guarded_session(allowed_networks)


def fetch_file(
    url: str,
    *,
    max_bytes: int,
    allowed_networks: Sequence[Network] = (),
    timeout: Timeout | None = None,
    deadline: float = 60.0,
    max_redirects: int = MAX_REDIRECTS,
) -> FetchedFile:
    """GET a file from a caller-given URL: public addresses only, at most `max_bytes`, within `deadline` seconds.

    Raises AddressRefused (scheme or address), ConnectorInputError (too large, bad URL), the status errors of
    `error_for_status` and ConnectorUnavailable (transport failures).
    """
    timeout = timeout or Timeout(connect=5.0, read=20.0)
    started = time.monotonic()
    current = url
    with _guarded_session(allowed_networks) as session:
        for _ in range(max_redirects + 1):
            parts = urlsplit(current)
            if parts.scheme.lower() not in FETCH_SCHEMES or not parts.hostname:
                raise AddressRefused(f"Only http and https URLs are fetched, not {parts.scheme or 'this'!r}.")
            where = f"GET {parts.scheme}://{parts.netloc}{parts.path}"
            try:
                response = session.get(
                    current, timeout=timeout.as_requests(), allow_redirects=False, stream=True,
                    headers={"User-Agent": USER_AGENT, "Accept": "*/*"},
                )  # fmt: skip
            except requests.exceptions.InvalidURL as exc:
                raise ConnectorInputError(f"Invalid URL: {exc}") from None
            except requests.RequestException as exc:
                kind = "timed out" if isinstance(exc, requests.Timeout) else f"failed ({type(exc).__name__})"
                raise ConnectorUnavailable(f"{redact(where)}: {kind}.") from None
            with response:
                if response.is_redirect:
                    current = urljoin(current, response.headers.get("Location", ""))
                    continue
                if not 200 <= response.status_code < 300:
                    raise error_for_status("GET", current, response.status_code, response.raw.read(2000) or b"")

                def within_deadline(where: str = where) -> None:
                    if time.monotonic() - started > deadline:
                        raise ConnectorUnavailable(f"{redact(where)}: the download took longer than {deadline}s.")

                try:
                    content = read_capped(response, max_bytes, each_chunk=within_deadline)
                except BodyTooLarge as exc:
                    declared = f" ({exc.declared})" if exc.declared else ""
                    raise ConnectorInputError(f"The file is larger than {max_bytes} bytes{declared}.") from None
                except requests.RequestException as exc:
                    raise ConnectorUnavailable(f"{redact(where)}: failed ({type(exc).__name__}).") from None
                content_type = (response.headers.get("Content-Type") or "").split(";", 1)[0].strip() or None
                logger.info("GET %s -> %d, %d bytes", redact(where), response.status_code, len(content))
                return FetchedFile(content=content, content_type=content_type, url=current)
    raise ConnectorInputError(f"More than {max_redirects} redirects; not followed.")
