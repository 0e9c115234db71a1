"""The Workable emulator (docs/connectors.md, step 5)."""

from __future__ import annotations

from apps.connectors.workable.emulator.app import DEFAULT_TOKEN, WorkableEmulator, create_app
from apps.connectors.workable.emulator.seed import MEMBER_ID, SUBDOMAIN, SeedConfig

__all__ = ["DEFAULT_TOKEN", "MEMBER_ID", "SUBDOMAIN", "SeedConfig", "WorkableEmulator", "create_app"]
