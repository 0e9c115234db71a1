"""The shared pipeline and control endpoints, over real loopback HTTP, with a tiny emulator built on the toolkit."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from apps.connectors.emulation.app import EmulatorApp, Principal
from apps.connectors.emulation.clock import ManualClock
from apps.connectors.emulation.http import HttpError, Request, Response
from apps.connectors.emulation.oauth import InvalidToken, OAuthClient, OAuthProvider
from apps.connectors.emulation.ratelimit import Limits, RouteLimits
from apps.connectors.emulation.routing import Route
from apps.connectors.emulation.server import LoopbackServer

REDIRECT = "http://127.0.0.1:1/callback"


class TinyEmulator(EmulatorApp):
    name = "tiny"

    def __init__(self, clock: ManualClock) -> None:
        super().__init__(clock=clock, limits=Limits(rate=3, concurrency=2))
        self.things = ["a", "b"]
        self.oauth = OAuthProvider(
            known_scopes={"read", "write"},
            clients=[OAuthClient("app", "s3cret", (REDIRECT,), default_scopes=frozenset({"read"}))],
            clock=clock,
            access_token_ttl=60,
            subject="user-1",
        )
        self.router.add("GET", "/things", self.list_things, scopes=("read",))
        self.router.add(
            "GET", "/slow-search", self.list_things, scopes=("read",), limits=RouteLimits("search", concurrency=1)
        )
        self.router.add("GET", "/public", lambda request: Response.json({"public": True}), public=True)
        self.router.add(
            "GET",
            "/port",
            lambda request: Response.json({"port": request.environ["emulation.connection"].getpeername()[1]}),
            public=True,
        )
        self.router.add("POST", "/upload", self.upload, scopes=("write",))
        self.router.add("GET", "/boom", self.boom, public=True)
        self.router.add(
            "GET", "/oauth/allow", lambda r: self.oauth.approval_page(r, action="/oauth/allow"), unlimited=True
        )
        self.router.add("POST", "/oauth/allow", lambda r: self.oauth.approval_submit(r), unlimited=True)
        self.router.add("POST", "/oauth/token", lambda r: self.oauth.token_endpoint(r), unlimited=True)

    def authenticate(self, request: Request, route: Route) -> Principal:
        key = request.header("x-key")
        if key == "good":
            return Principal("key:good", "api_key", frozenset({"read", "write"}))
        if key == "reader":
            return Principal("key:reader", "api_key", frozenset({"read"}))
        bearer = request.header("authorization") or ""
        if bearer.startswith("Bearer "):
            grant = self.oauth.authenticate(bearer[7:])  # type: ignore[union-attr]
            return Principal(f"oauth:{grant.client_id}", "oauth", grant.scopes, grant.subject)
        raise HttpError(401, "UNAUTHORIZED", "no credentials")

    def list_things(self, request: Request) -> Response:
        return Response.json({"things": self.things})

    def upload(self, request: Request) -> Response:
        upload = request.file("file")
        assert upload is not None
        return Response.json({"name": upload.filename, "size": len(upload.content), "kind": request.form_value("kind")})

    def boom(self, request: Request) -> Response:
        raise RuntimeError("bug")

    def state_snapshot(self) -> dict[str, Any]:
        return {"things": self.things}

    def seed(self, params: dict[str, Any]) -> dict[str, Any]:
        self.things = [f"t{i}" for i in range(int(params.get("count", 0)))]
        return {"count": len(self.things)}

    def reset_state(self) -> None:
        self.things = ["a", "b"]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def tiny(clock: ManualClock) -> Iterator[tuple[TinyEmulator, str]]:
    app = TinyEmulator(clock)
    with LoopbackServer(app) as server:
        yield app, server.url


GOOD = {"X-Key": "good"}


def test_server_serves_keeps_connections_alive_and_stops() -> None:
    app = TinyEmulator(ManualClock())
    server = LoopbackServer(app).start()
    url = server.url
    session = requests.Session()

    first = session.get(f"{url}/port").json()["port"]
    second = session.get(f"{url}/port").json()["port"]
    server.stop()

    assert url.startswith("http://127.0.0.1:")
    assert first == second  # one TCP connection served both requests
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/public", timeout=2)


def test_pipeline_answers_and_limit_headers(tiny: tuple[TinyEmulator, str]) -> None:
    _, url = tiny

    ok = requests.get(f"{url}/things", headers=GOOD)
    missing = requests.get(f"{url}/nowhere", headers=GOOD)
    wrong_method = requests.delete(f"{url}/things", headers=GOOD)
    anonymous = requests.get(f"{url}/things")
    forbidden = requests.post(f"{url}/upload", headers={"X-Key": "reader"})

    assert (ok.status_code, ok.json()) == (200, {"things": ["a", "b"]})
    assert ok.headers["X-RateLimit-Limit"] == "3"
    assert ok.headers["X-RateLimit-Remaining"] == "2"
    assert (missing.status_code, missing.json()) == (404, {"code": "NOT_FOUND", "message": "No endpoint GET /nowhere"})
    assert (wrong_method.status_code, wrong_method.headers["Allow"]) == (405, "GET")
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "UNAUTHORIZED")
    assert anonymous.headers["X-RateLimit-Limit"] == "3"
    assert (forbidden.status_code, forbidden.json()["message"]) == (403, "Requires one of the scopes: write")


def test_rate_limit_429_and_retry_after_switch(tiny: tuple[TinyEmulator, str], clock: ManualClock) -> None:
    app, url = tiny

    answers = [requests.get(f"{url}/things", headers=GOOD) for _ in range(4)]
    app.send_retry_after = True
    with_retry_after = requests.get(f"{url}/things", headers=GOOD)
    other_credential = requests.get(f"{url}/things", headers={"X-Key": "reader"})
    clock.advance(1.0)
    after_window = requests.get(f"{url}/things", headers=GOOD)

    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert answers[3].json() == {"code": "RATE_LIMIT_EXCEEDED", "message": "Too many requests"}
    assert answers[3].headers["X-RateLimit-Remaining"] == "0"
    assert "Retry-After" not in answers[3].headers
    assert (with_retry_after.status_code, with_retry_after.headers["Retry-After"]) == (429, "1")
    assert other_credential.status_code == 200
    assert after_window.status_code == 200


def test_route_concurrency_limit_with_a_held_request(tiny: tuple[TinyEmulator, str]) -> None:
    app, url = tiny
    app.faults.add("latency", latency=0.6, count=1, path="/slow-search")
    results: list[int] = []
    holder = threading.Thread(
        target=lambda: results.append(requests.get(f"{url}/slow-search", headers=GOOD).status_code)
    )

    holder.start()
    deadline = time.monotonic() + 5
    while app.limiter.in_flight("key:good", "search") == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    blocked = requests.get(f"{url}/slow-search", headers=GOOD)
    holder.join()

    assert (blocked.status_code, blocked.headers["X-RateLimit-Concurrent-Limit"]) == (429, "1")
    assert blocked.headers["X-RateLimit-Concurrent-Remaining"] == "0"
    assert results == [200]
    assert app.stats.snapshot()["credentials"]["key:good"]["peakConcurrency"] == 2


def test_clearing_the_faults_releases_a_held_request_and_held_counts_it_until_answered(
    tiny: tuple[TinyEmulator, str],
) -> None:
    app, url = tiny
    app.limiter.enabled = False
    requests.post(f"{url}/_emulator/faults", json={"kind": "latency", "latency": 600, "count": 1, "path": "/things"})
    with pytest.raises(requests.ReadTimeout):
        requests.get(f"{url}/things", headers=GOOD, timeout=(2, 0.2))
    deadline = time.monotonic() + 10
    while requests.get(f"{url}/_emulator/faults").json()["faults"] and time.monotonic() < deadline:
        time.sleep(0.01)
    while_held = requests.get(f"{url}/_emulator/faults").json()

    cleared = requests.delete(f"{url}/_emulator/faults").json()
    while requests.get(f"{url}/_emulator/faults").json()["held"] and time.monotonic() < deadline:
        time.sleep(0.01)
    after = requests.get(f"{url}/_emulator/faults").json()
    answered = requests.get(f"{url}/things", headers=GOOD, timeout=(2, 5))

    assert while_held == {"faults": [], "held": 1}  # the fault is used up, its request still waits
    assert cleared == {"faults": []}
    assert after == {"faults": [], "held": 0}  # released long before its 600 s
    assert app.clock.slept == [600]  # type: ignore[attr-defined]
    assert answered.status_code == 200


def test_faults_through_control_endpoints(tiny: tuple[TinyEmulator, str]) -> None:
    app, url = tiny
    app.limiter.enabled = False

    created = requests.post(
        f"{url}/_emulator/faults",
        json={"kind": "status", "status": 503, "count": 1, "path": "/things", "body": {"down": True}, "retryAfter": 7},
    )
    unavailable = requests.get(f"{url}/things", headers=GOOD)
    recovered = requests.get(f"{url}/things", headers=GOOD)
    requests.post(f"{url}/_emulator/faults", json={"kind": "status", "status": 500})
    default_body = requests.get(f"{url}/things", headers=GOOD)
    requests.post(f"{url}/_emulator/faults", json={"kind": "drop", "method": "GET", "path": "/things"})
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/things", headers=GOOD, timeout=5)
    requests.post(f"{url}/_emulator/faults", json={"kind": "latency", "latency": 0.3, "count": None})
    listed = requests.get(f"{url}/_emulator/faults").json()
    slow = requests.get(f"{url}/things", headers=GOOD)
    cleared = requests.delete(f"{url}/_emulator/faults").json()
    bad = requests.post(f"{url}/_emulator/faults", json={"kind": "explode"})

    assert created.status_code == 201
    assert created.json()["kind"] == "status"
    assert (unavailable.status_code, unavailable.json(), unavailable.headers["Retry-After"]) == (
        503,
        {"down": True},
        "7",
    )
    assert "X-RateLimit-Limit" in unavailable.headers
    assert recovered.status_code == 200
    assert (default_body.status_code, default_body.json()) == (
        500,
        {"code": "INJECTED_FAULT", "message": "Injected fault: HTTP 500"},
    )
    assert [(f["kind"], f["latency"], f["count"]) for f in listed["faults"]] == [("latency", 0.3, None)]
    assert slow.status_code == 200
    assert app.clock.slept == [0.3]  # type: ignore[attr-defined]
    assert cleared == {"faults": []}
    assert (bad.status_code, bad.json()) == (
        400,
        {"error": "kind must be one of status, latency, drop, lose_answer, expire_tokens"},
    )


def test_handler_bug_is_a_500_not_a_crash(tiny: tuple[TinyEmulator, str]) -> None:
    app, url = tiny

    response = requests.get(f"{url}/boom")

    assert (response.status_code, response.json()) == (500, {"code": "INTERNAL_ERROR", "message": "Emulator error"})
    assert isinstance(app.last_exception, RuntimeError)


def test_multipart_upload_through_the_server(tiny: tuple[TinyEmulator, str]) -> None:
    _, url = tiny
    content = bytes(range(256)) * 10

    response = requests.post(
        f"{url}/upload",
        headers=GOOD,
        files={"file": ("data.bin", content, "application/octet-stream")},
        data={"kind": "RESUME"},
    )

    assert response.json() == {"name": "data.bin", "size": 2560, "kind": "RESUME"}


def test_generic_control_endpoints(tiny: tuple[TinyEmulator, str]) -> None:
    app, url = tiny
    requests.get(f"{url}/things", headers=GOOD)
    requests.get(f"{url}/_emulator/state")  # control calls are not counted

    stats = requests.get(f"{url}/_emulator/stats").json()
    seeded = requests.post(f"{url}/_emulator/seed", json={"count": 3}).json()
    state = requests.get(f"{url}/_emulator/state").json()
    limits = requests.post(f"{url}/_emulator/limits", json={"enabled": False, "rate": 5, "sendRetryAfter": True}).json()
    bad_limits = requests.post(f"{url}/_emulator/limits", json={"rate": 0})
    reset = requests.post(f"{url}/_emulator/reset").json()
    after_reset = requests.get(f"{url}/_emulator/state").json()
    index = requests.get(f"{url}/_emulator").json()

    assert stats["totalRequests"] == 1
    assert stats["credentials"]["key:good"]["requests"] == 1
    assert seeded == {"count": 3}
    assert state == {"things": ["t0", "t1", "t2"]}
    assert limits == {"enabled": False, "rate": 5, "window": 1.0, "concurrency": 2, "sendRetryAfter": True}
    assert (bad_limits.status_code, bad_limits.json()) == (
        400,
        {"error": "rate and concurrency must be at least 1 and window positive"},
    )
    assert reset == {"reset": True}
    assert after_reset == {"things": ["a", "b"]}
    assert requests.get(f"{url}/_emulator/stats").json()["totalRequests"] == 0
    assert "POST /_emulator/faults" in index["endpoints"]
    assert index["emulator"] == "tiny"


# -- OAuth provider edge cases ------------------------------------------------------------------------
def _authorize(url: str, **params: str) -> requests.Response:
    return requests.get(f"{url}/oauth/allow", params=params, allow_redirects=False)


def _approve(url: str, decision: str = "allow", **fields: str) -> requests.Response:
    return requests.post(f"{url}/oauth/allow", data={"decision": decision, **fields}, allow_redirects=False)


def test_approval_page_refuses_unknown_client_and_redirect_uri_without_redirecting(
    tiny: tuple[TinyEmulator, str],
) -> None:
    _, url = tiny

    unknown_client = _authorize(url, client_id="nope", redirect_uri=REDIRECT)
    wrong_redirect = _authorize(url, client_id="app", redirect_uri="http://evil.test/cb")

    assert unknown_client.status_code == 400
    assert "Unknown client_id." in unknown_client.text
    assert wrong_redirect.status_code == 400
    assert "The redirect_uri is not registered for this application." in wrong_redirect.text
    assert "Location" not in wrong_redirect.headers


@pytest.mark.parametrize(
    ("_case", "scope", "error"),
    [("empty scope", "", "invalid_scope"), ("unknown scope", "read admin", "invalid_scope")],
)
def test_approval_page_redirects_scope_errors(
    tiny: tuple[TinyEmulator, str], _case: str, scope: str, error: str
) -> None:
    _, url = tiny

    response = _authorize(url, client_id="app", redirect_uri=REDIRECT, scope=scope, state="s1")

    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert response.status_code == 302
    assert (query["error"], query["state"]) == ([error], ["s1"])


def test_deny_redirects_access_denied(tiny: tuple[TinyEmulator, str]) -> None:
    _, url = tiny

    response = _approve(url, "deny", client_id="app", redirect_uri=REDIRECT, scope="read", state="xyz")

    assert response.headers["Location"] == f"{REDIRECT}?error=access_denied&state=xyz"


def test_code_is_single_use_and_bound_to_client_and_redirect(tiny: tuple[TinyEmulator, str]) -> None:
    app, url = tiny
    app.oauth.register_client(OAuthClient("other", "pw", (REDIRECT,)))  # type: ignore[union-attr]
    location = _approve(url, client_id="app", redirect_uri=REDIRECT, scope="read write").headers["Location"]
    code = parse_qs(urlsplit(location).query)["code"][0]

    wrong_client = requests.post(
        f"{url}/oauth/token",
        data={"grant_type": "authorization_code", "code": code, "client_id": "other", "client_secret": "pw"},
    )
    wrong_redirect = requests.post(
        f"{url}/oauth/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": "http://127.0.0.1:2/x"},
        auth=("app", "s3cret"),
    )
    good = requests.post(
        f"{url}/oauth/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT},
        auth=("app", "s3cret"),
    )
    reused = requests.post(
        f"{url}/oauth/token", data={"grant_type": "authorization_code", "code": code}, auth=("app", "s3cret")
    )

    assert (wrong_client.status_code, wrong_client.json()["error"]) == (400, "invalid_grant")
    assert (wrong_redirect.status_code, wrong_redirect.json()["error"]) == (400, "invalid_grant")
    assert good.status_code == 200
    assert good.json()["scope"] == "read write"
    assert good.headers["Cache-Control"] == "no-store"
    assert (reused.status_code, reused.json()["error"]) == (400, "invalid_grant")


@pytest.mark.parametrize(
    ("_case", "data", "auth", "status", "error"),
    [
        ("no grant type", {"client_id": "app", "client_secret": "s3cret"}, None, 400, "invalid_request"),
        (
            "bad secret",
            {"grant_type": "client_credentials", "client_id": "app", "client_secret": "x"},
            None,
            401,
            "invalid_client",
        ),
        ("bad basic", {"grant_type": "client_credentials"}, ("app", "wrong"), 401, "invalid_client"),
        ("unknown grant", {"grant_type": "password"}, ("app", "s3cret"), 400, "unsupported_grant_type"),
        (
            "scope beyond",
            {"grant_type": "client_credentials", "scope": "delete"},
            ("app", "s3cret"),
            400,
            "invalid_scope",
        ),
        ("bad refresh", {"grant_type": "refresh_token", "refresh_token": "x"}, ("app", "s3cret"), 400, "invalid_grant"),
    ],
)
def test_token_endpoint_errors(
    tiny: tuple[TinyEmulator, str], _case: str, data: dict, auth: tuple | None, status: int, error: str
) -> None:
    _, url = tiny

    response = requests.post(f"{url}/oauth/token", data=data, auth=auth)

    assert (response.status_code, response.json()["error"]) == (status, error)
    if auth:
        assert response.headers.get("WWW-Authenticate") == ('Basic realm="oauth"' if status == 401 else None)


def test_client_credentials_default_scopes_and_expiry(tiny: tuple[TinyEmulator, str], clock: ManualClock) -> None:
    app, url = tiny
    app.limiter.enabled = False
    basic = "Basic " + base64.b64encode(b"app:s3cret").decode()

    token = requests.post(
        f"{url}/oauth/token", data={"grant_type": "client_credentials"}, headers={"Authorization": basic}
    ).json()
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    works = requests.get(f"{url}/things", headers=bearer)
    clock.advance(60)
    with pytest.raises(InvalidToken) as caught:
        app.oauth.authenticate(token["access_token"])  # type: ignore[union-attr]

    assert (token["token_type"], token["expires_in"], token["scope"]) == ("Bearer", 60, "read")
    assert "refresh_token" not in token
    assert works.status_code == 200
    assert caught.value.reason == "expired"


def test_chunked_body_is_refused_and_the_connection_closed(tiny: tuple[TinyEmulator, str]) -> None:
    _, url = tiny
    session = requests.Session()

    refused = session.post(f"{url}/upload", headers=GOOD, data=iter([b"abc", b"def"]))
    after = session.get(f"{url}/public")

    assert (refused.status_code, refused.json()) == (
        411,
        {"code": "LENGTH_REQUIRED", "message": "Send the request body with a Content-Length"},
    )
    assert refused.headers["Connection"] == "close"
    assert after.json() == {"public": True}
