"""Workable reads: jobs (with stages and questions), candidates and applications (the same list: a Workable
candidate is one application), members as users, disqualification reasons. Deltas by `updated_after`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from apps.connectors.catalog import ReadModel
from apps.connectors.dtos import Page, RemoteRecord
from apps.connectors.errors import ConnectorNotFound
from apps.connectors.kit import Reader, ReadQuery
from apps.connectors.workable import mapping

LIST_PAGE = 100  # the maximum `limit`: the budget is requests, not records
PARENTS_PAGE = 25  # candidates per page of a per-candidate model (one call each)


def updated_after(q: ReadQuery) -> str | None:
    """ISO-8601 basic form, whole seconds floored (Workable compares strictly after, at second resolution)."""
    if q.updated_since is None:
        return None
    return (q.updated_since - timedelta(microseconds=q.updated_since.microsecond)).strftime("%Y%m%dT%H%M%SZ")


class WorkableReads:
    """The read side of `WorkableConnector` (mixed in)."""

    client: Any
    _stage_cache: dict[str, list[dict[str, Any]]]
    page_size: Any  # HttpConnector.page_size

    def readers(self) -> Mapping[ReadModel, Reader]:
        return {
            ReadModel.JOBS: self._read_jobs,
            ReadModel.CANDIDATES: lambda q: self._read_candidates(q, mapping.candidate),
            ReadModel.APPLICATIONS: lambda q: self._read_candidates(q, self._application),
            ReadModel.USERS: self._read_users,
            ReadModel.ROLES: self._read_roles,
            ReadModel.REJECTION_REASONS: self._read_reasons,
            ReadModel.INTERVIEWS: self._read_events,
            ReadModel.APPLICATION_STAGES: lambda q: Page(
                items=[mapping.application_stage(s) for s in self.client.get("/stages").get("stages") or ()]
            ),
            ReadModel.OFFERS: lambda q: self._per_candidate(q, self._offers),
            ReadModel.NOTES: lambda q: self._per_candidate(q, self._notes),
            ReadModel.ATTACHMENTS: lambda q: self._per_candidate(q, self._files),
        }

    def _stages(self, shortcode: str) -> list[dict[str, Any]]:
        if shortcode not in self._stage_cache:
            self._stage_cache[shortcode] = list(self.client.get(f"/jobs/{shortcode}/stages").get("stages") or [])
        return self._stage_cache[shortcode]

    def _application(self, raw: dict[str, Any]) -> RemoteRecord:
        shortcode = (raw.get("job") or {}).get("shortcode")
        slugs = {s["name"]: s["slug"] for s in self._stages(shortcode)} if shortcode else {}
        return mapping.application(raw, slugs)

    def _read_jobs(self, q: ReadQuery) -> Page[RemoteRecord]:
        if q.remote_ids is not None:
            rows = [row for shortcode in q.remote_ids if (row := self._one(f"/jobs/{shortcode}", None))]
            cursor = None
        else:
            rows, cursor = self.client.list_page(
                "/jobs", "jobs", cursor=q.cursor, limit=self.page_size(LIST_PAGE), updated_after=updated_after(q)
            )
        items: list[RemoteRecord] = []
        for row in rows:
            shortcode = row["shortcode"]
            questions = self.client.get(f"/jobs/{shortcode}/questions").get("questions") or []
            items.append(mapping.job(row, self._stages(shortcode), questions))
        return Page(items=items, next_cursor=cursor)

    def _one(self, path: str, key: str | None) -> dict[str, Any] | None:
        try:
            body = self.client.get(path)
        except ConnectorNotFound:
            return None
        return body[key] if key else body

    def _read_candidates(self, q: ReadQuery, convert: Any) -> Page[RemoteRecord]:
        if q.remote_ids is not None:
            rows = [row for rid in q.remote_ids if (row := self._one(f"/candidates/{rid}", "candidate"))]
            return Page(items=[convert(row) for row in rows])
        rows, cursor = self.client.list_page(
            "/candidates",
            "candidates",
            cursor=q.cursor,
            limit=self.page_size(LIST_PAGE),
            updated_after=updated_after(q),
        )
        if q.model == ReadModel.APPLICATIONS:
            # `disqualified_at` is only on a candidate read by id (reference A5): one call per disqualified one.
            rows = [
                (self._one(f"/candidates/{row['id']}", "candidate") or row)
                if row.get("disqualified") and "disqualified_at" not in row
                else row
                for row in rows
            ]
        return Page(items=[convert(row) for row in rows], next_cursor=cursor)

    def _read_users(self, q: ReadQuery) -> Page[RemoteRecord]:
        members = self.client.get("/members", {"limit": LIST_PAGE}).get("members") or []
        return Page(items=[mapping.user(m) for m in members])

    def _read_roles(self, q: ReadQuery) -> Page[RemoteRecord]:
        """The distinct account roles of `GET /members` (there is no roles endpoint)."""
        members = self.client.get("/members", {"limit": LIST_PAGE}).get("members") or []
        names = list(dict.fromkeys(str(m["role"]) for m in members if m.get("role")))
        if q.remote_ids is not None:
            names = [name for name in names if name in set(q.remote_ids)]
        return Page(items=[mapping.role(name) for name in names])

    def _read_reasons(self, q: ReadQuery) -> Page[RemoteRecord]:
        return Page(items=[mapping.rejection_reason(r) for r in self.client.get("/disqualification_reasons")])

    # -- per candidate (= per application): one call each ----------------------------------------------------------
    def _per_candidate(self, q: ReadQuery, read: Any) -> Page[RemoteRecord]:
        parents = list(dict.fromkeys(q.parents("workable")))
        if q.updated_since is not None:
            # A delta reads only candidates changed since: a comment, a file or an offer moves the candidate's
            # `updated_at` (assumed: not documented).
            changed = self._changed_candidates(updated_after(q) or "")
            parents = [parent for parent in parents if parent in changed]
        start = int(q.cursor) if q.cursor and q.cursor.isdigit() else 0
        batch = parents[start : start + PARENTS_PAGE]
        items: list[RemoteRecord] = [item for parent in batch for item in read(parent)]
        end = start + len(batch)
        return Page(items=items, next_cursor=str(end) if end < len(parents) else None)

    def _changed_candidates(self, since: str) -> set[str]:
        """Ids of candidates changed after `since` (`GET /candidates?updated_after=`), read once per connector."""
        cache: dict[str, set[str]] = self.__dict__.setdefault("_changed_cache", {})
        if since not in cache:
            ids: set[str] = set()
            cursor: str | None = None
            while True:
                rows, cursor = self.client.list_page(
                    "/candidates", "candidates", cursor=cursor, limit=LIST_PAGE, updated_after=since
                )
                ids.update(str(row["id"]) for row in rows)
                if cursor is None:
                    break
            cache[since] = ids
        return cache[since]

    def _offers(self, candidate_id: str) -> list[RemoteRecord]:
        body = self._one(f"/candidates/{candidate_id}/offer", None)
        found = mapping.offer(body, candidate_id) if body else None
        return [found] if found else []

    def _notes(self, candidate_id: str) -> list[RemoteRecord]:
        body = self._one(f"/candidates/{candidate_id}/activities", None) or {}
        return [mapping.note(a, candidate_id) for a in body.get("activities") or () if a.get("action") == "comment"]

    def _files(self, candidate_id: str) -> list[RemoteRecord]:
        body = self._one(f"/candidates/{candidate_id}/files", None) or {}
        return [mapping.attachment(f, candidate_id) for f in body.get("files") or () if f.get("name")]

    def _read_events(self, q: ReadQuery) -> Page[RemoteRecord]:
        """`GET /events` with cancelled ones (`include_cancelled=true`), paged by `since_id`; no date filter on
        changes (reference A3), so every sync reads them all."""
        rows, cursor = self.client.list_page(
            "/events", "events", cursor=q.cursor, limit=self.page_size(LIST_PAGE), include_cancelled="true"
        )
        return Page(items=[mapping.interview(row) for row in rows if row.get("candidate")], next_cursor=cursor)
