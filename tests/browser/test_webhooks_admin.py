"""The webhook admin in headless Chromium: the deliveries list, a failed delivery's details, "send again".

Screenshots land in test-artifacts/connect-flow/<test>/.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from apps.integrations.models import Environment, WebhookDelivery, WebhookEndpoint
from apps.integrations.webhook_services import webhook_event_emit
from tests.integrations.webhook_receiver import Receiver
from tests.integrations.webhooks_support import deliver_all

pytestmark = pytest.mark.browser

Shoot = Callable[[Page, str], Path]


def test_staff_see_a_failed_delivery_and_send_it_again(
    page: Page, shoot: Shoot, live_server: Any, environment: Environment, endpoint: WebhookEndpoint,
    receiver: Receiver,
) -> None:  # fmt: skip
    # given one delivery that succeeded and one the receiver refused for good (410)
    get_user_model().objects.create_superuser("staff", "staff@example.com", "pw-staff-1")
    ok = webhook_event_emit(environment_id=environment.id, type="ping", data={"n": 1})
    deliver_all()
    receiver.behave = lambda number, body: ("status", 410, {}, b'{"message": "unknown hook"}')
    refused = webhook_event_emit(environment_id=environment.id, type="ping", data={"n": 2})
    deliver_all()
    failed = WebhookDelivery.objects.get(event=refused)
    assert failed.status == "FAILED"

    page.goto(f"{live_server.url}/admin/login/?next=/admin/integrations/webhookdelivery/")
    page.fill("#id_username", "staff")
    page.fill("#id_password", "pw-staff-1")
    page.click("input[type=submit]")

    # the deliveries list, then only the failed ones
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    shoot(page, "deliveries")
    page.locator('#changelist-filter a[href="?status__exact=FAILED"]').click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list")).to_contain_text(refused.id)
    shoot(page, "failed-deliveries")

    # the failed delivery's details: its attempt, the answer's status and body
    page.locator("#result_list tbody tr a").first.click()
    expect(page.locator("h1")).to_contain_text("webhook delivery")
    expect(page.locator("body")).to_contain_text("HTTP 410")
    expect(page.locator("body")).to_contain_text('{"message": "unknown hook"}')
    expect(page.locator("body")).to_contain_text("Failed for good")
    shoot(page, "failed-delivery")

    # send again: queued with the same event id, then delivered
    receiver.behave = lambda number, body: ("ok",)
    page.click("#send-again")
    expect(page.locator(".messagelist")).to_contain_text(f"Delivery of {refused.id} queued again.")
    shoot(page, "sent-again")
    deliver_all()
    page.reload()
    expect(page.locator("body")).to_contain_text("SUCCEEDED")
    shoot(page, "delivered")

    assert receiver.ids() == [ok.id, refused.id]
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("SUCCEEDED", 2)
