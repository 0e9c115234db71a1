"""The Lever emulator (docs/connectors.md, step 5)."""

from __future__ import annotations

from apps.connectors.lever.emulator.app import DEFAULT_API_KEY, LeverEmulator, create_app
from apps.connectors.lever.emulator.seed import ADMIN_ID, SeedConfig

__all__ = ["ADMIN_ID", "DEFAULT_API_KEY", "LeverEmulator", "SeedConfig", "create_app"]
