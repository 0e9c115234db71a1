"""Factorial reads: one page of each model, with the catalogues (sources, reasons) read once per instance."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from apps.connectors.catalog import (
    ReadModel,
)
from apps.connectors.dtos import (
    Page,
    RemoteRecord,
)
from apps.connectors.factorial import mapping
from apps.connectors.factorial.client import remote_id
from apps.connectors.factorial.helpers import _by_id, _changed_since, _grouped
from apps.connectors.factorial.paths import (
    ANSWERS,
    APPLICATION_PHASES,
    APPLICATIONS,
    CANDIDATES,
    EMPLOYEES,
    FEEDBACKS,
    JOB_POSTINGS,
    QUESTIONS,
    REJECTION_REASONS,
    Raw,
)
from apps.connectors.kit import Reader, ReadQuery


class FactorialReads:
    """The read side of `FactorialConnector` (mixed in)."""

    # -- reads ---------------------------------------------------------------------------------------------

    def readers(self) -> Mapping[ReadModel, Reader]:
        """How each model honours `updated_since` is in `connector.py`'s docstring."""
        return {
            ReadModel.JOBS: lambda q: self._read_jobs(q.cursor, q.remote_ids),
            ReadModel.CANDIDATES: lambda q: self._read_candidates(q.cursor, q.remote_ids, q.updated_since),
            ReadModel.APPLICATIONS: lambda q: self._read_applications(q.cursor, q.remote_ids),
            ReadModel.USERS: lambda q: self._read_users(q.cursor, q.remote_ids, q.updated_since),
            ReadModel.REJECTION_REASONS: self._read_rejection_reasons,
            ReadModel.APPLICATION_STAGES: lambda q: self._read_list(APPLICATION_PHASES, q, mapping.application_stage),
            ReadModel.NOTES: lambda q: self._read_list(FEEDBACKS, q, mapping.note),
            ReadModel.ATTACHMENTS: lambda q: self._read_attachments(q.cursor, q.remote_ids, q.parent_remote_ids),
        }

    def _read_rejection_reasons(self, q: ReadQuery) -> Page[RemoteRecord]:
        page = self._listing(REJECTION_REASONS, cursor=q.cursor, remote_ids=q.remote_ids)
        items = _changed_since(page.data, q.updated_since)
        return Page(items=[mapping.rejection_reason(item) for item in items], next_cursor=page.next_cursor)

    def _read_list(self, path: str, q: ReadQuery, convert: Callable[[Raw], RemoteRecord]) -> Page[RemoteRecord]:
        page = self._listing(path, cursor=q.cursor, remote_ids=q.remote_ids)
        return Page(items=[convert(item) for item in page.data], next_cursor=page.next_cursor)

    def _read_jobs(self, cursor: str | None, remote_ids: Sequence[str] | None) -> Page[RemoteRecord]:
        page = self._listing(JOB_POSTINGS, cursor=cursor, remote_ids=remote_ids)
        job_ids = [key for item in page.data if (key := remote_id(item.get("id"))) is not None]
        phases = _grouped(
            self.client.list_by_ids(APPLICATION_PHASES, "ats_job_posting_ids", job_ids), "ats_job_posting_id"
        )
        questions = _grouped(self.client.list_by_ids(QUESTIONS, "ats_job_posting_ids", job_ids), "ats_job_posting_id")
        items: list[RemoteRecord] = []
        for item in page.data:
            key = remote_id(item.get("id")) or ""
            items.append(mapping.job(item, phases=phases.get(key, []), questions=questions.get(key, [])))
        return Page(items=items, next_cursor=page.next_cursor)

    def _read_candidates(
        self, cursor: str | None, remote_ids: Sequence[str] | None, updated_since: datetime | None
    ) -> Page[RemoteRecord]:
        page = self._listing(CANDIDATES, cursor=cursor, remote_ids=remote_ids)
        changed = _changed_since(page.data, updated_since)
        sources = self._sources() if any(item.get("source_id") is not None for item in changed) else {}
        return Page(items=[mapping.candidate(item, sources=sources) for item in changed], next_cursor=page.next_cursor)

    def _read_applications(self, cursor: str | None, remote_ids: Sequence[str] | None) -> Page[RemoteRecord]:
        page = self._listing(APPLICATIONS, cursor=cursor, remote_ids=remote_ids)
        return Page(items=list(self._applications(page.data)), next_cursor=page.next_cursor)

    def _applications(self, rows: list[Raw]) -> list[RemoteRecord]:
        """Applications with what their unified shape needs: phases (outcome), answers, reasons, sources."""
        if not rows:
            return []
        phase_ids = {key for item in rows if (key := remote_id(item.get("ats_application_phase_id"))) is not None}
        phases = _by_id(self.client.list_by_ids(APPLICATION_PHASES, "ids", sorted(phase_ids)))
        application_ids = [key for item in rows if (key := remote_id(item.get("id"))) is not None]
        answers = _grouped(
            self.client.list_by_ids(ANSWERS, "ats_application_ids", application_ids), "ats_application_id"
        )
        reasons = self._reasons() if any(item.get("ats_rejection_reason_id") is not None for item in rows) else {}
        sources = self._sources() if any(item.get("source_id") is not None for item in rows) else {}
        return [
            mapping.application(
                item,
                phases=phases,
                reasons=reasons,
                answers=answers.get(remote_id(item.get("id")) or "", []),
                sources=sources,
            )
            for item in rows
        ]

    def _read_users(
        self, cursor: str | None, remote_ids: Sequence[str] | None, updated_since: datetime | None
    ) -> Page[RemoteRecord]:
        params: dict[str, Any] = {}
        if updated_since is not None:
            # The guide's example filters by day (`updated_at_gteq=2024-05-01`): ask for that day, keep the instant.
            params["updated_at_gteq"] = updated_since.date().isoformat()
        page = self._listing(EMPLOYEES, cursor=cursor, remote_ids=remote_ids, **params)
        items = _changed_since(page.data, updated_since)
        return Page(items=[mapping.user(item) for item in items], next_cursor=page.next_cursor)

    def _read_attachments(
        self, cursor: str | None, remote_ids: Sequence[str] | None, parent_remote_ids: Sequence[str] | None
    ) -> Page[RemoteRecord]:
        """CVs, read from their applications: by attachment id (`<application id>:cv`), by parent application,
        or every application page by page."""
        wanted: Sequence[str] | None = None
        if remote_ids is not None:
            wanted = [value.removesuffix(mapping.CV_ATTACHMENT_SUFFIX) for value in remote_ids]
        elif parent_remote_ids is not None:
            wanted = parent_remote_ids
        page = self._listing(APPLICATIONS, cursor=cursor, remote_ids=wanted)
        attachments = [attachment for item in page.data if (attachment := mapping.cv_attachment(item)) is not None]
        if remote_ids is not None:
            asked = set(remote_ids)
            attachments = [item for item in attachments if item.remote_id in asked]
        return Page(items=list(attachments), next_cursor=page.next_cursor)
