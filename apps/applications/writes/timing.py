"""How much of a write request was spent waiting for the ATS (the `Server-Timing` header, the write benchmark).

`TimedConnector` wraps a connector and adds the duration of every method call to the request's `UpstreamClock`.
Tributary's own share of a request is its total time minus that.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from apps.connectors.base import Connector


@dataclass
class UpstreamClock:
    seconds: float = 0.0
    calls: int = 0
    inside: int = 0  # connector calls under way (own_time counts only within one)


_clock: ContextVar[UpstreamClock | None] = ContextVar("upstream_clock", default=None)


@contextmanager
def upstream_clock() -> Iterator[UpstreamClock]:
    """Measure the connector time of everything inside the block."""
    clock = UpstreamClock()
    token = _clock.set(clock)
    try:
        yield clock
    finally:
        _clock.reset(token)


@contextmanager
def own_time() -> Iterator[None]:
    """Tributary's own work inside a connector call (which counts as upstream), e.g. saving a step the ATS just
    confirmed: its duration is taken off the upstream time again, so it counts as Tributary's own share."""
    started = time.perf_counter()
    try:
        yield
    finally:
        clock = _clock.get()
        if clock is not None and clock.inside:
            clock.seconds -= time.perf_counter() - started


# The connector methods that talk to the ATS (catalog helpers such as `can` or `coverage_for` do not).
UPSTREAM_METHODS = frozenset(
    {
        "verify_credentials", "run_scope_test", "read", "list_sources", "find_source", "get_source", "create_source",
        "read_application_source", "read_candidate_source", "create_application", "create_candidate",
        "find_application", "find_tracked_application", "move_application_stage", "reject_application",
        "add_application_note", "add_application_attachment", "add_candidate_attachment",
        "add_application_result_link", "add_candidate_result_link", "add_candidate_tag", "remove_candidate_tag",
        "list_application_attachments", "list_candidate_attachments", "download_attachment",
    }
)  # fmt: skip


class TimedConnector:
    """A connector whose ATS calls (`UPSTREAM_METHODS`) count as upstream time; everything else passes through."""

    def __init__(self, connector: Connector) -> None:
        self._connector = connector

    @property
    def wrapped(self) -> Connector:
        return self._connector

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._connector, name)
        if name not in UPSTREAM_METHODS:
            return value
        return _timed(value)


def _timed(method: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        clock = _clock.get()
        started = time.perf_counter()
        if clock is not None:
            clock.inside += 1
        try:
            return method(*args, **kwargs)
        finally:
            if clock is not None:
                clock.seconds += time.perf_counter() - started
                clock.calls += 1
                clock.inside -= 1

    return call
