"""A stateful Factorial emulator (ATS resources, employees, credentials, OAuth, API keys) for tests and demos."""

from __future__ import annotations

from apps.connectors.factorial.emulator.app import (
    API_VERSIONS,
    DEFAULT_API_KEY,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_REDIRECT_URI,
    LATEST_VERSION,
    FactorialEmulator,
    create_app,
)
from apps.connectors.factorial.emulator.params import encode_cursor
from apps.connectors.factorial.emulator.seed import SeedConfig

__all__ = [
    "API_VERSIONS",
    "DEFAULT_API_KEY",
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "DEFAULT_REDIRECT_URI",
    "LATEST_VERSION",
    "FactorialEmulator",
    "SeedConfig",
    "create_app",
    "encode_cursor",
]
