"""Toy ATS in-memory company: candidates and the tombstones of deleted ones. Nothing here knows about HTTP."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.records import StateError, ms


class Invalid(StateError):
    """Bad input: a 400 naming the field."""


class Missing(StateError):
    status = 404

    def __init__(self, identifier: str) -> None:
        super().__init__(f"Candidate {identifier} not found")


@dataclass
class Candidate:
    id: str
    first_name: str
    last_name: str
    email: str
    created_at: datetime
    updated_at: datetime
    tags: list[str] = field(default_factory=list)


@dataclass
class State:
    clock: Clock
    candidates: dict[str, Candidate] = field(default_factory=dict)
    deleted: dict[str, datetime] = field(default_factory=dict)  # id → when
    next_id: int = 1

    def now(self) -> datetime:
        return ms(self.clock.now())

    def candidate(self, identifier: str) -> Candidate:
        found = self.candidates.get(identifier)
        if found is None:
            raise Missing(identifier)
        return found

    def create_candidate(self, body: dict[str, object], *, at: datetime | None = None) -> Candidate:
        for name in ("first_name", "last_name", "email"):
            if not isinstance(body.get(name), str) or not body[name]:
                raise Invalid(f"{name}: is required")
        when = at or self.now()
        candidate = Candidate(
            id=str(self.next_id),
            first_name=str(body["first_name"]),
            last_name=str(body["last_name"]),
            email=str(body["email"]),
            created_at=when,
            updated_at=when,
        )
        self.next_id += 1
        self.candidates[candidate.id] = candidate
        return candidate

    def update_candidate(self, identifier: str, body: dict[str, object]) -> Candidate:
        candidate = self.candidate(identifier)
        for name in ("first_name", "last_name", "email"):
            if name in body:
                if not isinstance(body[name], str) or not body[name]:
                    raise Invalid(f"{name}: must be a non-empty string")
                setattr(candidate, name, body[name])
        candidate.updated_at = self.now()
        return candidate

    def tag(self, identifier: str, tag: object) -> Candidate:
        candidate = self.candidate(identifier)
        if not isinstance(tag, str) or not tag:
            raise Invalid("tag: is required")
        if tag not in candidate.tags:
            candidate.tags.append(tag)
            candidate.updated_at = self.now()
        return candidate

    def delete_candidate(self, identifier: str) -> None:
        self.candidate(identifier)
        del self.candidates[identifier]
        self.deleted[identifier] = self.now()
