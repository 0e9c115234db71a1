"""README "Deploying", scaled out: two web processes and three workers (qcluster) on one PostgreSQL."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django_q.models import Schedule, Task
from kombo import Kombo

from apps.applications.models import Application, Job
from apps.connectors.sandbox.store import forget_store
from apps.core.timeutils import utcnow
from apps.integrations.connectors import sandbox_path_for, sandbox_store_for
from apps.integrations.models import ApiKey, Environment, Integration, SyncRun
from apps.integrations.sync import SCHEDULE_DISPATCH, TASK_DISPATCH, schedules_apply
from tests.applications.writing import candidate, required_answers
from tests.deploy.processes import (
    forget_heartbeats,
    json_lines,
    production_env,
    start_web,
    start_worker,
    stop_gracefully,
)
from tests.factories.integrations import IntegrationFactory
from tests.integrations.processes import kill, wait_for

INTEGRATIONS = 20


@pytest.fixture
def integrations(environment: Environment) -> list[Integration]:
    created = [IntegrationFactory(environment=environment) for _ in range(INTEGRATIONS)]
    for integration in created:
        sandbox_store_for(integration, records=10)
    yield created  # type: ignore[misc]
    for integration in created:
        path = sandbox_path_for(integration)
        forget_store(path)
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)


def runs_done(count: int) -> bool:
    return (
        SyncRun.objects.filter(status=SyncRun.Status.SUCCEEDED).count() == count
        and not SyncRun.objects.filter(status__in=SyncRun.ACTIVE_STATUSES).exists()
    )


@pytest.mark.django_db(transaction=True)
def test_two_web_and_three_workers_share_one_postgresql(
    api_key: ApiKey, integrations: list[Integration], tmp_path: Path, static_root: Path
) -> None:
    forget_heartbeats()
    env = production_env(static_root, LOG_FORMAT="json")
    logs = [tmp_path / f"worker-{n}.log" for n in range(3)]
    schedules_apply()
    # No tick before every worker is up: the first tick is ours.
    Schedule.objects.filter(name=SCHEDULE_DISPATCH).update(next_run=utcnow() + timedelta(hours=1))
    webs = [start_web(env, tmp_path / f"web-{n}.log") for n in range(2)]
    workers = [start_worker(env, log) for log in logs]
    try:
        # Each clusters' heartbeat reaches both web processes through the shared cache.
        wait_for(
            lambda: all(
                Kombo(api_key=api_key.raw_key, server_url=f"{base}/v1").general.check_api_key().data is not None
                and _ready(base, clusters=3)
                for _, base in webs
            ),
            timeout=60,
            what="both web processes to see three clusters",
            logs=tuple(logs),
        )

        # Tick 1: every integration is due for its first (full) sync.
        Schedule.objects.filter(name=SCHEDULE_DISPATCH).update(next_run=utcnow() - timedelta(seconds=1))
        wait_for(lambda: runs_done(INTEGRATIONS), timeout=120, what="the first tick's syncs", logs=tuple(logs))
        Schedule.objects.filter(name=SCHEDULE_DISPATCH).update(next_run=utcnow() + timedelta(hours=1))

        # Tick 2, ten minutes later as far as the runs know: every integration is due for a delta.
        SyncRun.objects.update(created_at=utcnow() - timedelta(minutes=10))
        Schedule.objects.filter(name=SCHEDULE_DISPATCH).update(next_run=utcnow() - timedelta(seconds=1))
        wait_for(lambda: runs_done(2 * INTEGRATIONS), timeout=120, what="the second tick's syncs", logs=tuple(logs))

        # Applications created through both web processes, alternating.
        integration = integrations[0]
        job = Job.objects.get(integration=integration, remote_id="job-000001")
        created_ids = []
        for n in range(6):
            _, base = webs[n % 2]
            sdk = Kombo(api_key=api_key.raw_key, integration_id=integration.id, server_url=f"{base}/v1")
            response = sdk.ats.create_application(
                job_id=job.id,
                candidate=candidate(email=f"applicant-{n}@example.com"),
                screening_question_answers=required_answers(job),
            )
            created_ids.append(response.data.id)
        listed = [
            application.id
            for _, base in webs
            for application in Kombo(api_key=api_key.raw_key, integration_id=integration.id, server_url=f"{base}/v1")
            .ats.get_applications(page_size=250)
            .result.data.results
        ]
    finally:
        for worker in workers:
            kill(worker)
        exits = [stop_gracefully(web) for web, _ in webs]

    assert exits == [0, 0]
    # Each integration synced exactly once per tick: one full, then one delta, both scheduled.
    per_integration = Counter((run.integration_id, run.type, run.trigger, run.status) for run in SyncRun.objects.all())
    assert per_integration == Counter(
        {(i.id, kind, "SCHEDULE", "SUCCEEDED"): 1 for i in integrations for kind in ("FULL", "DELTA")}
    )
    # One cluster took each tick (django-q2 locks the schedule row), though three were polling.
    dispatches = Task.objects.filter(func=TASK_DISPATCH).order_by("started")
    assert [{key: task.result[key] for key in ("requested", "resent")} for task in dispatches] == [
        {"requested": INTEGRATIONS, "resent": 0},
        {"requested": INTEGRATIONS, "resent": 0},
    ]
    # Each tick says what it cost: the same queries for both (the dispatcher's are constant in the fleet size).
    assert len({task.result["queries"] for task in dispatches}) == 1
    # Every created application is stored once, and both web processes list each once.
    assert len(set(created_ids)) == 6
    assert Application.objects.filter(id__in=created_ids).count() == 6
    assert Counter(listed) == Counter(dict.fromkeys(created_ids, 2))
    # JSON logs: one line per request on each web process, one per sync run on the workers.
    posts = [
        line for n in range(2) for line in json_lines(tmp_path / f"web-{n}.log")
        if line["logger"] == "tributary.request" and line["method"] == "POST"
    ]  # fmt: skip
    assert sorted(line["status"] for line in posts) == [200] * 6
    assert {line["path"] for line in posts} == {f"/v1/ats/jobs/{job.id}/applications"}
    finished = {log.name: [line["sync_run"] for line in json_lines(log) if "sync_run" in line] for log in logs}
    every_line = [run for runs in finished.values() for run in runs]
    assert sorted(run["id"] for run in every_line) == sorted(SyncRun.objects.values_list("id", flat=True))
    assert {run["status"] for run in every_line} == {"SUCCEEDED"}
    # The work was shared: more than one worker ran syncs.
    assert sum(1 for runs in finished.values() if runs) > 1


def _ready(base: str, *, clusters: int) -> bool:
    import requests

    body = requests.get(f"{base}/readyz", timeout=10).json()
    return body["status"] == "ok" and body["checks"]["worker"]["detail"].startswith(f"{clusters} cluster(s)")
