"""The targeted delta's time slice: a task works off batches for at most `INBOUND_TARGETED_SLICE_SECONDS` (always at
least one batch), then hands the rest to a fresh task at the end of the queue, so the tasks queued behind it (the
outgoing deliveries) get the worker. The targets are offers (read per parent, so the targeted delta reads nothing
for them and calls no ATS): 1001 pending targets are two batches of at most 1000."""

from __future__ import annotations

from typing import Any

import pytest
from django_q.models import OrmQ

from apps.connectors.catalog import AuthKind, ReadModel
from apps.core.timeutils import utcnow
from apps.integrations.inbound_targeted import BATCH, targeted_sync
from apps.integrations.models import Environment, InboundPendingTarget, Integration, SyncRun
from apps.integrations.services import integration_create


@pytest.fixture
def integration(environment: Environment) -> Integration:
    created = integration_create(
        environment=environment, tool="smartrecruiters", end_user_organization_name="Acme Corp",
        auth_kind=AuthKind.API_KEY, credentials={"api_key": "DCRA1-x"}, base_url="http://127.0.0.1:9",
        setup_status=Integration.SetupStatus.COMPLETED,
    )  # fmt: skip
    now = utcnow()
    InboundPendingTarget.objects.bulk_create(
        InboundPendingTarget(integration=created, model=ReadModel.OFFERS.value, remote_id=f"o{n}", first_event_at=now)
        for n in range(BATCH + 1)
    )
    OrmQ.objects.all().delete()
    return created


def state(integration: Integration) -> tuple[int, int, int]:
    """(targeted runs, pending targets, queued tasks)"""
    runs = SyncRun.objects.filter(integration=integration, type=SyncRun.Type.TARGETED, status="SUCCEEDED").count()
    return runs, InboundPendingTarget.objects.filter(integration=integration).count(), OrmQ.objects.count()


def test_a_used_up_slice_hands_the_rest_to_a_fresh_task(integration: Integration, settings: Any) -> None:
    settings.INBOUND_TARGETED_SLICE_SECONDS = 0
    assert targeted_sync(integration.id) == "done"
    assert state(integration) == (1, 1, 1)  # one batch of 1000, the last target left to the task queued
    assert targeted_sync(integration.id) == "done"
    assert state(integration) == (2, 0, 1)
    assert targeted_sync(integration.id) == "done"  # nothing left: no run
    assert state(integration) == (2, 0, 1)


def test_within_its_slice_a_task_works_off_every_batch(integration: Integration, settings: Any) -> None:
    settings.INBOUND_TARGETED_SLICE_SECONDS = 60
    assert targeted_sync(integration.id) == "done"
    assert state(integration) == (2, 0, 0)
