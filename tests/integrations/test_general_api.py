"""The general endpoints, driven through the official Kombo SDK against a live server."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from kombo import Kombo, errors

from apps.core.timeutils import format_datetime
from apps.integrations.models import ApiKey, Integration
from apps.integrations.services import api_key_revoke


def test_check_api_key_returns_the_environment(kombo_client: Callable[..., Kombo], api_key: ApiKey) -> None:
    result = kombo_client().general.check_api_key()

    assert result.STATUS == "success"
    assert result.data.environment_id == api_key.environment_id


def test_bad_api_key_raises_typed_authentication_error(kombo_client: Callable[..., Kombo]) -> None:
    with pytest.raises(errors.KomboGeneralError) as caught:
        kombo_client(key="trib_not-a-real-key").general.check_api_key()

    assert caught.value.status_code == 401
    assert caught.value.data.error.code == "PLATFORM.AUTHENTICATION_INVALID"
    assert caught.value.data.error.title == "Authentication invalid"
    assert str(caught.value) == "The API key is invalid or has been revoked."


def test_revoked_api_key_is_refused(kombo_client: Callable[..., Kombo], api_key: ApiKey) -> None:
    api_key_revoke(api_key=api_key)

    with pytest.raises(errors.KomboGeneralError) as caught:
        kombo_client().general.check_api_key()

    assert caught.value.status_code == 401


def test_api_key_records_last_use(kombo_client: Callable[..., Kombo], api_key: ApiKey) -> None:
    assert api_key.last_used_at is None

    kombo_client().general.check_api_key()

    api_key.refresh_from_db()
    assert api_key.last_used_at is not None


def test_get_integration_details(kombo_client: Callable[..., Kombo], integration: Integration) -> None:
    data = kombo_client().general.get_integration_details(integration_id=integration.id).data

    assert data.id == integration.id
    assert data.tool.id == "sandbox"
    assert data.tool.label == "Sandbox"
    assert data.category == "ATS"
    assert data.status == "ACTIVE"
    assert data.setup_status == "COMPLETED"
    assert data.end_user.organization_name == integration.end_user_organization_name
    assert data.end_user.creator_email == integration.end_user_email
    assert data.end_user.origin_id == integration.end_user_origin_id
    assert data.scope_config.id == integration.environment.scope_config_id
    assert format_datetime(data.created_at) == format_datetime(integration.created_at)
    assert [model.id for model in data.read_models][:3] == ["ats_users", "ats_roles", "ats_tags"]
    assert len(data.read_models) == 13
    assert len(data.write_actions) == 14
    assert {model.coverage_status for model in data.read_models} == {"SUPPORTED"}


def test_foreign_integration_looks_exactly_like_an_unknown_one(
    kombo_client: Callable[..., Kombo], foreign_integration: Integration
) -> None:
    unknown_id = foreign_integration.id[:-1] + ("A" if foreign_integration.id[-1] != "A" else "B")
    client = kombo_client()

    with pytest.raises(errors.KomboGeneralError) as foreign:
        client.general.get_integration_details(integration_id=foreign_integration.id)
    with pytest.raises(errors.KomboGeneralError) as unknown:
        client.general.get_integration_details(integration_id=unknown_id)

    assert foreign.value.status_code == unknown.value.status_code == 404
    assert foreign.value.data.error.code == unknown.value.data.error.code == "PLATFORM.INTEGRATION_NOT_FOUND"
    assert str(foreign.value).replace(foreign_integration.id, "ID") == str(unknown.value).replace(unknown_id, "ID")


def test_set_integration_enabled(kombo_client: Callable[..., Kombo], integration: Integration) -> None:
    client = kombo_client()

    client.general.set_integration_enabled(integration_id=integration.id, value=False)
    integration.refresh_from_db()
    assert integration.enabled is False

    client.general.set_integration_enabled(integration_id=integration.id, value=True)
    integration.refresh_from_db()
    assert integration.enabled is True


def test_delete_integration(kombo_client: Callable[..., Kombo], integration: Integration) -> None:
    result = kombo_client().general.delete_integration(integration_id=integration.id, body={})

    assert result.STATUS == "success"
    assert not Integration.objects.filter(id=integration.id).exists()


def test_delete_foreign_integration_deletes_nothing(
    kombo_client: Callable[..., Kombo], foreign_integration: Integration
) -> None:
    with pytest.raises(errors.KomboGeneralError) as caught:
        kombo_client().general.delete_integration(integration_id=foreign_integration.id, body={})

    assert caught.value.status_code == 404
    assert Integration.objects.filter(id=foreign_integration.id).exists()


def test_get_tools_lists_the_registered_ats_connectors(kombo_client: Callable[..., Kombo], api_base_url: str) -> None:
    tools = kombo_client().general.get_tools(category="ats").data.tools
    sandbox = next(tool for tool in tools if tool.id == "sandbox")

    assert sandbox.label == "Sandbox"
    assert sandbox.assets.logo_url == api_base_url.removesuffix("/v1") + "/static/tools/sandbox.svg"
    assert {model.id for model in sandbox.coverage.read_models} >= {"ats_jobs", "ats_applications"}
    assert "automatic_source_writing" in {feature.id for feature in sandbox.coverage.features}


def test_get_tools_for_a_category_without_tools(kombo_client: Callable[..., Kombo]) -> None:
    assert kombo_client().general.get_tools(category="hris").data.tools == []
