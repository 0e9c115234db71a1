"""The enabled switch (`PUT /v1/integrations/{id}/enabled`): a disabled integration is INACTIVE and never reaches
its ATS. Writes, syncs, passthrough and live reads from the ATS all answer the one error below; reads of
synced data keep working."""

from __future__ import annotations

from apps.core.api.errors import ApiError, ErrorCode
from apps.integrations.models import Integration

# One code every SDK error class parses: the general endpoints (force-sync, passthrough) may only answer
# PLATFORM.* codes (KomboGeneralError), so INTEGRATION.INACTIVE is not an option for them.
DISABLED_CODE = ErrorCode.PLATFORM_INPUT_INVALID
MESSAGE_DISABLED = (
    "The integration {id} is disabled (status INACTIVE), so it does not reach the ATS; enable it with "
    'PUT /v1/integrations/{id}/enabled {{"value": true}}. Synced data can still be read.'
)


def is_disabled(integration: Integration) -> bool:
    return not integration.enabled or integration.state == Integration.State.INACTIVE


def disabled_error(integration: Integration) -> ApiError:
    return ApiError(DISABLED_CODE, MESSAGE_DISABLED.format(id=integration.id))


def ensure_enabled(integration: Integration) -> None:
    """Raise the one "disabled" error if the integration is switched off."""
    if is_disabled(integration):
        raise disabled_error(integration)


def public_status(integration: Integration) -> str:
    """`status` of the integration details: INACTIVE while switched off, else what the credentials say."""
    return Integration.State.INACTIVE if is_disabled(integration) else integration.state
