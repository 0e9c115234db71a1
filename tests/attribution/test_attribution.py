"""Attribution services the write path calls, the source mapping, coverage figures and the admin pages."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from apps.attribution.models import ApplicationAttribution, SourceMapping
from apps.attribution.selectors import attribution_coverage, attribution_coverage_report, attribution_source_for_write
from apps.attribution.services import attribution_record_outcome, source_mapping_check, source_mapping_ensure
from apps.connectors.catalog import SourceLevel, SourceStrategy
from apps.connectors.dtos import SourceInstruction
from apps.integrations.models import Environment, Integration
from tests.factories.integrations import IntegrationFactory
from tests.fakes.fake_ats import FakeAts, custom_source


@pytest.fixture
def fake_integration(environment: Environment, fake_ats: type) -> Integration:
    FakeAts.state.api_keys["key"] = {"jobs_read", "candidates_create"}
    return IntegrationFactory(environment=environment, tool=FakeAts.tool, credentials={"api_key": "key"})


@pytest.fixture
def configured(fake_integration: Integration) -> Integration:
    FakeAts.state.sources.append(custom_source("Acme Jobs", "src-42"))
    assert source_mapping_check(integration=fake_integration).status == SourceMapping.Status.CONFIGURED
    return fake_integration


@pytest.fixture
def free_text(fake_integration: Integration, monkeypatch: pytest.MonkeyPatch) -> Integration:
    monkeypatch.setattr(FakeAts, "source_strategy", SourceStrategy.FREE_TEXT)
    return fake_integration


def test_free_text_tools_send_the_environment_source_name(free_text: Integration, environment: Environment) -> None:
    integration = free_text
    assert attribution_source_for_write(integration).instruction == SourceInstruction(name="Acme Jobs")
    environment.source_name = "Acme Jobs Board"
    environment.save()
    integration.refresh_from_db()
    assert attribution_source_for_write(integration).instruction == SourceInstruction(name="Acme Jobs Board")


def test_no_source_when_writing_is_off_or_not_set_up(fake_integration: Integration, environment: Environment) -> None:
    decision = attribution_source_for_write(fake_integration)
    assert decision.instruction is None
    assert decision.reason == "The source 'Acme Jobs' is not set up in Fake ATS yet (source mapping PENDING_SETUP)."
    environment.automatic_source_writing = False
    environment.save()
    fake_integration.refresh_from_db()
    assert attribution_source_for_write(fake_integration).reason == (
        "Automatic source writing is turned off for this environment."
    )


def test_configured_mapping_sends_the_resolved_source(configured: Integration) -> None:
    assert attribution_source_for_write(configured).instruction == SourceInstruction(
        name="Acme Jobs", remote_id="src-42", type="custom", subtype=None
    )


def test_outcome_confirmed_after_reading_the_source_back(configured: Integration) -> None:
    decision = attribution_source_for_write(configured)
    FakeAts.state.application_sources["app-1"] = custom_source("Acme Jobs", "src-42")
    record = attribution_record_outcome(
        integration=configured, decision=decision, application_remote_id="app-1", candidate_remote_id="cand-1"
    )
    assert (record.status, record.reason, record.expected_source, record.observed_source) == (
        "CONFIRMED",
        "",
        "Acme Jobs",
        "Acme Jobs",
    )
    # recording again (a retried write) updates the one row
    attribution_record_outcome(integration=configured, decision=decision, application_remote_id="app-1")
    assert ApplicationAttribution.objects.count() == 1


def test_outcome_failed_when_the_source_was_deleted_after_setup(configured: Integration) -> None:
    decision = attribution_source_for_write(configured)
    FakeAts.state.sources.clear()  # someone deleted the custom source in the ATS
    FakeAts.state.application_sources["app-2"] = None  # the ATS fell back to no source
    record = attribution_record_outcome(integration=configured, decision=decision, application_remote_id="app-2")
    assert record.status == "FAILED"
    assert record.reason == "The source 'Acme Jobs' (id src-42) no longer exists in the ATS."
    mapping = SourceMapping.objects.get(integration=configured)
    assert mapping.status == SourceMapping.Status.BROKEN
    assert attribution_source_for_write(configured).instruction is None


def test_outcome_failed_when_another_source_shows(configured: Integration) -> None:
    decision = attribution_source_for_write(configured)
    FakeAts.state.application_sources["app-3"] = custom_source("LinkedIn", "src-1")
    record = attribution_record_outcome(integration=configured, decision=decision, application_remote_id="app-3")
    assert (record.status, record.reason) == ("FAILED", "The ATS shows the source 'LinkedIn' instead of 'Acme Jobs'.")


def test_existing_candidate_source_is_kept_and_reported(configured: Integration, monkeypatch: object) -> None:
    monkeypatch.setattr(FakeAts, "source_level", SourceLevel.CANDIDATE)  # type: ignore[attr-defined]
    decision = attribution_source_for_write(configured)
    FakeAts.state.application_sources["app-4"] = custom_source("Referral", "src-9")
    record = attribution_record_outcome(
        integration=configured, decision=decision, application_remote_id="app-4", candidate_existed=True
    )
    assert (record.status, record.candidate_existed) == ("FAILED", True)
    assert record.reason == (
        "The candidate already existed with the source 'Referral'; an existing candidate's source is never overwritten."
    )


def test_outcome_not_configured_without_a_source(fake_integration: Integration) -> None:
    decision = attribution_source_for_write(fake_integration)
    record = attribution_record_outcome(integration=fake_integration, decision=decision, application_remote_id="a")
    assert (record.status, record.expected_source) == ("NOT_CONFIGURED", "")
    assert record.reason == decision.reason
    assert FakeAts.state.calls == []  # nothing was read back


def test_read_back_failure_is_recorded(configured: Integration) -> None:
    decision = attribution_source_for_write(configured)
    FakeAts.state.fail_reads = True
    record = attribution_record_outcome(integration=configured, decision=decision, application_remote_id="app-5")
    assert (record.status, record.reason) == (
        "FAILED",
        "Could not read the source back from the ATS: 503 Service Unavailable",
    )


def test_mapping_check_marks_broken_and_recovers(configured: Integration) -> None:
    FakeAts.state.sources.clear()
    mapping = source_mapping_check(integration=configured)
    assert (mapping.status, mapping.last_error) == (
        "BROKEN",
        "The source 'Acme Jobs' (id src-42) no longer exists in the ATS.",
    )
    FakeAts.state.sources.append(custom_source("Acme Jobs", "src-42"))
    mapping = source_mapping_check(integration=configured)
    assert (mapping.status, mapping.last_error) == ("CONFIGURED", "")


def test_mapping_status_without_setup(free_text: Integration) -> None:
    mapping = source_mapping_ensure(integration=free_text)
    assert (mapping.strategy, mapping.status, mapping.source_name) == ("FREE_TEXT", "NOT_REQUIRED", "Acme Jobs")


def _attribution(integration: Integration, remote_id: str, status: str, day: date) -> None:
    record = ApplicationAttribution.objects.create(
        integration=integration, application_remote_id=remote_id, status=status
    )
    ApplicationAttribution.objects.filter(pk=record.pk).update(
        created_at=record.created_at.replace(year=day.year, month=day.month, day=day.day)
    )


def test_coverage_per_integration_and_environment(
    integration: Integration, environment: Environment, foreign_integration: Integration
) -> None:
    today = date(2026, 5, 10)
    other = IntegrationFactory(environment=environment)
    _attribution(integration, "a1", "CONFIRMED", today)
    _attribution(integration, "a2", "FAILED", today)
    _attribution(integration, "a3", "CONFIRMED", today - timedelta(days=2))
    _attribution(other, "b1", "NOT_CONFIGURED", today)
    _attribution(foreign_integration, "c1", "CONFIRMED", today)

    coverage = attribution_coverage(integration=integration, days=3, today=today)
    assert (coverage.total, coverage.confirmed, coverage.failed, coverage.not_configured) == (3, 2, 1, 0)
    assert coverage.share == pytest.approx(2 / 3)
    assert [(p.day, p.total, p.confirmed) for p in coverage.series] == [
        (date(2026, 5, 8), 1, 1),
        (date(2026, 5, 9), 0, 0),
        (date(2026, 5, 10), 2, 1),
    ]
    per_environment = attribution_coverage(environment=environment, days=3, today=today)
    assert (per_environment.total, per_environment.confirmed, per_environment.not_configured) == (4, 2, 1)
    assert per_environment.share == 0.5

    # the admin's report (a fixed number of queries) has the same figures, per environment and integration
    report = {entry.environment.pk: entry for entry in attribution_coverage_report(days=3, today=today)}
    assert report[environment.pk].coverage == per_environment
    assert [item.integration.pk for item in report[environment.pk].integrations] == [integration.pk, other.pk]
    assert report[environment.pk].integrations[0].coverage == coverage
    assert report[environment.pk].integrations[1].coverage == attribution_coverage(
        integration=other, days=3, today=today
    )
    foreign = report[foreign_integration.environment_id]
    assert foreign.coverage == attribution_coverage(integration=foreign_integration, days=3, today=today)


@pytest.fixture
def staff(client: Client, db: None) -> Client:
    User.objects.create_superuser("staff", "staff@example.com", "pw-for-tests")
    client.login(username="staff", password="pw-for-tests")
    return client


def test_admin_coverage_page_with_chart_and_failures(staff: Client, integration: Integration) -> None:
    ApplicationAttribution.objects.create(integration=integration, application_remote_id="x1", status="CONFIRMED")
    ApplicationAttribution.objects.create(
        integration=integration, application_remote_id="x2", status="FAILED", reason="The ATS shows no source."
    )
    page = staff.get("/admin/attribution/applicationattribution/coverage/?days=7").content.decode()
    assert '<strong data-share="acme">50%</strong>' in page
    assert page.count('class="coverage-chart"') == 2  # the environment and its one integration
    assert "The ATS shows no source." in page
    assert staff.get("/admin/attribution/applicationattribution/").status_code == 200


def test_admin_edits_and_rechecks_a_mapping(staff: Client, fake_integration: Integration) -> None:
    mapping = source_mapping_ensure(integration=fake_integration)
    response = staff.post(
        f"/admin/attribution/sourcemapping/{mapping.pk}/change/",
        {
            "status": "CONFIGURED",
            "source_name": "Acme Jobs",
            "remote_id": "src-7",
            "remote_type": "custom",
            "remote_subtype": "",
            "remote_label": "Acme Jobs",
        },
    )
    # checked live on save: the ATS has no src-7, so nothing is saved
    assert response.status_code == 200
    assert f"{fake_integration.tool} has no source with the id &#x27;src-7&#x27;." in response.content.decode()
    mapping.refresh_from_db()
    assert mapping.remote_id != "src-7"

    # a mapping that was right once and whose source went away since (saved before the check existed)
    SourceMapping.objects.filter(pk=mapping.pk).update(
        status="CONFIGURED", source_name="Acme Jobs", remote_id="src-7", remote_type="custom", remote_label="Acme Jobs"
    )
    # the live re-check finds that src-7 does not exist in the ATS
    response = staff.post(
        "/admin/attribution/sourcemapping/", {"action": "recheck", "_selected_action": [mapping.pk]}, follow=True
    )
    mapping.refresh_from_db()
    assert mapping.status == "BROKEN"
    shown = [str(message) for message in response.context["messages"]]
    assert shown[-1:] == [
        f"{fake_integration.id}: Broken – The source 'Acme Jobs' (id src-7) no longer exists in the ATS."
    ]


@pytest.mark.parametrize(
    "url",
    [
        "/admin/attribution/sourcemapping/",
        "/admin/integrations/connectlink/",
        "/admin/integrations/connectionflowfailure/",
    ],
)
def test_admin_lists_open(staff: Client, integration: Integration, url: str) -> None:
    source_mapping_ensure(integration=integration)
    assert staff.get(url).status_code == 200


def test_coverage_page_and_recheck_need_the_attribution_permissions(client: Client, integration: Integration) -> None:
    from django.contrib.auth.models import Permission

    mapping = source_mapping_ensure(integration=integration)
    user = User.objects.create_user("viewer", "viewer@example.com", "pw-for-tests", is_staff=True)
    client.force_login(user)
    # a staff user without permissions on attribution data sees no coverage figures
    assert client.get("/admin/attribution/applicationattribution/coverage/").status_code == 403

    # one who may view them sees them, but may not re-check (which writes the mapping's status)
    user.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    assert client.get("/admin/attribution/applicationattribution/coverage/").status_code == 200
    assert "recheck" not in client.get("/admin/attribution/sourcemapping/").content.decode()
    client.post("/admin/attribution/sourcemapping/", {"action": "recheck", "_selected_action": [mapping.pk]})
    mapping.refresh_from_db()
    assert mapping.last_checked_at is None


def test_coverage_page_queries_do_not_grow_with_environments_and_integrations(
    staff: Client, integration: Integration, django_assert_num_queries: Any
) -> None:
    from tests.factories.integrations import EnvironmentFactory

    ApplicationAttribution.objects.create(integration=integration, application_remote_id="x1", status="CONFIRMED")
    source_mapping_ensure(integration=integration)
    url = "/admin/attribution/applicationattribution/coverage/"
    # session, user, environments, integrations, mappings, totals, per-day counts, latest failures, open issues
    with django_assert_num_queries(9):
        assert staff.get(url).status_code == 200

    for number in range(3):
        other = IntegrationFactory(environment=EnvironmentFactory())
        source_mapping_ensure(integration=other)
        ApplicationAttribution.objects.create(integration=other, application_remote_id=f"y{number}", status="FAILED")
    with django_assert_num_queries(9):
        page = staff.get(url).content.decode()
    assert page.count('class="coverage-chart"') == 8  # four environments with one integration each
