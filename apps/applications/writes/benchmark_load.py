"""Sustained load on the API under gunicorn: throughput, latency per operation, every non-2xx, and afterwards the
ATS's state compared with every write Tributary acknowledged.

`manage.py benchmark load --minutes 10 --json` starts gunicorn (this process's settings and database, meant for
PostgreSQL) on loopback and a SmartRecruiters emulator (rate limits off) with `--fault-rate` seeded faults on its
requests (429, 503, and lost answers of writes). It connects two integrations, the sandbox and SmartRecruiters,
and while a background thread syncs the sandbox integration again and again (the work a worker does), `--clients`
threads send a mix for `--minutes`: 70 % list reads (applications, candidates, jobs), 20 % creates with an
`Idempotency-Key` (retried with the same key, as a careful client does), 10 % notes on applications they created
(keyed too). Afterwards the faults are cleared and every acknowledged create and note is looked up in the ATS:
lost (acknowledged, not there) and duplicated (there more than once) are counted.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
from django.conf import settings
from django.db import connection

from apps.applications.models import Job
from apps.applications.services import records_upsert
from apps.applications.writes import benchmark as write_benchmark
from apps.applications.writes.benchmark_faults import _answers
from apps.applications.writes.common import write_connector
from apps.applications.writes.services import job_for_write
from apps.attribution.services import source_mapping_check, source_mapping_create_remote
from apps.connectors.catalog import AuthKind, ReadModel, WriteAction
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.smartrecruiters.emulator import DEFAULT_API_KEY, create_app
from apps.core.timeutils import utcnow
from apps.integrations.connectors import connector_for, sandbox_path_for, sandbox_store_for
from apps.integrations.models import Environment, Integration, SyncRun
from apps.integrations.services import api_key_create, api_key_revoke, integration_create, integration_delete
from apps.integrations.sync import sync_run_execute, sync_run_request

ENVIRONMENT_NAME = "benchmark-load"
SEED = {"seed": 9, "users": 2, "jobs": 1, "candidates": 20, "applications": 20}
RETRY_STATUSES = frozenset({409, 429, 500, 502, 503, 504})
READS = ("/ats/applications?page_size=50", "/ats/candidates?page_size=50", "/ats/jobs?page_size=50")

Progress = Callable[[str], Any]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--minutes", type=float, default=10.0, help="How long the clients send requests.")
    parser.add_argument("--clients", type=int, default=32, help="Concurrent clients.")
    parser.add_argument("--fault-rate", type=float, default=0.1, help="Share of emulator requests that fail.")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (4 threads each).")


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"count": 0}
    ordered = sorted(values)

    def at(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))], 1)

    return {"count": len(ordered), "p50_ms": at(0.5), "p95_ms": at(0.95), "p99_ms": at(0.99)}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _shared_settings() -> dict[str, str]:
    """What the server processes must share with this one (settings that may be generated per process)."""
    return {"CREDENTIALS_KEYS": settings.CREDENTIALS_KEYS, "SANDBOX_DIR": str(settings.SANDBOX_DIR)}


def _gunicorn(workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    server_log = open(os.environ.get("BENCHMARK_LOAD_SERVER_LOG", os.devnull), "ab")  # noqa: SIM115 - kept open
    process = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi:application", "-b", f"127.0.0.1:{port}",
         "-w", str(workers), "--threads", "4", "--timeout", "120", "--log-level", "warning"],
        cwd=str(settings.BASE_DIR), env={**os.environ, **_shared_settings()}, stdout=subprocess.DEVNULL,
        stderr=server_log,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(f"{url}/v1/openapi.json", timeout=5)
            return process, url
        except requests.ConnectionError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError("gunicorn did not come up within 60 s")


def _faults(url: str, rate: float) -> None:
    plans: list[dict[str, Any]] = [
        {"kind": "status", "status": 429, "retryAfter": 0, "probability": rate * 0.4},
        {"kind": "status", "status": 503, "retryAfter": 0, "probability": rate * 0.4},
        {"kind": "lose_answer", "method": "POST", "probability": rate * 0.2},
    ]
    for index, plan in enumerate(plans):
        requests.post(f"{url}/_emulator/faults", json={"count": None, "seed": 31 + index, **plan}, timeout=10)


class Target:
    """One integration the clients write to: its job and the bodies of its creates."""

    def __init__(self, name: str, integration: Integration, job: Job, answers: list[dict[str, Any]]) -> None:
        self.name, self.integration, self.job, self.answers = name, integration, job, answers


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.non_2xx: Counter[str] = Counter()
        self.created: list[tuple[str, str, str]] = []  # (target, email, application id)
        self.notes: list[tuple[str, str, str]] = []  # (target, application id, content)
        self.unrecoverable = 0

    def add(self, op: str, started: float, status: int) -> None:
        with self.lock:
            self.latency[op].append((time.perf_counter() - started) * 1000)
            if not 200 <= status < 300:
                self.non_2xx[f"{op} {status}"] += 1


def _keyed(session: requests.Session, tally: Tally, op: str, method: str, url: str, body: Any, key: str) -> Any:
    for _ in range(12):
        started = time.perf_counter()
        response = session.request(method, url, json=body, headers={"Idempotency-Key": key}, timeout=120)
        tally.add(op, started, response.status_code)
        if response.status_code == 200:
            return response.json()
        if response.status_code not in RETRY_STATUSES:
            break
    with tally.lock:
        tally.unrecoverable += 1
    return None


def _client(number: int, api: str, raw_key: str, targets: list[Target], stop: float, tally: Tally) -> None:
    rng = random.Random(number)
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {raw_key}"
    mine: list[tuple[Target, str]] = []
    sequence = 0
    while time.monotonic() < stop:
        target = targets[sequence % len(targets)]
        session.headers["X-Integration-Id"] = target.integration.id
        sequence += 1
        roll = rng.random()
        if roll < 0.7:
            path = READS[sequence % len(READS)]
            started = time.perf_counter()
            status = session.get(f"{api}{path}", timeout=120).status_code
            tally.add("list", started, status)
        elif roll < 0.9 or not mine:
            email = f"load.{number}.{sequence}@candidates.example.com"
            body = {
                "candidate": {"first_name": "Load", "last_name": f"Test {number}-{sequence}", "email_address": email},
                "screening_question_answers": target.answers,
            }
            answer = _keyed(session, tally, "create", "POST", f"{api}/ats/jobs/{target.job.id}/applications",
                            body, f"load-{number}-{sequence}")  # fmt: skip
            if answer is not None:
                with tally.lock:
                    tally.created.append((target.name, email, answer["data"]["remote_id"]))
                mine.append((target, answer["data"]["id"]))
        else:
            target, application_id = mine[rng.randrange(len(mine))]
            session.headers["X-Integration-Id"] = target.integration.id
            content = f"load note {number}-{sequence}"
            body = {"content": content, "content_type": "PLAIN_TEXT"}
            answer = _keyed(session, tally, "note", "POST", f"{api}/ats/applications/{application_id}/notes", body,
                            f"note-{number}-{sequence}")  # fmt: skip
            if answer is not None:
                with tally.lock:
                    tally.notes.append((target.name, application_id, content))


def _syncing(integration: Integration, stop: float, runs: list[str]) -> None:
    try:
        while time.monotonic() < stop:
            run, _ = sync_run_request(
                integration=integration, type=SyncRun.Type.DELTA, trigger=SyncRun.Trigger.COMMAND, enqueue=False
            )
            runs.append(str(sync_run_execute(run_id=run.id, time_budget=60.0)))
            time.sleep(1.0)
    finally:
        connection.close()


def _sandbox_target(environment: Environment) -> Target:
    integration = integration_create(
        environment=environment, tool="sandbox", auth_kind="NONE", end_user_organization_name="Load",
        end_user_email="load@example.com", setup_status=Integration.SetupStatus.COMPLETED,
    )  # fmt: skip
    source_mapping_create_remote(integration=integration)
    page = connector_for(integration).read(ReadModel.JOBS, remote_ids=[write_benchmark.JOB_REMOTE_ID])
    records_upsert(integration=integration, model=ReadModel.JOBS, records=page.items, now=utcnow())
    job = Job.objects.get(integration=integration, remote_id=write_benchmark.JOB_REMOTE_ID)
    return Target("sandbox", integration, job, write_benchmark._body(job, 0)["screening_question_answers"])


def _sr_target(environment: Environment, url: str) -> Target:
    integration = integration_create(
        environment=environment, tool="smartrecruiters", end_user_organization_name="Load",
        auth_kind=AuthKind.API_KEY, credentials={"api_key": DEFAULT_API_KEY}, base_url=url,
        setup_status=Integration.SetupStatus.COMPLETED,
    )  # fmt: skip
    requests.post(f"{url}/_emulator/sources", json={"label": "Benchmark Jobs", "type": "paid"}, timeout=10)
    source_mapping_check(integration=integration)
    state = requests.get(f"{url}/_emulator/state", timeout=10).json()
    remote_job = next(j for j in state["jobs"] if j["postingStatus"] == "PUBLIC")["id"]
    job = job_for_write(
        integration=integration,
        connector=write_connector(integration, WriteAction.CREATE_APPLICATION),
        job_id=f"remote:{remote_job}",
        field="job_id",
    )
    return Target("smartrecruiters", integration, job, _answers(job))


def _reconcile(tally: Tally, sandbox: Target, sr_url: str) -> dict[str, int]:
    state = requests.get(f"{sr_url}/_emulator/state", timeout=30).json()
    sr_emails = Counter(
        c["email"] for c in state["candidates"] for a in state["applications"] if a["candidateId"] == c["id"]
    )
    store = sandbox_store_for(sandbox.integration)
    sandbox_emails: Counter[str] = Counter()
    for remote_id in store.ids("applications"):
        doc = store.get("applications", remote_id)
        person = store.get("candidates", doc["candidate_id"]) if doc else None
        if person and person["emails"]:
            sandbox_emails[person["emails"][0]["address"]] += 1
    found = {"smartrecruiters": sr_emails, "sandbox": sandbox_emails}
    lost = Counter(target for target, email, _ in tally.created if found[target][email] == 0)
    duplicated = sum(found[target][email] - 1 for target, email, _ in tally.created if found[target][email] > 1)
    sr_messages = Counter(m["content"].split("\n\n")[0] for m in state["messages"])
    checked = [content for target, _, content in tally.notes if target == "smartrecruiters"]
    notes_lost = sum(1 for content in checked if not sr_messages[content])
    notes_duplicated = sum(sr_messages[content] - 1 for content in checked if sr_messages[content] > 1)
    return {
        "creates_acknowledged": len(tally.created),
        "creates_lost": sum(lost.values()),
        "creates_lost_by_target": dict(lost),
        "creates_duplicated": duplicated,
        "notes_acknowledged": len(tally.notes),
        "notes_checked_in_ats": len(checked),
        "notes_lost": notes_lost,
        "notes_duplicated": notes_duplicated,
    }


def run(options: dict[str, Any], progress: Progress) -> dict[str, Any]:
    app = create_app(seed=SEED, limits_enabled=False)
    environment, _ = Environment.objects.get_or_create(name=ENVIRONMENT_NAME, defaults={"display_name": "Load Jobs"})
    with LoopbackServer(app) as emulator:
        sandbox = _sandbox_target(environment)
        sr = _sr_target(environment, emulator.url)
        api_key, raw_key = api_key_create(environment=environment, name="benchmark-load")
        gunicorn, url = _gunicorn(options["workers"])
        try:
            _faults(emulator.url, options["fault_rate"])
            seconds = options["minutes"] * 60
            progress(f"gunicorn on {url}; {options['clients']} clients for {seconds:.0f} s")
            stop = time.monotonic() + seconds
            tally, runs = Tally(), []
            syncer = threading.Thread(target=_syncing, args=(sandbox.integration, stop, runs))
            clients = [
                threading.Thread(target=_client, args=(n, f"{url}/v1", raw_key, [sandbox, sr], stop, tally))
                for n in range(options["clients"])
            ]
            started = time.perf_counter()
            for thread in [syncer, *clients]:
                thread.start()
            for thread in [syncer, *clients]:
                thread.join()
            elapsed = time.perf_counter() - started
            requests.delete(f"{emulator.url}/_emulator/faults", timeout=10)
            total = sum(len(values) for values in tally.latency.values())
            return {
                "minutes": options["minutes"],
                "clients": options["clients"],
                "server": f"gunicorn {options['workers']}x4 threads",
                "database": connection.vendor,
                "fault_rate": options["fault_rate"],
                "requests": total,
                "throughput_rps": round(total / elapsed, 1),
                "latency": {op: _percentiles(values) for op, values in sorted(tally.latency.items())},
                "non_2xx": dict(sorted(tally.non_2xx.items())),
                "unrecoverable_writes": tally.unrecoverable,
                "syncs": dict(Counter(runs)),
                "emulator": requests.get(f"{emulator.url}/_emulator/stats", timeout=10).json().get("totalRequests"),
                "reconciliation": _reconcile(tally, sandbox, emulator.url),
            }
        finally:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
            api_key_revoke(api_key=api_key)
            path = sandbox_path_for(sandbox.integration)
            for target in (sandbox, sr):
                integration_delete(integration=target.integration)
            Path(path).unlink(missing_ok=True)
