"""`manage.py benchmark <name> ... --json`: runs one registered benchmark and prints its figures.

Each benchmark module exposes `add_arguments(parser)` and `run(options) -> dict`; register it below.
"""

from __future__ import annotations

import json
from importlib import import_module
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

BENCHMARKS: dict[str, str] = {
    "api": "apps.applications.benchmarks",
    "sync": "apps.integrations.benchmarks",
    "write": "apps.applications.writes.benchmark",
    "faults": "apps.applications.writes.benchmark_faults",
    "load": "apps.applications.writes.benchmark_load",
    "webhooks": "apps.integrations.webhook_benchmark",
    "fleet": "apps.integrations.fleet_benchmark",
    "freshness": "apps.integrations.inbound_benchmark",
}


class Command(BaseCommand):
    help = "Run a benchmark and print its figures (JSON with --json)."

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(dest="benchmark", required=True)
        for name, path in BENCHMARKS.items():
            module = import_module(path)
            subparser = subparsers.add_parser(name, help=(module.__doc__ or "").strip().splitlines()[0])
            subparser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
            module.add_arguments(subparser)

    def handle(self, *args: Any, **options: Any) -> None:
        module = import_module(BENCHMARKS[options["benchmark"]])
        figures = module.run(options, progress=self.stderr.write)
        if options["json"]:
            self.stdout.write(json.dumps(figures))
            return
        for key, value in figures.items():
            self.stdout.write(f"{key}: {value}")
