"""Personio reads over the v2 Recruiting API: jobs (stages from their category), candidates, applications (outcome
from the current stage, `rejected_at` from the stage transitions), `updated_at.gt` deltas where v2 filters.

Deletions are not signalled (A7): `reports_deletions = False`, a FULL sync finds what vanished.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from apps.connectors.catalog import ReadModel
from apps.connectors.dtos import Page, RemoteRecord
from apps.connectors.kit import Reader, ReadQuery
from apps.connectors.personio import mapping
from apps.core.timeutils import format_datetime

Raw = dict[str, Any]


class PersonioReads:
    """The read side of `PersonioConnector` (mixed in)."""

    client: Any
    _categories: dict[str, Raw | None]

    def readers(self) -> Mapping[ReadModel, Reader]:
        return {
            ReadModel.JOBS: self._read_jobs,
            ReadModel.CANDIDATES: self._simple("/candidates", mapping.candidate, delta=True),
            ReadModel.APPLICATIONS: self._read_applications,
        }

    def job_category(self, category_id: str | None) -> Raw | None:
        """`GET /v2/recruiting/categories/{id}` once per connector instance (stages belong to the category)."""
        if not category_id:
            return None
        if category_id not in self._categories:
            self._categories[category_id] = self.client.get_one(f"/categories/{category_id}")
        return self._categories[category_id]

    def _rows(self, path: str, q: ReadQuery, *, delta: bool) -> tuple[list[Raw], str | None]:
        if q.remote_ids is not None:
            # v2 lists take no id filter: one `GET …/{id}` each (a 404 is a record that no longer exists).
            found = (self.client.get_one(f"{path}/{remote_id}") for remote_id in dict.fromkeys(q.remote_ids))
            return [row for row in found if row is not None], None
        params: dict[str, Any] = {}
        if delta and q.updated_since is not None and not q.cursor:
            params["updated_at.gt"] = format_datetime(q.updated_since)
        return self.client.list_page(path, params, q.cursor)

    def _simple(self, path: str, convert: Callable[[Raw], RemoteRecord], *, delta: bool) -> Reader:
        def read(q: ReadQuery) -> Page[RemoteRecord]:
            rows, cursor = self._rows(path, q, delta=delta)
            return Page(items=[convert(row) for row in rows], next_cursor=cursor)

        return read

    def _read_jobs(self, q: ReadQuery) -> Page[RemoteRecord]:
        rows, cursor = self._rows("/jobs", q, delta=False)  # no incremental filter on jobs (A3)
        items: list[RemoteRecord] = [
            mapping.job(row, category=self.job_category(str((row.get("category") or {}).get("id") or "")))
            for row in rows
        ]
        return Page(items=items, next_cursor=cursor)

    def application_dto(self, row: Raw) -> RemoteRecord:
        rejected = None
        if mapping.outcome(row.get("current_stage")) == "DECLINED":
            body = self.client.request("GET", f"/v2/recruiting/applications/{row['id']}/stage-transitions").json()
            rejected = mapping.rejected_at([t for t in body.get("_data") or () if isinstance(t, dict)])
        return mapping.application(row, rejected_at=rejected)

    def _read_applications(self, q: ReadQuery) -> Page[RemoteRecord]:
        rows, cursor = self._rows("/applications", q, delta=True)
        return Page(items=[self.application_dto(row) for row in rows], next_cursor=cursor)
