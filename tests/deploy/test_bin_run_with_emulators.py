"""README "Try a real ATS locally", step by step: `./bin/run --with-emulators` on a fresh var/, then in Chromium
SmartRecruiters connected by OAuth and Factorial by API key through the connection flow, each custom source created
on its emulator's settings screen. Screenshots under test-artifacts/connect-flow/bin-run-with-emulators/."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from kombo import Kombo
from playwright.sync_api import Page, expect, sync_playwright

from apps.connectors.emulation.registry import EMULATORS
from tests.browser.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS
from tests.deploy.processes import free_port, free_port_block
from tests.integrations.processes import ROOT, wait_for

pytestmark = pytest.mark.browser

README = (ROOT / "README.md").read_text()
SOURCE = "Tributary Demo"  # the demo environment's display name: the source name the flow asks for


def _section() -> str:
    start = README.index("## Try a real ATS locally")
    return README[start : README.index("\n## ", start + 3)]


def _printed(log: str, label: str) -> str:
    match = re.search(rf"^\s+{re.escape(label)}\s*: (\S+)", log, re.MULTILINE)
    assert match, f"{label!r} not printed:\n{log}"
    return match.group(1)


def _emulator_block(log: str, tool: str) -> str:
    start = log.index(f"  {tool} ")
    following = re.search(r"^  \w", log[start + 3 :], re.MULTILINE)
    return log[start : start + 3 + following.start()] if following else log[start:]


@pytest.fixture
def running(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """`./bin/run --with-emulators` as the README says, on free ports; its base URL and its output."""
    port, first_emulator_port = free_port(), free_port_block(len(EMULATORS))
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "CREDENTIALS_KEYS", "SANDBOX_DIR")
        and not key.startswith(("DEMO_", "CONNECTOR_"))
    }
    env.update({"TRIBUTARY_VAR_DIR": str(tmp_path / "var"), "PORT": str(port), "WEB_CONCURRENCY": "1",
                "Q_WORKERS": "1", "EMULATOR_FIRST_PORT": str(first_emulator_port)})  # fmt: skip
    log = tmp_path / "run.log"
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [str(ROOT / "bin" / "run"), "--with-emulators"], cwd=ROOT, env=env, stdout=handle,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        wait_for(lambda: "Listening at:" in log.read_text() or process.poll() is not None, timeout=240,
                 what="bin/run --with-emulators to serve", logs=(log,))  # fmt: skip
        assert process.poll() is None, log.read_text()
        yield f"http://127.0.0.1:{port}", log.read_text()
    finally:
        os.kill(process.pid, signal.SIGTERM)
        code = process.wait(timeout=60)
    assert code == 128 + signal.SIGTERM, log.read_text()
    with pytest.raises(requests.ConnectionError):  # the emulators stopped with it
        requests.get(f"http://127.0.0.1:{first_emulator_port}/_settings", timeout=5)


@pytest.fixture
def browser_page() -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1100, "height": 820}).new_page()
        page.set_default_timeout(20_000)
        yield page
        browser.close()


def _send_on_settings_screen(page: Page, settings_url: str, path: str, body: dict[str, str]) -> dict[str, object]:
    """What the README says to do on the emulator's settings screen."""
    screen = page.context.new_page()
    screen.goto(settings_url)
    form = screen.locator("form", has=screen.locator(f'input[name=path][value="{path}"]'))
    form.locator("textarea").fill(json.dumps(body))
    form.locator("button").click()
    expect(form.locator("pre")).to_contain_text("201 ")
    shot(screen, f"settings-screen{path.replace('/', '-')}")
    answer = json.loads(form.locator("pre").inner_text().removeprefix("201 "))
    screen.close()
    return answer


FOLDER = ARTIFACTS / "bin-run-with-emulators"


def shot(page: Page, name: str) -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(FOLDER / f"{name}.png"), full_page=True)


def _finish(page: Page, kombo: Kombo) -> str:
    page.locator("#check-source").click()
    expect(page.locator("#source-status")).to_have_attribute("data-status", "CONFIGURED")
    page.locator("#continue").click()
    expect(page.locator("#done-plain")).to_be_visible()
    token = page.evaluate("() => JSON.parse(document.getElementById('activation-token').textContent)")
    return kombo.connect.get_integration_by_token(token=token).data.id


def test_the_readme_connects_smartrecruiters_by_oauth_and_factorial_by_api_key(
    running: tuple[str, str], browser_page: Page
) -> None:
    base, log = running
    section = _section()
    assert "./bin/run --with-emulators" in section
    page = browser_page
    api_key = _printed(log, "API key")
    kombo = Kombo(api_key=api_key, server_url=f"{base}/v1")
    smartrecruiters = _emulator_block(log, "smartrecruiters")
    factorial = _emulator_block(log, "factorial")
    # the OAuth app is registered for this run's callback, not for port 8000's /oauth/callback
    assert f"redirect URI {base}/connect/oauth/callback" in smartrecruiters

    # SmartRecruiters by OAuth: the printed connect link, the tab and button "Sign in with SmartRecruiters", Allow
    assert "**Sign in with SmartRecruiters**" in section
    page.goto(_printed(log, "Connect link"))
    page.locator('button[data-tool="smartrecruiters"]').click()
    page.locator(".tabs a", has_text="Sign in with SmartRecruiters").click()
    page.locator("#oauth-start").click()
    expect(page.locator("#allow")).to_be_visible()
    assert page.url.startswith(_printed(smartrecruiters, "smartrecruiters") + "/identity/oauth/allow?")
    shot(page, "01-smartrecruiters-approval")
    page.locator("#allow").click()
    expect(page.locator("h1")).to_have_text("Connection verified")
    shot(page, "02-smartrecruiters-checks")
    page.locator("#continue").click()
    expect(page.locator("#source-name")).to_have_text(SOURCE)
    # the custom source, created on the settings screen with the README's body
    assert "`POST /_emulator/sources`" in section
    body = json.loads(re.search(r"`POST /_emulator/sources` with\s+`(\{[^`]+\})`", section).group(1))  # type: ignore[union-attr]
    _send_on_settings_screen(page, _printed(smartrecruiters, "settings screen"), "/_emulator/sources", body)
    sr_id = _finish(page, kombo)
    shot(page, "03-smartrecruiters-done")

    # Factorial by API key: a new link (the README's curl, as the SDK sends it), the printed key
    created = requests.post(
        f"{base}/v1/connect/create-link", headers={"Authorization": f"Bearer {api_key}"},
        json={"end_user_email": "hr@acme.example.com", "end_user_organization_name": "Acme",
              "integration_tool": "factorial"}, timeout=30,
    )  # fmt: skip
    assert created.status_code == 200, created.text
    assert '"integration_tool": "factorial"' in section
    page.goto(created.json()["data"]["link"])
    page.locator("#field-api_key").fill(_printed(factorial, "API key (x-api-key)"))
    page.locator("#connect-submit").click()
    expect(page.locator("h1")).to_have_text("Connection verified")
    shot(page, "04-factorial-checks")
    page.locator("#continue").click()
    body = json.loads(re.search(r"`POST /_emulator/candidate-sources` with\s+`(\{[^`]+\})`", section).group(1))  # type: ignore[union-attr]
    _send_on_settings_screen(page, _printed(factorial, "settings screen"), "/_emulator/candidate-sources", body)
    factorial_id = _finish(page, kombo)
    shot(page, "05-factorial-done")

    # both are active integrations of the demo environment, reading their emulators
    for integration_id, tool in ((sr_id, "smartrecruiters"), (factorial_id, "factorial")):
        client = Kombo(api_key=api_key, integration_id=integration_id, server_url=f"{base}/v1")
        details = client.general.get_integration_details(integration_id=integration_id).data
        assert (details.tool.id, details.status) == (tool, "ACTIVE")
