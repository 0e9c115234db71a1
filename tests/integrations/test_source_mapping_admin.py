"""A source mapping edited in the admin is checked live against the ATS (the Factorial emulator) before it is saved."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from django.test import Client
from django.urls import reverse

from apps.attribution.models import SourceMapping
from apps.attribution.services import source_mapping_ensure
from apps.connectors.catalog import AuthKind
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.factorial.emulator import DEFAULT_API_KEY, create_app
from apps.integrations.models import Environment, Integration
from apps.integrations.services import integration_create


@pytest.fixture(scope="module")
def emulator_url() -> Iterator[str]:
    with LoopbackServer(create_app(limits_enabled=False)) as server:
        yield server.url


def edit(admin_client: Client, mapping: SourceMapping, remote_id: str) -> str:
    answer = admin_client.post(
        reverse("admin:attribution_sourcemapping_change", args=[mapping.pk]),
        {
            "status": "CONFIGURED",
            "source_name": "Tributary",
            "remote_id": remote_id,
            "remote_type": "",
            "remote_subtype": "",
            "remote_label": "Tributary",
        },  # fmt: skip
    )
    return answer.content.decode() if answer.status_code == 200 else f"redirect {answer.status_code}"


@pytest.mark.django_db
def test_a_remote_id_the_ats_does_not_have_is_refused_and_one_it_has_is_saved(
    admin_client: Client, environment: Environment, emulator_url: str
) -> None:
    integration = integration_create(
        environment=environment, tool="factorial", end_user_organization_name="Acme",
        auth_kind=AuthKind.API_KEY, credentials={"api_key": DEFAULT_API_KEY}, base_url=emulator_url,
        setup_status=Integration.SetupStatus.COMPLETED,
    )  # fmt: skip
    mapping = source_mapping_ensure(integration=integration)
    before = mapping.status

    refused = edit(admin_client, mapping, "987654321")

    assert "factorial has no source with the id &#x27;987654321&#x27;." in refused
    mapping.refresh_from_db()
    assert (mapping.status, mapping.remote_id) == (before, mapping.remote_id)
    assert mapping.remote_id != "987654321"

    real = requests.get(
        f"{emulator_url}/api/2026-10-01/resources/ats/candidate_sources", headers={"x-api-key": DEFAULT_API_KEY},
        timeout=10,
    ).json()["data"][0]  # fmt: skip
    assert edit(admin_client, mapping, str(real["id"])) == "redirect 302"
    mapping.refresh_from_db()
    assert (mapping.status, mapping.remote_id) == ("CONFIGURED", str(real["id"]))
