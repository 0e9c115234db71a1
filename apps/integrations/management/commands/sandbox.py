from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.integrations.connectors import SANDBOX_TOOL, sandbox_path_for, sandbox_store_for
from apps.integrations.models import Integration

COUNTED = (
    "jobs", "candidates", "applications", "offers", "interviews", "notes", "scorecards", "attachments", "users",
)  # fmt: skip


class Command(BaseCommand):
    help = "Drive sandbox ATSs: `advance` makes time pass (moves, hires, rejections, edits, removals), `info` counts."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        advance = sub.add_parser("advance", help="Make time pass in sandbox ATSs.")
        advance.add_argument("--integration", help="Only this sandbox integration (default: all of them).")
        advance.add_argument("--steps", type=int, default=1, help="How many steps of time (default 1).")
        advance.add_argument("--json", action="store_true", help="Print the summary as JSON.")
        info = sub.add_parser("info", help="Where each sandbox lives and what it holds.")
        info.add_argument("--integration", help="Only this sandbox integration.")
        info.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        integrations = Integration.objects.filter(tool=SANDBOX_TOOL).order_by("created_at")
        if options.get("integration"):
            integrations = integrations.filter(id=options["integration"])
            if not integrations.exists():
                raise CommandError(f"No sandbox integration {options['integration']!r}.")
        results: dict[str, dict[str, Any]] = {}
        for integration in integrations:
            store = sandbox_store_for(integration)
            if options["action"] == "advance":
                if options["steps"] < 1:
                    raise CommandError("--steps must be at least 1.")
                results[integration.id] = store.advance(steps=options["steps"]).as_dict()
            else:
                results[integration.id] = {
                    "path": str(sandbox_path_for(integration)),
                    **{model: store.count(model) for model in COUNTED},
                }
        if options["json"]:
            self.stdout.write(json.dumps(results))
            return
        for integration_id, result in results.items():
            details = ", ".join(f"{key} {value}" for key, value in result.items())
            self.stdout.write(f"{integration_id}: {details}")
        if not results:
            self.stdout.write("No sandbox integrations.")
