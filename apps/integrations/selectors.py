from __future__ import annotations

import hashlib

from django.http import HttpRequest

from apps.connectors.catalog import CoverageStatus
from apps.connectors.registry import connector_classes, get_connector_class
from apps.core.api.errors import ApiError, ErrorCode
from apps.core.crypto import keyring
from apps.core.timeutils import format_datetime
from apps.integrations.models import ApiKey, Environment, Integration
from apps.integrations.tool_catalog import CoverageRow, read_model_rows, tool_coverage, write_action_rows


def api_key_hash(raw_key: str) -> str:
    # Keys are 40 random base58 characters, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(raw_key.encode()).hexdigest()


def api_key_for_token(raw_key: str) -> ApiKey | None:
    return (
        ApiKey.objects.select_related("environment")
        .filter(key_hash=api_key_hash(raw_key), revoked_at__isnull=True)
        .first()
    )


INTEGRATION_NOT_FOUND_MESSAGE = "No integration with ID {integration_id!r} exists in this environment."


def integration_get(*, environment: Environment, integration_id: str) -> Integration:
    """The environment's integration; a foreign id answers exactly like an unknown one."""
    integration = Integration.objects.filter(environment=environment, id=integration_id).first()
    if integration is None:
        raise ApiError(
            ErrorCode.PLATFORM_INTEGRATION_NOT_FOUND,
            INTEGRATION_NOT_FOUND_MESSAGE.format(integration_id=integration_id),
        )
    return integration


def integration_for_request(request: HttpRequest) -> Integration:
    """Resolve `X-Integration-Id` within the API key's environment (used by every ATS endpoint)."""
    integration_id = request.headers.get("X-Integration-Id", "").strip()
    if not integration_id:
        raise ApiError(
            ErrorCode.PLATFORM_INTEGRATION_NOT_FOUND,
            "The X-Integration-Id header is missing: send the ID of the integration to use.",
        )
    environment = request.auth.environment  # type: ignore[attr-defined]
    return integration_get(environment=environment, integration_id=integration_id)


def integration_credentials(integration: Integration) -> dict[str, str]:
    ring = keyring()
    return {
        name: ring.decrypt(token, associated_data=credential_aad(integration.id, name))
        for name, token in integration.credentials.items()
    }


def credential_aad(integration_id: str, field_name: str) -> str:
    return f"integration:{integration_id}:{field_name}"


# -- the tool catalog and integration details, as the contract shapes them ---------------------------

TOOL_CATEGORIES = ("hris", "ats", "assessment", "lms")


def tool_assets(tool: str, base_url: str) -> dict[str, str]:
    return {
        "logo_url": f"{base_url}/static/tools/{tool}.svg",
        "icon_url": f"{base_url}/static/tools/{tool}.svg",
        "icon_black_url": f"{base_url}/static/tools/{tool}.svg",
    }


def tools_for_category(category: str, *, base_url: str) -> list[dict[str, object]]:
    tools = []
    for connector_class in connector_classes(category.upper()):
        tools.append(
            {
                "id": connector_class.tool,
                "label": connector_class.label,
                "internal_label": None,
                "paid_api_details_markdown": None,
                "fast_track_details_markdown": None,
                "partner_only_details_markdown": None,
                "connection_guide_url": connector_class.connection_guide_url,
                "assets": tool_assets(connector_class.tool, base_url),
                "coverage": tool_coverage(connector_class).as_contract(),
            }
        )
    return tools


def integration_details(integration: Integration, *, base_url: str) -> dict[str, object]:
    from apps.integrations.enabled import public_status

    connector_class = get_connector_class(integration.tool)
    assets = tool_assets(integration.tool, base_url)
    read_models = [
        {
            **row,
            "is_available": row["coverage_status"] == CoverageStatus.SUPPORTED,
            "scope_config_setting": "ENABLED",
            "opted_out_by_customer": False,
            "fields": [
                {
                    **field,
                    "is_available": field["coverage_status"] == CoverageStatus.SUPPORTED,
                    "scope_config_setting": "ENABLED",
                    "opted_out_by_customer": False,
                }
                for field in row["fields"]  # type: ignore[attr-defined]
            ],
        }
        for row in map(CoverageRow.as_contract, read_model_rows(connector_class))
    ]
    write_actions = [
        {
            **row,
            "is_available": row["coverage_status"] == CoverageStatus.SUPPORTED,
            "scope_config_setting": "ENABLED",
            "opted_out_by_customer": False,
            "fields": [
                {**field, "is_available": field["coverage_status"] == CoverageStatus.SUPPORTED}
                for field in row["fields"]  # type: ignore[attr-defined]
            ],
        }
        for row in map(CoverageRow.as_contract, write_action_rows(connector_class))
    ]
    return {
        "id": integration.id,
        "tool": {
            "id": connector_class.tool,
            "label": connector_class.label,
            "internal_label": None,
            "logo_url": assets["logo_url"],
            "icon_url": assets["icon_url"],
        },
        "category": connector_class.category,
        "status": public_status(integration),
        "setup_status": integration.setup_status,
        "end_user": {
            "organization_name": integration.end_user_organization_name,
            "creator_email": integration.end_user_email,
            "origin_id": integration.end_user_origin_id,
        },
        "scope_config": {"id": integration.environment.scope_config_id, "name": "Default"},
        "data_expired_at": None,
        "created_at": format_datetime(integration.created_at),
        "beta": connector_class.beta,
        "read_models": read_models,
        "write_actions": write_actions,
    }
