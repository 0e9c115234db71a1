"""The admin home: Tributary's name, figures that answer "is everything all right?", a fixed number of queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.core.timeutils import utcnow
from apps.integrations.models import Environment, Integration, SyncRun
from tests.factories.integrations import IntegrationFactory


def figures(html: str) -> dict[str, str]:
    pairs = re.findall(r'figure-value[^>]*>([^<]*)</span>\s*<span class="figure-label">([^<]*)</span>', html)
    return {label.strip(): value.strip() for value, label in pairs}


def failed_run(integration: Integration) -> SyncRun:
    now = utcnow()
    return SyncRun.objects.create(
        integration=integration, type=SyncRun.Type.DELTA, trigger=SyncRun.Trigger.SCHEDULE,
        status=SyncRun.Status.FAILED, started_at=now, finished_at=now, error="boom",
    )  # fmt: skip


@pytest.mark.django_db
def test_the_home_is_branded_and_counts_integrations_by_state_and_failing_syncs(
    admin_client: Client, environment: Environment
) -> None:
    IntegrationFactory(environment=environment)
    invalid = IntegrationFactory(environment=environment)
    Integration.objects.filter(pk=invalid.pk).update(state=Integration.State.INVALID)
    IntegrationFactory(environment=environment, setup_status=Integration.SetupStatus.INCOMPLETE)
    failing = IntegrationFactory(environment=environment)
    failed_run(failing)

    page = admin_client.get("/admin/")
    html = page.content.decode()

    assert page.status_code == 200
    assert "<title>Is everything all right? | Tributary admin</title>" in html
    assert "Django administration" not in html
    shown = figures(html)
    assert {key: shown[key] for key in (
        "Integrations active", "Integrations invalid", "Integrations inactive", "Integrations incomplete",
        "Integrations whose last sync failed", "Integrations with a sync overdue", "Webhook deliveries failed",
        "Open integration issues", "Attribution coverage, last 7 days",
    )} == {
        "Integrations active": "2", "Integrations invalid": "1", "Integrations inactive": "0",
        "Integrations incomplete": "1", "Integrations whose last sync failed": "1",
        "Integrations with a sync overdue": "2", "Webhook deliveries failed": "0", "Open integration issues": "0",
        "Attribution coverage, last 7 days": "no applications",
    }  # fmt: skip
    # the unified ATS data comes last, under one "Synced data" section
    assert html.index("Synced data") > html.index("Integrations</a>")


@pytest.mark.django_db
def test_the_home_costs_the_same_queries_for_one_or_many_integrations(
    admin_client: Client, environment: Environment
) -> None:
    failed_run(IntegrationFactory(environment=environment))
    admin_client.get("/admin/")  # the session and caches warm up
    with CaptureQueriesContext(connection) as one:
        admin_client.get("/admin/")
    for _ in range(6):
        failed_run(IntegrationFactory(environment=environment))
    with CaptureQueriesContext(connection) as many:
        assert admin_client.get("/admin/").status_code == 200

    assert (len(one), len(many)) == (9, 9)
