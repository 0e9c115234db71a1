from __future__ import annotations

import json
from io import StringIO

from django.contrib.auth import authenticate
from django.core.management import call_command

from apps.integrations.models import ApiKey, Environment, Integration
from apps.integrations.selectors import api_key_for_token


def _run_demo() -> dict[str, object]:
    out = StringIO()
    call_command("demo", "--json", "--base-url", "http://127.0.0.1:8123", stdout=out)
    return json.loads(out.getvalue())


def test_demo_is_idempotent_and_prints_a_fresh_key_each_time(db: None) -> None:
    first = _run_demo()
    second = _run_demo()

    assert set(first) == {"api_key", "base_url", "admin", "integrations", "connect_link"}
    assert first["base_url"] == "http://127.0.0.1:8123/v1"
    assert first["api_key"] != second["api_key"]
    assert Environment.objects.count() == 1
    assert ApiKey.objects.count() == 2
    assert Integration.objects.count() == 1
    assert first["integrations"] == second["integrations"] == [{"id": Integration.objects.get().id, "tool": "sandbox"}]
    for result in (first, second):
        assert api_key_for_token(result["api_key"]) is not None  # type: ignore[arg-type]
    for result in (first, second):
        assert str(result["connect_link"]).startswith("http://127.0.0.1:8123/connect/")
    assert first["connect_link"] != second["connect_link"]
    from apps.attribution.models import SourceMapping

    mapping = SourceMapping.objects.get()
    assert (mapping.status, mapping.remote_label) == ("CONFIGURED", "Tributary Demo")
    admin = second["admin"]
    assert authenticate(username=admin["username"], password=admin["password"]) is not None  # type: ignore[index]
