"""The HTTP seam against a scripted server on loopback: status mapping, retries, rate limits, redaction."""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from apps.connectors.catalog import RateBudget
from apps.connectors.errors import (
    ConnectorAuthError,
    ConnectorBadResponse,
    ConnectorError,
    ConnectorInputError,
    ConnectorNotFound,
    ConnectorPermissionError,
    ConnectorRateLimited,
    ConnectorUnavailable,
    ConnectorWriteUncertain,
)
from apps.connectors.http import (
    HttpClient,
    LocalRateLimiter,
    RetryPolicy,
    Timeout,
    lane_for,
    parse_rate_limit_reset,
    parse_retry_after,
    rate_key_for,
    rate_lane_for,
)


@dataclass
class Reply:
    status: int = 200
    body: Any = field(default_factory=lambda: {"ok": True})
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    declare_length: bool = True  # else the body runs until the connection closes (HTTP/1.0)


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class ScriptedServer:
    """Answers each request with the next scripted reply (the last one repeats)."""

    def __init__(self) -> None:
        self.replies: list[Reply] = [Reply()]
        self.seen: list[Seen] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                server.seen.append(Seen(self.command, self.path, dict(self.headers), body))
                reply = server.replies.pop(0) if len(server.replies) > 1 else server.replies[0]
                if reply.delay:
                    time.sleep(reply.delay)
                payload = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Type", "application/json")
                    if reply.declare_length:
                        self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_PUT = do_DELETE = _handle  # noqa: N815

            def log_message(self, *args: object) -> None:
                return None

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/api"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.01,), daemon=True)
        self.thread.start()

    def script(self, *replies: Reply) -> None:
        self.replies = list(replies)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class RecordingLimiter(LocalRateLimiter):
    def __init__(self) -> None:
        super().__init__(sleep=lambda seconds: None)
        self.slots: list[tuple[str, str | None]] = []
        self.holds: list[tuple[str, float]] = []

    @contextlib.contextmanager
    def slot(self, key: str, budget: RateBudget, lane: str | None = None) -> Iterator[None]:
        self.slots.append((key, lane))
        with super().slot(key, budget, lane):
            yield

    def hold_off(self, key: str, seconds: float) -> None:
        self.holds.append((key, seconds))
        super().hold_off(key, seconds)


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    scripted = ScriptedServer()
    yield scripted
    scripted.close()


def client_for(server: ScriptedServer, **kwargs: Any) -> tuple[HttpClient, list[float]]:
    sleeps: list[float] = []
    kwargs.setdefault("retry", RetryPolicy(max_attempts=3, max_wait=30, backoff=0.25))
    client = HttpClient(base_url=server.url, rate_key="acme:1", sleep=sleeps.append, **kwargs)
    return client, sleeps


def test_success_returns_status_headers_and_json(server: ScriptedServer) -> None:
    server.script(Reply(200, {"items": [1, 2]}, {"X-Request-Id": "r-1"}))
    client, _ = client_for(server)

    response = client.get("/jobs", params={"page": "2"})

    assert response.status_code == 200
    assert response.json() == {"items": [1, 2]}
    assert response.headers["x-request-id"] == "r-1"
    assert server.seen[0].path == "/api/jobs?page=2"
    assert server.seen[0].headers["User-Agent"].startswith("Tributary/")
    assert client.calls == 1


@pytest.mark.parametrize(
    ("_case", "status", "error_type", "retryable"),
    [
        ("bad request", 400, ConnectorInputError, False),
        ("unauthorized", 401, ConnectorAuthError, False),
        ("forbidden", 403, ConnectorPermissionError, False),
        ("not found", 404, ConnectorNotFound, False),
        ("conflict", 409, ConnectorInputError, False),
        ("unprocessable", 422, ConnectorInputError, False),
        ("gone", 410, ConnectorError, False),
        ("server error", 500, ConnectorUnavailable, True),
        ("bad gateway", 502, ConnectorUnavailable, True),
    ],
)
def test_status_maps_to_typed_error(
    server: ScriptedServer, _case: str, status: int, error_type: type[ConnectorError], retryable: bool
) -> None:
    server.script(Reply(status, {"message": "The ATS says no."}))
    client, _ = client_for(server, retry=RetryPolicy.never())

    with pytest.raises(ConnectorError) as caught:
        client.get("/jobs")

    assert type(caught.value) is error_type
    assert caught.value.retryable is retryable
    assert caught.value.status_code == status
    assert caught.value.remote_message == "The ATS says no."


def test_get_is_retried_after_5xx_and_then_succeeds(server: ScriptedServer) -> None:
    server.script(Reply(503), Reply(502), Reply(200, {"ok": 1}))
    client, sleeps = client_for(server)

    assert client.get("/jobs").json() == {"ok": 1}

    assert len(server.seen) == 3
    assert len(sleeps) == 2


def test_a_503_with_retry_after_waits_exactly_that(server: ScriptedServer) -> None:
    server.script(Reply(503, {}, {"Retry-After": "0"}), Reply(503, {}, {"Retry-After": "2"}), Reply(200, {"ok": 1}))
    client, sleeps = client_for(server)

    assert client.get("/jobs").json() == {"ok": 1}

    assert sleeps == [2.0]  # no wait after "0", then 2 s: not the backoff's 0.5 s and 1 s
    assert len(server.seen) == 3


def test_post_is_not_resent_after_5xx(server: ScriptedServer) -> None:
    server.script(Reply(500, {"error": "boom"}), Reply(200))
    client, sleeps = client_for(server)

    with pytest.raises(ConnectorUnavailable):
        client.post("/candidates", json_body={"name": "Ada"})

    assert len(server.seen) == 1
    assert sleeps == []


def test_429_waits_retry_after_and_tells_the_shared_limiter(server: ScriptedServer) -> None:
    server.script(Reply(429, {"message": "slow down"}, {"Retry-After": "3"}), Reply(200, {"ok": 1}))
    limiter = RecordingLimiter()
    client, sleeps = client_for(server, budget=RateBudget(requests_per_second=1000), rate_limiter=limiter)

    assert client.post("/candidates", json_body={}).json() == {"ok": 1}

    assert sleeps == [3.0]  # a 429 was refused unprocessed, so even a write is re-sent after the wait
    assert limiter.holds == [("acme:1", 3.0)]
    assert limiter.slots == [("acme:1", None), ("acme:1", None)]
    assert len(server.seen) == 2


def test_429_longer_than_the_wait_budget_goes_up_with_retry_after(server: ScriptedServer) -> None:
    server.script(Reply(429, {}, {"Retry-After": "120"}))
    client, sleeps = client_for(server)

    with pytest.raises(ConnectorRateLimited) as caught:
        client.get("/jobs")

    assert caught.value.retry_after == 120.0
    assert sleeps == []
    assert len(server.seen) == 1


def test_429_without_retry_after_uses_the_rate_limit_reset(server: ScriptedServer) -> None:
    server.script(Reply(429, {}, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "45"}))
    client, _ = client_for(server, retry=RetryPolicy.never())

    with pytest.raises(ConnectorRateLimited) as caught:
        client.get("/jobs")

    assert caught.value.retry_after == 45.0


@pytest.mark.parametrize("prefix", ["X-RateLimit", "X-Rate-Limit"])  # the second: Workable's spelling
def test_exhausted_budget_header_holds_everyone_off_until_reset(server: ScriptedServer, prefix: str) -> None:
    server.script(Reply(200, {"ok": 1}, {f"{prefix}-Remaining": "0", f"{prefix}-Reset": "12"}))
    limiter = RecordingLimiter()
    client, _ = client_for(server, budget=RateBudget(requests_per_second=10), rate_limiter=limiter)

    client.get("/jobs")

    assert limiter.holds == [("acme:1", 12.0)]


def test_requests_go_through_the_lane_of_their_concurrency_override(server: ScriptedServer) -> None:
    budget = RateBudget(requests_per_second=1000, concurrency_overrides={"GET /api/candidates": 1})
    limiter = RecordingLimiter()
    client, _ = client_for(server, budget=budget, rate_limiter=limiter)

    client.get("/candidates/7")
    client.get("/jobs")

    assert limiter.slots == [("acme:1", "GET /api/candidates"), ("acme:1", None)]
    assert lane_for(budget, "POST", "/api/candidates") is None


def test_write_that_timed_out_after_sending_is_uncertain_and_not_resent(server: ScriptedServer) -> None:
    server.script(Reply(200, {"id": "c-1"}, delay=1.0))
    client, sleeps = client_for(server, timeout=Timeout(connect=2, read=0.2))

    with pytest.raises(ConnectorWriteUncertain) as caught:
        client.post("/candidates", json_body={"name": "Ada"})

    assert caught.value.retryable is False
    assert len(server.seen) == 1
    assert sleeps == []


def test_read_that_timed_out_is_retryable_unavailable(server: ScriptedServer) -> None:
    server.script(Reply(200, {}, delay=1.0))
    client, _ = client_for(server, timeout=Timeout(connect=2, read=0.2), retry=RetryPolicy.never())

    with pytest.raises(ConnectorUnavailable) as caught:
        client.get("/jobs")

    assert caught.value.retryable is True
    assert caught.value.status_code is None


def test_write_to_a_refused_connection_is_resent_because_nothing_left() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleeps: list[float] = []
    client = HttpClient(base_url=f"http://127.0.0.1:{port}", sleep=sleeps.append, retry=RetryPolicy(max_attempts=2))

    with pytest.raises(ConnectorUnavailable) as caught:
        client.post("/candidates", json_body={})

    assert caught.value.nothing_sent is True
    assert client.calls == 2
    assert len(sleeps) == 1


def test_same_host_redirect_is_followed_for_reads(server: ScriptedServer) -> None:
    server.script(Reply(302, {}, {"Location": "/api/v2/jobs"}), Reply(200, {"moved": True}))
    client, _ = client_for(server)

    response = client.get("/jobs")

    assert response.json() == {"moved": True}
    assert [seen.path for seen in server.seen] == ["/api/jobs", "/api/v2/jobs"]


def test_redirect_to_another_host_is_refused(server: ScriptedServer) -> None:
    server.script(Reply(302, {}, {"Location": "http://attacker.example.com/steal"}))
    client, _ = client_for(server, auth=lambda headers, params: headers.update(Authorization="Bearer s3cr3t-token"))

    with pytest.raises(ConnectorBadResponse) as caught:
        client.get("/jobs")

    assert "attacker.example.com" in caught.value.message
    assert len(server.seen) == 1


def test_absolute_url_outside_the_ats_host_is_refused_before_sending(server: ScriptedServer) -> None:
    client, _ = client_for(server)

    with pytest.raises(ConnectorInputError):
        client.get("http://169.254.169.254/latest/meta-data")

    assert server.seen == []


def test_secrets_never_reach_logs_or_errors(server: ScriptedServer, caplog: pytest.LogCaptureFixture) -> None:
    secret = "tok-9f8e7d6c5b4a"
    server.script(Reply(401, {"message": f"token {secret} is revoked"}))

    def auth(headers: dict[str, str], params: dict[str, Any]) -> None:
        headers["Authorization"] = f"Bearer {secret}"
        params["api_key"] = secret

    client, _ = client_for(server, auth=auth, secrets=[secret], retry=RetryPolicy.never())

    with caplog.at_level(logging.INFO, logger="apps.connectors.http"), pytest.raises(ConnectorAuthError) as caught:
        client.get(f"/jobs/{secret}")

    assert server.seen[0].headers["Authorization"] == f"Bearer {secret}"  # it was sent...
    assert secret not in caught.value.message  # ...but never repeated
    assert caught.value.remote_message == "token [redacted] is revoked"
    assert caplog.records
    assert all(secret not in record.getMessage() for record in caplog.records)


def test_body_that_is_not_json_raises_bad_response(server: ScriptedServer) -> None:
    server.script(Reply(200, b"<html>maintenance</html>"))
    client, _ = client_for(server)

    with pytest.raises(ConnectorBadResponse):
        client.get("/jobs").json()


@pytest.mark.parametrize(
    ("_case", "value", "expected"),
    [
        ("seconds", "17", 17.0),
        ("http date", "Wed, 21 Oct 2015 07:28:30 GMT", 10.0),
        ("date in the past", "Wed, 21 Oct 2015 07:27:00 GMT", 0.0),
        ("garbage", "soon", None),
        ("missing", None, None),
    ],
)
def test_parse_retry_after(_case: str, value: str | None, expected: float | None) -> None:
    now = 1445412500.0  # 2015-10-21T07:28:20Z

    assert parse_retry_after(value, now=now) == expected


@pytest.mark.parametrize(
    ("_case", "value", "expected"),
    [("epoch seconds", "1445412530", 30.0), ("seconds from now", "30", 30.0), ("garbage", "x", None)],
)
def test_parse_rate_limit_reset(_case: str, value: str, expected: float | None) -> None:
    assert parse_rate_limit_reset({"X-RateLimit-Reset": value}, now=1445412500.0) == expected


def test_requests_of_a_rate_override_lane_are_also_spaced_by_the_lanes_own_budget(server: ScriptedServer) -> None:
    budget = RateBudget(requests_per_second=1000, rate_overrides={"POST /": 200 / 60})
    limiter = RecordingLimiter()
    client, _ = client_for(server, budget=budget, rate_limiter=limiter)

    client.post("/candidates", json_body={"name": "Ada"})
    client.get("/jobs")

    assert limiter.slots == [("acme:1 [POST /]", None), ("acme:1", None), ("acme:1", None)]
    assert rate_lane_for(budget, "POST", "/api/candidates") == "POST /"
    assert rate_lane_for(budget, "GET", "/api/candidates") is None


def test_rate_override_lane_books_its_slower_spacing_under_its_own_key() -> None:
    booked: list[float] = []
    limiter = LocalRateLimiter(clock=lambda: 100.0, sleep=booked.append)
    lane_budget = RateBudget(requests_per_second=200 / 60)

    for _ in range(3):
        with limiter.slot(rate_key_for("acme:1", "POST /"), lane_budget):
            pass
    with limiter.slot("acme:1", RateBudget(requests_per_second=1000)):
        pass

    assert booked == [pytest.approx(0.3), pytest.approx(0.6)]  # the lane waits; the overall key does not


def test_remote_message_keeps_the_first_detail_of_an_error_list(server: ScriptedServer) -> None:
    server.script(
        Reply(400, {"message": "Validation failed", "errors": [{"code": "INVALID_VALUE", "message": "email: bad"}]}),
        Reply(403, {"message": "No access", "errors": [{"code": "X", "message": "No access"}]}),
    )
    client, _ = client_for(server, retry=RetryPolicy.never())

    with pytest.raises(ConnectorError) as validation:
        client.get("/candidates")
    with pytest.raises(ConnectorError) as same:
        client.get("/candidates")

    assert validation.value.remote_message == "Validation failed: email: bad"
    assert same.value.remote_message == "No access"


# -- passthrough mode (raise_for_status=False) -----------------------------------------------------------------


def test_without_raising_any_status_comes_back_once_and_a_429_still_holds_everyone_off(server: ScriptedServer) -> None:
    limiter = RecordingLimiter()
    client, sleeps = client_for(server, rate_limiter=limiter, budget=RateBudget(requests_per_second=100))
    server.script(Reply(503, {"error": "down"}), Reply(404, {"message": "nope"}), Reply(429, {}, {"Retry-After": "7"}))

    statuses = [client.get(f"/jobs/{n}", raise_for_status=False).status_code for n in range(3)]

    assert statuses == [503, 404, 429]
    assert [seen.path for seen in server.seen] == ["/api/jobs/0", "/api/jobs/1", "/api/jobs/2"]
    assert sleeps == []
    assert limiter.holds == [("acme:1", 7.0)]


def test_without_raising_a_redirect_elsewhere_or_of_a_write_is_returned_not_followed(server: ScriptedServer) -> None:
    server.script(Reply(302, {}, {"Location": "http://attacker.example.com/steal"}), Reply(307, {}, {"Location": "/x"}))
    client, _ = client_for(server)

    away = client.get("/jobs", raise_for_status=False)
    write = client.post("/candidates", json_body={}, raise_for_status=False)

    assert (away.status_code, away.headers["Location"]) == (302, "http://attacker.example.com/steal")
    assert (write.status_code, write.headers["Location"]) == (307, "/x")
    assert [seen.path for seen in server.seen] == ["/api/jobs", "/api/candidates"]


def test_a_retry_policy_of_one_attempt_never_resends_even_what_never_left() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleeps: list[float] = []
    client = HttpClient(base_url=f"http://127.0.0.1:{port}", sleep=sleeps.append)

    with pytest.raises(ConnectorUnavailable) as caught:
        client.post("/candidates", json_body={}, retry=RetryPolicy.never(), raise_for_status=False)

    assert (client.calls, sleeps, caught.value.nothing_sent, caught.value.timed_out) == (1, [], True, False)


@pytest.mark.parametrize("declared", [True, False], ids=["declared", "counted"])
def test_an_answer_larger_than_the_limit_is_refused_unread(server: ScriptedServer, declared: bool) -> None:
    server.script(Reply(200, b"x" * 200_000, declare_length=declared), Reply(200, b"x" * 100_000))
    client, _ = client_for(server, max_response_bytes=100_000, retry=RetryPolicy.never())

    with pytest.raises(ConnectorBadResponse) as refused:
        client.get("/files/1")
    within = client.get("/files/2")

    detail = " (200000 declared)" if declared else ""
    assert str(refused.value) == f"GET /api/files/1 answered more than 100000 bytes{detail}; not read."
    assert refused.value.retryable is False
    assert within.content == b"x" * 100_000
