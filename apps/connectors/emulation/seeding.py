"""`SeedConfig` plumbing shared by every emulator: JSON keys in, validation, JSON keys out.

A vendor's seed config is a frozen dataclass subclassing `SeedConfigBase`; it lists its JSON key renames in
`json_names` (python name → JSON key; the rest keep their name), the counts that must be non-negative
integers in `counts`, and adds its own rules in `check()`. Building the state from it stays the vendor's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from typing import Any, ClassVar, Self

from apps.connectors.emulation.records import InvalidSeed

MAX_CANDIDATES = 200_000  # what a seed may ask for: benchmarks use tens of thousands


class SeedConfigBase:
    """Mixin for a frozen dataclass of seed parameters (see the module docstring)."""

    json_names: ClassVar[dict[str, str]] = {}
    counts: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        by_key = {cls.json_names.get(f.name, f.name): f.name for f in fields(cls)}  # type: ignore[arg-type]
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in by_key:
                raise InvalidSeed(f"Unknown seed parameter: {key}")
            values[by_key[key]] = value
        config = cls(**values)
        config.validate()
        return config

    def validate(self) -> None:
        for name in self.counts:
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise InvalidSeed(f"{name}: must be a non-negative integer")
        candidates = getattr(self, "candidates", 0)
        if candidates > MAX_CANDIDATES:
            raise InvalidSeed(f"candidates: at most {MAX_CANDIDATES}")
        self.check()

    def check(self) -> None:
        """The vendor's own rules; raise `InvalidSeed`."""

    def as_json(self) -> dict[str, Any]:
        return {self.json_names.get(f.name, f.name): getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]


def seeded_name(index: int, first_names: Sequence[str], last_names: Sequence[str]) -> tuple[str, str]:
    """The `index`-th seeded person's (first, last) name: a spread over both lists, so neighbours differ."""
    return first_names[(index * 5 + 3) % len(first_names)], last_names[(index * 11 + 1) % len(last_names)]
