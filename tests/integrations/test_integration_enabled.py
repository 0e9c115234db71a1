"""`set_integration_enabled`: off → INACTIVE, writes / syncs / passthrough answer the one documented error, reads of
synced data still work; on → ACTIVE again and a sync is queued (and runs)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from kombo import Kombo
from kombo.errors import KomboAtsError, KomboGeneralError

from apps.integrations.enabled import MESSAGE_DISABLED
from apps.integrations.models import Environment, SyncRun
from apps.integrations.sync import RunOutcome, sync_run_execute
from tests.integrations.fields_support import connected

pytestmark = pytest.mark.django_db(transaction=True)


def test_disabled_then_enabled_again(
    environment: Environment, kombo_client: Callable[..., Kombo], run_sync: Callable[..., SyncRun]
) -> None:
    with connected(environment, "smartrecruiters") as found:
        integration = found.integration
        run_sync(integration, SyncRun.Type.FULL)
        sdk = kombo_client(integration_id=integration.id)
        jobs = sdk.ats.get_jobs().result.data.results
        candidates = sdk.ats.get_candidates().result.data.results
        assert jobs
        assert candidates

        sdk.general.set_integration_enabled(integration_id=integration.id, value=False)
        assert sdk.general.get_integration_details(integration_id=integration.id).data.status == "INACTIVE"
        expected = ("PLATFORM.INPUT_INVALID", 400, MESSAGE_DISABLED.format(id=integration.id))

        with pytest.raises(KomboAtsError) as write:
            sdk.ats.create_application(
                job_id=jobs[0].id,
                candidate={"first_name": "Ada", "last_name": "Lovelace", "email_address": "ada@example.com"},
            )
        with pytest.raises(KomboAtsError) as tag:
            sdk.ats.add_candidate_tag(candidate_id=candidates[0].id, tag={"name": "x"})
        with pytest.raises(KomboGeneralError) as sync:
            sdk.general.trigger_sync()
        with pytest.raises(KomboGeneralError) as passthrough:
            sdk.general.send_passthrough_request(tool="smartrecruiters", api="default", method="GET", path="/jobs")
        for caught in (write, tag, sync, passthrough):
            assert (caught.value.data.error.code, caught.value.status_code, str(caught.value)) == expected

        # reads of synced data keep working
        assert [job.id for job in sdk.ats.get_jobs().result.data.results] == [job.id for job in jobs]
        assert len(sdk.ats.get_candidates().result.data.results) == len(candidates)

        runs_before = SyncRun.objects.filter(integration=integration).count()
        sdk.general.set_integration_enabled(integration_id=integration.id, value=True)
        assert sdk.general.get_integration_details(integration_id=integration.id).data.status == "ACTIVE"
        queued = SyncRun.objects.get(integration=integration, status=SyncRun.Status.QUEUED)
        assert (SyncRun.objects.filter(integration=integration).count(), queued.trigger) == (runs_before + 1, "API")
        assert sync_run_execute(run_id=queued.id, time_budget=float("inf")) == RunOutcome.SUCCEEDED

        # switching on what is on queues nothing more
        sdk.general.set_integration_enabled(integration_id=integration.id, value=True)
        assert SyncRun.objects.filter(integration=integration).count() == runs_before + 1
