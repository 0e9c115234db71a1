"""Hourly housekeeping: exactly the rows that outlived their use go; everything still needed stays."""

from __future__ import annotations

from datetime import timedelta

from django.test import override_settings

from apps.applications.models import IdempotencyKey
from apps.core.timeutils import utcnow
from apps.integrations.connect_models import ActivationToken, ConnectLink, OAuthState
from apps.integrations.housekeeping import housekeeping_run
from apps.integrations.models import Integration, SyncRun, SyncRunModel
from apps.integrations.tasks import housekeeping
from tests.factories.integrations import IntegrationFactory

NOW = utcnow()


def _run(integration: Integration, status: str, *, days_ago: float, type: str = "DELTA") -> SyncRun:
    finished = NOW - timedelta(days=days_ago)
    run = SyncRun.objects.create(integration=integration, type=type, trigger="SCHEDULE", status=status)
    SyncRun.objects.filter(id=run.id).update(finished_at=finished, watermark=finished)
    SyncRunModel.objects.create(run=run, model="jobs", position=0)
    return run


def _key(integration: Integration, key: str, *, hours_ago: float) -> IdempotencyKey:
    return IdempotencyKey.objects.create(
        integration=integration,
        key=key,
        fingerprint="f" * 64,
        claim_token="t",
        created_at=NOW - timedelta(hours=hours_ago),
    )


def _link(integration: Integration, name: str) -> ConnectLink:
    return ConnectLink.objects.create(
        token_hash=name.ljust(64, "0"),
        environment=integration.environment,
        end_user_organization_name="Acme",
        integration=integration,
        expires_at=NOW,
    )


def _tokens(integration: Integration, name: str, *, expired_days_ago: float) -> tuple[OAuthState, ActivationToken]:
    link = _link(integration, name)
    expires = NOW - timedelta(days=expired_days_ago)
    state = OAuthState.objects.create(
        state_hash=f"s{name}".ljust(64, "0"), link=link, tool="sandbox", redirect_uri="", expires_at=expires
    )
    token = ActivationToken.objects.create(
        token_hash=f"a{name}".ljust(64, "0"),
        environment=integration.environment,
        link=link,
        integration=integration,
        expires_at=expires,
    )
    return state, token


@override_settings(SYNC_RUN_RETENTION_DAYS=30, IDEMPOTENCY_KEY_TTL_SECONDS=24 * 3600)
def test_housekeeping_deletes_only_what_outlived_its_use(db: None) -> None:
    integration = IntegrationFactory()
    other = IntegrationFactory()
    last_full = _run(integration, "SUCCEEDED", days_ago=40, type="FULL")  # still the base of every delta
    _run(integration, "SUCCEEDED", days_ago=45, type="DELTA")
    last_delta = _run(integration, "SUCCEEDED", days_ago=31, type="DELTA")
    _run(integration, "FAILED", days_ago=35)
    recent_failure = _run(integration, "FAILED", days_ago=2)
    others_only_run = _run(other, "SUCCEEDED", days_ago=60, type="FULL")
    fresh_key = _key(integration, "fresh", hours_ago=23)
    _key(integration, "old", hours_ago=25)
    recent_state, recent_token = _tokens(integration, "recent", expired_days_ago=29)
    _tokens(integration, "old", expired_days_ago=31)

    deleted = housekeeping_run(now=NOW)

    assert deleted == {
        "idempotency_keys": 1,
        "connect_tokens": 2,
        "sync_runs": 2,
        "webhook_events": 0,
        "outbound_requests": 0,
        "abandoned_integrations": 0,
        "pending_credentials": 0,
    }
    assert set(SyncRun.objects.values_list("id", flat=True)) == {
        last_full.id, last_delta.id, recent_failure.id, others_only_run.id,
    }  # fmt: skip
    assert set(SyncRunModel.objects.values_list("run_id", flat=True)) == {
        last_full.id, last_delta.id, recent_failure.id, others_only_run.id,
    }  # fmt: skip
    assert list(IdempotencyKey.objects.values_list("id", flat=True)) == [fresh_key.id]
    assert list(OAuthState.objects.values_list("id", flat=True)) == [recent_state.id]
    assert list(ActivationToken.objects.values_list("id", flat=True)) == [recent_token.id]


def test_housekeeping_task_is_idempotent(db: None) -> None:
    integration = IntegrationFactory()
    _key(integration, "old", hours_ago=10 * 24)

    assert housekeeping() == {
        "idempotency_keys": 1,
        "connect_tokens": 0,
        "sync_runs": 0,
        "webhook_events": 0,
        "outbound_requests": 0,
        "abandoned_integrations": 0,
        "pending_credentials": 0,
    }
    assert housekeeping() == {
        "idempotency_keys": 0,
        "connect_tokens": 0,
        "sync_runs": 0,
        "webhook_events": 0,
        "outbound_requests": 0,
        "abandoned_integrations": 0,
        "pending_credentials": 0,
    }
