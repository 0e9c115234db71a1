"""The Factorial connector's auth against the emulator: API key, the OAuth round trip (company and user tokens),
refresh before expiry and after a 401 with the new tokens persisted, scope tests per permission."""

from __future__ import annotations

import hashlib
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from apps.connectors.catalog import AuthKind, ReadModel
from apps.connectors.dtos import OAuthClient
from apps.connectors.emulation.clock import ManualClock
from apps.connectors.errors import ConnectorAuthError, ConnectorPermissionError, ConnectorUnsupported
from apps.connectors.factorial.client import API_VERSION
from apps.connectors.factorial.emulator import (
    DEFAULT_API_KEY,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_REDIRECT_URI,
)
from apps.integrations.connectors import connector_for
from apps.integrations.selectors import integration_credentials
from tests.connectors.factorial.conftest import FA, NOW
from tests.connectors.factorial.harness import factorial_connector
from tests.factories.integrations import IntegrationFactory

CLIENT = OAuthClient(client_id=DEFAULT_CLIENT_ID, client_secret=DEFAULT_CLIENT_SECRET)


def _approve(url: str) -> dict[str, list[str]]:
    """What the end user's browser does on Factorial's approval page: Allow, then follow the redirect."""
    page = requests.get(url, timeout=10)
    assert page.status_code == 200, page.text
    fields = dict(re.findall(r"<input type='hidden' name='(\w+)' value='([^']*)'>", page.text))
    host = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}"
    fields = {name: html.unescape(value) for name, value in fields.items()}
    redirect = requests.post(
        f"{host}/oauth/authorize", data={**fields, "decision": "allow"}, allow_redirects=False, timeout=10
    )
    assert redirect.status_code == 302, redirect.text
    return parse_qs(urlsplit(redirect.headers["Location"]).query)


def _oauth_credentials(fa: FA, *, company: bool = True, scopes: tuple[str, ...] = ("recruitment", "employees")):
    """Register the OAuth application with these scopes, sign in and exchange the code."""
    fa.control(
        "POST", "/oauth/clients",
        json={"clientId": DEFAULT_CLIENT_ID, "clientSecret": DEFAULT_CLIENT_SECRET,
              "redirectUris": [DEFAULT_REDIRECT_URI], "scopes": list(scopes)},
    )  # fmt: skip
    connector = factorial_connector(fa.url, credentials={}, auth_kind=AuthKind.OAUTH2_AUTHORIZATION_CODE)
    url = connector.oauth_authorize_url(client=CLIENT, redirect_uri=DEFAULT_REDIRECT_URI, state="st-1", scopes=())
    if not company:
        url = url.replace("&resource_owner_type=company", "")
    query = _approve(url)
    assert query["state"] == ["st-1"]
    return connector.oauth_exchange_code(client=CLIENT, code=query["code"][0], redirect_uri=DEFAULT_REDIRECT_URI)


def test_api_key_authenticates_and_a_page_of_jobs_takes_three_calls(fa: FA) -> None:
    connector = factorial_connector(fa.url)

    connector.verify_credentials()
    connector.read(ReadModel.JOBS)  # postings, then their phases and questions in one call each

    stats = fa.control("GET", "/stats").json()
    fingerprint = hashlib.sha256(DEFAULT_API_KEY.encode()).hexdigest()[:12]
    assert connector.upstream_calls() == 4
    assert (stats["totalRequests"], stats["statusCounts"]) == (4, {"200": 4})
    assert list(stats["credentials"]) == [f"api_key:{fingerprint}"]
    assert API_VERSION == "2026-10-01"


def test_authorize_url_asks_for_a_company_token_and_leaves_scopes_to_the_oauth_application(fa: FA) -> None:
    connector = factorial_connector(fa.url, credentials={}, auth_kind=AuthKind.OAUTH2_AUTHORIZATION_CODE)

    url = connector.oauth_authorize_url(
        client=CLIENT, redirect_uri="http://127.0.0.1:9/cb", state="s t", scopes=("recruitment", "employees")
    )

    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{fa.url}/oauth/authorize"
    assert parse_qs(parts.query) == {
        "client_id": [DEFAULT_CLIENT_ID],
        "redirect_uri": ["http://127.0.0.1:9/cb"],
        "response_type": ["code"],
        "state": ["s t"],
        "resource_owner_type": ["company"],
    }


def test_company_token_round_trip_never_expires(fa: FA, fa_clock: ManualClock) -> None:
    credentials = _oauth_credentials(fa)

    assert set(credentials) == {"access_token", "refresh_token", "expires_at", "client_id", "client_secret"}
    assert (credentials["expires_at"], credentials["client_id"]) == ("", DEFAULT_CLIENT_ID)
    saved: list[dict[str, str]] = []
    fa_clock.advance(365 * 24 * 3600)
    connector = factorial_connector(
        fa.url, credentials=credentials, auth_kind=AuthKind.OAUTH2_AUTHORIZATION_CODE,
        save_credentials=saved.append, clock=fa_clock.time,
    )  # fmt: skip
    connector.verify_credentials()
    for test in connector.scope_tests:
        connector.run_scope_test(test.id)
    assert saved == []  # nothing to refresh


def test_user_token_is_refreshed_before_it_expires_and_the_new_tokens_are_saved(fa: FA, fa_clock: ManualClock) -> None:
    credentials = _oauth_credentials(fa, company=False)
    assert credentials["expires_at"] == str(int(NOW.timestamp()) + 3600)
    saved: list[dict[str, str]] = []
    connector = factorial_connector(
        fa.url, credentials=credentials, auth_kind=AuthKind.OAUTH2_AUTHORIZATION_CODE,
        save_credentials=saved.append, clock=fa_clock.time,
    )  # fmt: skip

    connector.verify_credentials()
    fa_clock.advance(3600 - 30)  # inside the margin: refresh first
    connector.read(ReadModel.JOBS)
    connector.read(ReadModel.USERS)

    assert len(saved) == 1
    assert saved[0]["refresh_token"] != credentials["refresh_token"]
    assert saved[0]["access_token"] != credentials["access_token"]
    assert saved[0]["expires_at"] == str(int(NOW.timestamp()) + 3600 - 30 + 3600)
    assert (saved[0]["client_id"], saved[0]["client_secret"]) == (DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
    # the old refresh token is spent (Doorkeeper rotates them)
    replay = requests.post(
        f"{fa.url}/oauth/token",
        data={**{key: credentials[key] for key in ("client_id", "client_secret", "refresh_token")},
              "grant_type": "refresh_token"},
        timeout=10,
    )  # fmt: skip
    assert replay.json()["error"] == "invalid_grant"


def test_a_revoked_access_token_is_refreshed_once_after_the_401(fa: FA, fa_clock: ManualClock) -> None:
    credentials = _oauth_credentials(fa, company=False)
    saved: list[dict[str, str]] = []
    connector = factorial_connector(
        fa.url, credentials=credentials, auth_kind=AuthKind.OAUTH2_AUTHORIZATION_CODE,
        save_credentials=saved.append, clock=fa_clock.time,
    )  # fmt: skip
    fa.control("POST", "/tokens/expire")

    page = connector.read(ReadModel.REJECTION_REASONS)

    assert len(page.items) == 6
    assert len(saved) == 1


def test_a_refused_refresh_is_an_auth_error(fa: FA, fa_clock: ManualClock) -> None:
    credentials = _oauth_credentials(fa, company=False)
    fa.control("POST", "/tokens/expire", json={"refreshTokens": True})
    connector = factorial_connector(
        fa.url, credentials=credentials, auth_kind=AuthKind.OAUTH2_AUTHORIZATION_CODE, clock=fa_clock.time
    )

    with pytest.raises(ConnectorAuthError) as caught:
        connector.verify_credentials()

    assert caught.value.remote_message == "Invalid, expired or used refresh token"
    assert caught.value.retryable is False


def test_a_used_code_is_refused(fa: FA) -> None:
    connector = factorial_connector(fa.url, credentials={}, auth_kind=AuthKind.OAUTH2_AUTHORIZATION_CODE)
    url = connector.oauth_authorize_url(client=CLIENT, redirect_uri=DEFAULT_REDIRECT_URI, state="s", scopes=())
    code = _approve(url)["code"][0]
    connector.oauth_exchange_code(client=CLIENT, code=code, redirect_uri=DEFAULT_REDIRECT_URI)

    with pytest.raises(ConnectorAuthError) as caught:
        connector.oauth_exchange_code(client=CLIENT, code=code, redirect_uri=DEFAULT_REDIRECT_URI)

    assert caught.value.remote_message == "Invalid, expired or used authorization code"


def test_scope_tests_fail_permission_by_permission(fa: FA) -> None:
    credentials = _oauth_credentials(fa, scopes=("recruitment",))
    connector = factorial_connector(fa.url, credentials=credentials, auth_kind=AuthKind.OAUTH2_AUTHORIZATION_CODE)

    connector.verify_credentials()
    connector.run_scope_test("recruitment")
    with pytest.raises(ConnectorPermissionError) as caught:
        connector.run_scope_test("employees")

    assert caught.value.remote_message == 'Access to this resource requires scope "employees".'
    assert [test.id for test in connector.scope_tests] == ["recruitment", "employees"]
    assert "scope “employees”" in connector.scope_tests[1].fix_hint


def test_api_key_passes_every_scope_test(fa: FA) -> None:
    connector = factorial_connector(fa.url)

    for test in connector.scope_tests:
        connector.run_scope_test(test.id)


def test_passthrough_base_and_auth_reach_any_version(fa: FA, fa_clock: ManualClock) -> None:
    api_key = factorial_connector(fa.url)
    oauth = factorial_connector(
        fa.url, credentials=_oauth_credentials(fa), auth_kind=AuthKind.OAUTH2_AUTHORIZATION_CODE, clock=fa_clock.time
    )

    for connector in (api_key, oauth):
        base = connector.passthrough_base_url("api")
        answer = requests.get(
            f"{base}/v2/resources/ats/rejection_reasons", headers=connector.passthrough_headers(), timeout=10
        )
        assert base == f"{fa.url}/api"
        assert (answer.status_code, len(answer.json()["data"])) == (200, 6)
    assert api_key.passthrough_headers() == {"x-api-key": DEFAULT_API_KEY}
    with pytest.raises(ConnectorUnsupported):
        api_key.passthrough_base_url("default")


def test_two_processes_renewing_at_once_spend_the_single_use_refresh_token_once(fa: FA, db: None) -> None:
    credentials = {**_oauth_credentials(fa, company=False), "expires_at": "1"}  # long expired
    integration = IntegrationFactory(
        tool="factorial", base_url=fa.url, auth_kind=AuthKind.OAUTH2_AUTHORIZATION_CODE, credentials=credentials
    )
    # Two connectors (a sync worker and a write request) loaded the same credentials; both must renew them.
    worker, request = connector_for(integration), connector_for(integration)

    first = worker.read(ReadModel.REJECTION_REASONS)
    second = request.read(ReadModel.REJECTION_REASONS)  # adopts the worker's new tokens instead of refreshing again

    integration.refresh_from_db()
    stored = integration_credentials(integration)
    assert (len(first.items), len(second.items)) == (6, 6)
    assert worker.client.credentials == request.client.credentials == stored
    assert stored["refresh_token"] != credentials["refresh_token"]
    unspent = requests.post(  # had the request refreshed too, the stored refresh token would be spent
        f"{fa.url}/oauth/token",
        data={**{key: stored[key] for key in ("client_id", "client_secret", "refresh_token")},
              "grant_type": "refresh_token"},
        timeout=10,
    )  # fmt: skip
    assert unspent.status_code == 200, unspent.text
