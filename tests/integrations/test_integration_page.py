"""The integration page's next sync, live progress endpoint, "Re-check source" and "Relink link"; integrations of
abandoned connection flows hidden from the list and the home by default and deleted by housekeeping."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from apps.core.timeutils import utcnow
from apps.integrations.abandoned import abandoned_integrations_purge
from apps.integrations.connect_services import connect_link_create
from apps.integrations.housekeeping import housekeeping_run
from apps.integrations.integration_page import next_scheduled_sync
from apps.integrations.models import ConnectLink, Environment, Integration, SyncRun
from tests.factories.integrations import IntegrationFactory

pytestmark = pytest.mark.django_db


def _flow(client: Client, environment: Environment, *, finish: bool, skip_source: bool = True) -> Integration:
    """A sandbox connection flow run by the end user up to the checks (abandoned) or to the end."""
    link = connect_link_create(
        environment=environment, end_user_email="hr@globex.example.com", end_user_organization_name="Globex",
        integration_tool="sandbox", base_url="http://testserver",
    )  # fmt: skip
    path = link.url.removeprefix("http://testserver")
    assert client.post(f"{path}connect", {"mode": "NONE"}).status_code == 302
    if finish and skip_source:
        assert client.post(f"{path}source", {"action": "skip"}).status_code == 200
    elif finish:
        assert client.post(f"{path}source", {"action": "create"}).status_code == 302
        assert client.post(f"{path}finish").status_code == 200
    link.link.refresh_from_db()
    assert link.link.integration is not None
    return link.link.integration


def _listed(admin_client: Client, query: str = "") -> list[str]:
    page = admin_client.get(reverse("admin:integrations_integration_changelist") + query)
    return sorted(row.pk for row in page.context["cl"].result_list)


def test_abandoned_flows_are_left_out_of_the_list_and_the_home_unless_asked_for(
    admin_client: Client, environment: Environment
) -> None:
    abandoned = _flow(Client(), environment, finish=False)
    skipped_source = _flow(Client(), environment, finish=True)  # INCOMPLETE too, but finished: it stays listed
    active = IntegrationFactory(environment=environment)
    assert (abandoned.setup_status, skipped_source.setup_status) == ("INCOMPLETE", "INCOMPLETE")

    assert _listed(admin_client) == sorted([skipped_source.pk, active.pk])
    assert _listed(admin_client, "?flow=abandoned") == [abandoned.pk]
    assert _listed(admin_client, "?flow=all") == sorted([abandoned.pk, skipped_source.pk, active.pk])

    html = admin_client.get("/admin/").content.decode()
    figures = {
        label.strip(): value.strip()
        for value, label in re.findall(
            r'figure-value[^>]*>([^<]*)</span>\s*<span class="figure-label">([^<]*)</span>', html
        )
    }
    assert (figures["Integrations incomplete"], figures["Integrations active"]) == ("1", "1")
    assert figures["Abandoned connection flows"] == "1"
    # and its own page still opens, with nothing scheduled
    page = admin_client.get(reverse("admin:integrations_integration_change", args=[abandoned.pk]))
    assert "Not scheduled (setup incomplete)" in page.content.decode()


def test_housekeeping_deletes_abandoned_flows_after_the_retention(environment: Environment, settings: Any) -> None:
    assert django_settings.ABANDONED_INTEGRATION_RETENTION_DAYS == 7  # the default
    old = _flow(Client(), environment, finish=False)
    old_but_link_open = _flow(Client(), environment, finish=False)
    recent = _flow(Client(), environment, finish=False)
    finished_old = _flow(Client(), environment, finish=True)
    now = utcnow()
    Integration.objects.filter(pk__in=[old.pk, old_but_link_open.pk, finished_old.pk]).update(
        created_at=now - timedelta(days=8)
    )
    ConnectLink.objects.exclude(integration=old_but_link_open).update(expires_at=now - timedelta(days=1))

    assert housekeeping_run(now=now)["abandoned_integrations"] == 1

    assert sorted(Integration.objects.values_list("pk", flat=True)) == sorted(
        [old_but_link_open.pk, recent.pk, finished_old.pk]
    )
    settings.ABANDONED_INTEGRATION_RETENTION_DAYS = 0
    ConnectLink.objects.update(expires_at=now - timedelta(days=1))
    assert abandoned_integrations_purge(now=now + timedelta(seconds=1)) == 2  # the open link expired; recent too
    assert list(Integration.objects.values_list("pk", flat=True)) == [finished_old.pk]


def test_the_next_sync_follows_the_schedule(environment: Environment) -> None:
    integration = IntegrationFactory(environment=environment)
    Integration.objects.filter(pk=integration.pk).update(delta_sync_minutes=10, full_sync_minutes=600)
    integration.refresh_from_db()
    now = utcnow().replace(microsecond=0)
    assert next_scheduled_sync(integration, now=now) == "full, due now (queued within a minute)"

    run = SyncRun.objects.create(integration=integration, type="FULL", trigger="SCHEDULE", status="SUCCEEDED")
    SyncRun.objects.filter(pk=run.pk).update(created_at=now - timedelta(minutes=4))
    expected = (now + timedelta(minutes=6)).strftime("%Y-%m-%d %H:%M:%S")
    assert next_scheduled_sync(integration, now=now) == f"delta at {expected}"

    Integration.objects.filter(pk=integration.pk).update(enabled=False)
    integration.refresh_from_db()
    assert next_scheduled_sync(integration, now=now) == "Not scheduled (disabled)"


def test_the_progress_endpoint_reports_a_running_sync(admin_client: Client, environment: Environment) -> None:
    integration = IntegrationFactory(environment=environment)
    run = SyncRun.objects.create(
        integration=integration, type="FULL", trigger="ADMIN", status="RUNNING", started_at=utcnow(),
        models_total=8, models_done=3, current_model="ats_candidates", fetched=420,
    )  # fmt: skip

    answer = admin_client.get(reverse("admin:integrations_integration_progress", args=[integration.pk]))

    assert answer.status_code == 200
    assert answer.json() == {
        "runs": [{
            "id": run.id, "status": "RUNNING", "percent": 37, "models_done": 3, "models_total": 8,
            "current_model": "ats_candidates", "fetched": 420, "active": True,
        }]
    }  # fmt: skip
    page = admin_client.get(reverse("admin:integrations_integration_change", args=[integration.pk])).content.decode()
    assert f'<tr data-run="{run.id}" data-active="true">' in page
    assert "3/8 models · ats_candidates · 420 records" in page


def test_relink_issues_a_reconnection_link_and_recheck_source_checks_live(
    admin_client: Client, environment: Environment
) -> None:
    integration = _flow(Client(), environment, finish=True, skip_source=False)  # sandbox source created
    page = reverse("admin:integrations_integration_change", args=[integration.pk])

    answer = admin_client.post(reverse("admin:integrations_integration_relink", args=[integration.pk]))

    assert (answer.status_code, answer["Location"]) == (302, page)
    relink = ConnectLink.objects.get(kind=ConnectLink.Kind.RELINK)
    assert (relink.integration_id, relink.link_type) == (integration.pk, "MAGIC_LINK")
    [message] = [str(m) for m in get_messages(answer.wsgi_request)]
    assert message.startswith("Relink link for Globex (send it to the end user; it expires ")
    url = re.search(r'id="relink-url" href="([^"]+)"', message).group(1)  # type: ignore[union-attr]
    assert Client().get(url.removeprefix("http://testserver"))["Location"].endswith("/connect")

    answer = admin_client.post(reverse("admin:integrations_integration_recheck_source", args=[integration.pk]))

    assert answer["Location"] == page
    assert [str(m) for m in get_messages(answer.wsgi_request)][-1] == "Source re-checked live: Configured."
    html = admin_client.get(page).content.decode()
    assert '<span class="source-status" data-status="CONFIGURED">Configured</span>' in html


def test_housekeeping_forgets_credentials_kept_on_expired_links(environment: Environment) -> None:
    kept = connect_link_create(
        environment=environment, end_user_email="hr@globex.example.com", end_user_organization_name="Globex",
        integration_tool="sandbox", base_url="http://testserver",
    ).link  # fmt: skip
    open_link = connect_link_create(
        environment=environment, end_user_email="hr@globex.example.com", end_user_organization_name="Globex",
        integration_tool="sandbox", base_url="http://testserver",
    ).link  # fmt: skip
    ConnectLink.objects.filter(pk__in=[kept.pk, open_link.pk]).update(pending_credentials="sealed")
    ConnectLink.objects.filter(pk=kept.pk).update(expires_at=utcnow() - timedelta(minutes=1))

    assert housekeeping_run()["pending_credentials"] == 1

    assert dict(ConnectLink.objects.values_list("pk", "pending_credentials")) == {kept.pk: "", open_link.pk: "sealed"}


def test_abandoned_flows_are_left_out_of_the_attribution_coverage_unless_asked_for(
    admin_client: Client, environment: Environment
) -> None:
    from apps.attribution.selectors import attribution_coverage_report

    abandoned = _flow(Client(), environment, finish=False)
    active = IntegrationFactory(environment=environment)

    def listed(**kwargs: Any) -> list[str]:
        (entry,) = [e for e in attribution_coverage_report(days=3, **kwargs) if e.environment.pk == environment.pk]
        return sorted(item.integration.pk for item in entry.integrations)

    assert listed() == [active.pk]
    assert listed(include_abandoned=True) == sorted([abandoned.pk, active.pk])
    url = reverse("admin:attribution_coverage")
    assert abandoned.pk not in admin_client.get(url).content.decode()
    assert abandoned.pk in admin_client.get(url + "?abandoned=all").content.decode()
