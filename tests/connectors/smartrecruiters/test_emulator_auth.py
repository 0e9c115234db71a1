"""Authentication: X-SmartToken keys, OAuth bearer tokens (authorization code + refresh, client credentials), scopes."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from apps.connectors.emulation.clock import ManualClock
from apps.connectors.smartrecruiters.emulator import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_REDIRECT_URI,
)
from tests.connectors.smartrecruiters.conftest import SR


def _unauthorized(message: str) -> dict:
    return {"message": message, "errors": [{"code": "UNAUTHORIZED", "message": message}]}


def test_api_key_reads_and_unknown_key_is_401(sr: SR) -> None:
    ok = sr.get("/jobs")
    wrong = sr.as_({"X-SmartToken": "DCRA1-wrong"}).get("/jobs")
    none = sr.as_({}).get("/jobs")

    assert ok.status_code == 200
    assert (wrong.status_code, wrong.json()) == (401, _unauthorized("Invalid API key"))
    assert (none.status_code, none.json()) == (
        401,
        _unauthorized("Missing credentials: send X-SmartToken or Authorization: Bearer"),
    )


def test_public_posting_api_needs_no_credentials(sr: SR) -> None:
    response = sr.as_({}).get("/v1/companies/acme/postings")

    assert response.status_code == 200
    assert response.json()["totalFound"] == 2


def _authorize(sr: SR, **params: str) -> requests.Response:
    return requests.get(f"{sr.url}/identity/oauth/allow", params=params, allow_redirects=False, timeout=10)


def _submit(sr: SR, page: requests.Response, decision: str = "allow") -> requests.Response:
    fields = dict(re.findall(r"<input type='hidden' name='(\w+)' value='([^']*)'>", page.text))
    return requests.post(
        f"{sr.url}/identity/oauth/allow", data={**fields, "decision": decision}, allow_redirects=False, timeout=10
    )


def _token(sr: SR, **data: str) -> requests.Response:
    return requests.post(
        f"{sr.url}/identity/oauth/token",
        data={"client_id": DEFAULT_CLIENT_ID, "client_secret": DEFAULT_CLIENT_SECRET, **data},
        timeout=10,
    )


def test_authorization_code_flow_echoes_state_and_refresh_rotates(sr: SR) -> None:
    # given the approval page for two scopes
    page = _authorize(
        sr,
        client_id=DEFAULT_CLIENT_ID,
        redirect_uri=DEFAULT_REDIRECT_URI,
        scope="candidates_read jobs_read",
        state="st-42",
    )
    # when the user allows and the app exchanges the code
    redirect = _submit(sr, page)
    location = urlsplit(redirect.headers["Location"])
    query = parse_qs(location.query)
    exchanged = _token(sr, grant_type="authorization_code", code=query["code"][0], redirect_uri=DEFAULT_REDIRECT_URI)
    tokens = exchanged.json()
    bearer = sr.as_({"Authorization": f"Bearer {tokens['access_token']}"})
    refreshed = _token(sr, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    replayed = _token(sr, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    new_bearer = sr.as_({"Authorization": f"Bearer {refreshed.json()['access_token']}"})

    # then
    assert page.status_code == 200
    assert "Authorize Emulator integration" in page.text
    assert re.findall(r"data-scope='([\w_]+)'", page.text) == ["candidates_read", "jobs_read"]
    assert "Ana Ruiz &lt;ana.ruiz0@acme.example&gt;" in page.text
    assert redirect.status_code == 302
    assert f"{location.scheme}://{location.netloc}{location.path}" == DEFAULT_REDIRECT_URI
    assert query["state"] == ["st-42"]
    assert exchanged.status_code == 200
    assert (tokens["token_type"], tokens["expires_in"], tokens["scope"]) == (
        "Bearer",
        1800,
        "candidates_read jobs_read",
    )
    assert bearer.get("/candidates").status_code == 200
    assert bearer.get("/users/me").status_code == 403  # user_me_read was not granted
    assert refreshed.status_code == 200
    assert refreshed.json()["refresh_token"] != tokens["refresh_token"]
    assert refreshed.json()["scope"] == "candidates_read jobs_read"
    assert (replayed.status_code, replayed.json()["error"]) == (400, "invalid_grant")  # single use
    assert new_bearer.get("/jobs").status_code == 200


def test_approval_page_without_scope_uses_the_app_defaults_and_deny_redirects(sr: SR) -> None:
    page = _authorize(sr, client_id=DEFAULT_CLIENT_ID, redirect_uri=DEFAULT_REDIRECT_URI, state="abc")
    denied = _submit(sr, page, decision="deny")

    assert re.findall(r"data-scope='([\w_]+)'", page.text) == [
        "candidates_read",
        "configuration_read",
        "jobs_read",
        "user_me_read",
    ]
    assert denied.headers["Location"] == f"{DEFAULT_REDIRECT_URI}?error=access_denied&state=abc"


def test_empty_scope_parameter_is_invalid(sr: SR) -> None:
    # "an empty scope parameter (scope=) is invalid" (SR-DOC access-scopes)
    response = _authorize(sr, client_id=DEFAULT_CLIENT_ID, redirect_uri=DEFAULT_REDIRECT_URI, scope="", state="s")

    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["error"] == ["invalid_scope"]
    assert query["state"] == ["s"]


def test_client_credentials_token_with_requested_scopes(sr: SR) -> None:
    response = _token(sr, grant_type="client_credentials", scope="configuration_read")
    bearer = sr.as_({"Authorization": f"Bearer {response.json()['access_token']}"})

    assert response.status_code == 200
    assert response.json()["scope"] == "configuration_read"
    assert "refresh_token" not in response.json()
    assert bearer.get("/configuration/sources").status_code == 200
    assert bearer.get("/jobs").status_code == 403


def test_missing_scope_answers_oauth_permissions_exception(sr: SR) -> None:
    reader = sr.bearer(["jobs_read"])

    denied = reader.get("/candidates")
    apply_denied = reader.post("/postings/whatever/candidates", json={})

    assert denied.status_code == 403
    assert denied.json() == {
        "message": "This request requires scope=candidates_read, but this access token is not authorized with this "
        "scope.",
        "errors": [
            {
                "code": "OAuthPermissionsException",
                "message": "This request requires scope=candidates_read, but this access token is not authorized "
                "with this scope.",
            }
        ],
    }
    assert apply_denied.status_code == 403
    assert apply_denied.json()["code"] == "UNAUTHORIZED"  # Application API error format


@pytest.mark.parametrize(
    ("_case", "method", "path", "scope"),
    [
        ("list candidates", "GET", "/candidates", "candidates_read"),
        ("create candidate", "POST", "/candidates", "candidates_create"),
        ("move status", "PUT", "/candidates/x/jobs/y/status", "candidates_manage"),
        ("offers", "GET", "/offers", "candidates_offers_read"),
        ("configuration", "GET", "/configuration/rejection-reasons", "configuration_read"),
        ("jobs", "GET", "/jobs", "jobs_read"),
        ("job status", "PUT", "/jobs/x/status", "jobs_manage"),
        ("publish", "POST", "/jobs/x/publication", "jobs_publications_manage"),
        ("users", "GET", "/users", "users_read"),
        ("me", "GET", "/users/me", "user_me_read"),
        ("notes", "POST", "/messages/shares", "messages_write"),
        ("read notes", "GET", "/messages", "messages_read"),
        ("interviews", "GET", "/interviews", "interviews_read"),
        ("schedule", "POST", "/interviews", "interviews_write"),
        ("apply", "POST", "/postings/x/candidates", "candidate_applications_manage"),
    ],
)
def test_each_endpoint_family_is_gated_by_its_scope(sr: SR, _case: str, method: str, path: str, scope: str) -> None:
    without = sr.bearer(["webhooks_manage"]).request(method, path, json={})
    with_scope = sr.bearer([scope]).request(method, path, json={})

    assert without.status_code == 403
    assert with_scope.status_code != 403


def test_expired_token_is_401_and_refresh_still_works(sr: SR, sr_clock: ManualClock) -> None:
    tokens = sr.control("POST", "/oauth/tokens", json={"scopes": ["jobs_read"], "refreshToken": True}).json()
    bearer = sr.as_({"Authorization": f"Bearer {tokens['access_token']}"})

    before = bearer.get("/jobs")
    sr_clock.advance(1800)
    expired = bearer.get("/jobs")
    refreshed = _token(sr, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    garbage = sr.as_({"Authorization": "Bearer not-a-token"}).get("/jobs")

    assert before.status_code == 200
    assert (expired.status_code, expired.json()) == (401, _unauthorized("Access token expired"))
    assert (
        expired.headers["WWW-Authenticate"] == 'Bearer error="invalid_token", error_description="Access token expired"'
    )
    assert refreshed.status_code == 200
    assert (garbage.status_code, garbage.json()) == (401, _unauthorized("Invalid access token"))


def test_refresh_tokens_expire_after_28_days(sr: SR, sr_clock: ManualClock) -> None:
    tokens = sr.control("POST", "/oauth/tokens", json={"scopes": ["jobs_read"], "refreshToken": True}).json()

    sr_clock.advance(28 * 24 * 3600)
    response = _token(sr, grant_type="refresh_token", refresh_token=tokens["refresh_token"])

    assert (response.status_code, response.json()["error"]) == (400, "invalid_grant")


def test_registered_client_with_its_own_redirect_uri(sr: SR) -> None:
    registered = sr.control(
        "POST",
        "/oauth/clients",
        json={
            "clientId": "tributary",
            "clientSecret": "pw",
            "redirectUris": ["http://127.0.0.1:5555/cb"],
            "name": "Tributary",
            "defaultScopes": ["jobs_read"],
        },
    )
    page = _authorize(sr, client_id="tributary", redirect_uri="http://127.0.0.1:5555/cb", state="q")
    code = parse_qs(urlsplit(_submit(sr, page).headers["Location"]).query)["code"][0]
    token = requests.post(
        f"{sr.url}/identity/oauth/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": "http://127.0.0.1:5555/cb"},
        auth=("tributary", "pw"),
        timeout=10,
    )

    assert registered.status_code == 201
    assert "Authorize Tributary" in page.text
    assert token.json()["scope"] == "jobs_read"


def test_api_key_with_restricted_scopes(sr: SR) -> None:
    sr.control("POST", "/api-keys", json={"key": "DCRA1-readonly", "scopes": ["jobs_read"]})
    restricted = sr.as_({"X-SmartToken": "DCRA1-readonly"})

    assert restricted.get("/jobs").status_code == 200
    assert restricted.get("/candidates").status_code == 403
