"""`manage.py webhook_endpoint`: add (secret once), list, rotate, remove."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from apps.core.timeutils import utcnow
from apps.integrations.models import Environment, WebhookEndpoint
from apps.integrations.webhook_delivery import signing_secrets


def _call(*args: str) -> str:
    out = StringIO()
    call_command("webhook_endpoint", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_add_list_rotate_remove(environment: Environment, webhook_settings: Any) -> None:
    added = json.loads(
        _call("add", "--environment", environment.id, "--url", "http://127.0.0.1:9/hooks",
              "--events", "sync-finished,data-changed", "--json")
    )  # fmt: skip
    endpoint = WebhookEndpoint.objects.get()
    assert set(added) == {"id", "secret"}
    assert added["id"] == endpoint.id
    assert signing_secrets(endpoint, utcnow()) == [added["secret"]]

    listed = json.loads(_call("list", "--json"))
    assert listed == [
        {"id": endpoint.id, "environment_id": environment.id, "url": "http://127.0.0.1:9/hooks",
         "events": ["data-changed", "sync-finished"], "active": True, "disabled_at": None, "disabled_reason": None}
    ]  # fmt: skip
    assert _call("list") == f"{endpoint.id}  http://127.0.0.1:9/hooks  events=data-changed,sync-finished  active\n"

    rotated = json.loads(_call("rotate", endpoint.id, "--json"))
    endpoint.refresh_from_db()
    assert rotated["id"] == endpoint.id
    assert signing_secrets(endpoint, utcnow()) == [rotated["secret"], added["secret"]]

    assert _call("remove", endpoint.id) == f"endpoint {endpoint.id} removed\n"
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
def test_bad_input_is_a_command_error(environment: Environment, webhook_settings: Any) -> None:
    with pytest.raises(CommandError, match="^url: only http and https URLs can receive webhooks.$"):
        _call("add", "--environment", environment.id, "--url", "file:///etc/passwd")
    with pytest.raises(CommandError, match="^No environment 'nope'.$"):
        _call("add", "--environment", "nope", "--url", "http://127.0.0.1:9/")
    with pytest.raises(CommandError, match="^No webhook endpoint 'nope'.$"):
        _call("rotate", "nope")
