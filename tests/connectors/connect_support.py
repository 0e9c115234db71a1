"""The Connect flow in SDK end-to-end tests: a link created through the SDK, the end user's pages walked with Django's
test client (the browser tests click through the same pages), the activation token exchanged through the SDK.

Each tool brings its own steps — the credentials it posts, what its source step needs:

    def steps(client: Client, path: str) -> None:
        assert client.post(f"{path}connect", {"mode": "API_KEY", "api_key": KEY}).status_code == 302
        assert 'data-status="CONFIGURED"' in client.get(f"{path}source").content.decode()

    exchanged = connect(kombo_client(), client, "acme", steps)
    sdk = kombo_client(integration_id=exchanged.id)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.test import Client
from kombo import Kombo

FlowSteps = Callable[[Client, str], None]
"""Walks a tool's own pages of the flow, given the link's path (ending in `/`): `connect`, checks, `source`."""


def connect_link(
    kombo: Kombo,
    tool: str,
    *,
    end_user_email: str = "hr@acme.example.com",
    end_user_organization_name: str = "Acme Corp",
    **options: Any,
) -> str:
    """A connection link for `tool` made through the SDK (`create_connection_link`); its path, as the end user's
    browser opens it. `options`: the SDK's other parameters (`end_user_origin_id`, `language`, …)."""
    link = kombo.connect.create_connection_link(
        end_user_email=end_user_email,
        end_user_organization_name=end_user_organization_name,
        integration_tool=tool,
        **options,
    ).data.link
    return urlsplit(link).path


def finish(client: Client, path: str) -> str:
    """The flow's last step: the activation token the page hands to the customer's frontend."""
    done = client.post(f"{path}finish")
    assert done.status_code == 200, done.content.decode()[:500]
    return str(done.context["activation_token"])


def connect(kombo: Kombo, client: Client, tool: str, steps: FlowSteps, **link_options: Any) -> Any:
    """Link, the tool's `steps`, finish, and the token exchanged through the SDK (`get_integration_by_token`).
    Returns the SDK's integration (`id`, `tool`, `setup_status`, …), checked to be `tool` and COMPLETED."""
    path = connect_link(kombo, tool, **link_options)
    steps(client, path)
    exchanged = kombo.connect.get_integration_by_token(token=finish(client, path)).data
    assert (exchanged.tool, exchanged.setup_status) == (tool, "COMPLETED")
    return exchanged
