"""The Connect API through the official SDK: links (new, relink, setup) and the activation-token exchange."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
import requests
from django.test import Client
from kombo import Kombo
from kombo.errors import KomboGeneralError

from apps.connectors.registry import CONNECTORS
from apps.core.timeutils import utcnow
from apps.integrations.connect_services import token_hash
from apps.integrations.models import ActivationToken, ConnectLink, Environment, Integration
from tests.connectors.connect_support import connect_link, finish
from tests.fakes.fake_ats import FakeAts


def _error(call: Callable[[], object]) -> tuple[int, str | None, str]:
    with pytest.raises(KomboGeneralError) as caught:
        call()
    return caught.value.status_code, caught.value.data.error.code, str(caught.value)


def test_create_link_with_sdk_defaults_and_tool(kombo: Kombo, environment: Environment, live_server: object) -> None:
    response = kombo.connect.create_connection_link(
        end_user_email="hr@globex.example.com",
        end_user_organization_name="Globex",
        integration_category="ATS",
        end_user_origin_id="globex-1",
        language="de",
        link_type="MAGIC_LINK",
    )
    link = ConnectLink.objects.get()
    assert response.data.link.startswith(f"{live_server.url}/connect/")  # type: ignore[attr-defined]
    token = response.data.link.removeprefix(f"{live_server.url}/connect/").rstrip("/")  # type: ignore[attr-defined]
    assert link.token_hash == token_hash(token)
    assert (link.kind, link.link_type, link.language, link.end_user_origin_id) == (
        "NEW",
        "MAGIC_LINK",
        "de",
        "globex-1",
    )
    assert link.environment == environment
    assert link.integration_tool == ""

    # the SDK's default category (HRIS) is fine when a tool decides it
    kombo.connect.create_connection_link(
        end_user_email="a@b.example.com", end_user_organization_name="B", integration_tool="sandbox"
    )
    preset = ConnectLink.objects.get(integration_tool="sandbox")
    assert (preset.integration_category, preset.link_type) == ("ATS", "EMBEDDED")
    assert ConnectLink.objects.count() == 2


# Every registered tool (each connector branch adds its own), in the registry's order as the message lists them.
OFFERED = ", ".join(CONNECTORS)


@pytest.mark.parametrize(
    ("_case", "body", "message"),
    [
        (
            "no tools in category",
            {"integration_category": "HRIS"},
            'integration_category: Tributary offers ATS tools; send "ATS".',
        ),
        (
            "tool we do not offer",
            {"integration_tool": "personio"},
            f"integration_tool: 'personio' is not available in Tributary; available tools: {OFFERED}.",
        ),
        ("not a contract tool", {"integration_tool": "nope"}, 'integration_tool: "nope" is not a valid choice.'),
        (
            "remote environment alone",
            {"integration_category": "ATS", "remote_environment": "eu"},
            "remote_environment: can only be set together with integration_tool.",
        ),
        (
            "foreign scope config",
            {"integration_category": "ATS", "scope_config_id": "x"},
            "scope_config_id: 'x' is not a scope config of this environment.",
        ),
        ("bad email", {"end_user_email": "nope"}, "end_user_email: Enter a valid email address."),
        ("number for a string", {"end_user_origin_id": 42}, "end_user_origin_id: Not a valid string."),
    ],
)
def test_create_link_rejects_bad_input(
    api_base_url: str, api_key: object, _case: str, body: dict[str, object], message: str
) -> None:
    payload = {"end_user_email": "a@b.example.com", "end_user_organization_name": "B", **body}
    response = requests.post(
        f"{api_base_url}/connect/create-link",
        json=payload,
        headers={"Authorization": f"Bearer {api_key.raw_key}"},  # type: ignore[attr-defined]
        timeout=10,
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "PLATFORM.INPUT_INVALID"
    assert response.json()["error"]["message"] == message
    assert not ConnectLink.objects.exists()


def sandbox_steps(client: Client, path: str) -> None:
    assert client.post(f"{path}connect", {"mode": "NONE"}).status_code == 302
    assert client.post(f"{path}source", {"action": "create"}).status_code in (200, 302)


def test_activation_token_is_exchanged_once(kombo: Kombo, client: Client, kombo_client: Callable[..., Kombo]) -> None:
    path = connect_link(
        kombo, "sandbox", end_user_email="hr@globex.example.com", end_user_organization_name="Globex",
        end_user_origin_id="g-7",
    )  # fmt: skip
    sandbox_steps(client, path)
    token = finish(client, path)

    result = kombo.connect.get_integration_by_token(token=token).data
    integration = Integration.objects.get(end_user_origin_id="g-7")
    assert (result.id, result.tool, result.setup_status) == (integration.id, "sandbox", "COMPLETED")
    assert (result.end_user_organization_name, result.end_user_email, result.end_user_origin_id) == (
        "Globex",
        "hr@globex.example.com",
        "g-7",
    )
    # the SDK can use the integration it got
    details = kombo.general.get_integration_details(integration_id=result.id).data
    assert (details.id, details.tool.id, details.setup_status) == (integration.id, "sandbox", "COMPLETED")

    assert _error(lambda: kombo.connect.get_integration_by_token(token=token)) == (
        400,
        "PLATFORM.INPUT_INVALID",
        "The activation token has already been exchanged; activation tokens are single use.",
    )
    status, code, _ = _error(lambda: kombo.connect.get_integration_by_token(token="unknown"))
    assert (status, code) == (404, "PLATFORM.INTEGRATION_NOT_FOUND")


def test_activation_token_is_scoped_and_expires(
    kombo: Kombo, client: Client, kombo_client: Callable[..., Kombo], other_environment: Environment
) -> None:
    from tests.factories.integrations import ApiKeyFactory

    path = connect_link(kombo, "sandbox", end_user_email="a@b.example.com", end_user_organization_name="B")
    sandbox_steps(client, path)
    token = finish(client, path)
    foreign = kombo_client(key=ApiKeyFactory(environment=other_environment).raw_key)
    assert _error(lambda: foreign.connect.get_integration_by_token(token=token))[:2] == (
        404,
        "PLATFORM.INTEGRATION_NOT_FOUND",
    )
    ActivationToken.objects.update(expires_at=utcnow() - timedelta(seconds=1))
    assert _error(lambda: kombo.connect.get_integration_by_token(token=token)) == (
        400,
        "PLATFORM.INPUT_INVALID",
        "The activation token has expired.",
    )


def test_relink_and_setup_links(
    kombo: Kombo, integration: Integration, foreign_integration: Integration, fake_ats: type, environment: Environment
) -> None:
    relink = kombo.general.create_reconnection_link(integration_id=integration.id).data.link
    link = ConnectLink.objects.get()
    assert "/connect/" in relink
    assert (link.kind, link.integration, link.link_type, link.language) == ("RELINK", integration, "EMBEDDED", "en")
    assert abs((link.expires_at - utcnow()) - timedelta(hours=1)) < timedelta(minutes=1)

    # with automatic source writing off there is no setup step
    environment.automatic_source_writing = False
    environment.save()
    assert _error(lambda: kombo.general.create_setup_link(integration_id=integration.id, link_type="EMBEDDED")) == (
        400,
        "PLATFORM.INPUT_INVALID",
        f"The integration {integration.id!r} has no setup step: Sandbox needs no source setup, "
        "or automatic source writing is off for this environment.",
    )
    # a tool whose source must exist in the ATS has one
    from tests.factories.integrations import IntegrationFactory

    environment.automatic_source_writing = True
    environment.save()

    must_exist = IntegrationFactory(environment=environment, tool=FakeAts.tool)
    setup = kombo.general.create_setup_link(integration_id=must_exist.id, link_type="MAGIC_LINK", language="de")
    assert ConnectLink.objects.get(kind="SETUP").integration == must_exist
    assert "/connect/" in setup.data.link

    for call in (
        lambda: kombo.general.create_reconnection_link(integration_id=foreign_integration.id),
        lambda: kombo.general.create_setup_link(integration_id=foreign_integration.id, link_type="EMBEDDED"),
    ):
        assert _error(call)[:2] == (404, "PLATFORM.INTEGRATION_NOT_FOUND")
    assert ConnectLink.objects.count() == 2
