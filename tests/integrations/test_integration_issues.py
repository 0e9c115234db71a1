"""Integration issues raised and resolved by what the sync observes, against the emulators over loopback: a revoked
key, a removed scope, the configured source deleted, a 20-minute 503 outage. Each raises exactly one issue and
resolves it when the cause goes away; each transition is recorded once."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import requests
import time_machine

from apps.attribution.services import source_mapping_check
from apps.connectors.emulation.clock import ManualClock
from apps.connectors.factorial.emulator import DEFAULT_API_KEY as FACTORIAL_KEY
from apps.connectors.smartrecruiters.emulator import DEFAULT_API_KEY as SR_KEY
from apps.connectors.smartrecruiters.emulator.app import SCOPE_DESCRIPTIONS
from apps.core.timeutils import format_datetime, utcnow
from apps.integrations.models import (
    ApiKey,
    Environment,
    Integration,
    IntegrationIssue,
    IssueTransition,
    SyncRun,
    WebhookEvent,
)
from apps.integrations.sync import RunOutcome, sync_run_execute, sync_run_request
from tests.integrations.fields_support import connected

pytestmark = pytest.mark.django_db(transaction=True)


def attempt(integration: Integration) -> str:
    """One sync attempt, as a worker would make it: continue the run waiting to retry, or start a full one."""
    running = SyncRun.objects.filter(integration=integration, status=SyncRun.Status.RUNNING).first()
    if running is not None:
        return sync_run_execute(run_id=running.id, token=running.claim_token, time_budget=float("inf"))
    run, _ = sync_run_request(integration=integration, type=SyncRun.Type.FULL, trigger="COMMAND", enqueue=False)
    return sync_run_execute(run_id=run.id, time_budget=float("inf"))


def control(url: str, method: str, path: str, **kwargs: Any) -> Any:
    response = requests.request(method, f"{url}/_emulator{path}", timeout=10, **kwargs)
    assert response.status_code < 300, response.text
    return response.json()


def transitions(integration: Integration) -> list[tuple[str, str]]:
    return [(t.issue.type, t.change) for t in IssueTransition.objects.filter(issue__integration=integration)]


@pytest.fixture
def issues_api(api_base_url: str, api_key: ApiKey) -> Callable[[Integration], list[dict[str, Any]]]:
    def get(integration: Integration) -> list[dict[str, Any]]:
        response = requests.get(
            f"{api_base_url}/integrations/{integration.id}/issues",
            headers={"Authorization": f"Bearer {api_key.raw_key}"},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        assert response.json()["data"]["next"] is None
        return response.json()["data"]["results"]

    return get


def test_a_revoked_key_raises_authentication_failed_and_restoring_it_resolves_it(
    environment: Environment, issues_api: Callable[[Integration], list[dict[str, Any]]]
) -> None:
    with connected(environment, "factorial") as found:
        integration = found.integration
        assert attempt(integration) == RunOutcome.SUCCEEDED
        assert issues_api(integration) == []

        control(found.url, "DELETE", f"/api-keys/{FACTORIAL_KEY}")
        assert attempt(integration) == RunOutcome.FAILED
        issue = IntegrationIssue.objects.get(integration=integration)
        integration.refresh_from_db()
        assert integration.state == Integration.State.INVALID
        assert (issue.type, issue.status, issue.title) == (
            "integration.authentication_failed", "OPEN", "Factorial rejected the credentials",
        )  # fmt: skip
        assert issue.markdown_message.startswith("Factorial no longer accepts the credentials of this integration (")
        assert "401" in issue.markdown_message
        assert issue.markdown_message.endswith(
            "). Syncs and writes stop until it does.\n\n**To fix it:** reconnect the integration with valid "
            f"credentials (a reconnection link from `POST /v1/integrations/{integration.id}/relink`), or restore the "
            "API key in Factorial."
        )
        assert [(item["type"], item["status"]) for item in issues_api(integration)] == [
            ("integration.authentication_failed", "OPEN")
        ]

        assert attempt(integration) == RunOutcome.FAILED  # still rejected: the same issue, no new transition
        control(found.url, "POST", "/api-keys", json={"key": FACTORIAL_KEY})
        assert attempt(integration) == RunOutcome.SUCCEEDED

    issue.refresh_from_db()
    integration.refresh_from_db()
    assert (issue.status, integration.state) == ("RESOLVED", "ACTIVE")
    assert issues_api(integration) == [
        {
            "id": issue.id, "type": "integration.authentication_failed", "title": "Factorial rejected the credentials",
            "status": "RESOLVED", "markdown_message": issue.markdown_message,
            "first_observed_at": format_datetime(issue.first_observed_at),
            "resolved_at": format_datetime(issue.resolved_at),
        }
    ]  # fmt: skip
    assert transitions(integration) == [
        ("integration.authentication_failed", "raised"),
        ("integration.authentication_failed", "resolved"),
    ]
    # Each transition is announced once, in its own transaction, as the contract's `issue-status-changed`.
    events = WebhookEvent.objects.filter(type="issue-status-changed", integration_id=integration.id)
    announced = [json.loads(event.body)["data"] for event in events.order_by("created_at")]
    assert [(data["change"], data["issue"]["id"], data["issue"]["status"]) for data in announced] == [
        ("raised", issue.id, "OPEN"),
        ("resolved", issue.id, "RESOLVED"),
    ]
    assert announced[-1]["issue"]["resolved_at"] == format_datetime(issue.resolved_at)


def test_a_removed_scope_raises_permission_missing_until_it_is_granted_again(environment: Environment) -> None:
    with connected(environment, "smartrecruiters") as found:
        integration = found.integration
        assert attempt(integration) == RunOutcome.SUCCEEDED
        scopes = sorted(set(SCOPE_DESCRIPTIONS) - {"candidates_read"})
        control(found.url, "POST", "/api-keys", json={"key": SR_KEY, "scopes": scopes})

        assert attempt(integration) == RunOutcome.FAILED
        issue = IntegrationIssue.objects.get(integration=integration)
        assert (issue.type, issue.status, issue.title) == (
            "integration.permission_missing", "OPEN", "A permission is missing in SmartRecruiters",
        )  # fmt: skip
        assert issue.markdown_message.startswith("SmartRecruiters refused a request for lack of a permission (")
        assert "candidates_read" in issue.markdown_message
        assert issue.markdown_message.endswith(
            "**To fix it:** grant the missing permission (scope) to the API key or app in SmartRecruiters, or "
            "reconnect with a user who has it."
        )

        control(found.url, "POST", "/api-keys", json={"key": SR_KEY, "scopes": None})
        assert attempt(integration) == RunOutcome.SUCCEEDED

    assert IntegrationIssue.objects.get(integration=integration).status == "RESOLVED"
    assert transitions(integration) == [
        ("integration.permission_missing", "raised"),
        ("integration.permission_missing", "resolved"),
    ]


def test_a_deleted_source_raises_source_missing_and_creating_it_again_resolves_it(
    environment: Environment, client: Any, admin_user: Any
) -> None:
    with connected(environment, "factorial") as found:
        integration = found.integration
        mapping = source_mapping_check(integration=integration)
        assert (mapping.status, mapping.remote_label) == ("CONFIGURED", "Acme Jobs")
        deleted_id = mapping.remote_id

        control(found.url, "DELETE", f"/candidate-sources/{deleted_id}")
        assert attempt(integration) == RunOutcome.SUCCEEDED  # the full sync re-checks the source
        issue = IntegrationIssue.objects.get(integration=integration)
        assert (issue.type, issue.status, issue.title) == (
            "integration.source_missing", "OPEN", "The candidate source is gone from Factorial",
        )  # fmt: skip
        assert issue.markdown_message == (
            f"The source 'Acme Jobs' (id {deleted_id}) no longer exists in the ATS.\n\nCandidates created from now on "
            "cannot be attributed to you.\n\n**To fix it:** create the source again in Factorial with exactly the "
            "same name, or pick another one in the setup link "
            f"(`POST /v1/integrations/{integration.id}/setup-link`)."
        )
        client.force_login(admin_user)
        coverage = client.get("/admin/attribution/applicationattribution/coverage/").content.decode()
        assert "The candidate source is gone from Factorial" in coverage
        details = client.get(f"/admin/integrations/integration/{integration.pk}/change/").content.decode()
        assert "The candidate source is gone from Factorial" in details

        control(found.url, "POST", "/candidate-sources", json={"name": "Acme Jobs"})
        assert attempt(integration) == RunOutcome.SUCCEEDED

    mapping.refresh_from_db()
    assert mapping.status == "CONFIGURED"
    assert mapping.remote_id != deleted_id
    assert IntegrationIssue.objects.get(integration=integration).status == "RESOLVED"
    assert transitions(integration) == [
        ("integration.source_missing", "raised"),
        ("integration.source_missing", "resolved"),
    ]


def test_a_source_of_the_wrong_type_raises_source_missing_in_its_own_words_and_the_right_one_resolves_it(
    environment: Environment,
) -> None:
    """SmartRecruiters: staff point the mapping by hand at a source that exists but is of the type "other" (not
    Paid → Job Board, what its source setup asks for): the check breaks the mapping and raises the issue."""
    from apps.attribution.services import source_mapping_update

    with connected(environment, "smartrecruiters") as found:
        integration = found.integration
        name = environment.effective_source_name
        control(found.url, "POST", "/sources", json={"label": name, "type": "paid", "subtype": "job_board"})
        mapping = source_mapping_check(integration=integration)
        right = (mapping.status, mapping.remote_id, mapping.remote_label)
        assert right[0] == "CONFIGURED"
        assert right[1].startswith("paid:")
        assert right[2] == name
        other = control(
            found.url, "POST", "/sources", json={"label": "Acme Fair", "type": "other", "subtype": "events"}
        )

        source_mapping_update(mapping=mapping, remote_id=f"other:{other['id']}")
        mapping = source_mapping_check(integration=integration)
        assert mapping.status == "BROKEN"
        expected_detail = (
            f"The source 'Acme Fair' (id other:{other['id']}) is of the type 'other' in SmartRecruiters; Tributary's "
            "source must be of the type Paid → Job Board ('paid')."
        )
        assert mapping.last_error == expected_detail
        issue = IntegrationIssue.objects.get(integration=integration)
        assert (issue.type, issue.status, issue.title) == (
            "integration.source_missing", "OPEN", "The candidate source has the wrong type in SmartRecruiters",
        )  # fmt: skip
        assert issue.markdown_message == (
            f"{expected_detail}\n\nCandidates created from now on cannot be attributed to you.\n\n**To fix it:** "
            "pick a source of the right type in the setup link "
            f"(`POST /v1/integrations/{integration.id}/setup-link`), or create one with exactly the same name and "
            "the right type in SmartRecruiters."
        )
        source_mapping_check(integration=integration)  # observed again: still one open issue, no new transition

        source_mapping_update(mapping=mapping, remote_id=right[1])
        mapping = source_mapping_check(integration=integration)

    assert (mapping.status, mapping.remote_id, mapping.remote_label) == right
    assert IntegrationIssue.objects.get(integration=integration).status == "RESOLVED"
    assert transitions(integration) == [
        ("integration.source_missing", "raised"),
        ("integration.source_missing", "resolved"),
    ]


def test_a_20_minute_outage_raises_ats_unreachable_after_15_minutes_and_resolves_when_it_ends(
    environment: Environment, settings: Any
) -> None:
    settings.ISSUE_OUTAGE_MINUTES = 15
    clock = ManualClock(utcnow())
    with (
        connected(environment, "smartrecruiters", clock=clock) as found,
        time_machine.travel(utcnow(), tick=True) as traveller,
    ):
        integration = found.integration
        assert attempt(integration) == RunOutcome.SUCCEEDED
        started = utcnow()
        control(found.url, "POST", "/faults", json={"kind": "status", "status": 503, "count": 10_000})

        outcomes = []
        for minute in (0, 5, 10, 15, 20):
            if minute:
                traveller.shift(timedelta(minutes=5))
                found.app.clock.advance(300)  # the emulator's own clock: the outage lasts 20 minutes there too
            outcomes.append(attempt(integration))
            issue = IntegrationIssue.objects.filter(integration=integration, type="integration.ats_unreachable")
            assert issue.filter(status="OPEN").exists() == (minute >= 15), minute

        control(found.url, "DELETE", "/faults")
        traveller.shift(timedelta(minutes=1))
        assert attempt(integration) == RunOutcome.SUCCEEDED

    assert outcomes == [RunOutcome.RETRY_LATER] * 5
    issue = IntegrationIssue.objects.get(integration=integration)
    assert (issue.type, issue.status, issue.title) == (
        "integration.ats_unreachable", "RESOLVED", "SmartRecruiters is unreachable",
    )  # fmt: skip
    assert issue.first_observed_at - started < timedelta(minutes=1)  # the first failed call, not the 15th minute
    assert timedelta(minutes=21) <= issue.resolved_at - started < timedelta(minutes=22)
    assert issue.markdown_message.startswith("SmartRecruiters has not answered successfully for more than 15 minutes (")
    assert transitions(integration) == [
        ("integration.ats_unreachable", "raised"),
        ("integration.ats_unreachable", "resolved"),
    ]
