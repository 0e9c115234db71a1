"""Ashby reads. Lists are cursor-paged; deltas use `syncToken` (reference B2): the token of a model's last full
read is kept and sent on its next delta; a token Ashby refuses (`sync_token_expired`, `sync_token_invalid`,
`incremental_sync_too_large`) falls back to a full read. Ashby has no `updatedAt` filter, so every delta is also
filtered by `updatedAt` here: the answer is the same whether the token was accepted or not.
Deletions are not reported (whether incremental results carry them is NOT FOUND).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, MutableMapping
from datetime import datetime
from typing import Any

from apps.connectors.ashby import activity_mapping as activity
from apps.connectors.ashby import mapping
from apps.connectors.ashby.client import MAX_PAGE_SIZE, ListPage, SyncTokenExpired
from apps.connectors.catalog import ReadModel
from apps.connectors.dtos import Page, RemoteRecord
from apps.connectors.errors import ConnectorBadResponse, ConnectorNotFound
from apps.connectors.kit import Reader, ReadQuery
from apps.core.timeutils import parse_datetime

Raw = dict[str, Any]
# model → (list operation, info operation, the info call's id key)
SYNCED: dict[ReadModel, tuple[str, str | None, str]] = {
    ReadModel.JOBS: ("job.list", "job.info", "id"),
    ReadModel.CANDIDATES: ("candidate.list", "candidate.info", "id"),
    ReadModel.APPLICATIONS: ("application.list", "application.info", "applicationId"),
    ReadModel.USERS: ("user.list", None, "id"),
    ReadModel.TAGS: ("candidateTag.list", None, "id"),
    ReadModel.OFFERS: ("offer.list", None, "id"),
    ReadModel.INTERVIEWS: ("interviewSchedule.list", None, "id"),
    # Files hang off the candidate (`fileHandles`): a second pass over candidate.list, with its own syncToken.
    ReadModel.ATTACHMENTS: ("candidate.list", None, "id"),
}


class AshbyReads:
    """The read side of `AshbyConnector` (mixed in)."""

    client: Any
    sync_tokens: MutableMapping[str, str]
    page_size: Callable[[int], int]

    def readers(self) -> Mapping[ReadModel, Reader]:
        return {
            ReadModel.JOBS: lambda q: self._synced(q, self._jobs),
            ReadModel.CANDIDATES: lambda q: self._synced(q, lambda rows: [mapping.candidate(r) for r in rows]),
            ReadModel.APPLICATIONS: lambda q: self._synced(q, lambda rows: [mapping.application(r) for r in rows]),
            ReadModel.USERS: lambda q: self._synced(q, lambda rows: [mapping.user(r) for r in rows]),
            ReadModel.TAGS: lambda q: self._synced(q, lambda rows: [mapping.tag(r) for r in rows]),
            ReadModel.REJECTION_REASONS: self._reasons,
            ReadModel.OFFERS: lambda q: self._synced(q, lambda rows: [activity.offer(r) for r in rows]),
            ReadModel.INTERVIEWS: lambda q: self._synced(
                q, lambda rows: [item for r in rows for item in activity.interviews(r)]
            ),
            ReadModel.ATTACHMENTS: lambda q: self._synced(
                q, lambda rows: [item for r in rows for item in activity.attachments(r)]
            ),
            ReadModel.NOTES: self._notes,
        }

    # ------------------------------------------------------------------ paging with syncToken
    def _synced(self, q: ReadQuery, convert: Callable[[list[Raw]], list[RemoteRecord]]) -> Page[RemoteRecord]:
        operation, info, id_key = SYNCED[q.model]
        if q.remote_ids is not None and info is not None:
            rows = []
            for remote in q.remote_ids:
                try:
                    rows.append(self.client.result(info, {id_key: remote}))
                except ConnectorNotFound:
                    continue
            return Page(items=convert(rows))
        token, cursor = _decode(q.cursor)
        if q.cursor is None and q.updated_since is not None:
            token = self.sync_tokens.get(str(q.model))
        try:
            page = self._page(operation, cursor=cursor, token=token)
        except SyncTokenExpired:
            if cursor is not None:
                raise
            self.sync_tokens.pop(str(q.model), None)
            token = None
            page = self._page(operation, cursor=None, token=None)
        if page.sync_token:
            self.sync_tokens[str(q.model)] = page.sync_token
        rows = page.results
        if q.updated_since is not None:
            rows = [row for row in rows if _changed_since(row, q.updated_since)]
        next_cursor = json.dumps([token, page.next_cursor]) if page.next_cursor else None
        return Page(items=convert(rows), next_cursor=next_cursor)

    def _page(self, operation: str, *, cursor: str | None, token: str | None) -> ListPage:
        return self.client.list_page(
            operation, {}, cursor=cursor, limit=self.page_size(MAX_PAGE_SIZE), sync_token=token
        )

    # ------------------------------------------------------------------ jobs (with plan stages and the form)
    def _jobs(self, rows: list[Raw]) -> list[RemoteRecord]:
        jobs: list[RemoteRecord] = []
        for row in rows:
            plan = self.client.result("jobInterviewPlan.info", {"jobId": row["id"]})
            posting_ids = row.get("jobPostingIds") or []
            posting = self.client.result("jobPosting.info", {"jobPostingId": posting_ids[0]}) if posting_ids else None
            jobs.append(mapping.job(row, stages=list(plan.get("stages") or []), posting=posting))
        return jobs

    # ------------------------------------------------------------------ notes, per candidate
    notes_batch = 20  # candidates per sync page: 20 times fewer page commits and checkpoints than one per candidate

    def _notes(self, q: ReadQuery) -> Page[RemoteRecord]:
        """`candidate.listNotes {candidateId}` for each parent candidate (Ashby has no organisation-wide notes list),
        `notes_batch` candidates per page, our cursor the index of the next one. Notes are not edited (no
        `updatedAt`): a delta keeps those created since, and asks only the candidates that changed (see
        `_candidates_changed_for_notes`), so a delta's calls scale with the changes, not with the candidates."""
        parents = list(q.parent_remote_ids or ())
        if q.updated_since is None:
            if q.cursor is None:
                # The next delta lists the candidates changed after this run's candidate read.
                self._remember_notes_token(self.sync_tokens.get(str(ReadModel.CANDIDATES)))
        else:
            changed = self._candidates_changed_for_notes(q.updated_since)
            parents = [parent for parent in parents if parent in changed]
        index = int(json.loads(q.cursor)) if q.cursor else 0
        items: list[RemoteRecord] = []
        for candidate_id in parents[index : index + self.notes_batch]:
            items.extend(self._candidate_notes(candidate_id, q.updated_since))
        following = index + self.notes_batch
        return Page(items=items, next_cursor=json.dumps(following) if following < len(parents) else None)

    def _candidate_notes(self, candidate_id: str, since: datetime | None) -> list[RemoteRecord]:
        items: list[RemoteRecord] = []
        cursor: str | None = None
        while True:
            try:
                body = {"candidateId": candidate_id}
                page = self.client.list_page(
                    "candidate.listNotes", body, cursor=cursor, limit=self.page_size(MAX_PAGE_SIZE)
                )
            except ConnectorNotFound:
                return items  # the candidate is gone: so are its notes
            rows = page.results
            if since is not None:
                rows = [row for row in rows if _created_since(row, since)]
            items.extend(activity.note(row, candidate_id) for row in rows)
            cursor = page.next_cursor
            if cursor is None:
                return items

    def _remember_notes_token(self, token: str | None) -> None:
        if token:
            self.sync_tokens[str(ReadModel.NOTES)] = token
        else:
            self.sync_tokens.pop(str(ReadModel.NOTES), None)

    def _candidates_changed_for_notes(self, since: datetime) -> set[str]:
        """The candidates whose `updatedAt` moved since `since`: `candidate.list` with the notes' own syncToken (a
        candidate.list token kept for notes, like the files' pass), else a full list filtered by `updatedAt`.
        Assumed (not documented): a new note moves its candidate's `updatedAt`; a FULL sync reads every
        candidate's notes, so a note that did not would appear by the next FULL. Computed once per instance."""
        memo: dict[datetime, set[str]] = self.__dict__.setdefault("_notes_changed", {})
        if since in memo:
            return memo[since]
        token = self.sync_tokens.get(str(ReadModel.NOTES))
        changed: set[str] = set()
        cursor: str | None = None
        while True:
            try:
                page = self.client.list_page(
                    "candidate.list", {}, cursor=cursor, limit=self.page_size(MAX_PAGE_SIZE), sync_token=token
                )
            except SyncTokenExpired:
                if cursor is not None or token is None:
                    raise
                token = None
                continue
            changed.update(str(row["id"]) for row in page.results if _changed_since(row, since))
            cursor = page.next_cursor
            if cursor is None:
                self._remember_notes_token(page.sync_token)
                memo[since] = changed
                return changed

    def _reasons(self, q: ReadQuery) -> Page[RemoteRecord]:
        rows = self.client.result("archiveReason.list", {"includeArchived": False})
        items: list[RemoteRecord] = [mapping.rejection_reason(r) for r in rows]
        if q.remote_ids is not None:
            wanted = set(q.remote_ids)
            items = [item for item in items if item.remote_id in wanted]
        return Page(items=items)


def _changed_since(row: Raw, since: datetime) -> bool:
    stamp = row.get("updatedAt")
    if not isinstance(stamp, str):
        return True  # no change time (tags): every row counts as changed
    return parse_datetime(stamp) > since


def _created_since(row: Raw, since: datetime) -> bool:
    stamp = row.get("createdAt")
    return not isinstance(stamp, str) or parse_datetime(stamp) > since


def _decode(cursor: str | None) -> tuple[str | None, str | None]:
    """Our page cursor: `[syncToken or null, Ashby's nextCursor]`."""
    if cursor is None:
        return None, None
    try:
        token, inner = json.loads(cursor)
    except (ValueError, TypeError):
        raise ConnectorBadResponse("Not an Ashby page cursor.") from None
    return token, inner
