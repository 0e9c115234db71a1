"""The demo environment: idempotent seeding for `manage.py demo` and the README's run command."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from apps.integrations.models import Environment, Integration, SyncRun
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
    admin_password: str
    integrations: list[Integration] = field(default_factory=list)


@transaction.atomic
def demo_seed() -> DemoSeed:
    """Create (once) the demo environment, admin user and sandbox integration; a fresh API key every call."""
    environment = Environment.objects.filter(name=DEMO_ENVIRONMENT_NAME).first() or environment_create(
        name=DEMO_ENVIRONMENT_NAME, display_name=DEMO_DISPLAY_NAME
    )
    _, raw_key = api_key_create(environment=environment, name="demo")

    password = secrets.token_urlsafe(12)
    user_model = get_user_model()
    admin_user = user_model.objects.filter(username=DEMO_ADMIN_USERNAME).first()
    if admin_user is None:
        admin_user = user_model.objects.create_superuser(DEMO_ADMIN_USERNAME, "admin@example.com", password)
    else:
        admin_user.set_password(password)
        admin_user.save(update_fields=["password"])

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
