from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from apps.core.api.urls import public_base_url
from apps.integrations.connect_services import connect_link_create
from apps.integrations.demo import demo_first_sync, demo_seed
from apps.integrations.models import ConnectLink


class Command(BaseCommand):
    help = (
        "Seed (idempotently) the demo environment with a sandbox integration; prints its API key and admin "
        "login (the same ones on every run, kept in var/; --new-key for a fresh key)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")
        parser.add_argument("--base-url", default="", help="Where Tributary is served (default PUBLIC_BASE_URL).")
        parser.add_argument("--new-key", action="store_true", help="Issue a fresh demo API key (the old one stays).")

    def handle(self, *args: Any, **options: Any) -> None:
        seed = demo_seed(new_key=options["new_key"])
        for integration in seed.integrations:
            run = demo_first_sync(integration)
            if run is not None and not options["json"]:
                self.stdout.write(f"First sync of {integration.id}: {run.status}, {run.fetched} records.")
        base = (options["base_url"] or public_base_url()).rstrip("/")
        # A fresh connection link each call, to try the connection flow in a browser.
        link = connect_link_create(
            environment=seed.environment,
            end_user_email="hr@newco.example.com",
            end_user_organization_name="NewCo",
            integration_category="ATS",
            link_type=ConnectLink.LinkType.MAGIC_LINK,
            base_url=base,
        )
        result = {
            "api_key": seed.api_key,
            "base_url": f"{base}/v1",
            "admin": {"username": seed.admin_username, "password": seed.admin_password},
            "integrations": [{"id": integration.id, "tool": integration.tool} for integration in seed.integrations],
            "connect_link": link.url,
        }
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        self.stdout.write(f"API base URL: {result['base_url']}")
        self.stdout.write(f"API key:      {result['api_key']}")
        password = seed.admin_password or "(changed since it was generated)"
        self.stdout.write(f"Admin:        {base}/admin/ ({seed.admin_username} / {password})")
        for integration in result["integrations"]:
            self.stdout.write(f"Integration:  {integration['id']} ({integration['tool']})")
        self.stdout.write(f"Connect link: {result['connect_link']}")
