"""Fixtures of the webhook tests: a verifying receiver on loopback and an endpoint pointed at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from apps.integrations.models import Environment, WebhookDelivery, WebhookEndpoint
from apps.integrations.webhook_delivery import webhook_sweep
from apps.integrations.webhook_services import webhook_endpoint_create
from tests.integrations.webhook_receiver import Receiver, start_receiver

LOOPBACK = ["127.0.0.0/8"]


@pytest.fixture
def webhook_settings(settings: object) -> object:
    settings.WEBHOOK_ALLOWED_NETWORKS = LOOPBACK  # type: ignore[attr-defined]
    settings.WEBHOOK_TIMEOUT_SECONDS = 1.0  # type: ignore[attr-defined]
    return settings


@pytest.fixture
def receiver(webhook_settings: object) -> Iterator[Receiver]:
    receiver = Receiver()
    server, thread = start_receiver(receiver)
    yield receiver
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def endpoint(environment: Environment, receiver: Receiver) -> WebhookEndpoint:
    endpoint, secret = webhook_endpoint_create(environment=environment, url=receiver.url)
    receiver.secret = secret
    return endpoint


def deliver_all(now: object = None) -> None:
    """What the workers would do: send every due delivery, in this process."""
    webhook_sweep(now=now, inline=True)  # type: ignore[arg-type]


def pending() -> int:
    return WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING).count()
