"""`manage.py sync`, `manage.py sandbox` and the admin's sync pages."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client

from apps.applications.models import Application
from apps.connectors.sandbox.store import SandboxStore
from apps.integrations.models import Integration, SyncRun


def test_sync_command_runs_with_a_progress_bar(integration: Integration, store: SandboxStore) -> None:
    Integration.objects.filter(id=integration.id).update(sync_all_records=True)
    out = StringIO()

    call_command("sync", integration.id, "--full", stdout=out)

    run = SyncRun.objects.get()
    lines = out.getvalue().splitlines()
    assert lines[0] == f"Starting FULL sync {run.id} of {integration.id}"
    assert lines[-2] == f"[{'#' * 30}] 100%  12/12 models  {'-':<22} {run.fetched:>9,} records"
    assert lines[-1].startswith(f"SUCCEEDED: {run.fetched:,} records read ({run.created:,} new, 0 changed")
    assert any("ats_candidates" in line for line in lines[1:-2])
    assert (run.trigger, run.status) == ("COMMAND", "SUCCEEDED")


def test_sync_command_refuses_an_unknown_integration(db: None) -> None:
    with pytest.raises(CommandError, match="No integration 'sandbox:nope'"):
        call_command("sync", "sandbox:nope")


def test_sandbox_advance_makes_time_pass_for_one_integration(
    integration: Integration, store: SandboxStore, tmp_path: Path
) -> None:
    out = StringIO()
    twin = SandboxStore(tmp_path / "twin.sqlite3")  # same seed, same size: the same history

    call_command("sandbox", "advance", "--integration", integration.id, "--steps", "2", "--json", stdout=out)

    assert json.loads(out.getvalue()) == {integration.id: twin.advance(steps=2).as_dict()}
    assert store.meta("advance_step") == "2"


def test_sandbox_info_counts_records(integration: Integration, store: SandboxStore) -> None:
    out = StringIO()

    call_command("sandbox", "info", "--json", stdout=out)

    info = json.loads(out.getvalue())[integration.id]
    assert (info["jobs"], info["candidates"], info["applications"]) == (6, 88, 106)
    assert info["path"] == str(store.path)


@pytest.fixture
def staff(client: Client, db: None) -> Client:
    User.objects.create_superuser("staff", "staff@example.com", "pw-for-tests")
    client.login(username="staff", password="pw-for-tests")
    return client


def test_admin_lists_sync_runs_with_progress_and_opens_one(
    staff: Client, integration: Integration, store: SandboxStore
) -> None:
    call_command("sync", integration.id, "--full", stdout=StringIO())
    run = SyncRun.objects.get()

    listing = staff.get("/admin/integrations/syncrun/").content.decode()
    detail = staff.get(f"/admin/integrations/syncrun/{run.id}/change/").content.decode()

    assert run.id in listing
    assert 'title="100%"' in listing
    assert "ats_applications" in detail
    assert run.claim_token == ""


def test_admin_sync_now_action_queues_runs(staff: Client, integration: Integration) -> None:
    response = staff.post(
        "/admin/integrations/integration/",
        {"action": "sync_now", "_selected_action": [integration.pk]},
        follow=True,
    )

    run = SyncRun.objects.get()
    # Never synced before: the delta asked for runs as a full sync, and the message says so.
    assert (run.type, run.trigger, run.status) == ("FULL", "ADMIN", "QUEUED")
    assert f"Integration {integration.id}: FULL sync {run.id} queued." in response.content.decode()
    assert Application.objects.count() == 0
