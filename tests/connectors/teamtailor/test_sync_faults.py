"""A Teamtailor integration on the emulator (EU prefix), synced by the real engine: read through the official SDK,
and with a fifth of the requests failing (429 / 503) a full sync ends with the very same records."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import requests
from kombo import Kombo

from apps.connectors.catalog import AuthKind
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.teamtailor.emulator import DEFAULT_API_KEY, TeamtailorEmulator, create_app
from apps.integrations.models import Environment, Integration
from apps.integrations.services import integration_create
from tests.connectors.sync_support import every, sync


@pytest.fixture
def emulator() -> Iterator[tuple[TeamtailorEmulator, str]]:
    app = create_app(seed={"jobs": 3, "candidates": 40, "applications": 30}, limits_enabled=False)
    with LoopbackServer(app) as server:
        yield app, server.url


def connect(environment: Environment, url: str, name: str) -> Integration:
    integration = integration_create(
        environment=environment,
        tool="teamtailor",
        end_user_organization_name=name,
        auth_kind=AuthKind.API_KEY,
        credentials={"api_key": DEFAULT_API_KEY},
        base_url=f"{url}/eu",
        setup_status=Integration.SetupStatus.COMPLETED,
    )
    integration.sync_all_records = True
    integration.save(update_fields=["sync_all_records"])
    return integration


@pytest.mark.django_db(transaction=True)
def test_full_sync_with_twenty_percent_faults_ends_with_the_same_records(
    environment: Environment, emulator: tuple[TeamtailorEmulator, str], kombo_client: Callable[..., Kombo]
) -> None:
    app, url = emulator
    calm = connect(environment, url, "Calm Inc.")
    baseline = sync(calm)
    counts = {model.model: model.fetched for model in baseline.model_checkpoints.all()}
    jobs = every(kombo_client(integration_id=calm.id).ats.get_jobs)
    applications = every(kombo_client(integration_id=calm.id).ats.get_applications)

    for status, seed in ((429, 1), (503, 2)):
        fault = {"kind": "status", "status": status, "count": None, "probability": 0.1, "seed": seed, "retryAfter": 0}
        assert requests.post(f"{url}/_emulator/faults", json=fault, timeout=5).status_code == 201
    stormy = connect(environment, url, "Stormy Inc.")
    faulty = sync(stormy)
    faulted = app.stats.snapshot()

    assert counts == {
        "ats_jobs": 3,
        "ats_candidates": 40,
        "ats_applications": 30,
        "ats_users": 2,
        "ats_rejection_reasons": 2,
        "ats_offers": 0,
        "ats_notes": 0,
        "ats_attachments": 0,
    }
    assert {model.model: model.fetched for model in faulty.model_checkpoints.all()} == counts
    assert faulted["rateLimited"] > 0
    assert [stage.name for stage in jobs[0].stages] == ["Inbox", "Screening", "Interview", "Hired"]
    assert [q.format_.TYPE for q in jobs[0].screening_questions] == ["BOOLEAN", "TEXT"]
    assert {a.outcome for a in applications} == {"PENDING"}
    sdk = kombo_client(integration_id=stormy.id)
    assert sorted(a.remote_id for a in every(sdk.ats.get_applications)) == sorted(a.remote_id for a in applications)
    assert sorted(c.remote_id for c in every(sdk.ats.get_candidates)) == sorted(
        c.remote_id for c in every(kombo_client(integration_id=calm.id).ats.get_candidates)
    )
