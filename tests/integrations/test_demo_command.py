from __future__ import annotations

import json
import stat
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from apps.integrations.models import ApiKey, Environment, Integration
from apps.integrations.selectors import api_key_for_token


@pytest.fixture(autouse=True)
def credentials_file(settings: object, tmp_path: Path) -> Path:
    path = tmp_path / "var" / "demo-credentials.json"
    settings.DEMO_CREDENTIALS_FILE = str(path)  # type: ignore[attr-defined]
    return path


def _run_demo(*args: str) -> dict[str, object]:
    out = StringIO()
    call_command("demo", "--json", "--base-url", "http://127.0.0.1:8123", *args, stdout=out)
    return json.loads(out.getvalue())


def test_demo_is_idempotent_and_hands_out_the_same_key_and_password_again(db: None, credentials_file: Path) -> None:
    first = _run_demo()
    second = _run_demo()

    assert set(first) == {"api_key", "base_url", "admin", "integrations", "connect_link"}
    assert first["base_url"] == "http://127.0.0.1:8123/v1"
    assert first["api_key"] == second["api_key"]
    assert first["admin"] == second["admin"]
    assert Environment.objects.count() == 1
    assert ApiKey.objects.count() == 1
    assert Integration.objects.count() == 1
    assert first["integrations"] == second["integrations"] == [{"id": Integration.objects.get().id, "tool": "sandbox"}]
    assert api_key_for_token(second["api_key"]) is not None  # type: ignore[arg-type]
    for result in (first, second):
        assert str(result["connect_link"]).startswith("http://127.0.0.1:8123/connect/")
    assert first["connect_link"] != second["connect_link"]
    from apps.attribution.models import SourceMapping

    mapping = SourceMapping.objects.get()
    assert (mapping.status, mapping.remote_label) == ("CONFIGURED", "Tributary Demo")
    admin = second["admin"]
    assert admin["username"] == "admin"  # type: ignore[index]
    assert authenticate(username=admin["username"], password=admin["password"]) is not None  # type: ignore[index]
    # Kept for the owner only, with exactly what was printed.
    assert stat.S_IMODE(credentials_file.stat().st_mode) == 0o600
    kept = json.loads(credentials_file.read_text())
    assert kept == {"api_key": first["api_key"], "admin_password": admin["password"]}  # type: ignore[index]


def test_new_key_issues_a_fresh_key_and_keeps_it(db: None) -> None:
    first = _run_demo()
    fresh = _run_demo("--new-key")
    again = _run_demo()

    assert fresh["api_key"] != first["api_key"]
    assert again["api_key"] == fresh["api_key"]
    assert ApiKey.objects.count() == 2
    assert api_key_for_token(first["api_key"]) is not None  # type: ignore[arg-type]
    assert api_key_for_token(fresh["api_key"]) is not None  # type: ignore[arg-type]


def test_a_changed_admin_password_is_kept_and_not_shown(db: None) -> None:
    first = _run_demo()
    admin = get_user_model().objects.get(username="admin")
    admin.set_password("chosen-by-the-user-42")
    admin.save()

    second = _run_demo()

    assert second["admin"] == {"username": "admin", "password": None}
    assert authenticate(username="admin", password="chosen-by-the-user-42") is not None
    assert authenticate(username="admin", password=first["admin"]["password"]) is None  # type: ignore[index]
    assert second["api_key"] == first["api_key"]


def test_a_revoked_or_lost_key_is_replaced_once(db: None, credentials_file: Path) -> None:
    first = _run_demo()
    ApiKey.objects.update(revoked_at="2026-01-01T00:00:00Z")

    second = _run_demo()
    third = _run_demo()

    assert second["api_key"] != first["api_key"]
    assert third["api_key"] == second["api_key"]
    assert api_key_for_token(second["api_key"]) is not None  # type: ignore[arg-type]
    assert ApiKey.objects.count() == 2
