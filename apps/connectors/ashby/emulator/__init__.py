"""The Ashby emulator (docs/connectors.md, step 5)."""

from __future__ import annotations

from apps.connectors.ashby.emulator.app import DEFAULT_API_KEY, AshbyEmulator, create_app
from apps.connectors.ashby.emulator.seed import SeedConfig

__all__ = ["DEFAULT_API_KEY", "AshbyEmulator", "SeedConfig", "create_app"]
