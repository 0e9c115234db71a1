"""The Lever connector's OAuth against the emulator's approval page and token endpoint: the authorize URL carries
`audience` and `offline_access`, the code is exchanged for rotating tokens, an expired access token is refreshed
once and the new refresh token persisted."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import requests

from apps.connectors.base import ConnectorContext
from apps.connectors.catalog import AuthKind, ReadModel
from apps.connectors.dtos import OAuthClient
from apps.connectors.emulation.vendor import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from apps.connectors.http import HttpClient, RetryPolicy, Timeout
from apps.connectors.lever.client import AUDIENCE, auth_base
from apps.connectors.lever.connector import LeverConnector
from apps.connectors.lever.emulator.app import DEFAULT_REDIRECT_URI
from tests.connectors.lever.conftest import LV

CLIENT = OAuthClient(client_id=DEFAULT_CLIENT_ID, client_secret=DEFAULT_CLIENT_SECRET)


def _connector(url: str, credentials: dict[str, str], saved: list[dict[str, str]]) -> LeverConnector:
    http = HttpClient(base_url=url, rate_key="lever:oauth", retry=RetryPolicy.never(), timeout=Timeout(2, 2))
    context = ConnectorContext(
        integration_key="lever:oauth", base_url=url, credentials=credentials, http=http,
        auth_kind=AuthKind.OAUTH2_AUTHORIZATION_CODE, save_credentials=saved.append,
    )  # fmt: skip
    return LeverConnector(context)


def test_authorize_exchange_read_and_refresh_after_expiry(lv: LV) -> None:
    saved: list[dict[str, str]] = []
    connector = _connector(lv.url, {}, saved)
    url = connector.oauth_authorize_url(
        client=CLIENT, redirect_uri=DEFAULT_REDIRECT_URI, state="st", scopes=list(connector.auth_modes[1].oauth_scopes)
    )
    query = parse_qs(urlsplit(url).query)
    assert (query["audience"], query["response_type"]) == ([AUDIENCE], ["code"])
    assert "offline_access" in query["scope"][0].split()
    assert requests.get(url, timeout=10).status_code == 200  # the approval page
    form = {k: v[0] for k, v in query.items() if k in ("client_id", "redirect_uri", "state", "scope", "audience")}
    redirect = requests.post(f"{lv.url}/authorize", data={**form, "decision": "allow"}, allow_redirects=False,
                             timeout=10)  # fmt: skip
    code = parse_qs(urlsplit(redirect.headers["Location"]).query)["code"][0]

    credentials = connector.oauth_exchange_code(client=CLIENT, code=code, redirect_uri=DEFAULT_REDIRECT_URI)
    assert set(credentials) == {"access_token", "refresh_token", "expires_at", "client_id", "client_secret"}

    connector = _connector(lv.url, credentials, saved)
    for test in connector.scope_tests:
        connector.run_scope_test(test.id)
    assert connector.read(ReadModel.JOBS).items
    lv.control("POST", "/tokens/expire", json={})
    assert connector.read(ReadModel.USERS).items  # a 401, one refresh, the call again
    assert len(saved) == 1
    assert saved[0]["refresh_token"] != credentials["refresh_token"]  # Lever returns a new refresh token
    assert saved[0]["access_token"] != credentials["access_token"]


def test_lever_hosts_keep_oauth_on_their_auth_host() -> None:
    assert auth_base("https://api.lever.co") == "https://auth.lever.co"
    assert auth_base("https://api.sandbox.lever.co") == "https://sandbox-lever.auth0.com"
    assert auth_base("http://127.0.0.1:8117/") == "http://127.0.0.1:8117"
