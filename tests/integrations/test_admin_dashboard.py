"""The admin home: Tributary's name, figures that answer "is everything all right?", a fixed number of queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.core.timeutils import utcnow
from apps.integrations.models import Environment, Integration, SyncRun, SyncRunModel
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


def run_with_models(integration: Integration, fetched: int) -> SyncRun:
    now = utcnow()
    run = SyncRun.objects.create(
        integration=integration, type=SyncRun.Type.FULL, trigger=SyncRun.Trigger.SCHEDULE,
        status=SyncRun.Status.SUCCEEDED, started_at=now, finished_at=now,
    )  # fmt: skip
    for position, model in enumerate(("ats_jobs", "ats_candidates")):
        SyncRunModel.objects.create(run=run, model=model, position=position, status=SyncRunModel.Status.DONE,
                                    fetched=fetched, started_at=now, finished_at=now)  # fmt: skip
    return run


@pytest.mark.django_db
def test_the_integration_page_shows_runs_models_and_calls_and_no_editable_error(
    admin_client: Client, environment: Environment
) -> None:
    integration = IntegrationFactory(environment=environment, credentials={"api_key": "sk-live-0123456789"})
    run_with_models(integration, fetched=3)
    latest = run_with_models(integration, fetched=7)
    url = reverse("admin:integrations_integration_change", args=[integration.pk])

    admin_client.get(url)
    with CaptureQueriesContext(connection) as few:
        html = admin_client.get(url).content.decode()
    for _ in range(5):
        run_with_models(integration, fetched=9)
    with CaptureQueriesContext(connection) as more:
        admin_client.get(url)
    for _ in range(6):  # other integrations, with runs of their own, change nothing on this page
        run_with_models(IntegrationFactory(environment=environment), fetched=2)
    with CaptureQueriesContext(connection) as crowded:
        admin_client.get(url)

    # the page, the runs, the models, the next sync (one aggregate), the source mapping, the issues…: fixed
    assert (len(few), len(more), len(crowded)) == (9, 9, 9)
    assert 'name="last_error"' not in html
    assert "sk-live-0123456789" not in html
    assert "api_key: ••••••••" in html
    assert re.findall(r"<tr><td>(ats_\w+)</td><td>[^<]+</td><td>(\d+)</td>", html) == [
        ("ats_candidates", "7"), ("ats_jobs", "7"),
    ]  # fmt: skip
    assert reverse("admin:integrations_syncrun_change", args=[latest.id]) in html
    assert f"?integration__id__exact={integration.pk}&amp;status_class=failed" in html


@pytest.mark.django_db
def test_sync_now_takes_the_operator_to_the_run_it_started(admin_client: Client, environment: Environment) -> None:
    integration = IntegrationFactory(environment=environment)

    answer = admin_client.post(reverse("admin:integrations_integration_sync_now", args=[integration.pk]))

    run = SyncRun.objects.get(integration=integration)
    assert (run.status, run.trigger) == (SyncRun.Status.QUEUED, SyncRun.Trigger.ADMIN)
    assert answer.status_code == 302
    assert answer["Location"] == reverse("admin:integrations_syncrun_change", args=[run.id])


@pytest.mark.django_db
def test_the_sync_run_list_has_at_most_8_columns_with_ids_as_they_are(
    admin_client: Client, environment: Environment
) -> None:
    integration = IntegrationFactory(environment=environment)
    run = failed_run(integration)

    page = admin_client.get(reverse("admin:integrations_syncrun_changelist"))

    changelist = page.context["cl"]
    assert len(changelist.list_display) - 1 == 8  # the first column is the action checkbox
    html = page.content.decode()
    assert f'<td class="field-integration_id_shown">{integration.id}</td>' in html
    assert run.created_at.strftime("%Y-%m-%d %H:%M:%S") in html
