"""The four field operations of the official SDK (contract §6) on the sandbox and both emulators: fields listed as
each seed defines them, passthrough switched on and read back in `integration_fields`, a custom field mapped and
read under `custom_fields`, unmapped again; foreign ids and bad bodies."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from kombo import Kombo
from kombo.errors import KomboGeneralError

from apps.integrations.field_services import custom_field_create, integration_fields_refresh
from apps.integrations.models import ApiKey, Environment, SyncRun
from tests.integrations.fields_support import CANDIDATE_FIELD, CUSTOM_FIELDS, TOOLS, Connected, connected

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=TOOLS)
def tool_integration(request: pytest.FixtureRequest, environment: Environment, run_sync: Callable[..., SyncRun]
                     ) -> Iterator[Connected]:  # fmt: skip
    with connected(environment, request.param) as found:
        run_sync(found.integration, SyncRun.Type.FULL)  # a full sync lists the fields
        found.integration.refresh_from_db()
        yield found


def raw_api(api_base_url: str, api_key: ApiKey) -> Callable[..., requests.Response]:
    def call(method: str, path: str, integration_id: str | None = None, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {api_key.raw_key}"}
        if integration_id:
            headers["X-Integration-Id"] = integration_id
        return requests.request(method, f"{api_base_url}{path}", headers=headers, timeout=30, **kwargs)

    return call


def all_candidates(call: Callable[..., requests.Response], integration_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    cursor = None
    while True:
        params = {"page_size": 100, **({"cursor": cursor} if cursor else {})}
        data = call("GET", "/ats/candidates", integration_id, params=params).json()["data"]
        found.extend(data["results"])
        if not (cursor := data["next"]):
            return found


def test_fields_passthrough_and_custom_field_mapping_through_the_sdk(
    tool_integration: Connected, kombo_client: Callable[..., Kombo], api_base_url: str, api_key: ApiKey
) -> None:
    integration, tool = tool_integration.integration, tool_integration.integration.tool
    sdk = kombo_client(integration_id=integration.id)
    call = raw_api(api_base_url, api_key)

    # the fields: the seed's custom fields as CUSTOM, the vendor's standard keys as DEFAULT, passthrough off
    listed = sdk.general.get_integration_fields(integration_id=integration.id, page_size=2000).result.data
    assert listed.next is None
    custom = {(field.model, field.key, field.label) for field in listed.results if field.type == "CUSTOM"}
    assert custom == CUSTOM_FIELDS[tool]
    assert not any(field.is_passthrough_enabled for field in listed.results)
    field = next(f for f in listed.results if f.model == "ats_candidates" and f.key == CANDIDATE_FIELD[tool])
    assert field.type == "DEFAULT"
    candidates = all_candidates(call, integration.id)
    assert candidates
    assert all(candidate["integration_fields"] == [] for candidate in candidates)

    # passthrough on: the next page of candidates carries the ATS's raw value of that field
    updated = sdk.general.update_integration_field(
        integration_id=integration.id, integration_field_id=field.id, enable_passthrough=True
    ).data
    assert (updated.id, updated.key, updated.is_passthrough_enabled) == (field.id, field.key, True)
    for candidate in all_candidates(call, integration.id):
        raw = tool_integration.raw_candidate(candidate["remote_id"])[field.key]
        assert candidate["integration_fields"] == [
            {"id": field.id, "key": field.key, "type": "DEFAULT", "value": raw, "label": field.label}
        ]

    # a custom field of the environment, mapped to that field: its value under custom_fields
    custom_field = custom_field_create(
        environment=integration.environment, model="ats_candidates", key="ats_rating", label="Rating in the ATS"
    )
    listed_custom = sdk.general.get_custom_fields(integration_id=integration.id).result.data.results
    assert [(c.id, c.key, c.model, c.integration_field) for c in listed_custom] == [
        (custom_field.id, "ats_rating", "ats_candidates", None)
    ]
    mapped = sdk.general.update_custom_field_mapping(
        integration_id=integration.id, custom_field_id=custom_field.id, integration_field_id=field.id
    ).data
    assert (mapped.key, mapped.integration_field.id, mapped.integration_field.key) == (
        "ats_rating",
        field.id,
        field.key,
    )
    read = sdk.ats.get_candidates(page_size=250).result.data.results
    assert read
    for candidate in read:
        assert candidate.custom_fields["ats_rating"] == tool_integration.raw_candidate(candidate.remote_id)[field.key]

    # unmapped: gone from custom_fields again
    unmapped = sdk.general.update_custom_field_mapping(
        integration_id=integration.id, custom_field_id=custom_field.id, integration_field_id=None
    ).data
    assert unmapped.integration_field is None
    assert all(
        "ats_rating" not in (c.custom_fields or {}) for c in sdk.ats.get_candidates(page_size=250).result.data.results
    )


def test_foreign_ids_answer_404(
    environment: Environment, other_environment: Environment, kombo_client: Callable[..., Kombo]
) -> None:
    with connected(environment, "sandbox") as mine, connected(other_environment, "sandbox") as foreign:
        integration_fields_refresh(integration=mine.integration)
        integration_fields_refresh(integration=foreign.integration)
        sdk = kombo_client()
        foreign_field = foreign.integration.fields.first()
        foreign_custom = custom_field_create(environment=other_environment, model="ats_jobs", key="x")

        with pytest.raises(KomboGeneralError) as other_integration:
            sdk.general.get_integration_fields(integration_id=foreign.integration.id)
        with pytest.raises(KomboGeneralError) as other_field:
            sdk.general.update_integration_field(
                integration_id=mine.integration.id, integration_field_id=foreign_field.id, enable_passthrough=True
            )
        with pytest.raises(KomboGeneralError) as other_custom:
            sdk.general.update_custom_field_mapping(
                integration_id=mine.integration.id, custom_field_id=foreign_custom.id, integration_field_id=None
            )

    assert (other_integration.value.status_code, other_integration.value.data.error.code) == (
        404, "PLATFORM.INTEGRATION_NOT_FOUND",
    )  # fmt: skip
    assert (other_field.value.status_code, str(other_field.value)) == (
        404, f"No integration field with ID {foreign_field.id!r} exists in this integration.",
    )  # fmt: skip
    assert (other_custom.value.status_code, str(other_custom.value)) == (
        404, f"No custom field with ID {foreign_custom.id!r} exists in this environment.",
    )  # fmt: skip


def test_bad_bodies_are_400_naming_the_field(
    environment: Environment, api_base_url: str, api_key: ApiKey, run_sync: Callable[..., SyncRun]
) -> None:
    with connected(environment, "sandbox") as mine:
        integration = mine.integration
        run_sync(integration, SyncRun.Type.FULL)
        call = raw_api(api_base_url, api_key)
        field = integration.fields.get(model="ats_jobs", key="cost_center")
        candidate_field = integration.fields.get(model="ats_candidates", key="company")
        custom = custom_field_create(environment=environment, model="ats_jobs", key="cost_center")
        base = f"/integrations/{integration.id}"

        answers = [
            call("PATCH", f"{base}/integration-fields/{field.id}", json={"enable_passthrough": "yes"}),
            call("PATCH", f"{base}/integration-fields/{field.id}", json={}),
            call("PUT", f"{base}/custom-fields/{custom.id}", json={"integration_field_id": 7}),
            call("PUT", f"{base}/custom-fields/{custom.id}", json={"integration_field_id": "nope"}),
            call("PUT", f"{base}/custom-fields/{custom.id}", json={"integration_field_id": candidate_field.id}),
            call("GET", f"{base}/integration-fields", params={"page_size": 2001}),
        ]

    assert [(answer.status_code, answer.json()["error"]["code"]) for answer in answers] == [
        (400, "PLATFORM.INPUT_INVALID")
    ] * 6
    messages = [answer.json()["error"]["message"] for answer in answers]
    assert messages[0].startswith("enable_passthrough:")
    assert messages[1].startswith("enable_passthrough:")
    assert messages[2].startswith("integration_field_id:")
    assert messages[3] == "integration_field_id: No integration field with ID 'nope' exists in this integration."
    assert messages[4] == (
        f"integration_field_id: {candidate_field.id!r} is a field of ats_candidates, but custom field 'cost_center' "
        "is one of ats_jobs."
    )
    assert messages[5].startswith("page_size:")
