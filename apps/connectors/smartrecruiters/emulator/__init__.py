"""A stateful SmartRecruiters emulator (Customer API, Application API, Posting API, OAuth) for tests and demos."""

from __future__ import annotations

from apps.connectors.smartrecruiters.emulator.app import (
    DEFAULT_API_KEY,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_REDIRECT_URI,
    SmartRecruitersEmulator,
    create_app,
)
from apps.connectors.smartrecruiters.emulator.seed import SeedConfig

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "DEFAULT_REDIRECT_URI",
    "SeedConfig",
    "SmartRecruitersEmulator",
    "create_app",
]
