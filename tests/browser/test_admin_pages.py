"""The admin as operators use it, in headless Chromium against the Factorial emulator: the home dashboard, an
integration page whose running sync moves live, a source mapping edit refused by the live check, and the request
log filtered to one integration's failed calls.

One Chromium for the module (`tab`); screenshots under test-artifacts/connect-flow/<test>/.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page, expect

from apps.attribution.services import source_mapping_ensure
from apps.connectors.catalog import AuthKind
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.factorial.emulator import DEFAULT_API_KEY, create_app
from apps.core.timeutils import utcnow
from apps.integrations.models import Environment, Integration, OutboundRequest, SyncRun
from apps.integrations.services import integration_create
from apps.integrations.sync import RunOutcome, sync_run_execute, sync_run_request

pytestmark = pytest.mark.browser

Shoot = Callable[[Page, str], Path]
WRONG_KEY = "wrong-key-0123456789abcdef"


@pytest.fixture(scope="module")
def factorial_url() -> Iterator[str]:
    with LoopbackServer(create_app(limits_enabled=False)) as server:
        yield server.url


@pytest.fixture
def staff(tab: Page, live_server: Any, django_user_model: type[User]) -> Page:
    """The tab signed in to the admin as a superuser (the session cookie of a forced login)."""
    user = django_user_model.objects.create_superuser("operator", "ops@tributary.example.com", "operator-pass")
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    tab.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])
    tab.set_viewport_size({"width": 1440, "height": 900})
    return tab


def _factorial(environment: Environment, url: str, *, name: str, api_key: str = DEFAULT_API_KEY) -> Integration:
    return integration_create(
        environment=environment, tool="factorial", end_user_organization_name=name, auth_kind=AuthKind.API_KEY,
        credentials={"api_key": api_key}, base_url=url, setup_status=Integration.SetupStatus.COMPLETED,
    )  # fmt: skip


def _sync(integration: Integration) -> tuple[SyncRun, RunOutcome]:
    run, _ = sync_run_request(integration=integration, type=SyncRun.Type.FULL, trigger=SyncRun.Trigger.COMMAND,
                              enqueue=False)  # fmt: skip
    outcome = sync_run_execute(run_id=run.id, time_budget=float("inf"))
    run.refresh_from_db()
    return run, outcome


def test_the_dashboard_answers_is_everything_all_right(
    staff: Page, shoot: Shoot, live_server: Any, environment: Environment, factorial_url: str
) -> None:
    _factorial(environment, factorial_url, name="Globex")
    broken = _factorial(environment, factorial_url, name="Initech", api_key=WRONG_KEY)
    assert _sync(broken)[1] == RunOutcome.FAILED

    staff.goto(f"{live_server.url}/admin/")

    expect(staff.locator("#site-name")).to_have_text("Tributary")
    expect(staff.locator("h1")).to_have_text("Is everything all right?")

    def figure(label: str) -> Any:
        return staff.locator(".dashboard-figure", has_text=label).locator(".figure-value")

    # the 401 made Initech's integration invalid and opened its issue
    expect(figure("Integrations active")).to_have_text("1")
    expect(figure("Integrations invalid")).to_have_text("1")
    expect(figure("Open integration issues")).to_have_text("1")
    expect(
        staff.locator(".dashboard-figure", has_text="Abandoned connection flows").locator(".figure-value")
    ).to_have_text("0")
    shoot(staff, "dashboard")
    staff.locator(".dashboard-figure", has_text="Integrations invalid").locator("a").click()
    expect(staff.locator("#result_list tbody tr")).to_have_count(1)
    expect(staff.locator("#result_list tbody tr")).to_contain_text("Initech")
    shoot(staff, "dashboard-invalid-integrations")


def test_an_integration_page_shows_a_running_sync_move_live(
    staff: Page, shoot: Shoot, live_server: Any, environment: Environment, factorial_url: str
) -> None:
    integration = _factorial(environment, factorial_url, name="Globex")
    run = SyncRun.objects.create(
        integration=integration, type="FULL", trigger="ADMIN", status="RUNNING", started_at=utcnow(),
        models_total=8, models_done=2, current_model="ats_jobs", fetched=40,
    )  # fmt: skip
    staff.goto(f"{live_server.url}{reverse('admin:integrations_integration_change', args=[integration.pk])}")
    row = staff.locator(f'tr[data-run="{run.id}"]')
    expect(row.locator(".run-detail")).to_have_text("2/8 models · ats_jobs · 40 records")
    expect(staff.locator("#sync-now")).to_be_visible()
    expect(staff.locator("#relink")).to_be_visible()
    expect(staff.locator("#recheck-source")).to_be_visible()
    expect(staff.locator(".next-sync").first).to_contain_text("delta at ")
    shoot(staff, "integration-page-running-sync")

    # the worker moves on: the page follows without a reload
    SyncRun.objects.filter(pk=run.pk).update(models_done=6, current_model="ats_applications", fetched=512)
    expect(row.locator(".run-detail")).to_have_text("6/8 models · ats_applications · 512 records")
    assert row.locator(".progress-fill").evaluate("bar => bar.style.width") == "75%"
    shoot(staff, "integration-page-progress-moved")
    SyncRun.objects.filter(pk=run.pk).update(status="SUCCEEDED", models_done=8, finished_at=utcnow(), current_model="")
    expect(row.locator(".run-status")).to_have_text("SUCCEEDED")
    expect(row).to_have_attribute("data-active", "false")
    shoot(staff, "integration-page-run-finished")

    # "Sync now" takes the operator to the run it started, whose progress moves live there too
    staff.locator("#sync-now").click()
    started = SyncRun.objects.filter(integration=integration).exclude(pk=run.pk).get()
    assert staff.url.endswith(reverse("admin:integrations_syncrun_change", args=[started.id]))
    own = staff.locator(f'tr[data-run="{started.id}"]')
    expect(own.locator(".run-status")).to_have_text("QUEUED")
    SyncRun.objects.filter(pk=started.pk).update(status="RUNNING", models_total=4, models_done=1, fetched=9)
    expect(own.locator(".run-detail")).to_have_text("1/4 models · 9 records")
    expect(own.locator(".run-status")).to_have_text("RUNNING")
    shoot(staff, "sync-now-run-page-live")


def test_a_source_mapping_edit_is_refused_live(
    staff: Page, shoot: Shoot, live_server: Any, environment: Environment, factorial_url: str
) -> None:
    integration = _factorial(environment, factorial_url, name="Globex")
    mapping = source_mapping_ensure(integration=integration)
    before = (mapping.status, mapping.remote_id)
    staff.goto(f"{live_server.url}{reverse('admin:attribution_sourcemapping_change', args=[mapping.pk])}")

    staff.locator("#id_status").select_option("CONFIGURED")
    staff.locator("#id_remote_id").fill("987654321")
    staff.locator("input[name=_save]").click()

    expect(staff.locator(".errornote, .errorlist").first).to_be_visible()
    expect(staff.locator("body")).to_contain_text("factorial has no source with the id '987654321'.")
    shoot(staff, "source-mapping-refused")
    mapping.refresh_from_db()
    assert (mapping.status, mapping.remote_id) == before


def test_the_request_log_filtered_to_one_integrations_failed_calls(
    staff: Page, shoot: Shoot, live_server: Any, environment: Environment, factorial_url: str
) -> None:
    good = _factorial(environment, factorial_url, name="Globex")
    broken = _factorial(environment, factorial_url, name="Initech", api_key=WRONG_KEY)
    other_broken = _factorial(environment, factorial_url, name="Umbrella", api_key=WRONG_KEY + "x")
    assert _sync(good)[1] == RunOutcome.SUCCEEDED
    assert _sync(broken)[1] == RunOutcome.FAILED
    assert _sync(other_broken)[1] == RunOutcome.FAILED
    failed = OutboundRequest.objects.get(integration=broken)

    # from the integration's page, its failed calls
    staff.goto(f"{live_server.url}{reverse('admin:integrations_integration_change', args=[broken.pk])}")
    staff.get_by_role("link", name="failed ones").click()

    rows = staff.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("401")
    expect(rows.first).to_contain_text(failed.path.split("?")[0])
    selected = staff.locator("#changelist-filter li.selected")
    expect(selected.filter(has_text="Failed (not 2xx)")).to_have_count(1)
    expect(selected.filter(has_text="Initech")).to_have_count(1)
    assert WRONG_KEY not in staff.content()
    shoot(staff, "request-log-failed-calls-of-one-integration")
    rows.first.locator("a").first.click()
    expect(staff.locator("body")).to_contain_text("401")
    assert WRONG_KEY not in staff.content()
    shoot(staff, "request-log-failed-call")
