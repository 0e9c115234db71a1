"""Toy ATS reads: candidates, cursor-paged, with deltas, exact ids and reported deletions."""

from __future__ import annotations

from collections.abc import Mapping

from apps.connectors.catalog import ReadModel
from apps.connectors.dtos import Page, RemoteRecord
from apps.connectors.kit import Reader, ReadQuery
from apps.core.timeutils import format_datetime
from tests.connectors.toy import mapping

LIST_PAGE = 50


class ToyReads:
    """The read side of `ToyConnector` (mixed in)."""

    def readers(self) -> Mapping[ReadModel, Reader]:
        return {ReadModel.CANDIDATES: self._read_candidates}

    def _read_candidates(self, q: ReadQuery) -> Page[RemoteRecord]:
        rows, next_cursor, deleted = self.client.list_page(
            "/candidates",
            cursor=q.cursor,
            limit=self.page_size(LIST_PAGE),
            updated_since=format_datetime(q.updated_since) if q.updated_since else None,
            ids=list(q.remote_ids) if q.remote_ids is not None else None,
        )
        return Page(items=[mapping.candidate(row) for row in rows], next_cursor=next_cursor, deleted_remote_ids=deleted)
