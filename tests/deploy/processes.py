"""Tributary's processes as deployed: gunicorn through bin/lib/web and `qcluster`, on production settings."""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import requests
from django.core.cache import caches

from tests.integrations.processes import ROOT, wait_for, worker_env

WEB_COMMAND = ROOT / "bin" / "lib" / "web"  # what bin/run starts


def production_env(static_root: Path, **extra: str) -> dict[str, str]:
    """config.settings.production on this test's database, with every setting it requires."""
    return {
        **worker_env(),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": str(static_root),
        "Q_WORKERS": "1",
        "Q_POLL": "0.2",
        **extra,
    }


def collectstatic(static_root: Path) -> None:
    env = production_env(static_root, DATABASE_URL=os.environ["DATABASE_URL"])
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_port_block(count: int) -> int:
    """The first of `count` consecutive free ports, below Linux's ephemeral range (32768-60999), where the client
    sockets of tests running beside this one cannot take one of them between this check and the bind."""
    for first in random.Random().sample(range(20000, 32000 - count), 200):
        with contextlib.ExitStack() as held:
            try:
                for port in range(first, first + count):
                    held.enter_context(socket.socket()).bind(("127.0.0.1", port))
            except OSError:
                continue
            return first
    raise RuntimeError(f"no {count} consecutive free ports found")


def start_web(env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """bin/lib/web (gunicorn -c config/gunicorn.conf.py) on a free port; returns the process and its base URL."""
    port = free_port()
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [str(WEB_COMMAND)],
            cwd=ROOT,
            env={**env, "PORT": str(port), "WEB_CONCURRENCY": "1", "WEB_THREADS": "4"},
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: _answers(f"{base}/healthz", process), timeout=120, what=f"gunicorn on {base}", logs=(log,))
    return process, base


def _answers(url: str, process: subprocess.Popen[bytes]) -> bool:
    if process.poll() is not None:
        raise AssertionError(f"the web process exited with {process.returncode}")
    try:
        return requests.get(url, timeout=5).status_code == 200
    except requests.RequestException:  # not listening yet, or listening while its worker still boots
        return False


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """`manage.py qcluster` in its own process group (it forks; they all die together)."""
    with log.open("wb") as handle:
        return subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "qcluster"],
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_gracefully(process: subprocess.Popen[bytes]) -> int:
    """SIGTERM, as bin/run, a process manager or an orchestrator sends it; returns the exit code."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
    try:
        return process.wait(timeout=40)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)


def forget_heartbeats() -> None:
    """Clusters of earlier tests on this database leave their status in the shared cache (not a model: the
    test database's flush does not clear it)."""
    caches["shared"].clear()


def age_heartbeats(by: timedelta) -> int:
    """Make every django-q2 cluster status in the shared cache `by` older, as if its cluster had gone silent."""
    from django_q.brokers import get_broker
    from django_q.conf import Conf
    from django_q.signing import SignedPackage

    cache = get_broker().cache
    aged = 0
    for key in cache.get(Conf.Q_STAT) or []:
        pack = cache.get(key)
        if pack is None:
            continue
        stat = SignedPackage.loads(pack)
        stat.timestamp -= by
        stat.broker = None  # Stat.__getstate__ drops it before pickling
        cache.set(key, SignedPackage.dumps(stat, True), 180)
        aged += 1
    return aged


def json_lines(log: Path) -> list[dict[str, object]]:
    """The log's JSON lines (LOG_FORMAT=json); gunicorn's own start-up lines are plain text."""
    lines = []
    for line in log.read_text().splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines
