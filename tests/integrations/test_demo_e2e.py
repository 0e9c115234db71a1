"""End to end: the README's run command seeds and syncs the sandbox; the official SDK reads it and sees time pass."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from kombo import Kombo

from apps.connectors.sandbox import mapping
from apps.connectors.sandbox.store import forget_store
from apps.integrations.connectors import sandbox_path_for, sandbox_store_for
from apps.integrations.models import Integration, SyncRun
from tests.connectors.sync_support import every


@pytest.mark.django_db(transaction=True)
def test_demo_sync_then_sdk_reads_the_sandbox_and_sees_outcomes_change(live_server: Any) -> None:
    out = StringIO()
    call_command("demo", "--json", "--base-url", live_server.url, stdout=out)
    demo = json.loads(out.getvalue())
    integration = Integration.objects.get(id=demo["integrations"][0]["id"])
    store = sandbox_store_for(integration)
    sdk = Kombo(api_key=demo["api_key"], integration_id=integration.id, server_url=demo["base_url"])
    try:
        first = SyncRun.objects.get(integration=integration)
        assert (first.type, first.trigger, first.status) == ("FULL", "SETUP", "SUCCEEDED")

        jobs = every(sdk.ats.get_jobs)
        assert {job.remote_id for job in jobs} == set(store.ids("jobs"))
        assert {q.format_.TYPE for job in jobs for q in job.screening_questions} == {
            "TEXT", "NUMBER", "FILE", "SINGLE_SELECT", "BOOLEAN", "DATE", "MULTI_SELECT", "INFORMATION", "UNKNOWN",
        }  # fmt: skip
        before = {app.remote_id: app.outcome for app in every(sdk.ats.get_applications)}
        assert before == {
            remote_id: mapping.outcome(store.get("applications", remote_id))  # type: ignore[arg-type]
            for remote_id in store.ids("applications")
        }
        # Every other list parses too, with exactly the sandbox's records.
        for list_call, store_model in [
            (sdk.ats.get_candidates, "candidates"), (sdk.ats.get_users, "users"), (sdk.ats.get_roles, "roles"),
            (sdk.ats.get_tags, "tags"), (sdk.ats.get_rejection_reasons, "rejection_reasons"),
            (sdk.ats.get_offers, "offers"), (sdk.ats.get_interviews, "interviews"), (sdk.ats.get_notes, "notes"),
            (sdk.ats.get_ats_scorecards, "scorecards"), (sdk.ats.get_ats_attachments, "attachments"),
        ]:  # fmt: skip
            assert {record.remote_id for record in every(list_call)} == set(store.ids(store_model)), store_model

        call_command("sandbox", "advance", "--integration", integration.id, "--steps", "3", stdout=StringIO())
        call_command("sync", integration.id, stdout=StringIO())

        after = {app.remote_id: app.outcome for app in every(sdk.ats.get_applications)}
        expected = {
            remote_id: mapping.outcome(store.get("applications", remote_id))  # type: ignore[arg-type]
            for remote_id in store.ids("applications")
        }
        assert after == expected
        decided = {rid for rid, outcome in before.items() if outcome == "PENDING" and after.get(rid) != "PENDING"}
        assert decided
        assert {after[rid] for rid in decided} <= {"HIRED", "DECLINED"}
        assert SyncRun.objects.filter(integration=integration).order_by("created_at").last().type == "DELTA"  # type: ignore[union-attr]
    finally:
        path = sandbox_path_for(integration)
        forget_store(path)
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
