"""Factorial connector helpers: ids, grouping, origins and delta filters over raw records (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit

from apps.connectors.dtos import (
    ResultLinkInput,
)
from apps.connectors.errors import (
    ConnectorNotFound,
)
from apps.connectors.factorial import client as api
from apps.connectors.factorial import mapping
from apps.connectors.factorial.client import remote_id
from apps.connectors.factorial.paths import Raw


def _path_id(value: str, what: str) -> int:
    identifier = api.api_id(value)
    if identifier is None:
        raise ConnectorNotFound(f"{what} {value!r} cannot exist in Factorial (its ids are numbers).", status_code=404)
    return identifier


def _by_id(rows: Iterable[Raw]) -> dict[str, Raw]:
    return {key: row for row in rows if (key := remote_id(row.get("id"))) is not None}


def _grouped(rows: Iterable[Raw], parent: str) -> dict[str, list[Raw]]:
    groups: dict[str, list[Raw]] = {}
    for row in rows:
        key = remote_id(row.get(parent))
        if key is not None:
            groups.setdefault(key, []).append(row)
    return groups


def _link_text(link: ResultLinkInput) -> str:
    prefix = link.custom_field_name_prefix or ""
    lines = [f"{link.label}: {link.url}"]
    lines.extend(f"{prefix}{key}: {value}" for key, value in link.attributes)
    return "\n".join(lines)


def _same_origin(url: str, base_url: str) -> bool:
    target, base = urlsplit(url), urlsplit(base_url)
    return (target.scheme, target.hostname, target.port) == (base.scheme, base.hostname, base.port)


def _changed_since(rows: list[Raw], since: datetime | None) -> list[Raw]:
    """Rows whose `updated_at` is at or after `since` (all of them without `since`; rows without a time stay)."""
    if since is None:
        return rows
    kept = []
    for row in rows:
        updated = mapping.dt(row.get("updated_at"))
        if updated is None or updated >= since:
            kept.append(row)
    return kept
