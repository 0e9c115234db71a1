"""The seam between sync (here) and the unified records it writes (`apps.applications`, which sits above us).

`apps.applications` models refer to `Integration`, so it imports this app and not the other way round
(DESIGN.md "Apps and their direction", checked by import-linter). Sync still has to write records: it calls the
store that `apps.applications` registers when Django starts (`ApplicationsConfig.ready`), through `records`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, cast

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from apps.connectors.catalog import ReadModel

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from apps.integrations.models import Integration


class UpsertCounts(Protocol):
    created: int
    updated: int
    unchanged: int
    skipped: int


class RecordStore(Protocol):
    """What sync needs from the unified records: one Django model per read model and page-wise writes."""

    RECORD_MODELS: Mapping[ReadModel, type[models.Model]]

    def records_upsert(
        self, *, integration: Integration, model: ReadModel, records: Sequence[Any], now: datetime
    ) -> UpsertCounts: ...

    def records_mark_deleted(
        self, *, integration: Integration, model: ReadModel, remote_ids: Sequence[str], now: datetime
    ) -> int: ...

    def records_mark_vanished(
        self,
        *,
        integration: Integration,
        model: ReadModel,
        seen_remote_ids: QuerySet[Any],
        now: datetime,
        only: QuerySet[Any] | None = None,
    ) -> int: ...

    def records_refresh_statistics(self, *, model: ReadModel) -> None: ...


_registered: list[RecordStore] = []


def record_store_register(store: RecordStore) -> None:
    """Called once by `apps.applications` at start-up (again in the same process: replaces the store)."""
    _registered[:] = [store]


class _Registered:
    def __getattr__(self, name: str) -> Any:
        if not _registered:
            raise ImproperlyConfigured("No record store registered: is apps.applications in INSTALLED_APPS?")
        return getattr(_registered[0], name)


# The registered store; attributes resolve on use, so importing this module needs no registration yet.
records = cast(RecordStore, _Registered())
