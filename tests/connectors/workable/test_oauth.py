"""Workable partner OAuth against the emulator (reference A1, token JSON assumed RFC 6749): the approval page with
`resource=user`, the code exchange, the subdomain found through `GET /spi/v3/accounts`, reads with the token, one
refresh after it expired, and a wrong code refused as an auth error."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from apps.connectors.base import ConnectorContext
from apps.connectors.catalog import AuthKind, ReadModel
from apps.connectors.dtos import OAuthClient
from apps.connectors.emulation.clock import ManualClock
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.emulation.vendor import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from apps.connectors.errors import ConnectorAuthError
from apps.connectors.http import HttpClient, RetryPolicy
from apps.connectors.workable.connector import OAUTH_RATE_BUDGET, OAUTH_SCOPES, WorkableConnector
from apps.connectors.workable.emulator import DEFAULT_TOKEN, SUBDOMAIN, create_app
from apps.connectors.workable.emulator.app import DEFAULT_REDIRECT_URI
from tests.connectors.workable.conftest import NOW, WK

CLIENT = OAuthClient(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)


def _connector(url: str, credentials: dict[str, str], saved: list[dict[str, str]]) -> WorkableConnector:
    context = ConnectorContext(
        integration_key="workable:oauth", base_url=url, credentials=credentials,
        auth_kind=AuthKind.OAUTH2_AUTHORIZATION_CODE,
        http=HttpClient(base_url=url, rate_key="workable:oauth", retry=RetryPolicy.never()),
        save_credentials=saved.append,
    )  # fmt: skip
    return WorkableConnector(context)


def test_partner_oauth_code_exchange_finds_the_subdomain_and_refreshes_once_expired(wk: WK) -> None:
    saved: list[dict[str, str]] = []
    connector = _connector(wk.url, {}, saved)
    authorize = connector.oauth_authorize_url(
        client=CLIENT, redirect_uri=DEFAULT_REDIRECT_URI, state="s1", scopes=list(OAUTH_SCOPES)
    )
    query = parse_qs(urlsplit(authorize).query)
    page = requests.get(authorize, timeout=10)
    form = {"client_id": DEFAULT_CLIENT_ID, "redirect_uri": DEFAULT_REDIRECT_URI, "scope": " ".join(OAUTH_SCOPES),
            "state": "s1", "resource": "user", "decision": "allow"}  # fmt: skip
    redirect = requests.post(f"{wk.url}/oauth/authorize", data=form, allow_redirects=False, timeout=10)
    code = parse_qs(urlsplit(redirect.headers["Location"]).query)["code"][0]

    credentials = connector.oauth_exchange_code(client=CLIENT, code=code, redirect_uri=DEFAULT_REDIRECT_URI)
    authorized = _connector(wk.url, credentials, saved)
    jobs = authorized.read(ReadModel.JOBS).items
    requests.post(f"{wk.url}/_emulator/tokens/expire", timeout=10).raise_for_status()
    again = authorized.read(ReadModel.USERS).items

    assert authorize.startswith(f"{wk.url}/oauth/authorize?")
    assert (query["resource"], query["response_type"], query["scope"]) == (["user"], ["code"], [" ".join(OAUTH_SCOPES)])
    assert "r_offers" in page.text
    assert credentials["subdomain"] == SUBDOMAIN
    assert set(credentials) == {
        "access_token",
        "refresh_token",
        "expires_at",
        "client_id",
        "client_secret",
        "subdomain",
    }
    assert len(jobs) == len(wk.app.state.jobs)
    assert len(again) == 2
    assert saved[-1]["access_token"] != credentials["access_token"]  # refreshed after the 401
    assert saved[-1]["refresh_token"] == credentials["refresh_token"]  # kept (assumed: Workable does not rotate)


def test_a_used_code_is_an_auth_error(wk: WK) -> None:
    connector = _connector(wk.url, {}, [])

    with pytest.raises(ConnectorAuthError):
        connector.oauth_exchange_code(client=CLIENT, code="not-a-code", redirect_uri=DEFAULT_REDIRECT_URI)


def test_oauth_tokens_get_their_own_50_per_10_seconds_and_the_connector_books_them() -> None:
    """Reference A2: 10-second windows per client — account tokens 10, OAuth tokens 50."""
    app = create_app(clock=ManualClock(NOW))
    token = app.provider.issue_token(DEFAULT_CLIENT_ID, frozenset({"r_jobs"}), subject="1f395d")["access_token"]
    with LoopbackServer(app) as server:
        base = f"{server.url}/spi/v3/accounts/{SUBDOMAIN}/jobs"

        def statuses(bearer: str, count: int) -> list[tuple[int, str]]:
            answers = [
                requests.get(base, headers={"Authorization": f"Bearer {bearer}"}, timeout=10) for _ in range(count)
            ]
            return [(a.status_code, a.headers.get("X-Rate-Limit-Limit", "")) for a in answers]

        account = statuses(DEFAULT_TOKEN, 11)
        oauth = statuses(token, 51)

    assert account == [(200, "10")] * 10 + [(429, "10")]
    assert oauth == [(200, "50")] * 50 + [(429, "50")]
    connector = _connector("http://127.0.0.1:9", {"access_token": "t"}, [])
    connector.context.http.budget = WorkableConnector.rate_budget  # as build_connector gives it
    oauth_connector = WorkableConnector(connector.context)
    assert oauth_connector.context.http.budget == OAUTH_RATE_BUDGET
    assert OAUTH_RATE_BUDGET.requests_per_second == 4.75
    assert WorkableConnector.rate_budget.requests_per_second == 0.95
