"""Staying within SmartRecruiters' limits (10 requests per second, 8 at once, `GET /candidates` 1 at once, per
credential), measured by the emulator with its limits on and the real clock."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from apps.connectors.catalog import AuthKind, ReadModel
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.http import LocalRateLimiter, RetryPolicy
from apps.connectors.smartrecruiters.connector import SmartRecruitersConnector
from apps.connectors.smartrecruiters.emulator import DEFAULT_API_KEY, SmartRecruitersEmulator, create_app
from apps.integrations.connectors import build_connector
from apps.integrations.models import Environment, Integration
from apps.integrations.services import integration_create
from tests.connectors.smartrecruiters.harness import Emulator
from tests.integrations.processes import ROOT, worker_env

SEED = {"users": 1, "jobs": 1, "candidates": 16, "applications": 0}
API_KEY_CREDENTIAL = "api_key:"  # the emulator keys its statistics by a fingerprint of the key


@pytest.fixture
def sr_app() -> SmartRecruitersEmulator:
    return create_app(seed=SEED, limits_enabled=True)


@pytest.fixture
def emulator(sr_app: SmartRecruitersEmulator) -> Iterator[Emulator]:
    with LoopbackServer(sr_app) as server:
        yield Emulator(server, sr_app)


def _credential(stats: dict) -> dict:
    (entry,) = [value for key, value in stats["credentials"].items() if key.startswith(API_KEY_CREDENTIAL)]
    return entry


def _read_all(connector: SmartRecruitersConnector) -> list[str]:
    cursor, ids = None, []
    while True:
        page = connector.read(ReadModel.CANDIDATES, cursor=cursor)
        ids.extend(item.remote_id for item in page.items)
        cursor = page.next_cursor
        if cursor is None:
            return ids


@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_together_stay_within_the_budget(emulator: Emulator) -> None:
    environment = Environment.objects.create(name="two-workers", display_name="Two Workers")
    integration: Integration = integration_create(
        environment=environment,
        tool="smartrecruiters",
        end_user_organization_name="Acme",
        auth_kind=AuthKind.API_KEY,
        credentials={"api_key": DEFAULT_API_KEY},
        base_url=emulator.url,
    )
    command = [sys.executable, "-m", "tests.connectors.smartrecruiters.read_worker", integration.id]

    workers = [
        subprocess.Popen(command, cwd=ROOT, env=worker_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [worker.communicate(timeout=120) for worker in workers]

    assert [worker.returncode for worker in workers] == [0, 0], [err.decode()[-2000:] for _, err in outputs]
    results = [json.loads(out.decode().strip().splitlines()[-1]) for out, _ in outputs]
    assert [result["candidates"] for result in results] == [16, 16]
    stats = emulator.control("GET", "/stats")
    credential = _credential(stats)
    assert stats["rateLimited"] == 0
    assert credential["requests"] == sum(result["calls"] for result in results) == 2 * (1 + 16)
    assert credential["peakRate"] <= 10  # requests started within any one second, both workers together
    # Every call is a `GET /candidates…`: one lane of one slot, shared by both processes.
    assert credential["peakConcurrency"] == 1


def test_a_limit_lower_than_documented_is_met_by_backing_off(emulator: Emulator) -> None:
    # given a SmartRecruiters that allows only 3 requests per second (and says nothing about when to come back)
    emulator.control("POST", "/limits", json={"rate": 3})
    connector = build_connector(
        tool="smartrecruiters",
        integration_key="smartrecruiters:backoff",
        base_url=emulator.url,
        auth_kind=AuthKind.API_KEY,
        credentials={"api_key": DEFAULT_API_KEY},
        rate_limiter=LocalRateLimiter(),
    )
    assert connector.context.http is not None
    connector.context.http.retry = RetryPolicy(max_attempts=6, backoff=0.3)

    # when every candidate is read
    ids = _read_all(connector)

    # then the 429s were waited out, not passed on
    stats = emulator.control("GET", "/stats")
    assert len(ids) == 16
    assert stats["rateLimited"] > 0
    assert stats["statusCounts"]["200"] == 1 + 16


def test_retry_after_holds_every_caller_off(emulator: Emulator) -> None:
    emulator.control("POST", "/limits", json={"sendRetryAfter": True})
    emulator.control("POST", "/faults", json={"kind": "status", "status": 429, "retryAfter": 2, "path": "/candidates"})
    connector = build_connector(
        tool="smartrecruiters",
        integration_key="smartrecruiters:retry-after",
        base_url=emulator.url,
        auth_kind=AuthKind.API_KEY,
        credentials={"api_key": DEFAULT_API_KEY},
        rate_limiter=LocalRateLimiter(),
    )

    started = time.monotonic()
    page = connector.read(ReadModel.CANDIDATES)
    waited = time.monotonic() - started

    stats = emulator.control("GET", "/stats")
    assert len(page.items) == 16
    assert stats["statusCounts"] == {"200": 1 + 16, "429": 1}
    assert waited >= 2.0  # the Retry-After of the refused list call, before anything else was sent
