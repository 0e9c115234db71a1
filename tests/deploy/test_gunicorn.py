"""The web process as bin/run and deployments start it (bin/lib/web: gunicorn), on production settings."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from kombo import Kombo

from apps.integrations.models import ApiKey
from apps.integrations.sync import schedules_apply
from tests.deploy.processes import (
    age_heartbeats,
    forget_heartbeats,
    production_env,
    start_web,
    start_worker,
    stop_gracefully,
)
from tests.integrations.processes import kill, wait_for


@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_the_sdk_health_and_the_admin_with_its_css(
    api_key: ApiKey, tmp_path: Path, static_root: Path
) -> None:
    forget_heartbeats()
    schedules_apply()
    env = production_env(static_root)
    web, base = start_web(env, tmp_path / "web.log")
    worker = start_worker(env, tmp_path / "worker.log")
    try:
        # The official SDK against gunicorn.
        sdk = Kombo(api_key=api_key.raw_key, server_url=f"{base}/v1")
        assert sdk.general.check_api_key().data.environment_id == api_key.environment_id

        health = requests.get(f"{base}/healthz", timeout=10)
        assert (health.status_code, health.json()) == (200, {"status": "ok"})
        assert "no-cache" in health.headers["Cache-Control"]

        def ready() -> bool:
            return requests.get(f"{base}/readyz", timeout=10).status_code == 200

        wait_for(ready, timeout=60, what="/readyz to pass", logs=(tmp_path / "worker.log",))
        body = requests.get(f"{base}/readyz", timeout=10).json()
        assert body["status"] == "ok"
        assert body["failing"] == []
        assert {name: check["status"] for name, check in body["checks"].items()} == {
            "database": "ok", "migrations": "ok", "worker": "ok", "schedules": "ok",
        }  # fmt: skip
        assert body["checks"]["database"]["detail"] == "postgresql"

        # The worker dies (SIGKILL, like its machine) and its last heartbeat ages past 2 minutes.
        kill(worker)
        assert age_heartbeats(timedelta(minutes=3)) == 1
        stale = requests.get(f"{base}/readyz", timeout=10)
        assert stale.status_code == 503
        assert stale.json()["status"] == "fail"
        assert stale.json()["failing"] == ["worker"]
        assert stale.json()["checks"]["worker"] == {
            "status": "fail",
            "detail": "no django-q2 cluster heartbeat in the last 120 s",
        }
        assert stale.json()["checks"]["database"]["status"] == "ok"

        # The admin login page and every stylesheet it links, served by WhiteNoise with DEBUG off.
        login = requests.get(f"{base}/admin/login/", timeout=10)
        assert login.status_code == 200
        stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', login.text)
        assert any(re.fullmatch(r"/static/admin/css/base\.[0-9a-f]{12}\.css", href) for href in stylesheets)
        for href in stylesheets:
            css = requests.get(f"{base}{href}", timeout=10)
            assert (css.status_code, css.headers["Content-Type"]) == (200, 'text/css; charset="utf-8"'), href
            assert "max-age=315360000" in css.headers["Cache-Control"]  # hashed names: cached for good
    finally:
        kill(worker)
        assert stop_gracefully(web) == 0
    access_log = (tmp_path / "web.log").read_text()
    assert '"GET /healthz HTTP/1.1" 200' in access_log
    assert "Shutting down: Master" in access_log


def test_readyz_names_unapplied_migrations_and_missing_schedules(db: None, client: Client) -> None:
    forget_heartbeats()
    MigrationRecorder.Migration.objects.filter(
        app="integrations", name="0004_sync_interval_at_least_one_minute"
    ).delete()

    response = client.get("/readyz")

    body = response.json()
    assert response.status_code == 503
    assert body["failing"] == ["migrations", "worker", "schedules"]
    assert body["checks"]["migrations"] == {
        "status": "fail", "detail": "1 unapplied, first integrations.0004_sync_interval_at_least_one_minute",
    }  # fmt: skip
    assert body["checks"]["schedules"] == {
        "status": "fail",
        "detail": "missing tributary.housekeeping, tributary.sync_dispatch (run `manage.py setup_schedules`)",
    }
    assert client.get("/healthz").json() == {"status": "ok"}
