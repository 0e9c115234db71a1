"""Real worker processes for tests: qclusters and helper scripts on the test database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def worker_env() -> dict[str, str]:
    """The environment of a process that must work on this test's database and sandbox directory."""
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{user}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "SANDBOX_DIR": str(settings.SANDBOX_DIR),
        "SECRET_KEY": settings.SECRET_KEY,  # django-q2 signs task payloads with it
        "CREDENTIALS_KEYS": settings.CREDENTIALS_KEYS,
        "PYTHONPATH": str(ROOT),
    }


def start_qcluster(log: Path) -> subprocess.Popen[bytes]:
    """`manage.py qcluster` in its own process group (it forks workers; they all die together)."""
    with log.open("wb") as handle:
        return subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "qcluster"],
            cwd=ROOT,
            env=worker_env(),
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the whole process group: no cleanup, no goodbye, like a machine that died."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str, logs: tuple[Path, ...] = ()) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            tails = "\n".join(f"--- {log.name}:\n{log.read_text()[-3000:]}" for log in logs if log.exists())
            raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{tails}")
        time.sleep(0.1)
