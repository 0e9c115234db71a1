"""Lever reads: postings as jobs (global stages, the apply form's questions), opportunities as applications,
their contacts as candidates, users, non-hired archive reasons as rejection reasons, tags, stages. Deltas by
`updated_at_start` (ms); deleted opportunities from `GET /opportunities/deleted` after a delta's last page."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from apps.connectors.catalog import ReadModel
from apps.connectors.dtos import Page, RemoteApplicationStage, RemoteRecord
from apps.connectors.errors import ConnectorNotFound
from apps.connectors.kit import Reader, ReadQuery
from apps.connectors.lever import mapping

LIST_PAGE = 100  # the maximum `limit`: the budget is requests, not records
LIVE, DELETED = "o:", "d:"
PER_OPPORTUNITY = (
    ReadModel.OFFERS,
    ReadModel.INTERVIEWS,
    ReadModel.SCORECARDS,
    ReadModel.NOTES,
    ReadModel.ATTACHMENTS,
)  # the two phases of an applications delta cursor


def ms(value: datetime | None) -> int | None:
    return None if value is None else int(value.timestamp() * 1000)


class LeverReads:
    """The read side of `LeverConnector` (mixed in)."""

    client: Any
    page_size: Any  # HttpConnector.page_size
    _cache: dict[str, Any]

    def readers(self) -> Mapping[ReadModel, Reader]:
        return {
            ReadModel.JOBS: self._read_jobs,
            ReadModel.CANDIDATES: self._read_candidates,
            ReadModel.APPLICATIONS: self._read_applications,
            ReadModel.USERS: self._read_users,
            ReadModel.REJECTION_REASONS: self._read_reasons,
            ReadModel.TAGS: self._read_tags,
            ReadModel.APPLICATION_STAGES: self._read_stages,
            **dict.fromkeys(PER_OPPORTUNITY, self._per_parent),
        }  # fmt: skip

    def _per_parent(self, q: ReadQuery) -> Page[RemoteRecord]:
        return self._read_children(q.model, q.cursor, q.updated_since, q.parents("lever"))  # type: ignore[attr-defined]

    # -- account lists (cached per connector: one sync run) ---------------------------------------------------
    def _cached(self, key: str, load: Any) -> Any:
        if key not in self._cache:
            self._cache[key] = load()
        return self._cache[key]

    def stages(self) -> list[dict[str, Any]]:
        return self._cached("stages", lambda: self.client.every("/stages"))

    def reasons(self) -> dict[str, dict[str, Any]]:
        return self._cached("reasons", lambda: {r["id"]: r for r in self.client.every("/archive_reasons")})

    def _one(self, path: str, params: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
        try:
            return dict(self.client.data(path, params))
        except ConnectorNotFound:
            return None

    # -- jobs -------------------------------------------------------------------------------------------------
    def _read_jobs(self, q: ReadQuery) -> Page[RemoteRecord]:
        if q.remote_ids is not None:
            rows = [row for rid in q.remote_ids if (row := self._one(f"/postings/{rid}"))]
            cursor = None
        else:
            rows, cursor = self.client.list_page(
                "/postings", cursor=q.cursor, limit=self.page_size(LIST_PAGE), updated_at_start=ms(q.updated_since)
            )
        items: list[RemoteRecord] = []
        for row in rows:
            form = self._one(f"/postings/{row['id']}/apply")
            items.append(mapping.job(row, self.stages(), form))
        return Page(items=items, next_cursor=cursor)

    # -- applications (opportunities) ---------------------------------------------------------------------------
    def _read_applications(self, q: ReadQuery) -> Page[RemoteRecord]:
        reasons = self.reasons()
        if q.remote_ids is not None:
            rows = [r for rid in q.remote_ids if (r := self._one(f"/opportunities/{rid}", {"expand": "applications"}))]
            return Page(items=[mapping.application(r, reasons) for r in rows])
        cursor = q.cursor or LIVE
        since = ms(q.updated_since)
        if cursor.startswith(DELETED):
            gone, offset = self.client.list_page(
                "/opportunities/deleted", cursor=cursor[2:] or None, limit=LIST_PAGE, deleted_at_start=since
            )
            return Page(items=[], deleted_remote_ids=[str(g["id"]) for g in gone],
                        next_cursor=DELETED + offset if offset else None)  # fmt: skip
        rows, offset = self.client.list_page(
            "/opportunities", cursor=cursor[2:] or None, limit=self.page_size(LIST_PAGE), expand="applications",
            updated_at_start=since,
        )  # fmt: skip
        if offset:
            following: str | None = LIVE + offset
        else:
            following = DELETED if since is not None else None  # a delta ends with the deletions since
        return Page(items=[mapping.application(r, reasons) for r in rows], next_cursor=following)

    # -- candidates (contacts) --------------------------------------------------------------------------------
    def _read_candidates(self, q: ReadQuery) -> Page[RemoteRecord]:
        if q.remote_ids is not None:
            items: list[RemoteRecord] = []
            for rid in q.remote_ids:
                contact = self._one(f"/contacts/{rid}")
                if contact is not None:
                    opportunities = self.client.every("/opportunities", contact_id=rid)
                    items.append(mapping.candidate(contact, opportunities))
            return Page(items=items)
        rows, offset = self.client.list_page(
            "/opportunities", cursor=q.cursor, limit=self.page_size(LIST_PAGE), expand="contact",
            updated_at_start=ms(q.updated_since),
        )  # fmt: skip
        by_contact: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {}
        for row in rows:
            contact = mapping.contact_of(row)
            by_contact.setdefault(str(contact["id"]), (contact, []))[1].append(row)
        return Page(items=[mapping.candidate(c, opps) for c, opps in by_contact.values()], next_cursor=offset)

    # -- the rest ---------------------------------------------------------------------------------------------
    def _read_users(self, q: ReadQuery) -> Page[RemoteRecord]:
        rows, offset = self.client.list_page("/users", cursor=q.cursor, limit=LIST_PAGE, includeDeactivated="true")
        return Page(items=[mapping.user(u) for u in rows], next_cursor=offset)

    def _read_reasons(self, q: ReadQuery) -> Page[RemoteRecord]:
        # Hired-type reasons close an opportunity as hired: they are no rejection reasons (B6).
        rows = [r for r in self.reasons().values() if r.get("type") != "hired"]
        return Page(items=[mapping.rejection_reason(r) for r in rows])

    def _read_tags(self, q: ReadQuery) -> Page[RemoteRecord]:
        rows, offset = self.client.list_page("/tags", cursor=q.cursor, limit=LIST_PAGE)
        return Page(items=[mapping.tag(t) for t in rows], next_cursor=offset)

    def _read_stages(self, q: ReadQuery) -> Page[RemoteRecord]:
        return Page(items=[RemoteApplicationStage(remote_id=s["id"], name=s.get("text"), remote_data=s)
                           for s in self.stages()])  # fmt: skip
