"""The request-log seam of HttpClient: one scrubbed `OutboundCall` per request sent (attempts, redirect hops)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from apps.connectors.http import HttpClient, RetryPolicy
from apps.connectors.http_log import OutboundCall, _call_sinks, call_sink_register
from tests.connectors.test_http import Reply, ScriptedServer, client_for


@pytest.fixture
def calls() -> Iterator[list[OutboundCall]]:
    previous = list(_call_sinks)
    seen: list[OutboundCall] = []
    call_sink_register(seen.append)
    yield seen
    _call_sinks[:] = previous


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    scripted = ScriptedServer()
    yield scripted
    scripted.close()


def test_each_attempt_is_one_call_with_its_number_status_and_the_failed_body(
    server: ScriptedServer, calls: list[OutboundCall]
) -> None:
    server.script(Reply(503, {"message": "down for maintenance"}), Reply(200, {"ok": 1}))
    client, _ = client_for(server)

    client.get("/jobs", params={"page": 2})

    assert [(c.method, c.path, c.status, c.attempt, c.rate_key) for c in calls] == [
        ("GET", "/api/jobs?page=2", 503, 1, "acme:1"),
        ("GET", "/api/jobs?page=2", 200, 2, "acme:1"),
    ]
    assert calls[0].body_excerpt == '{"message": "down for maintenance"}'
    assert calls[1].body_excerpt == ""


def test_the_body_excerpt_is_cut_at_4_kb(server: ScriptedServer, calls: list[OutboundCall]) -> None:
    server.script(Reply(400, b"x" * 10_000))
    client, _ = client_for(server, retry=RetryPolicy.never())

    with pytest.raises(Exception):  # noqa: B017, PT011 - the typed error is tested in test_http
        client.get("/jobs")

    assert len(calls[0].body_excerpt) == 4096


def test_secrets_in_query_path_and_body_are_redacted(server: ScriptedServer, calls: list[OutboundCall]) -> None:
    secret = "key-1a2b3c4d5e6f"
    server.script(Reply(401, {"message": f"key {secret} unknown"}))

    def auth(headers: dict[str, str], params: dict[str, Any]) -> None:
        headers["Authorization"] = f"Bearer {secret}"
        params["k"] = secret  # an auth parameter with a name nobody would guess

    client, _ = client_for(server, auth=auth, secrets=[secret], retry=RetryPolicy.never())
    with pytest.raises(Exception):  # noqa: B017, PT011
        client.get(f"/jobs/{secret}", params={"q": "open"})

    assert server.seen[0].path == f"/api/jobs/{secret}?q=open&k={secret}"  # it was sent...
    assert (calls[0].path, calls[0].body_excerpt) == (
        "/api/jobs/[redacted]?q=open&k=[redacted]",
        '{"message": "key [redacted] unknown"}',
    )  # ...but never kept


def test_a_refused_connection_is_a_call_without_status() -> None:
    seen: list[OutboundCall] = []
    previous = list(_call_sinks)
    call_sink_register(seen.append)
    try:
        server = ScriptedServer()
        url = server.url
        server.close()
        client = HttpClient(base_url=url, retry=RetryPolicy.never())
        with pytest.raises(Exception):  # noqa: B017, PT011
            client.get("/jobs")
    finally:
        _call_sinks[:] = previous

    assert [(c.status, c.attempt) for c in seen] == [(None, 1)]
    assert seen[0].error != ""
