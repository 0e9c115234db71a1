"""POST /v1/force-sync through the official SDK against a live server."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests
from django_q.models import OrmQ
from kombo import Kombo, errors

from apps.integrations.enabled import MESSAGE_DISABLED
from apps.integrations.models import ApiKey, Integration, SyncRun
from apps.integrations.sync import TASK_EXECUTE


@pytest.mark.django_db(transaction=True)
def test_force_sync_queues_one_run_and_reports_it_afterwards(kombo: Kombo, integration: Integration) -> None:
    first = kombo.general.trigger_sync(type_="DELTA")
    second = kombo.general.trigger_sync(type_="FULL")

    run = SyncRun.objects.get()
    assert first.STATUS == "success"
    # Nothing synced yet, so the requested delta runs (and is reported) as a full sync.
    assert (first.data.already_queued, first.data.sync_id, first.data.type) == (False, run.id, "FULL")
    assert (second.data.already_queued, second.data.sync_id, second.data.type) == (True, run.id, "FULL")
    assert (run.integration_id, run.trigger, run.status) == (integration.id, "API", "QUEUED")
    assert [(task.func(), task.args()) for task in OrmQ.objects.all()] == [(TASK_EXECUTE, (run.id, None))]


@pytest.mark.django_db(transaction=True)
def test_force_sync_delta_after_a_successful_sync_stays_a_delta(kombo: Kombo, integration: Integration) -> None:
    SyncRun.objects.create(
        integration=integration, type=SyncRun.Type.FULL, trigger=SyncRun.Trigger.SETUP,
        status=SyncRun.Status.SUCCEEDED, watermark=integration.created_at, sync_all=integration.sync_all_records,
    )  # fmt: skip

    result = kombo.general.trigger_sync(type_="DELTA")

    assert result.data.type == "DELTA"
    assert SyncRun.objects.get(id=result.data.sync_id).type == "DELTA"


@pytest.mark.django_db(transaction=True)
def test_force_sync_defaults_to_full(kombo: Kombo) -> None:
    assert kombo.general.trigger_sync().data.type == "FULL"


@pytest.mark.django_db(transaction=True)
def test_force_sync_of_an_unknown_or_foreign_integration_is_not_found(
    kombo_client: Callable[..., Kombo], foreign_integration: Integration
) -> None:
    with pytest.raises(errors.KomboGeneralError) as caught:
        kombo_client(integration_id=foreign_integration.id).general.trigger_sync()

    assert caught.value.status_code == 404
    assert caught.value.data.error.code == "PLATFORM.INTEGRATION_NOT_FOUND"
    assert SyncRun.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_force_sync_with_a_bad_type_names_the_field(
    api_base_url: str, api_key: ApiKey, integration: Integration
) -> None:
    response = requests.post(
        f"{api_base_url}/force-sync",
        json={"type": "PARTIAL"},
        headers={"Authorization": f"Bearer {api_key.raw_key}", "X-Integration-Id": integration.id},
        timeout=10,
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "PLATFORM.INPUT_INVALID"
    assert response.json()["error"]["message"].startswith("type:")
    assert SyncRun.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_force_sync_of_a_disabled_integration_is_refused(kombo: Kombo, integration: Integration) -> None:
    Integration.objects.filter(id=integration.id).update(enabled=False)

    with pytest.raises(errors.KomboGeneralError) as caught:
        kombo.general.trigger_sync()

    assert caught.value.data.error.code == "PLATFORM.INPUT_INVALID"
    assert str(caught.value) == MESSAGE_DISABLED.format(id=integration.id)
