"""`manage.py run_emulator <tool> --port N [--seed ...] [--no-limits]`: serve a vendor emulator on 127.0.0.1."""

from __future__ import annotations

import json
import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.connectors.emulation.registry import EMULATORS, get_app_factory
from apps.connectors.emulation.server import LoopbackServer


def parse_seed(values: list[str]) -> dict[str, Any]:
    """`--seed '{"candidates": 500}'` or `--seed candidates=500,jobs=10` (repeatable); numbers become ints."""
    seed: dict[str, Any] = {}
    for value in values:
        text = value.strip()
        if text.startswith("{"):
            try:
                data = json.loads(text)
            except ValueError as exc:
                raise CommandError(f"--seed: invalid JSON ({exc})") from None
            if not isinstance(data, dict):
                raise CommandError("--seed: the JSON must be an object")
            seed.update(data)
            continue
        for pair in filter(None, (part.strip() for part in text.split(","))):
            key, separator, raw = pair.partition("=")
            if not separator:
                raise CommandError(f"--seed: expected key=value, got {pair!r}")
            seed[key.strip()] = int(raw) if raw.strip().lstrip("-").isdigit() else raw.strip()
    return seed


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Serve a stateful vendor emulator on 127.0.0.1 until Ctrl-C."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("tool", choices=sorted(EMULATORS), help="Which vendor to emulate.")
        parser.add_argument("--port", type=int, default=8111, help="Port on 127.0.0.1 (0 picks a free one).")
        parser.add_argument(
            "--seed",
            action="append",
            default=[],
            help="Seed data: JSON ('{\"candidates\": 500}') or key=value pairs (candidates=500,jobs=10).",
        )
        parser.add_argument("--no-limits", action="store_true", help="Switch the vendor's rate limits off.")
        parser.add_argument("--log-requests", action="store_true", help="Log every request to stderr.")

    def handle(self, *args: Any, **options: Any) -> None:
        factory = get_app_factory(options["tool"])
        try:
            app = factory(seed=parse_seed(options["seed"]), limits_enabled=not options["no_limits"])
        except Exception as exc:  # a bad seed parameter: say so instead of a traceback
            message = getattr(exc, "message", None) or str(exc)
            raise CommandError(f"Could not start the {options['tool']} emulator: {message}") from None
        server = LoopbackServer(app, port=options["port"], log_requests=options["log_requests"])
        try:
            server.start()
        except OSError as exc:
            raise CommandError(f"Cannot listen on 127.0.0.1:{options['port']}: {exc}") from None
        url = server.url
        self.stdout.write(f"{options['tool']} emulator listening on {url}  (Ctrl-C to stop)")
        for key, value in app.describe(url).items():
            self.stdout.write(f"  {key}: {value}")
        self.stdout.write(f"  limits: {'off' if options['no_limits'] else 'on'}")
        self.stdout.write("Control endpoints:")
        for route in sorted(app.control.routes(), key=lambda item: (item.template, item.method)):
            self.stdout.write(f"  {route.method:6} {url}{route.template}")
        self.stdout.flush()
        # SIGTERM (and SIGINT, which background jobs of a non-interactive shell inherit as ignored) stop cleanly.
        signal.signal(signal.SIGTERM, _interrupt)
        signal.signal(signal.SIGINT, _interrupt)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            self.stdout.write("stopped")
        finally:
            server.stop()
