"""Method + path-template routing: `router.add("GET", "/candidates/{id}/jobs/{job_id}", handler, scopes=...)`.

A `{name}` placeholder matches one whole path segment. When several templates match a path, the one with
literal segments earliest wins (`/users/me` beats `/users/{id}`), whatever the registration order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import unquote

from apps.connectors.emulation.http import MethodNotAllowed, NotFound, Request, Response

Handler = Callable[[Request], Response]


@dataclass(frozen=True)
class Route:
    """One registered endpoint; `meta` carries whatever the app needs per route (scopes, limits, flags)."""

    method: str
    template: str
    handler: Handler
    meta: Mapping[str, Any] = field(default_factory=dict)

    @cached_property
    def segments(self) -> tuple[str, ...]:
        return _split(self.template)

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(seg[1:-1] for seg in self.segments if _is_param(seg))

    def match(self, segments: tuple[str, ...]) -> dict[str, str] | None:
        own = self.segments
        if len(own) != len(segments):
            return None
        params: dict[str, str] = {}
        for pattern, actual in zip(own, segments, strict=True):
            if _is_param(pattern):
                if not actual:
                    return None
                params[pattern[1:-1]] = unquote(actual)
            elif pattern != actual:
                return None
        return params

    @cached_property
    def shape(self) -> tuple[str, ...]:
        """Segments with placeholders blanked: two routes of one shape would match the same paths."""
        return tuple("{}" if _is_param(seg) else seg for seg in self.segments)

    @cached_property
    def specificity(self) -> tuple[int, ...]:
        # Literal segments sort before placeholders, position by position.
        return tuple(1 if _is_param(seg) else 0 for seg in self.segments)


def _split(path: str) -> tuple[str, ...]:
    stripped = path.strip("/")
    return tuple(stripped.split("/")) if stripped else ()


def _is_param(segment: str) -> bool:
    return len(segment) > 2 and segment.startswith("{") and segment.endswith("}")


class Router:
    """A table of routes, bucketed by segment count for quick matching."""

    def __init__(self) -> None:
        self._buckets: dict[int, list[Route]] = {}

    def add(self, method: str, template: str, handler: Handler, **meta: Any) -> Route:
        route = Route(method=method.upper(), template=template, handler=handler, meta=meta)
        bucket = self._buckets.setdefault(len(route.segments), [])
        for existing in bucket:
            if existing.method == route.method and existing.shape == route.shape:
                raise ValueError(f"duplicate route {route.method} {route.template}")
        bucket.append(route)
        bucket.sort(key=lambda item: item.specificity)
        return route

    def route(self, method: str, template: str, **meta: Any) -> Callable[[Handler], Handler]:
        """Decorator form of `add`."""

        def register(handler: Handler) -> Handler:
            self.add(method, template, handler, **meta)
            return handler

        return register

    def routes(self) -> list[Route]:
        return [route for bucket in self._buckets.values() for route in bucket]

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        """The route for this request and its path parameters; 404 or 405 (with `Allow`) otherwise."""
        segments = _split(path)
        allowed: list[str] = []
        best: tuple[Route, dict[str, str]] | None = None
        for route in self._buckets.get(len(segments), []):
            params = route.match(segments)
            if params is None:
                continue
            if route.method == method.upper():
                if best is None:
                    best = (route, params)
            elif route.method not in allowed:
                allowed.append(route.method)
        if best is not None:
            return best
        if allowed:
            raise MethodNotAllowed(allowed)
        raise NotFound(f"No endpoint {method.upper()} {path}")
