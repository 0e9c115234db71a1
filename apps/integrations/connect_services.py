"""The connection flow's writes: issuing links, verifying credentials live, OAuth, completion, token exchange."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

from django.conf import settings
from django.db import transaction

from apps.connectors.catalog import AuthKind
from apps.connectors.errors import ConnectorError
from apps.connectors.registry import get_connector_class, is_known_tool
from apps.core.api.errors import ApiError, ErrorCode, input_invalid
from apps.core.crypto import keyring
from apps.core.ids import new_integration_id
from apps.core.timeutils import utcnow
from apps.integrations.connectors import build_connector, oauth_client, tool_base_url
from apps.integrations.inbound_lifecycle import inbound_activation_enqueue
from apps.integrations.models import (
    ActivationToken,
    ConnectionFlowFailure,
    ConnectLink,
    Environment,
    Integration,
    OAuthState,
)
from apps.integrations.services import integration_create, integration_set_credentials
from apps.integrations.source_step import source_step_required
from apps.integrations.webhook_services import announce_connection_flow_failed, announce_integration_created

logger = logging.getLogger(__name__)

LINK_PATH = "/connect/{token}/"
OAUTH_CALLBACK_PATH = "/connect/oauth/callback"

# The SDK sends integration_category "HRIS" unless told otherwise: say what to send instead.
MESSAGE_NO_TOOLS = "integration_category: Tributary offers {offered} tools; send {send}."
MESSAGE_UNKNOWN_TOOL = "integration_tool: {tool!r} is not available in Tributary; available tools: {available}."
MESSAGE_REMOTE_ENV_WITHOUT_TOOL = "remote_environment: can only be set together with integration_tool."
MESSAGE_UNKNOWN_SCOPE_CONFIG = "scope_config_id: {scope_config_id!r} is not a scope config of this environment."
MESSAGE_NO_SETUP_STEP = (
    "The integration {integration_id!r} has no setup step: {tool} needs no source setup, "
    "or automatic source writing is off for this environment."
)
MESSAGE_TOKEN_UNKNOWN = "No activation token {token!r} exists in this environment."
MESSAGE_TOKEN_USED = "The activation token has already been exchanged; activation tokens are single use."
MESSAGE_TOKEN_EXPIRED = "The activation token has expired."

CREDENTIALS_CHECK_ID = "credentials"
# Expired tokens are kept this long so a late exchange still hears "expired" rather than "unknown".
EXPIRED_TOKENS_KEPT = timedelta(days=30)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


def link_url(token: str, *, base_url: str) -> str:
    return base_url.rstrip("/") + LINK_PATH.format(token=quote(token, safe=""))


def oauth_redirect_uri(base_url: str) -> str:
    return base_url.rstrip("/") + OAUTH_CALLBACK_PATH


def _link_lifetime(link_type: str) -> timedelta:
    if link_type == ConnectLink.LinkType.MAGIC_LINK:
        return timedelta(seconds=settings.CONNECT_MAGIC_LINK_SECONDS)
    return timedelta(seconds=settings.CONNECT_EMBEDDED_LINK_SECONDS)


@dataclass(frozen=True)
class IssuedLink:
    link: ConnectLink
    url: str


def _issue(link: ConnectLink, *, base_url: str) -> IssuedLink:
    token = _new_secret()
    link.token_hash = token_hash(token)
    link.expires_at = utcnow() + _link_lifetime(link.link_type)
    link.full_clean()
    link.save()
    return IssuedLink(link=link, url=link_url(token, base_url=base_url))


def _available_tools(category: str | None = None) -> list[str]:
    from apps.connectors.registry import connector_classes

    return [cls.tool for cls in connector_classes(category)]


def connect_link_create(
    *,
    environment: Environment,
    end_user_email: str,
    end_user_organization_name: str,
    base_url: str,
    end_user_origin_id: str | None = None,
    integration_category: str = "ATS",
    integration_tool: str | None = None,
    language: str = "en",
    link_type: str = ConnectLink.LinkType.EMBEDDED,
    scope_config_id: str | None = None,
    remote_environment: str | None = None,
) -> IssuedLink:
    """A link for a new integration (POST /connect/create-link)."""
    if scope_config_id and scope_config_id != environment.scope_config_id:
        raise input_invalid(MESSAGE_UNKNOWN_SCOPE_CONFIG.format(scope_config_id=scope_config_id))
    if remote_environment and not integration_tool:
        raise input_invalid(MESSAGE_REMOTE_ENV_WITHOUT_TOOL)
    if integration_tool:
        if not is_known_tool(integration_tool):
            raise input_invalid(
                MESSAGE_UNKNOWN_TOOL.format(tool=integration_tool, available=", ".join(_available_tools()))
            )
        # The SDK sends its default category (HRIS) even with a tool: the tool decides.
        integration_category = get_connector_class(integration_tool).category
    elif not _available_tools(integration_category):
        from apps.connectors.registry import connector_classes

        offered = list(dict.fromkeys(cls.category for cls in connector_classes()))
        raise input_invalid(
            MESSAGE_NO_TOOLS.format(offered=" and ".join(offered), send=" or ".join(f'"{c}"' for c in offered))
        )
    link = ConnectLink(
        environment=environment,
        kind=ConnectLink.Kind.NEW,
        link_type=link_type,
        language=language,
        end_user_email=end_user_email,
        end_user_organization_name=end_user_organization_name,
        end_user_origin_id=end_user_origin_id,
        integration_category=integration_category,
        integration_tool=integration_tool or "",
        remote_environment=remote_environment or "",
        pending_integration_id=new_integration_id(integration_tool) if integration_tool else "",
    )
    return _issue(link, base_url=base_url)


def _link_for_integration(integration: Integration, *, kind: str, language: str, link_type: str) -> ConnectLink:
    return ConnectLink(
        environment=integration.environment,
        kind=kind,
        link_type=link_type,
        language=language,
        end_user_email=integration.end_user_email or "",
        end_user_organization_name=integration.end_user_organization_name,
        end_user_origin_id=integration.end_user_origin_id,
        integration_tool=integration.tool,
        integration=integration,
    )


def connect_link_create_relink(
    *,
    integration: Integration,
    base_url: str,
    language: str = "en",
    link_type: str = ConnectLink.LinkType.EMBEDDED,
    scope_config_id: str | None = None,
) -> IssuedLink:
    """A reconnection link: the flow replaces the credentials of this integration and keeps its id."""
    if scope_config_id and scope_config_id != integration.environment.scope_config_id:
        raise input_invalid(MESSAGE_UNKNOWN_SCOPE_CONFIG.format(scope_config_id=scope_config_id))
    link = _link_for_integration(integration, kind=ConnectLink.Kind.RELINK, language=language, link_type=link_type)
    return _issue(link, base_url=base_url)


def connect_link_create_setup(
    *, integration: Integration, link_type: str, base_url: str, language: str = "en"
) -> IssuedLink:
    """A link that reopens the source step; PLATFORM.INPUT_INVALID when the integration has no setup step."""
    if not source_step_required(integration):
        raise input_invalid(
            MESSAGE_NO_SETUP_STEP.format(
                integration_id=integration.id, tool=get_connector_class(integration.tool).label
            )
        )
    link = _link_for_integration(integration, kind=ConnectLink.Kind.SETUP, language=language, link_type=link_type)
    link.verified_at = utcnow()  # nothing to authenticate: the integration is already connected
    return _issue(link, base_url=base_url)


# -- the flow -----------------------------------------------------------------------------------------------


def connect_flow_record_failure(
    *, link: ConnectLink, step: str, reason: str, tool: str | None = None
) -> ConnectionFlowFailure:
    failure = ConnectionFlowFailure.objects.create(
        environment_id=link.environment_id,
        link=link,
        integration_id=link.integration_id,
        tool=tool if tool is not None else link.selected_tool,
        step=step,
        reason=reason,
    )
    logger.info("Connection flow failure (%s, link %s): %s", step, link.id, reason)
    announce_connection_flow_failed(failure=failure)
    return failure


def connect_flow_choose_tool(*, link: ConnectLink, tool: str) -> None:
    if link.integration_tool or link.integration_id:
        raise ValueError("The tool of this link is fixed.")
    if not is_known_tool(tool) or get_connector_class(tool).category != link.integration_category:
        raise ValueError(f"Unknown tool {tool!r}.")
    link.tool = tool
    link.pending_integration_id = new_integration_id(tool)
    link.auth_kind = ""
    link.scope_results = []
    link.save(update_fields=["tool", "pending_integration_id", "auth_kind", "scope_results", "updated_at"])


@dataclass(frozen=True)
class CheckResult:
    """One line of the live checks: the credentials themselves, then one per scope test."""

    id: str
    label: str
    ok: bool | None  # None: not run (the credentials failed first, or it is still pending)
    message: str = ""
    fix_hint: str = ""
    pending: bool = False  # not run yet: the checks page runs it next
    unreachable: bool = False  # failed because the ATS could not be reached (network, timeout, 5xx)

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "label": self.label,
            "ok": self.ok,
            "message": self.message,
            "fix_hint": self.fix_hint,
            "pending": self.pending,
            "unreachable": self.unreachable,
        }


def _attach_integration(link: ConnectLink, *, auth_kind: str, credentials: Mapping[str, str]) -> Integration:
    tool = link.selected_tool
    if link.integration_id:
        integration = link.integration
        assert integration is not None
        integration_set_credentials(integration=integration, credentials=credentials, auth_kind=AuthKind(auth_kind))
        integration.state = Integration.State.ACTIVE
        integration.last_error = ""
        integration.save(update_fields=["state", "last_error", "updated_at"])
        return integration
    return integration_create(
        environment=link.environment,
        tool=tool,
        end_user_organization_name=link.end_user_organization_name,
        end_user_email=link.end_user_email or None,
        end_user_origin_id=link.end_user_origin_id,
        auth_kind=AuthKind(auth_kind),
        credentials=credentials,
        base_url=str(settings.CONNECTOR_BASE_URLS.get(tool, "")),
        setup_status=Integration.SetupStatus.INCOMPLETE,
        integration_id=link.pending_integration_id or None,
    )


def connect_flow_verify_credentials(
    *, link: ConnectLink, auth_kind: str, credentials: Mapping[str, str]
) -> list[CheckResult]:
    """Check the credentials live, permission by permission, all in this request; when all pass, store them on
    the integration (creating it for a new link, replacing them for a relink). Failures are recorded."""
    from apps.integrations.connect_checks import connect_checks_begin, connect_checks_run_all

    connect_checks_begin(link=link, auth_kind=auth_kind, credentials=credentials)
    return connect_checks_run_all(link=link)


def _link_token_aad(state_hash: str) -> str:
    return f"oauth-state:{state_hash}"


def connect_flow_oauth_start(
    *, link: ConnectLink, link_token: str, base_url: str, popup: bool = False, progressive: bool = False
) -> str:
    """Begin the authorization-code round trip: returns the ATS's authorize URL carrying a fresh `state`."""
    tool = link.selected_tool
    client = oauth_client(tool)
    if client is None:
        raise ValueError(f"No OAuth app is configured for {tool} (settings.CONNECTOR_OAUTH_CLIENTS).")
    connector_class = get_connector_class(tool)
    mode = connector_class.auth_mode(AuthKind.OAUTH2_AUTHORIZATION_CODE)
    if mode is None:
        raise ValueError(f"{tool} has no OAuth authorization-code mode.")
    state = _new_secret()
    redirect_uri = oauth_redirect_uri(base_url)
    link.auth_kind = AuthKind.OAUTH2_AUTHORIZATION_CODE  # a failed round trip retries with the same mode
    link.save(update_fields=["auth_kind", "updated_at"])
    state_digest = token_hash(state)
    OAuthState.objects.create(
        state_hash=state_digest,
        link_token_encrypted=keyring().encrypt(link_token, associated_data=_link_token_aad(state_digest)),
        link=link,
        tool=tool,
        redirect_uri=redirect_uri,
        popup=popup,
        progressive=progressive,
        expires_at=utcnow() + timedelta(seconds=settings.CONNECT_OAUTH_STATE_SECONDS),
    )
    base = link.integration.base_url if link.integration_id and link.integration.base_url else tool_base_url(tool)
    connector = build_connector(tool=tool, integration_key=f"link:{link.id}", base_url=base)
    return connector.oauth_authorize_url(
        client=client, redirect_uri=redirect_uri, state=state, scopes=mode.oauth_scopes
    )


class OAuthStateInvalid(Exception):
    def __init__(self, message: str, *, link: ConnectLink | None = None) -> None:
        super().__init__(message)
        self.link = link  # a used or expired state's link: its page speaks the link's language


def oauth_state_link_token(oauth_state: OAuthState) -> str:
    return keyring().decrypt(oauth_state.link_token_encrypted, associated_data=_link_token_aad(oauth_state.state_hash))


def oauth_state_consume(state: str) -> OAuthState:
    """The pending OAuth state; used up by this call. Raises OAuthStateInvalid (unknown, used or expired)."""
    with transaction.atomic():
        oauth_state = (
            OAuthState.objects.select_for_update(of=("self",))
            .select_related("link", "link__environment", "link__integration")
            .filter(state_hash=token_hash(state))
            .first()
        )
        if oauth_state is None or oauth_state.used_at is not None:
            raise OAuthStateInvalid(
                "The sign-in could not be verified (unknown or already used state).",
                link=oauth_state.link if oauth_state else None,
            )
        oauth_state.used_at = utcnow()
        oauth_state.save(update_fields=["used_at", "updated_at"])
    if utcnow() >= oauth_state.expires_at:
        raise OAuthStateInvalid("The sign-in took too long; please start it again.", link=oauth_state.link)
    return oauth_state


def connect_flow_oauth_callback(*, oauth_state: OAuthState, code: str) -> list[CheckResult]:
    """Exchange the code for tokens, then run the same live checks as for typed-in credentials."""
    link = oauth_state.link
    client = oauth_client(oauth_state.tool)
    base = link.integration.base_url if link.integration_id and link.integration.base_url else ""
    connector = build_connector(
        tool=oauth_state.tool, integration_key=f"link:{link.id}", base_url=base or tool_base_url(oauth_state.tool)
    )
    try:
        if client is None:
            raise ValueError(f"No OAuth app is configured for {oauth_state.tool}.")
        credentials = connector.oauth_exchange_code(client=client, code=code, redirect_uri=oauth_state.redirect_uri)
    except (ConnectorError, ValueError) as error:
        message = error.message if isinstance(error, ConnectorError) else str(error)
        connect_flow_record_failure(link=link, step=ConnectionFlowFailure.Step.OAUTH, reason=message)
        raise
    if oauth_state.progressive:
        # The checks page (it has script) runs the checks one by one and shows each as it completes.
        from apps.integrations.connect_checks import connect_checks_begin

        connect_checks_begin(link=link, auth_kind=AuthKind.OAUTH2_AUTHORIZATION_CODE, credentials=credentials)
        return []
    return connect_flow_verify_credentials(
        link=link, auth_kind=AuthKind.OAUTH2_AUTHORIZATION_CODE, credentials=credentials
    )


@dataclass(frozen=True)
class Completion:
    integration: Integration
    activation_token: str


@transaction.atomic
def connect_flow_complete(*, link: ConnectLink, source_configured: bool) -> Completion:
    """Finish the flow: mark the link used, set the integration's setup status, issue the activation token."""
    link = ConnectLink.objects.select_for_update(of=("self",)).select_related("integration").get(pk=link.pk)
    if link.completed_at is not None:
        raise ValueError("This link has already been used.")
    if link.integration is None or link.verified_at is None:
        raise ValueError("The connection is not verified yet.")
    integration = link.integration
    integration.setup_status = (
        Integration.SetupStatus.COMPLETED if source_configured else Integration.SetupStatus.INCOMPLETE
    )
    integration.save(update_fields=["setup_status", "updated_at"])
    link.completed_at = utcnow()
    link.save(update_fields=["completed_at", "updated_at"])
    if link.kind == ConnectLink.Kind.NEW:
        announce_integration_created(integration=integration)
    inbound_activation_enqueue(integration.id)  # the tool's webhooks, subscribed after the commit
    token = _new_secret()
    ActivationToken.objects.create(
        token_hash=token_hash(token),
        environment_id=link.environment_id,
        link=link,
        integration=integration,
        expires_at=utcnow() + timedelta(seconds=settings.CONNECT_ACTIVATION_TOKEN_SECONDS),
    )
    return Completion(integration=integration, activation_token=token)


@transaction.atomic
def activation_token_exchange(*, environment: Environment, token: str) -> Integration:
    """GET /connect/integration-by-token/{token}: the integration, once. Tokens are single use."""
    activation = (
        ActivationToken.objects.select_for_update()
        .select_related("integration", "integration__environment")
        .filter(token_hash=token_hash(token), environment=environment)
        .first()
    )
    if activation is None:
        raise ApiError(ErrorCode.PLATFORM_INTEGRATION_NOT_FOUND, MESSAGE_TOKEN_UNKNOWN.format(token=token))
    if activation.used_at is not None:
        raise input_invalid(MESSAGE_TOKEN_USED)
    if utcnow() >= activation.expires_at:
        raise input_invalid(MESSAGE_TOKEN_EXPIRED)
    activation.used_at = utcnow()
    activation.save(update_fields=["used_at", "updated_at"])
    return activation.integration


def connect_tokens_purge(*, now: datetime | None = None) -> int:
    """Delete OAuth states and activation tokens that expired more than `EXPIRED_TOKENS_KEPT` ago."""
    cutoff = (now or utcnow()) - EXPIRED_TOKENS_KEPT
    states, _ = OAuthState.objects.filter(expires_at__lt=cutoff).delete()
    tokens, _ = ActivationToken.objects.filter(expires_at__lt=cutoff).delete()
    return states + tokens
