"""`manage.py webhook_endpoint add|list|rotate|remove`: outgoing webhook endpoints of an environment."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core.api.errors import ApiError
from apps.core.timeutils import format_datetime
from apps.integrations.models import Environment, WebhookEndpoint
from apps.integrations.webhook_services import (
    webhook_endpoint_create,
    webhook_endpoint_remove,
    webhook_endpoint_rotate_secret,
)


def _describe(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "id": endpoint.id,
        "environment_id": endpoint.environment_id,
        "url": endpoint.url,
        "events": endpoint.event_types or "all",
        "active": endpoint.active,
        "disabled_at": format_datetime(endpoint.disabled_at),
        "disabled_reason": endpoint.disabled_reason or None,
    }


class Command(BaseCommand):
    help = "Manage outgoing webhook endpoints: add (prints the secret once), list, rotate the secret, remove."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Add an endpoint; prints its id and secret (shown only now).")
        add.add_argument("--environment", required=True, help="The environment id.")
        add.add_argument("--url", required=True, help="The http(s) URL that receives the events.")
        add.add_argument("--events", default="", help="Comma-separated event types (default: all).")
        add.add_argument("--json", action="store_true")
        listing = sub.add_parser("list", help="List endpoints.")
        listing.add_argument("--environment", help="Only this environment.")
        listing.add_argument("--json", action="store_true")
        rotate = sub.add_parser("rotate", help="A new secret (printed once); the old one signs too for a day.")
        rotate.add_argument("id")
        rotate.add_argument("--json", action="store_true")
        remove = sub.add_parser("remove", help="Remove an endpoint (its deliveries go with it).")
        remove.add_argument("id")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except ApiError as error:
            raise CommandError(error.message) from None

    def _endpoint(self, endpoint_id: str) -> WebhookEndpoint:
        endpoint = WebhookEndpoint.objects.filter(id=endpoint_id).first()
        if endpoint is None:
            raise CommandError(f"No webhook endpoint {endpoint_id!r}.")
        return endpoint

    def _print(self, options: dict[str, Any], data: dict[str, Any], text: str) -> None:
        self.stdout.write(json.dumps(data) if options.get("json") else text)

    def _add(self, options: dict[str, Any]) -> None:
        environment = Environment.objects.filter(id=options["environment"]).first()
        if environment is None:
            raise CommandError(f"No environment {options['environment']!r}.")
        endpoint, secret = webhook_endpoint_create(
            environment=environment, url=options["url"], event_types=options["events"].split(",")
        )
        self._print(options, {"id": endpoint.id, "secret": secret}, f"endpoint {endpoint.id}\nsecret {secret}")

    def _list(self, options: dict[str, Any]) -> None:
        endpoints = WebhookEndpoint.objects.order_by("created_at")
        if options.get("environment"):
            endpoints = endpoints.filter(environment_id=options["environment"])
        described = [_describe(endpoint) for endpoint in endpoints]
        if options.get("json"):
            self.stdout.write(json.dumps(described))
            return
        for item in described:
            state = "active" if item["active"] else f"inactive ({item['disabled_reason'] or 'switched off'})"
            events = item["events"] if isinstance(item["events"], str) else ",".join(item["events"])
            self.stdout.write(f"{item['id']}  {item['url']}  events={events}  {state}")

    def _rotate(self, options: dict[str, Any]) -> None:
        endpoint = self._endpoint(options["id"])
        secret = webhook_endpoint_rotate_secret(endpoint=endpoint)
        self._print(options, {"id": endpoint.id, "secret": secret}, f"endpoint {endpoint.id}\nsecret {secret}")

    def _remove(self, options: dict[str, Any]) -> None:
        endpoint = self._endpoint(options["id"])
        webhook_endpoint_remove(endpoint=endpoint)
        self.stdout.write(f"endpoint {options['id']} removed")
