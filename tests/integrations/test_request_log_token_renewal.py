"""An OAuth access token renewed in the middle of a run is scrubbed from the stored request log like the one the
run started with: a Lever integration on its emulator, its token expired between two reads, and then a request
whose path (and Lever's 404 message, which names the id) carries the new token."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
import requests

from apps.connectors.catalog import AuthKind, ReadModel
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.emulation.vendor import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from apps.connectors.errors import ConnectorNotFound
from apps.connectors.lever.emulator import LeverEmulator, create_app
from apps.integrations.connectors import connector_for
from apps.integrations.models import Environment, Integration, OutboundRequest
from apps.integrations.request_log import request_log_scope
from apps.integrations.selectors import integration_credentials
from apps.integrations.services import integration_create


@pytest.fixture(scope="module")
def emulator() -> Iterator[tuple[LeverEmulator, str]]:
    app = create_app(limits_enabled=False)
    with LoopbackServer(app) as server:
        yield app, server.url


@pytest.fixture
def lever(environment: Environment, emulator: tuple[LeverEmulator, str]) -> Integration:
    url = emulator[1]
    scopes = [
        "users:read:admin",
        "postings:read:admin",
        "stages:read:admin",
        "opportunities:read:admin",
        "offline_access",
    ]
    token = requests.post(f"{url}/_emulator/oauth/tokens", json={"scopes": scopes, "refreshToken": True}, timeout=10)
    assert token.status_code == 201, token.text
    body = token.json()
    credentials = {"access_token": body["access_token"], "refresh_token": body["refresh_token"],
                   "expires_at": str(time.time() + 3600), "client_id": DEFAULT_CLIENT_ID,
                   "client_secret": DEFAULT_CLIENT_SECRET}  # fmt: skip
    return integration_create(
        environment=environment, tool="lever", end_user_organization_name="Acme Corp",
        auth_kind=AuthKind.OAUTH2_AUTHORIZATION_CODE, credentials=credentials, base_url=url,
        setup_status=Integration.SetupStatus.COMPLETED,
    )  # fmt: skip


@pytest.mark.django_db
def test_a_token_renewed_mid_run_never_reaches_the_request_log(
    lever: Integration, emulator: tuple[LeverEmulator, str]
) -> None:
    first = integration_credentials(lever)
    with request_log_scope(sync_run_id=None) as scope:
        connector = connector_for(lever)
        assert connector.read(ReadModel.USERS).items
        requests.post(f"{emulator[1]}/_emulator/tokens/expire", json={}, timeout=10)
        assert connector.read(ReadModel.JOBS).items  # a 401, one refresh, the read again
        lever.refresh_from_db()
        renewed = integration_credentials(lever)
        assert renewed["access_token"] != first["access_token"]
        assert renewed["refresh_token"] != first["refresh_token"]  # Lever rotates refresh tokens
        for value in (first["access_token"], renewed["access_token"], renewed["refresh_token"]):
            with pytest.raises(ConnectorNotFound):
                connector.client.get(f"/opportunities/{value}")  # Lever's 404 names the id it did not find

    rows = list(OutboundRequest.objects.filter(request_id=scope.request_id).values())
    missing = [r for r in rows if r["status"] == 404]
    assert [(r["method"], r["path"]) for r in missing] == [("GET", "/v1/opportunities/[redacted]")] * 3
    assert [r["body_excerpt"] for r in missing] == [
        '{"code":"ResourceNotFound","message":"opportunities [redacted] was not found"}'
    ] * 3
    assert ("POST", "/oauth/token", 200) in [(r["method"], r["path"], r["status"]) for r in rows]
    stored = json.dumps(rows, default=str)
    for value in (first["access_token"], renewed["access_token"], renewed["refresh_token"]):
        assert value not in stored
