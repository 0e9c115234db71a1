"""Emulators by tool slug: tool → dotted path of an app factory `create_app(**options) -> EmulatorApp`.

Greppable on purpose, like `apps.connectors.registry.CONNECTORS`. Resolved lazily with importlib (no Django).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

EMULATORS: dict[str, str] = {
    "ashby": "apps.connectors.ashby.emulator.app.create_app",
    "factorial": "apps.connectors.factorial.emulator.app.create_app",
    "greenhouse": "apps.connectors.greenhouse.emulator.app.create_app",
    "lever": "apps.connectors.lever.emulator.app.create_app",
    "personio": "apps.connectors.personio.emulator.app.create_app",
    "smartrecruiters": "apps.connectors.smartrecruiters.emulator.app.create_app",
    "teamtailor": "apps.connectors.teamtailor.emulator.app.create_app",
    "workable": "apps.connectors.workable.emulator.app.create_app",
}


class UnknownEmulator(LookupError):
    pass


def get_app_factory(tool: str) -> Callable[..., Any]:
    try:
        path = EMULATORS[tool]
    except KeyError:
        raise UnknownEmulator(tool) from None
    module_path, _, attribute = path.rpartition(".")
    return getattr(importlib.import_module(module_path), attribute)
