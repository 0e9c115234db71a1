from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from datetime import timedelta

from django.db import transaction

from apps.connectors.catalog import AuthKind
from apps.connectors.registry import is_known_tool
from apps.core.api.errors import input_invalid
from apps.core.crypto import keyring
from apps.core.ids import BASE58_ALPHABET, new_integration_id
from apps.core.timeutils import utcnow
from apps.integrations.models import ApiKey, Environment, Integration
from apps.integrations.selectors import api_key_hash, credential_aad

API_KEY_PREFIX = "trib_"
API_KEY_RANDOM_CHARS = 40
API_KEY_VISIBLE_CHARS = 12
# Touching last_used_at on every request would turn every read into a write.
API_KEY_TOUCH_INTERVAL = timedelta(seconds=60)


def environment_create(*, name: str, display_name: str) -> Environment:
    environment = Environment(name=name, display_name=display_name)
    environment.full_clean()
    environment.save()
    return environment


def api_key_create(*, environment: Environment, name: str) -> tuple[ApiKey, str]:
    """Create a key; the plaintext is returned once and never stored."""
    raw_key = API_KEY_PREFIX + "".join(secrets.choice(BASE58_ALPHABET) for _ in range(API_KEY_RANDOM_CHARS))
    api_key = ApiKey(
        environment=environment,
        name=name,
        prefix=raw_key[:API_KEY_VISIBLE_CHARS],
        key_hash=api_key_hash(raw_key),
    )
    api_key.full_clean()
    api_key.save()
    return api_key, raw_key


def api_key_revoke(*, api_key: ApiKey) -> None:
    if api_key.revoked_at is None:
        api_key.revoked_at = utcnow()
        api_key.save(update_fields=["revoked_at", "updated_at"])


def api_key_touch(*, api_key: ApiKey) -> None:
    now = utcnow()
    if api_key.last_used_at is None or now - api_key.last_used_at >= API_KEY_TOUCH_INTERVAL:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now


def _encrypt_credentials(integration_id: str, credentials: Mapping[str, str]) -> tuple[dict[str, str], str]:
    ring = keyring()
    encrypted = {
        name: ring.encrypt(str(value), associated_data=credential_aad(integration_id, name))
        for name, value in credentials.items()
    }
    return encrypted, ring.current_key_id


@transaction.atomic
def integration_create(
    *,
    environment: Environment,
    tool: str,
    end_user_organization_name: str,
    end_user_email: str | None = None,
    end_user_origin_id: str | None = None,
    auth_kind: AuthKind = AuthKind.NONE,
    credentials: Mapping[str, str] | None = None,
    base_url: str = "",
    setup_status: str = Integration.SetupStatus.INCOMPLETE,
    integration_id: str | None = None,
) -> Integration:
    if not is_known_tool(tool):
        raise input_invalid(f"Unknown tool {tool!r}.")
    integration_id = integration_id or new_integration_id(tool)
    encrypted, key_id = _encrypt_credentials(integration_id, credentials or {})
    integration = Integration(
        id=integration_id,
        environment=environment,
        tool=tool,
        auth_kind=auth_kind,
        end_user_organization_name=end_user_organization_name,
        end_user_email=end_user_email,
        end_user_origin_id=end_user_origin_id,
        base_url=base_url,
        credentials=encrypted,
        credentials_key_id=key_id if encrypted else "",
        setup_status=setup_status,
    )
    integration.full_clean()
    integration.save()
    return integration


def integration_set_credentials(
    *, integration: Integration, credentials: Mapping[str, str], auth_kind: AuthKind | None = None
) -> None:
    encrypted, key_id = _encrypt_credentials(integration.id, credentials)
    integration.credentials = encrypted
    integration.credentials_key_id = key_id if encrypted else ""
    fields = ["credentials", "credentials_key_id", "updated_at"]
    if auth_kind is not None:
        integration.auth_kind = auth_kind
        fields.append("auth_kind")
    integration.save(update_fields=fields)


def integration_renew_credentials(
    *,
    integration: Integration,
    held: Mapping[str, str],
    renew: Callable[[dict[str, str]], dict[str, str]],
) -> dict[str, str]:
    """Renew an integration's OAuth tokens once, however many processes find them expiring at the same moment.

    Under a row lock, credentials that differ from the ones the caller `held` were renewed by someone else
    meanwhile and are adopted; only otherwise is `renew` called (one token request) and its result stored. So a
    single-use refresh token (SmartRecruiters and Factorial rotate them) is never spent twice.
    """
    from apps.integrations.selectors import integration_credentials

    with transaction.atomic():
        locked = Integration.objects.select_for_update().get(pk=integration.pk)
        stored = integration_credentials(locked)
        if stored != dict(held):
            renewed = stored
        else:
            renewed = renew(stored)
            integration_set_credentials(integration=locked, credentials=renewed)
    integration.credentials, integration.credentials_key_id = locked.credentials, locked.credentials_key_id
    return renewed


def integration_rotate_credentials_key(*, integration: Integration) -> bool:
    """Re-encrypt with the current key. Returns whether anything changed."""
    from apps.integrations.selectors import integration_credentials

    if not integration.credentials or integration.credentials_key_id == keyring().current_key_id:
        return False
    integration_set_credentials(integration=integration, credentials=integration_credentials(integration))
    return True


def integration_set_enabled(*, integration: Integration, enabled: bool) -> None:
    """Switch the integration off (INACTIVE: nothing reaches the ATS) or on again; switched on, its status is what
    its credentials say again, and a sync is queued to catch up with what changed meanwhile."""
    from apps.integrations.inbound_lifecycle import inbound_activation_enqueue, inbound_deactivate
    from apps.integrations.sync import sync_run_request

    was_enabled = integration.enabled
    if was_enabled and not enabled:
        inbound_deactivate(integration=integration)  # the ATS stops pushing to a switched-off integration
    integration.enabled = enabled
    fields = ["enabled", "updated_at"]
    if enabled and integration.state == Integration.State.INACTIVE:  # an older way to switch off
        integration.state = Integration.State.ACTIVE
        fields.append("state")
    integration.save(update_fields=fields)
    if enabled and not was_enabled:
        from apps.integrations.models import SyncRun

        sync_run_request(integration=integration, type=SyncRun.Type.DELTA, trigger=SyncRun.Trigger.API)
        inbound_activation_enqueue(integration.id)


@transaction.atomic
def integration_delete(*, integration: Integration) -> None:
    from apps.integrations.inbound_lifecycle import inbound_deactivate
    from apps.integrations.webhook_services import announce_integration_deleted

    inbound_deactivate(integration=integration)
    announce_integration_deleted(integration=integration)
    integration.delete()
