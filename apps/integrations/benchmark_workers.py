"""A django-q2 `qcluster` beside a benchmark: started as its own process group, ready once it has run a task,
stopped gracefully (SIGTERM, then SIGKILL after 20 s). Used by `benchmark webhooks` and `benchmark freshness`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def start_qcluster(env: Mapping[str, str]) -> subprocess.Popen[bytes]:
    """`manage.py qcluster` with this process's environment plus `env` (e.g. `Q_WORKERS`)."""
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "qcluster"], cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip


def wait_until_ready(timeout: float = 120) -> None:
    """Until the cluster has run a trivial task (it is polling the broker)."""
    from django_q.tasks import async_task, fetch

    task_id = async_task("math.floor", 1.5)
    deadline = time.monotonic() + timeout
    while fetch(task_id) is None:
        if time.monotonic() > deadline:
            raise RuntimeError("the qcluster did not start")
        time.sleep(0.2)


def stop_qcluster(cluster: subprocess.Popen[bytes]) -> None:
    if cluster.poll() is None:
        os.killpg(cluster.pid, signal.SIGTERM)
    try:
        cluster.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(cluster.pid, signal.SIGKILL)
        cluster.wait(timeout=20)
