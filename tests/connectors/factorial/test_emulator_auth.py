"""Authentication: x-api-key, OAuth2 authorization code (approval page, state, company tokens, refresh), scopes,
API versions in the path."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from apps.connectors.emulation.clock import ManualClock
from apps.connectors.factorial.emulator import (
    API_VERSIONS,
    DEFAULT_API_KEY,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_REDIRECT_URI,
)
from tests.connectors.factorial.conftest import FA, NOW


def test_api_key_reads_and_bad_or_missing_credentials_are_401(fa: FA) -> None:
    ok = fa.get("/ats/job_postings")
    wrong = fa.as_({"x-api-key": "not-a-key"}).get("/ats/job_postings")
    missing = fa.as_({}).get("/ats/job_postings")

    assert ok.status_code == 200
    assert (wrong.status_code, wrong.json()) == (401, {"error": "unauthorized", "error_description": "Invalid API key"})
    assert (missing.status_code, missing.json()) == (
        401,
        {
            "error": "unauthorized",
            "error_description": "Missing credentials: send an x-api-key header or Authorization: Bearer",
        },
    )


def test_api_key_overrules_a_bearer_token(fa: FA) -> None:
    token = fa.control("POST", "/oauth/tokens", json={"scopes": ["employees"]}).json()["access_token"]

    key_and_token = fa.as_({"x-api-key": DEFAULT_API_KEY, "Authorization": f"Bearer {token}"})
    wrong_key_and_token = fa.as_({"x-api-key": "wrong", "Authorization": f"Bearer {token}"})

    # The token lacks `recruitment`, the key has everything: the key decides.
    assert key_and_token.get("/ats/candidates").status_code == 200
    assert wrong_key_and_token.get("/employees/employees").status_code == 401


def _authorize(fa: FA, **params: str) -> requests.Response:
    query = {"client_id": DEFAULT_CLIENT_ID, "redirect_uri": DEFAULT_REDIRECT_URI, "response_type": "code", **params}
    return requests.get(f"{fa.url}/oauth/authorize", params=query, allow_redirects=False, timeout=10)


def _submit(fa: FA, page: requests.Response, decision: str = "allow") -> requests.Response:
    fields = dict(re.findall(r"<input type='hidden' name='(\w+)' value='([^']*)'>", page.text))
    return requests.post(
        f"{fa.url}/oauth/authorize", data={**fields, "decision": decision}, allow_redirects=False, timeout=10
    )


def _token(fa: FA, **data: str) -> requests.Response:
    return requests.post(
        f"{fa.url}/oauth/token",
        data={"client_id": DEFAULT_CLIENT_ID, "client_secret": DEFAULT_CLIENT_SECRET, **data},
        timeout=10,
    )


def _code_flow(fa: FA, **params: str) -> dict:
    redirect = _submit(fa, _authorize(fa, **params))
    code = parse_qs(urlsplit(redirect.headers["Location"]).query)["code"][0]
    return _token(fa, grant_type="authorization_code", code=code, redirect_uri=DEFAULT_REDIRECT_URI).json()


def test_authorization_code_flow_echoes_state_and_returns_the_doorkeeper_token_json(fa: FA) -> None:
    page = _authorize(fa, scope="recruitment", state="st-42")
    redirect = _submit(fa, page)
    location = urlsplit(redirect.headers["Location"])
    query = parse_qs(location.query)
    exchanged = _token(fa, grant_type="authorization_code", code=query["code"][0], redirect_uri=DEFAULT_REDIRECT_URI)
    replayed = _token(fa, grant_type="authorization_code", code=query["code"][0], redirect_uri=DEFAULT_REDIRECT_URI)
    tokens = exchanged.json()
    bearer = fa.as_({"Authorization": f"Bearer {tokens['access_token']}"})

    assert page.status_code == 200
    assert "<li data-scope='recruitment'>" in page.text
    assert "Ana Ruiz &lt;ana.ruiz0@acmecorp.example&gt;" in page.text  # the seeded administrator approves
    assert redirect.status_code == 302
    assert f"{location.scheme}://{location.netloc}{location.path}" == DEFAULT_REDIRECT_URI
    assert query["state"] == ["st-42"]
    assert exchanged.status_code == 200
    assert set(tokens) == {"access_token", "token_type", "expires_in", "refresh_token", "scope", "created_at"}
    assert (tokens["token_type"], tokens["expires_in"], tokens["scope"]) == ("Bearer", 3600, "recruitment")
    assert tokens["created_at"] == int(NOW.timestamp())
    assert (replayed.status_code, replayed.json()["error"]) == (400, "invalid_grant")  # one token per code
    assert bearer.get("/ats/candidates").status_code == 200


def test_deny_redirects_with_access_denied_and_state(fa: FA) -> None:
    redirect = _submit(fa, _authorize(fa, state="xyz"), decision="deny")

    assert parse_qs(urlsplit(redirect.headers["Location"]).query) == {"error": ["access_denied"], "state": ["xyz"]}


def test_unregistered_redirect_uri_is_refused_on_the_page(fa: FA) -> None:
    page = _authorize(fa, redirect_uri="https://evil.example/cb")

    assert page.status_code == 400
    assert "The redirect_uri is not registered for this application." in page.text


def test_without_scope_the_token_gets_the_applications_scopes(fa: FA) -> None:
    tokens = _code_flow(fa)

    assert tokens["scope"] == "employees recruitment"


def test_user_token_expires_after_an_hour_and_refresh_rotates_for_a_week(fa: FA, fa_clock: ManualClock) -> None:
    tokens = _code_flow(fa, scope="recruitment")
    bearer = fa.as_({"Authorization": f"Bearer {tokens['access_token']}"})

    fa_clock.advance(3599)
    still_valid = bearer.get("/ats/candidates")
    fa_clock.advance(1)
    expired = bearer.get("/ats/candidates")
    refreshed = _token(fa, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    replayed = _token(fa, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    new = refreshed.json()
    works_again = fa.as_({"Authorization": f"Bearer {new['access_token']}"}).get("/ats/candidates")
    fa_clock.advance(7 * 24 * 3600)
    too_late = _token(fa, grant_type="refresh_token", refresh_token=new["refresh_token"])

    assert still_valid.status_code == 200
    assert (expired.status_code, expired.json()) == (
        401,
        {"error": "invalid_token", "error_description": "The access token expired"},
    )
    assert expired.headers["WWW-Authenticate"] == (
        'Bearer realm="Doorkeeper", error="invalid_token", error_description="The access token expired"'
    )
    assert refreshed.status_code == 200
    assert new["refresh_token"] != tokens["refresh_token"]
    assert (new["scope"], new["expires_in"], new["created_at"]) == ("recruitment", 3600, int(NOW.timestamp()) + 3600)
    assert replayed.json()["error"] == "invalid_grant"
    assert works_again.status_code == 200
    assert (too_late.status_code, too_late.json()["error"]) == (400, "invalid_grant")


def test_company_token_never_expires_and_stays_a_company_token_after_refresh(fa: FA, fa_clock: ManualClock) -> None:
    tokens = _code_flow(fa, scope="recruitment", resource_owner_type="company")
    bearer = fa.as_({"Authorization": f"Bearer {tokens['access_token']}"})

    fa_clock.advance(365 * 24 * 3600)
    a_year_later = bearer.get("/ats/candidates")
    credential = bearer.get("/api_public/credentials").json()["data"][0]

    assert "expires_in" not in tokens
    assert set(tokens) == {"access_token", "token_type", "refresh_token", "scope", "created_at"}
    assert a_year_later.status_code == 200
    assert (credential["id"], credential["company_id"], credential["employee_id"]) == ("company-1", 1, None)
    assert credential["name"] == "Acme Corp"


def test_credentials_tell_who_the_token_belongs_to(fa: FA) -> None:
    user = fa.bearer(["recruitment"]).get("/api_public/credentials").json()
    api_key = fa.get("/api_public/credentials").json()

    assert user == {
        "data": [
            {
                "company_id": 1,
                "id": "access-1001",
                "email": "ana.ruiz0@acmecorp.example",
                "login_email": "ana.ruiz0@acmecorp.example",
                "full_name": "Ana Ruiz",
                "first_name": "Ana",
                "last_name": "Ruiz",
                "employee_id": 1,
                "role": "admin",
            }
        ],
        "meta": {
            "has_next_page": False,
            "has_previous_page": False,
            "start_cursor": None,
            "end_cursor": None,
            "total": 1,
            "limit": 100,
        },
    }
    assert (api_key["data"][0]["id"], api_key["data"][0]["employee_id"]) == ("api_key-1", None)


ALL_USED = {"recruitment", "employees", "time_off"}
# The scope table: `recruitment` gates every ATS resource (read and write), `employees` the employees.
SCOPE_TABLE = [
    (["recruitment"], "GET", "/ats/candidates", 200),
    (["recruitment"], "GET", "/ats/candidate_sources", 200),
    (["recruitment"], "POST", "/ats/feedbacks", 422),  # allowed through, then validated
    (["recruitment"], "GET", "/employees/employees", 403),
    (["employees"], "GET", "/employees/employees", 200),
    (["employees"], "GET", "/ats/job_postings", 403),
    (["employees"], "POST", "/ats/applications/apply", 403),
    (["employees"], "GET", "/api_public/credentials", 200),
    (["time_off"], "GET", "/api_public/credentials", 200),
]


@pytest.mark.parametrize(("scopes", "method", "path", "status"), SCOPE_TABLE)
def test_scopes_gate_resources(fa: FA, scopes: list[str], method: str, path: str, status: int) -> None:
    fa.control(
        "POST",
        "/oauth/clients",
        json={"clientId": DEFAULT_CLIENT_ID, "clientSecret": DEFAULT_CLIENT_SECRET, "scopes": sorted(ALL_USED)},
    )

    response = fa.bearer(scopes).request(method, path, json={})

    assert response.status_code == status


def test_missing_scope_is_a_doorkeeper_403(fa: FA) -> None:
    response = fa.bearer(["employees"]).get("/ats/candidates")

    assert (response.status_code, response.json()) == (
        403,
        {"error": "insufficient_scope", "error_description": 'Access to this resource requires scope "recruitment".'},
    )
    assert response.headers["WWW-Authenticate"] == (
        'Bearer realm="Doorkeeper", error="insufficient_scope", scope="recruitment"'
    )


def test_changing_an_applications_scopes_invalidates_its_tokens(fa: FA) -> None:
    bearer = fa.bearer(["recruitment"])
    before = bearer.get("/ats/candidates")

    changed = fa.control(
        "POST",
        "/oauth/clients",
        json={"clientId": DEFAULT_CLIENT_ID, "clientSecret": DEFAULT_CLIENT_SECRET, "scopes": ["recruitment"]},
    ).json()
    after = bearer.get("/ats/candidates")

    assert before.status_code == 200
    assert changed["revokedTokens"] == 1
    assert (after.status_code, after.json()["error_description"]) == (401, "The access token is invalid")


@pytest.mark.parametrize("version", [*API_VERSIONS, "v2", "2024-07-01", "2025-04-01"])
def test_supported_legacy_and_past_versions_are_served(fa: FA, version: str) -> None:
    response = fa.as_({"x-api-key": DEFAULT_API_KEY}, version=version).get("/ats/candidate_sources")

    assert (response.status_code, response.json()["meta"]["total"]) == (200, 11)


@pytest.mark.parametrize("version", ["2027-04-01", "2026-02-01", "v1", "latest"])
def test_unknown_versions_are_404_before_authentication(fa: FA, version: str) -> None:
    response = fa.as_({}, version=version).get("/ats/candidates")

    assert (response.status_code, response.json()) == (
        404,
        {"error": "not_found", "error_description": f"API version {version} does not exist"},
    )
