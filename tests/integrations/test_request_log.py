"""The request log over loopback: a Factorial integration on its emulator, synced by the real engine and written to
through the API; every outbound call is a row linked to its run or its request, and no secret is stored."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from apps.applications.models import Application
from apps.connectors.catalog import AuthKind
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.factorial.emulator import DEFAULT_API_KEY, FactorialEmulator, create_app
from apps.core.timeutils import utcnow
from apps.integrations.housekeeping import housekeeping_run
from apps.integrations.models import ApiKey, Environment, Integration, OutboundRequest, SyncRun
from apps.integrations.services import integration_create
from apps.integrations.sync import RunOutcome, sync_run_execute, sync_run_request


@pytest.fixture(scope="module")
def emulator() -> Iterator[tuple[FactorialEmulator, str]]:
    app = create_app(limits_enabled=False)
    with LoopbackServer(app) as server:
        yield app, server.url


@pytest.fixture
def factorial(environment: Environment, emulator: tuple[FactorialEmulator, str]) -> Integration:
    integration = integration_create(
        environment=environment,
        tool="factorial",
        end_user_organization_name="Acme Corp",
        auth_kind=AuthKind.API_KEY,
        credentials={"api_key": DEFAULT_API_KEY},
        base_url=emulator[1],
        setup_status=Integration.SetupStatus.COMPLETED,
    )
    integration.sync_all_records = True
    integration.save(update_fields=["sync_all_records"])
    return integration


def every_stored_text() -> str:
    return json.dumps(list(OutboundRequest.objects.values()), default=str)


@pytest.mark.django_db(transaction=True)
def test_a_sync_run_and_a_write_link_to_exactly_their_calls_and_no_secret_is_stored(
    factorial: Integration, api_key: ApiKey, admin_client: Client
) -> None:
    run, _ = sync_run_request(integration=factorial, type=SyncRun.Type.FULL, trigger=SyncRun.Trigger.COMMAND,
                              enqueue=False)  # fmt: skip
    assert sync_run_execute(run_id=run.id, time_budget=float("inf")) == RunOutcome.SUCCEEDED
    run.refresh_from_db()

    run_calls = OutboundRequest.objects.filter(sync_run=run)
    base = "/api/2026-10-01/resources"
    # the engine's reads, in order, then the integration fields refreshed after the successful run (same task)
    paths = run_calls.order_by("id").values_list("path", flat=True)
    assert [path.split("?")[0].removeprefix(base) for path in paths] == [
        "/employees/employees", "/ats/rejection_reasons", "/ats/job_postings", "/ats/application_phases",
        "/ats/questions", "/ats/candidates", "/ats/candidate_sources", "/ats/applications", "/ats/application_phases",
        "/ats/answers", "/ats/rejection_reasons", "/ats/feedbacks", "/ats/applications", "/custom_fields/fields",
    ]  # fmt: skip
    assert run.upstream_calls == 13
    assert OutboundRequest.objects.count() == 14  # nothing outside the run
    assert set(run_calls.values_list("integration_id", flat=True)) == {factorial.id}
    assert set(run_calls.values_list("method", flat=True)) == {"GET"}
    assert set(run_calls.values_list("status", flat=True)) == {200}
    assert all(path.startswith("/api/") for path in run_calls.values_list("path", flat=True))
    assert set(run_calls.values_list("body_excerpt", flat=True)) == {""}

    application = Application.objects.filter(integration=factorial).exclude(remote_id=None).order_by("remote_id")[0]
    answer = Client().post(
        f"/v1/ats/applications/{application.id}/notes",
        data={"content": "Strong systems background.", "content_type": "PLAIN_TEXT"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_key.raw_key}",
        HTTP_X_INTEGRATION_ID=factorial.id,
    )
    assert answer.status_code == 200, answer.content
    write_calls = OutboundRequest.objects.filter(request_id=answer["X-Request-Id"])
    assert write_calls.count() >= 1
    assert OutboundRequest.objects.count() == 14 + write_calls.count()
    assert {(call.method, call.sync_run_id) for call in write_calls} >= {("POST", None)}

    stored = every_stored_text()
    assert DEFAULT_API_KEY not in stored
    assert api_key.raw_key not in stored

    # the admin links the run to its calls and lists exactly them
    page = admin_client.get(reverse("admin:integrations_syncrun_change", args=[run.id]))
    link = f"{reverse('admin:integrations_outboundrequest_changelist')}?sync_run={run.id}"
    assert link in page.content.decode()
    listed = admin_client.get(link)
    assert listed.status_code == 200
    assert listed.context["cl"].result_count == 14
    written = admin_client.get(
        reverse("admin:integrations_outboundrequest_changelist") + f"?request_id={answer['X-Request-Id']}"
    )
    assert written.context["cl"].result_count == write_calls.count()


@pytest.mark.django_db(transaction=True)
def test_a_refused_call_keeps_the_vendor_body_without_the_key_and_the_filters_find_it(
    environment: Environment, emulator: tuple[FactorialEmulator, str], admin_client: Client
) -> None:
    wrong_key = "wrong-key-0123456789abcdef"
    integration = integration_create(
        environment=environment, tool="factorial", end_user_organization_name="Bad Key Ltd",
        auth_kind=AuthKind.API_KEY, credentials={"api_key": wrong_key}, base_url=emulator[1],
        setup_status=Integration.SetupStatus.COMPLETED,
    )  # fmt: skip
    run, _ = sync_run_request(integration=integration, type=SyncRun.Type.FULL, trigger=SyncRun.Trigger.COMMAND,
                              enqueue=False)  # fmt: skip
    assert sync_run_execute(run_id=run.id, time_budget=float("inf")) == RunOutcome.FAILED

    failed = OutboundRequest.objects.get(sync_run=run)
    assert failed.status == 401
    assert failed.body_excerpt != ""
    assert wrong_key not in every_stored_text()

    changelist = reverse("admin:integrations_outboundrequest_changelist")
    only_failed = admin_client.get(f"{changelist}?integration__id__exact={integration.id}&status_class=failed")
    assert [row.pk for row in only_failed.context["cl"].result_list] == [failed.pk]
    assert admin_client.get(f"{changelist}?status_class=2xx").context["cl"].result_count == 0
    assert admin_client.get(f"{changelist}?q=/api/").context["cl"].result_count == 1


@pytest.mark.django_db
def test_housekeeping_deletes_calls_older_than_the_retention(factorial: Integration, settings: object) -> None:
    now = utcnow()
    rows = [
        OutboundRequest(
            at=now - timedelta(days=days),
            integration=factorial,
            integration_key=factorial.id,
            method="GET",
            path="/x",
            status=200,
            duration_ms=1,
        )  # fmt: skip
        for days in (15, 13)
    ]
    OutboundRequest.objects.bulk_create(rows)

    assert housekeeping_run(now=now)["outbound_requests"] == 1
    assert list(OutboundRequest.objects.values_list("at", flat=True)) == [now - timedelta(days=13)]
