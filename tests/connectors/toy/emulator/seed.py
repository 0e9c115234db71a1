"""Deterministic Toy ATS data: the same `SeedConfig` always builds the same candidates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import ClassVar

from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.seeding import SeedConfigBase
from tests.connectors.toy.emulator.state import State

BASE_TIME = datetime(2024, 1, 8, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class SeedConfig(SeedConfigBase):
    """`POST /_emulator/seed` keys: `seed, candidates`."""

    counts: ClassVar[tuple[str, ...]] = ("seed", "candidates")

    seed: int = 1
    candidates: int = 3


def build_state(config: SeedConfig, clock: Clock) -> State:
    state = State(clock=clock)
    for number in range(1, config.candidates + 1):
        body = {"first_name": f"Seed{config.seed}", "last_name": f"Person {number}", "email": f"p{number}@toy.example"}
        state.create_candidate(body, at=BASE_TIME + timedelta(hours=number))
    return state
