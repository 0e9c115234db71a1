"""What every emulator's in-memory state shares: the domain error base and the millisecond wire time format.

A vendor's state raises its own `Invalid` / `Missing` (subclasses of `StateError`, each with its vendor's
wording); `VendorEmulator` turns any `StateError` into the vendor's HTTP error or a control-endpoint error.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


class StateError(Exception):
    """A state change or lookup the emulated ATS refuses. `status` is the HTTP status it answers with."""

    status: int = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class MissingRecord(StateError):
    """An addressed record does not exist: a 404. A vendor subclass words it (`template`, e.g. ActiveRecord's)."""

    status = 404
    template = "{what} {identifier} not found"

    def __init__(self, what: str, identifier: Any) -> None:
        super().__init__(self.template.format(what=what, identifier=identifier))
        self.what = what
        self.identifier = identifier


class InvalidSeed(StateError):
    """A `POST /_emulator/seed` body the seed config does not accept (a 400 on the control endpoint)."""


def ms(value: datetime) -> datetime:
    """Truncate to milliseconds: that is all the wire formats carry."""
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def fmt(value: datetime | None) -> str | None:
    """`2024-05-01T09:00:00.000Z` (UTC, milliseconds), None for None."""
    if value is None:
        return None
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
