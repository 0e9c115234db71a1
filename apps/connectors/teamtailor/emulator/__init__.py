"""A stateful Teamtailor emulator (public JSON:API `/v1`, EU and NA region prefixes) for tests and demos."""

from __future__ import annotations

from apps.connectors.teamtailor.emulator.app import (
    API_VERSION,
    API_VERSIONS,
    DEFAULT_API_KEY,
    DEFAULT_NA_API_KEY,
    TeamtailorEmulator,
    create_app,
)
from apps.connectors.teamtailor.emulator.seed import SeedConfig

__all__ = [
    "API_VERSION",
    "API_VERSIONS",
    "DEFAULT_API_KEY",
    "DEFAULT_NA_API_KEY",
    "SeedConfig",
    "TeamtailorEmulator",
    "create_app",
]
