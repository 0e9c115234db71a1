"""The Personio Recruiting emulator (v2 auth and reads, v1 create and documents)."""

from __future__ import annotations

from apps.connectors.personio.emulator.app import (
    ALL_SCOPES,
    DEFAULT_API_KEY,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    PersonioEmulator,
    create_app,
)
from apps.connectors.personio.emulator.seed import SeedConfig

__all__ = [
    "ALL_SCOPES", "DEFAULT_API_KEY", "DEFAULT_CLIENT_ID", "DEFAULT_CLIENT_SECRET", "PersonioEmulator", "SeedConfig",
    "create_app",
]  # fmt: skip
