"""Passthrough paths stay under the API base on the ATS host; callers cannot override our auth or framing."""

from __future__ import annotations

import pytest

from apps.connectors.passthrough import PassthroughPathError, display_url, forwardable, resolve_url

SR = "https://api.smartrecruiters.com"
FACTORIAL = "https://api.factorialhr.com/api"


@pytest.mark.parametrize(
    ("base", "path", "expected"),
    [
        (SR, "/jobs", f"{SR}/jobs"),
        (SR, "jobs", f"{SR}/jobs"),
        (SR, "/jobs/", f"{SR}/jobs/"),
        (SR, "/", f"{SR}/"),
        (SR, "/jobs?limit=5&q=a%20b", f"{SR}/jobs?limit=5&q=a%20b"),
        (SR, "/candidates/./x/../y", f"{SR}/candidates/y"),
        (SR, "/candidates/a:b", f"{SR}/candidates/a:b"),
        (SR, "/candidates/%40me", f"{SR}/candidates/%40me"),
        (FACTORIAL, "/2026-10-01/resources/ats/candidates", f"{FACTORIAL}/2026-10-01/resources/ats/candidates"),
        (FACTORIAL, "/v2/../v1/core/me", f"{FACTORIAL}/v1/core/me"),
        (FACTORIAL + "/", "//x", None),
    ],
)
def test_paths_resolve_under_the_base(base: str, path: str, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(PassthroughPathError):
            resolve_url(base, path)
    else:
        assert resolve_url(base, path) == expected


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("", "must not be empty."),
        ("https://evil.example.com/jobs", "must be a path relative to the API base URL, not an absolute URL."),
        ("HTTP://api.smartrecruiters.com/jobs", "must be a path relative to the API base URL, not an absolute URL."),
        ("evil.example.com:443/jobs", "must be a path relative to the API base URL, not an absolute URL."),
        ("//evil.example.com/jobs", "must be a path relative to the API base URL, not a network address (//host)."),
        ("/\\evil.example.com/jobs", "must not contain backslashes."),
        ("/jobs /x", "must not contain spaces or control characters."),
        ("/jobs\r\nHost: evil", "must not contain spaces or control characters."),
        ("/jobs#frag", "must not contain a fragment (#)."),
        ("/..", "must not climb out of the API base URL (..)."),
        ("/jobs/../../oauth/token", "must not climb out of the API base URL (..)."),
        ("/%2E%2E/oauth/token", "must not climb out of the API base URL (..)."),
        ("/..%2Foauth/token", "must not contain encoded slashes or backslashes (%2F, %5C)."),
        ("/x%5C..%5Cy", "must not contain encoded slashes or backslashes (%2F, %5C)."),
    ],
)
def test_paths_that_would_leave_the_base_are_refused(path: str, message: str) -> None:
    with pytest.raises(PassthroughPathError) as caught:
        resolve_url(FACTORIAL, path)

    assert caught.value.message == message


def test_factorial_base_path_cannot_be_left_for_the_hosts_oauth_endpoint() -> None:
    with pytest.raises(PassthroughPathError):
        resolve_url(FACTORIAL, "/../oauth/token")


def test_display_url_adds_the_callers_params_to_the_paths_query() -> None:
    assert display_url(f"{SR}/jobs?q=dev", {"limit": "5", "city": "Köln"}) == f"{SR}/jobs?q=dev&limit=5&city=K%C3%B6ln"
    assert display_url(f"{SR}/jobs", {}) == f"{SR}/jobs"


@pytest.mark.parametrize(
    ("name", "multipart", "expected"),
    [
        ("Accept", False, True),
        ("Content-Type", False, True),
        ("Content-Type", True, False),
        ("X-Request-Id", False, True),
        ("authorization", False, False),
        ("X-SmartToken", False, False),
        ("x-api-key", False, False),
        ("Cookie", False, False),
        ("Host", False, False),
        ("Content-Length", False, False),
        ("Transfer-Encoding", False, False),
        ("Proxy-Authorization", False, False),
        ("X-Vendor-Auth", False, True),
    ],
)
def test_header_policy(name: str, multipart: bool, expected: bool) -> None:
    assert forwardable(name, multipart=multipart) is expected


def test_the_tools_own_auth_header_names_are_never_forwarded() -> None:
    assert forwardable("X-Vendor-Auth", auth_names=("x-vendor-auth",)) is False
