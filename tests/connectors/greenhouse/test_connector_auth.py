"""Greenhouse connector auth against the emulator: client credentials with `sub` (renewed after expiry), the v1-key
transition token, the partner authorization code with rotating refresh tokens, and a non-Site-Admin user."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from apps.connectors.catalog import AuthKind, ReadModel
from apps.connectors.dtos import OAuthClient
from apps.connectors.errors import ConnectorAuthError, ConnectorPermissionError
from apps.connectors.greenhouse.connector import WRITE_PROBES
from apps.connectors.greenhouse.emulator import ADMIN_USER_ID, DEFAULT_API_KEY, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from tests.connectors.greenhouse.harness import CREDENTIALS, greenhouse_connector

CALLBACK = "http://127.0.0.1:8000/connect/oauth/callback"


def test_client_credentials_token_is_renewed_after_it_is_expired(greenhouse_server) -> None:
    url = greenhouse_server.url
    connector = greenhouse_connector(url)
    assert len(connector.read(ReadModel.USERS).items) == 2
    first = connector.client.credentials["access_token"]

    requests.post(f"{url}/_emulator/tokens/expire", timeout=10).raise_for_status()

    assert len(connector.read(ReadModel.USERS).items) == 2
    assert connector.client.credentials["access_token"] != first


def test_a_non_site_admin_user_cannot_list(greenhouse_server) -> None:
    connector = greenhouse_connector(greenhouse_server.url, credentials={**CREDENTIALS, "user_id": "1002"})

    with pytest.raises(ConnectorPermissionError):
        connector.verify_credentials()


def test_the_v1_key_mints_a_v3_token(greenhouse_server) -> None:
    good = greenhouse_connector(
        greenhouse_server.url,
        auth_kind=AuthKind.API_KEY,
        credentials={"api_key": DEFAULT_API_KEY, "user_id": str(ADMIN_USER_ID)},
    )
    wrong = greenhouse_connector(
        greenhouse_server.url,
        auth_kind=AuthKind.API_KEY,
        credentials={"api_key": "nope", "user_id": str(ADMIN_USER_ID)},
    )

    good.verify_credentials()
    assert good.client.credentials["expires_at"].isdigit()
    with pytest.raises(ConnectorAuthError):
        wrong.verify_credentials()


def test_partner_authorization_code_then_a_rotating_refresh(greenhouse_server) -> None:
    url = greenhouse_server.url
    client = OAuthClient(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
    connector = greenhouse_connector(url, auth_kind=AuthKind.OAUTH2_AUTHORIZATION_CODE, credentials={})
    authorize = connector.oauth_authorize_url(
        client=client, redirect_uri=CALLBACK, state="s1", scopes=["harvest:users:list"]
    )
    assert authorize.startswith(f"{url}/authorize?")
    page = requests.get(authorize, timeout=10)
    assert "harvest:users:list" in page.text
    form = {"client_id": DEFAULT_CLIENT_ID, "redirect_uri": CALLBACK, "scope": "harvest:users:list", "state": "s1",
            "decision": "allow"}  # fmt: skip
    redirect = requests.post(f"{url}/authorize", data=form, allow_redirects=False, timeout=10)
    code = parse_qs(urlsplit(redirect.headers["Location"]).query)["code"][0]

    credentials = connector.oauth_exchange_code(client=client, code=code, redirect_uri=CALLBACK)
    authorized = greenhouse_connector(url, auth_kind=AuthKind.OAUTH2_AUTHORIZATION_CODE, credentials=credentials)
    assert len(authorized.read(ReadModel.USERS).items) == 2
    requests.post(f"{url}/_emulator/tokens/expire", timeout=10).raise_for_status()
    assert len(authorized.read(ReadModel.USERS).items) == 2
    assert authorized.client.credentials["refresh_token"] != credentials["refresh_token"]  # rotated

    reused = greenhouse_connector(
        url, auth_kind=AuthKind.OAUTH2_AUTHORIZATION_CODE, credentials={**credentials, "expires_at": "1"}
    )
    with pytest.raises(ConnectorAuthError):  # the spent refresh token is `invalid_grant`
        reused.read(ReadModel.USERS)


def test_write_permissions_are_probed_by_refused_writes_that_change_nothing(greenhouse_server, greenhouse_app) -> None:
    granted = sorted(set(greenhouse_app.known_scopes) - {"harvest:applications:move", "harvest:notes:create"})
    answer = requests.post(
        f"{greenhouse_server.url}/_emulator/oauth/clients",
        json={"clientId": "limited", "clientSecret": "limited-secret", "scopes": granted}, timeout=10,
    )  # fmt: skip
    assert answer.status_code == 201, answer.text
    limited = greenhouse_connector(
        greenhouse_server.url,
        credentials={"client_id": "limited", "client_secret": "limited-secret", "user_id": "1001"},
    )
    full = greenhouse_connector(greenhouse_server.url)
    before = requests.get(f"{greenhouse_server.url}/_emulator/state", timeout=10).json()["counts"]

    results = {}
    for name in WRITE_PROBES:
        full.run_scope_test(name)  # every permission present: passes
        try:
            limited.run_scope_test(name)
            results[name] = True
        except ConnectorPermissionError:
            results[name] = False

    assert [name for name, ok in results.items() if not ok] == ["applications:move", "notes:create"]
    assert requests.get(f"{greenhouse_server.url}/_emulator/state", timeout=10).json()["counts"] == before
