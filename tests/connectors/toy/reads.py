"""Toy ATS reads: candidates, cursor-paged, with deltas, exact ids and reported deletions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from apps.connectors.catalog import ReadModel
from apps.connectors.dtos import Page, RemoteRecord
from apps.connectors.errors import ConnectorUnsupported
from apps.core.timeutils import format_datetime
from tests.connectors.toy import mapping

LIST_PAGE = 50


class ToyReads:
    """The read side of `ToyConnector` (mixed in)."""

    def read(
        self,
        model: ReadModel,
        *,
        cursor: str | None = None,
        updated_since: datetime | None = None,
        remote_ids: Sequence[str] | None = None,
        parent_remote_ids: Sequence[str] | None = None,
    ) -> Page[RemoteRecord]:
        if model != ReadModel.CANDIDATES:
            raise ConnectorUnsupported(f"toy does not read {model}")
        rows, next_cursor, deleted = self.client.list_page(
            "/candidates",
            cursor=cursor,
            limit=self.page_size(LIST_PAGE),
            updated_since=format_datetime(updated_since) if updated_since else None,
            ids=list(remote_ids) if remote_ids is not None else None,
        )
        return Page(items=[mapping.candidate(row) for row in rows], next_cursor=next_cursor, deleted_remote_ids=deleted)
