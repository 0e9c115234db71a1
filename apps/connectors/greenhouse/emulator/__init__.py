"""The Greenhouse Harvest v3 emulator."""

from __future__ import annotations

from apps.connectors.greenhouse.emulator.app import (
    ADMIN_USER_ID,
    ALL_SCOPES,
    DEFAULT_API_KEY,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    GreenhouseEmulator,
    create_app,
)
from apps.connectors.greenhouse.emulator.seed import SeedConfig

__all__ = [
    "ADMIN_USER_ID", "ALL_SCOPES", "DEFAULT_API_KEY", "DEFAULT_CLIENT_ID", "DEFAULT_CLIENT_SECRET",
    "GreenhouseEmulator", "SeedConfig", "create_app",
]  # fmt: skip
