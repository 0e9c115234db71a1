"""The README's run command, twice in a row on a fresh var/ (SQLite, the embedded default): Ctrl-C, then SIGTERM; each
time the SDK, the home page and the admin home (signed in with the printed login) answer."""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
from pathlib import Path

import pytest
import requests
from kombo import Kombo

from tests.deploy.processes import free_port
from tests.integrations.processes import ROOT, wait_for

# What bin/run prints once it serves; the values are read off these lines.
LINE = re.compile(r"^\s+(API key|Admin|Integration)\s+: (.+)$", re.MULTILINE)
PIDS = re.compile(r"web pid (\d+), worker pid (\d+)")
ADMIN_PASSWORD = re.compile(r"password (\S+)\)")


def _as_a_terminal_starts_it() -> None:
    """Ctrl-C and Ctrl-\\ with their default meaning, as a terminal's shell starts a command. A pytest worker can
    carry SIGINT/SIGQUIT as ignored (a fresh run showed `SigIgn: 0x6` on bin/run), and a non-interactive bash
    cannot trap a signal it inherited as ignored: Ctrl-C would then be lost on bin/run, never on a terminal."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)


def _sign_in_to_the_admin_home(base: str, *, password: str) -> None:
    """The printed login opens the admin home, with its figures, on SQLite (its queries ran on PostgreSQL only)."""
    browser = requests.Session()
    browser.get(f"{base}/admin/login/", timeout=30)
    home = browser.post(
        f"{base}/admin/login/?next=/admin/",
        data={"username": "admin", "password": password, "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
        headers={"Referer": f"{base}/admin/login/"}, timeout=30,
    )  # fmt: skip
    assert (home.status_code, home.url) == (200, f"{base}/admin/"), home.text[:2000]
    assert "Integrations with a sync overdue" in home.text


def run_once(var: Path, port: int, log: Path, *, stop: signal.Signals) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "CREDENTIALS_KEYS", "SANDBOX_DIR")
        and not key.startswith("DEMO_")
    }
    env.update({"TRIBUTARY_VAR_DIR": str(var), "PORT": str(port), "WEB_CONCURRENCY": "1", "Q_WORKERS": "1"})
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [str(ROOT / "bin" / "run")], cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=_as_a_terminal_starts_it,
        )  # fmt: skip
    try:
        wait_for(lambda: "Listening at:" in log.read_text() or process.poll() is not None, timeout=240,
                 what="bin/run to serve", logs=(log,))  # fmt: skip
        assert process.poll() is None, log.read_text()
        printed = dict(LINE.findall(log.read_text()))
        base = f"http://127.0.0.1:{port}"
        sdk = Kombo(
            api_key=printed["API key"], server_url=f"{base}/v1", timeout_ms=60_000
        )  # a first request on a busy machine
        assert sdk.general.check_api_key().data.environment_id
        assert requests.get(f"{base}/", timeout=10).status_code == 200
        _sign_in_to_the_admin_home(base, password=ADMIN_PASSWORD.search(printed["Admin"]).group(1))  # type: ignore[union-attr]
        children = [int(pid) for pid in PIDS.search(log.read_text()).groups()]  # type: ignore[union-attr]
    finally:
        if stop == signal.SIGINT:
            os.killpg(process.pid, signal.SIGINT)  # Ctrl-C: the terminal signals the whole foreground group
        else:
            os.kill(process.pid, signal.SIGTERM)
        try:
            code = process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"bin/run did not stop:\n{log.read_text()}") from None
    assert code == 128 + stop, log.read_text()
    for pid in children:  # web and worker stopped with it (and were reaped: no zombie either)
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    # gunicorn's graceful stop (SIGTERM from bin/run), not its "quit now" (the terminal's SIGINT).
    assert "Handling signal: term" in log.read_text()
    return printed


def test_bin_run_twice_prints_the_same_login_and_key_and_stops_cleanly(tmp_path: Path) -> None:
    var = tmp_path / "var"
    first = run_once(var, free_port(), tmp_path / "run-1.log", stop=signal.SIGINT)
    second = run_once(var, free_port(), tmp_path / "run-2.log", stop=signal.SIGTERM)

    assert first["API key"].startswith("trib_")
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/admin/  \(user admin, password \S{16}\)", first["Admin"])
    assert (second["API key"], second["Integration"]) == (first["API key"], first["Integration"])
    assert second["Admin"].split("(")[1] == first["Admin"].split("(")[1]  # same user and password
    for secret in ("demo-credentials.json", "demo.json", "secret_key", "credentials_keys"):
        assert stat.S_IMODE((var / secret).stat().st_mode) == 0o600, secret
