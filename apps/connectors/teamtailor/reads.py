"""Teamtailor reads: one JSON:API page per call, related records through `include` (no extra calls)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from apps.connectors.catalog import ReadModel
from apps.connectors.dtos import Page, RemoteRecord
from apps.connectors.errors import ConnectorNotFound
from apps.connectors.kit import Reader, ReadQuery
from apps.connectors.teamtailor import mapping
from apps.connectors.teamtailor.client import JsonApiPage, included_index

JOB_INCLUDE = {"include": "stages,picked-questions.question"}
# The application's candidate and job ids come as relationship data only when included. Screening answers hang
# off the candidate (T-DOC answers), so they come along through `candidate.answers.question`, and the job's
# question ids through `job.questions` (an answer counts for this application when its question is the job's):
# no call beyond the page itself. Sparse fieldsets keep every included record to what the mapping reads
# (JSON:API `fields[type]`, relationships included).
APPLICATION_INCLUDE = {
    "include": "candidate.answers.question,job.questions,stage,reject-reason",
    "fields[candidates]": "updated-at,answers",
    "fields[jobs]": "updated-at,questions",
    "fields[answers]": "boolean,choices,range,text,question",
    "fields[questions]": "title,question-type,alternatives,multiple",
}

# An upload's candidate comes as relationship data only when included (the same sparse fieldset as above).
UPLOAD_INCLUDE = {"include": "candidate", "fields[candidates]": "updated-at"}
OFFER_INCLUDE = {"include": "job-application", "fields[job-applications]": "updated-at"}


class TeamtailorReads:
    """The read side of `TeamtailorConnector` (mixed in)."""

    client: Any

    def readers(self) -> Mapping[ReadModel, Reader]:
        return {
            ReadModel.JOBS: lambda q: self._read("/jobs", q, {**JOB_INCLUDE, "filter[status]": "all"}, mapping.job),
            ReadModel.CANDIDATES: lambda q: self._read("/candidates", q, self._since(q), _plain(mapping.candidate)),
            ReadModel.APPLICATIONS: lambda q: self._read(
                "/job-applications", q, {**APPLICATION_INCLUDE, **self._since(q)}, mapping.application
            ),
            ReadModel.USERS: lambda q: self._read("/users", q, {}, _plain(mapping.user)),
            ReadModel.REJECTION_REASONS: lambda q: self._read(
                "/reject-reasons", q, {}, _plain(mapping.rejection_reason)
            ),
            ReadModel.APPLICATION_STAGES: lambda q: self._read("/stages", q, {}, _plain(mapping.application_stage)),
            ReadModel.NOTES: lambda q: self._read("/notes", q, {}, _plain(mapping.note)),
            ReadModel.ATTACHMENTS: lambda q: self._read("/uploads", q, UPLOAD_INCLUDE, mapping.attachment),
            ReadModel.OFFERS: lambda q: self._read("/job-offers", q, OFFER_INCLUDE, mapping.offer),
        }

    @staticmethod
    def _since(q: ReadQuery) -> dict[str, str]:
        # `filter[updated-at][from]` on candidates and job applications (T-DOC, reference B7).
        return {} if q.updated_since is None else {"filter[updated-at][from]": q.updated_since.isoformat()}

    def _read(
        self, path: str, q: ReadQuery, params: dict[str, str], convert: Callable[[Any, Any], RemoteRecord]
    ) -> Page[RemoteRecord]:
        if q.remote_ids is not None:
            return Page(items=self._by_ids(path, q.remote_ids, params, convert))
        page: JsonApiPage = self.client.list_page(path, params, page=q.cursor)
        return Page(items=[convert(item, page.included) for item in page.data], next_cursor=page.next_page)

    def _by_ids(
        self, path: str, remote_ids: Sequence[str], params: dict[str, str], convert: Callable[[Any, Any], RemoteRecord]
    ) -> list[RemoteRecord]:
        """`GET <path>/{id}` for each id (no documented `filter[id]`); ids that are gone are simply absent."""
        single = {key: value for key, value in params.items() if not key.startswith("filter[")}
        items: list[RemoteRecord] = []
        for remote_id in dict.fromkeys(remote_ids):
            if not remote_id.isdigit():
                continue
            try:
                body = self.client.get(f"{path}/{remote_id}", single)
            except ConnectorNotFound:
                continue
            items.append(convert(body["data"], included_index(body)))
        return items


def _plain(convert: Callable[[Any], RemoteRecord]) -> Callable[[Any, Any], RemoteRecord]:
    return lambda raw, included: convert(raw)
