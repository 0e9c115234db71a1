"""The demo environment: idempotent seeding for `manage.py demo` and the README's run command."""

from __future__ import annotations

import json
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from apps.integrations.models import Environment, Integration, SyncRun
from apps.integrations.selectors import api_key_for_token
from apps.integrations.services import api_key_create, environment_create, integration_create

DEMO_ENVIRONMENT_NAME = "demo"
DEMO_DISPLAY_NAME = "Tributary Demo"
DEMO_ADMIN_USERNAME = "admin"
DEMO_ORIGIN_ID = "demo-sandbox"


@dataclass
class DemoSeed:
    environment: Environment
    api_key: str
    admin_username: str
    admin_password: str | None  # None: changed since it was generated (we never reset it)
    integrations: list[Integration] = field(default_factory=list)


@transaction.atomic
def demo_seed(*, new_key: bool = False) -> DemoSeed:
    """Create (once) the demo environment, admin user and sandbox integration.

    The demo API key and the generated admin password are kept in `DEMO_CREDENTIALS_FILE` (mode 600) and handed
    out again on the next call: no new key unless `new_key` (or the kept one no longer works), and an admin
    password changed since is neither reset nor shown.
    """
    environment = Environment.objects.filter(name=DEMO_ENVIRONMENT_NAME).first() or environment_create(
        name=DEMO_ENVIRONMENT_NAME, display_name=DEMO_DISPLAY_NAME
    )
    kept = _credentials_read()
    raw_key = kept.get("api_key", "")
    key = api_key_for_token(raw_key) if raw_key and not new_key else None
    if key is None or key.environment_id != environment.id:
        _, raw_key = api_key_create(environment=environment, name="demo")

    user_model = get_user_model()
    admin_user = user_model.objects.filter(username=DEMO_ADMIN_USERNAME).first()
    password: str | None = kept.get("admin_password") or None
    if admin_user is None:
        password = secrets.token_urlsafe(12)
        user_model.objects.create_superuser(DEMO_ADMIN_USERNAME, "admin@example.com", password)
    elif password is None or not admin_user.check_password(password):
        password = None

    if (raw_key, password) != (kept.get("api_key"), kept.get("admin_password")):
        _credentials_write({"api_key": raw_key, "admin_password": password})

    sandbox = Integration.objects.filter(
        environment=environment, tool="sandbox", end_user_origin_id=DEMO_ORIGIN_ID
    ).first() or integration_create(
        environment=environment,
        tool="sandbox",
        end_user_organization_name="Sandbox Inc.",
        end_user_email="hr@sandbox.example.com",
        end_user_origin_id=DEMO_ORIGIN_ID,
        setup_status=Integration.SetupStatus.COMPLETED,
    )
    if not sandbox.sync_all_records:
        # The demo shows every sandbox application, not only those created through the API.
        sandbox.sync_all_records = True
        sandbox.save(update_fields=["sync_all_records", "updated_at"])

    _demo_source_mapping(sandbox)
    return DemoSeed(
        environment=environment,
        api_key=raw_key,
        admin_username=DEMO_ADMIN_USERNAME,
        admin_password=password,
        integrations=[sandbox],
    )


def _credentials_read() -> dict[str, str]:
    try:
        data = json.loads(Path(settings.DEMO_CREDENTIALS_FILE).read_text())
    except (FileNotFoundError, ValueError):
        return {}
    return {key: value for key, value in data.items() if isinstance(value, str)} if isinstance(data, dict) else {}


def _credentials_write(data: dict[str, str | None]) -> None:
    """Replace the file atomically, readable by its owner only."""
    path = Path(settings.DEMO_CREDENTIALS_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(data, handle)
    os.chmod(partial, 0o600)
    os.replace(partial, path)


FIRST_SYNC_WAIT_SECONDS = 120


def demo_first_sync(integration: Integration) -> SyncRun | None:
    """Run the integration's first sync here and now (once): the demo's data is readable when `demo` returns.

    Later syncs are the scheduler's. Returns the run, or None when the integration had synced before.
    """
    from apps.integrations.sync import sync_run_execute, sync_run_request

    if SyncRun.objects.filter(integration=integration, status=SyncRun.Status.SUCCEEDED).exists():
        return None
    run, _ = sync_run_request(
        integration=integration, type=SyncRun.Type.FULL, trigger=SyncRun.Trigger.SETUP, enqueue=False
    )
    deadline = time.monotonic() + FIRST_SYNC_WAIT_SECONDS
    while True:
        sync_run_execute(run_id=run.id, time_budget=float("inf"), enqueue_continuation=False)
        run.refresh_from_db()
        # A worker may have claimed it first: then wait for that worker.
        if run.status not in SyncRun.ACTIVE_STATUSES or time.monotonic() > deadline:
            return run
        time.sleep(0.5)


def _demo_source_mapping(integration: Integration) -> None:
    """The seeded sandbox gets its source set up, as the connection flow's source step would do it."""
    from apps.attribution.models import SourceMapping
    from apps.attribution.services import source_mapping_create_remote, source_mapping_ensure

    if source_mapping_ensure(integration=integration).status != SourceMapping.Status.CONFIGURED:
        source_mapping_create_remote(integration=integration)
