"""SmartRecruiters reads: one page of each model (the endpoints behind each are in `connector.py`'s docstring)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from apps.connectors.catalog import (
    ReadModel,
)
from apps.connectors.dtos import (
    Page,
    RemoteApplication,
    RemoteInterview,
    RemoteRecord,
    RemoteStage,
)
from apps.connectors.kit import Reader, ReadQuery
from apps.connectors.smartrecruiters import client as api
from apps.connectors.smartrecruiters import job_mapping, mapping
from apps.connectors.smartrecruiters.client import path
from apps.connectors.smartrecruiters.webhooks import ASPECT_DETAIL
from apps.core.timeutils import format_datetime

JsonDict = dict[str, Any]

# Page sizes: list endpoints take at most 100; models that fan out into several calls per item read fewer items per
# page, so one page (one checkpoint of the sync) stays well below ten seconds at 10 requests per second.
LIST_PAGE = 100
JOBS_PAGE = 10  # ~5 calls per job
CANDIDATES_PAGE = 50  # 1 call per candidate
APPLICATION_CANDIDATES_PAGE = 20  # ~1.3 applications per candidate, 4 calls each
PARENTS_PAGE = 40  # 1-2 calls per parent
DETAILS_CACHE = 10_000  # candidate details kept per connector instance (a sync task), oldest dropped first


class SmartRecruitersReads:
    """The read side of `SmartRecruitersConnector` (mixed in; its state lives in the connector's `__init__`)."""

    # -- reads -------------------------------------------------------------------------------------------

    def readers(self) -> Mapping[ReadModel, Reader]:
        """The endpoints behind each model are in `connector.py`'s docstring."""

        def per_parent(q: ReadQuery) -> Page[RemoteRecord]:
            return self._read_children(q.model, q.cursor, q.updated_since, q.parents(self.tool))

        return {
            ReadModel.USERS: lambda q: self._read_users(q.cursor, q.updated_since, q.remote_ids),
            ReadModel.TAGS: lambda q: self._read_tags(q.cursor, q.updated_since),
            ReadModel.REJECTION_REASONS: lambda q: self._read_rejection_reasons(),
            ReadModel.APPLICATION_STAGES: lambda q: Page(items=list(mapping.application_stages(self._processes()))),
            ReadModel.JOBS: lambda q: self._read_jobs(q.cursor, q.updated_since, q.remote_ids),
            ReadModel.CANDIDATES: lambda q: self._read_candidates(q.cursor, q.updated_since, q.remote_ids),
            ReadModel.APPLICATIONS: lambda q: self._read_applications(q.cursor, q.updated_since, q.remote_ids),
            ReadModel.OFFERS: per_parent,
            ReadModel.INTERVIEWS: per_parent,
            ReadModel.NOTES: per_parent,
            ReadModel.ATTACHMENTS: per_parent,
        }

    def _read_rejection_reasons(self) -> Page[RemoteRecord]:
        body = self.client.get("/configuration/rejection-reasons")
        return Page(items=[mapping.rejection_reason(item) for item in api._content(body, "rejection-reasons")])

    # users, tags, configuration

    def _read_users(
        self, cursor: str | None, updated_since: datetime | None, remote_ids: Sequence[str] | None
    ) -> Page[RemoteRecord]:
        if remote_ids is not None:
            found = (self.client.get_or_none(path("users", remote_id)) for remote_id in dict.fromkeys(remote_ids))
            return Page(items=[mapping.user(raw) for raw in found if isinstance(raw, dict) and raw.get("id")])
        page = self.client.page_by_id(
            "/users", self._since(updated_since), page_id=cursor, limit=self.page_size(LIST_PAGE)
        )
        return Page(items=[mapping.user(raw) for raw in page.content if raw.get("id")], next_cursor=page.next_page)

    def _read_tags(self, cursor: str | None, updated_since: datetime | None) -> Page[RemoteRecord]:
        page = self.client.page_by_id(
            "/candidates", self._since(updated_since), page_id=cursor, limit=self.page_size(LIST_PAGE)
        )
        names = dict.fromkeys(tag for raw in page.content for tag in mapping._tags(raw.get("tags")))
        return Page(items=[mapping.tag(name) for name in names], next_cursor=page.next_page)

    def _processes(self) -> list[JsonDict]:
        body = self.client.get("/configuration/hiring-processes")
        return api._content(body, "/configuration/hiring-processes")

    def _job_stages(self) -> tuple[RemoteStage, ...]:
        if self._stages is None:
            self._stages = mapping.stages(self._processes())
        return self._stages

    @staticmethod
    def _since(updated_since: datetime | None) -> dict[str, str]:
        # "ISO8601-formatted time boundaries …, Format: yyyy-MM-ddTHH:mm:ss.SSSZZ" (SR-RB jobs_all, candidates_all).
        return {"updatedAfter": format_datetime(updated_since) or ""} if updated_since else {}

    # jobs

    def _read_jobs(
        self, cursor: str | None, updated_since: datetime | None, remote_ids: Sequence[str] | None
    ) -> Page[RemoteRecord]:
        if remote_ids is not None:
            details = [self.client.get_or_none(path("jobs", job_id)) for job_id in dict.fromkeys(remote_ids)]
            return Page(items=[self._job(raw) for raw in details if isinstance(raw, dict) and raw.get("id")])
        page = self.client.page_by_id(
            "/jobs", self._since(updated_since), page_id=cursor, limit=self.page_size(JOBS_PAGE)
        )
        items = []
        for summary in page.content:
            raw = self.client.get_or_none(path("jobs", str(summary.get("id"))))
            if isinstance(raw, dict) and raw.get("id"):  # a job deleted between the two calls is skipped
                items.append(self._job(raw))
        return Page(items=items, next_cursor=page.next_page)

    def _job(self, details: JsonDict) -> RemoteRecord:
        job_id = str(details["id"])
        team = self._content_or_list(self.client.get(path("jobs", job_id, "hiring-team")))
        ads = api._content(self.client.get(path("jobs", job_id, "jobads")), "jobads")
        history = api._content(self.client.get(path("jobs", job_id, "status", "history")), "status history")
        configuration = None
        ad = job_mapping.default_ad(ads)
        uuid = job_mapping.posting_uuid(ad) if ad else None
        if uuid:
            configuration = self.client.get_or_none(
                path("postings", uuid, "configuration"), {"conditionalsIncluded": "true"}
            )
        return job_mapping.job(
            details,
            team=team,
            ads=ads,
            configuration=configuration if isinstance(configuration, dict) else None,
            status_history=history,
            job_stages=self._job_stages(),
            web=self.web,
        )

    @staticmethod
    def _content_or_list(body: Any) -> list[JsonDict]:
        """`GET /jobs/{id}/hiring-team` is a plain array in the reference (A5) and an envelope elsewhere: take both."""
        items = body.get("content") if isinstance(body, dict) else body
        return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []

    # candidates and applications

    def _changed_candidates(self, since: datetime) -> set[str]:
        """Ids of the candidates changed since `since` (one scan of `GET /candidates?updatedAfter=` per delta)."""
        if since not in self._changed:
            self._changed[since] = {
                str(raw["id"]) for raw in self.client.all_by_id("/candidates", self._since(since)) if raw.get("id")
            }
        return self._changed[since]

    def _read_candidates(
        self, cursor: str | None, updated_since: datetime | None, remote_ids: Sequence[str] | None
    ) -> Page[RemoteRecord]:
        if remote_ids is not None:
            wanted = list(dict.fromkeys(remote_ids))
            if updated_since is not None:
                changed = self._changed_candidates(updated_since)
                wanted = [remote_id for remote_id in wanted if remote_id in changed]
            details = [self._candidate_details(remote_id) for remote_id in wanted]
            return Page(items=[mapping.candidate(raw, web=self.web) for raw in details if _has_id(raw)])
        page = self.client.page_by_id(
            "/candidates", self._since(updated_since), page_id=cursor, limit=self.page_size(CANDIDATES_PAGE)
        )
        details = [self._candidate_details(str(raw.get("id"))) for raw in page.content]
        return Page(
            items=[mapping.candidate(raw, web=self.web) for raw in details if _has_id(raw)], next_cursor=page.next_page
        )

    def _candidate_details(self, candidate_id: str, *, fresh: bool = True) -> JsonDict | None:
        """`GET /candidates/{id}` (None when gone); `fresh=False` takes what this instance read before."""
        if not fresh and candidate_id in self._details:
            return self._details[candidate_id]
        raw = self.client.get_or_none(path("candidates", candidate_id))
        if not _has_id(raw):
            self._details.pop(candidate_id, None)
            return None
        if len(self._details) >= DETAILS_CACHE:
            self._details.pop(next(iter(self._details)))
        self._details[candidate_id] = raw
        return raw

    def _read_applications(
        self, cursor: str | None, updated_since: datetime | None, remote_ids: Sequence[str] | None
    ) -> Page[RemoteRecord]:
        if remote_ids is not None:
            pairs = [
                pair for remote_id in dict.fromkeys(remote_ids) if (pair := mapping.split_application_id(remote_id))
            ]
            if updated_since is not None:
                changed = self._changed_candidates(updated_since)
                pairs = [pair for pair in pairs if pair[0] in changed]
            items = [app for candidate_id, job_id in pairs if (app := self._application(candidate_id, job_id))]
            return Page(items=items)
        page = self.client.page_by_id(
            "/candidates",
            self._since(updated_since),
            page_id=cursor,
            limit=self.page_size(APPLICATION_CANDIDATES_PAGE),
        )
        items: list[RemoteRecord] = []
        for raw in page.content:
            for assignment in mapping.assignments(raw):
                found = self._application(str(raw["id"]), str(assignment["job"]["id"]))
                if found is not None:
                    items.append(found)
        return Page(items=items, next_cursor=page.next_page)

    def read_aspect(
        self, model: ReadModel, *, remote_ids: Sequence[str], aspect: str, stored: Mapping[str, Mapping[str, Any]]
    ) -> Page[RemoteRecord]:
        """An application status or source event (`webhooks.DETAIL_EVENTS`): the application and its status history
        (2 calls), the screening answers and property values kept from the stored record."""
        if model != ReadModel.APPLICATIONS or aspect != ASPECT_DETAIL:
            return self.read(model, remote_ids=remote_ids)
        items = []
        for remote_id in dict.fromkeys(remote_ids):
            pair = mapping.split_application_id(remote_id)
            if pair and (found := self._application(*pair, kept=_kept_parts(stored.get(remote_id)))):
                items.append(found)
        return Page(items=items)

    def _application(
        self, candidate_id: str, job_id: str, *, kept: tuple[list[JsonDict], list[JsonDict]] | None = None
    ) -> RemoteApplication | None:
        """One application: its status and reasons, its status history, its screening answers and its candidate
        property values (4 calls; 2 with `kept`, the stored answers and property values);
        None when SmartRecruiters has no such application (any more)."""
        raw = self.client.get_or_none(path("candidates", candidate_id, "jobs", job_id))
        if not isinstance(raw, dict):
            return None
        self._job_application_ids[(candidate_id, job_id)] = mapping.text(raw.get("id"))
        base = path("candidates", candidate_id, "jobs", job_id)
        history = self.client.get_or_none(f"{base}/status/history")
        if kept is None:
            answers = self.client.get_or_none(f"{base}/screening-answers")
            values = self.client.get_or_none(f"{base}/properties")
            kept = (
                api._content(answers, "screening answers") if isinstance(answers, dict) else [],
                api._content(values, "properties") if isinstance(values, dict) else [],
            )
        return mapping.application(
            candidate_id,
            job_id,
            raw,
            history=api._content(history, "status history") if isinstance(history, dict) else [],
            answers=kept[0],
            properties=kept[1],
        )

    # models read per parent (application or candidate)

    def _read_children(
        self, model: ReadModel, cursor: str | None, updated_since: datetime | None, parents: Sequence[str]
    ) -> Page[RemoteRecord]:
        parents = list(dict.fromkeys(parents))
        if updated_since is not None:
            changed = self._changed_candidates(updated_since)
            parents = [parent for parent in parents if _candidate_of(parent) in changed]
        start = int(cursor) if cursor and cursor.isdigit() else 0
        size = self.page_size(PARENTS_PAGE)
        batch = parents[start : start + size]
        items: list[RemoteRecord] = []
        for parent in batch:
            items.extend(self._children(model, parent))
        end = start + len(batch)
        return Page(items=items, next_cursor=str(end) if end < len(parents) else None)

    def _children(self, model: ReadModel, parent: str) -> list[RemoteRecord]:
        if model == ReadModel.NOTES:
            return self._notes(parent)
        pair = mapping.split_application_id(parent)
        if pair is None:
            return []
        candidate_id, job_id = pair
        base = path("candidates", candidate_id, "jobs", job_id)
        if model == ReadModel.OFFERS:
            body = self.client.get_or_none(f"{base}/offers")
            offers = api._content(body, "offers") if isinstance(body, dict) else []
            return [mapping.offer(raw, candidate_id=candidate_id, job_id=job_id) for raw in offers if raw.get("id")]
        if model == ReadModel.ATTACHMENTS:
            body = self.client.get_or_none(f"{base}/attachments")
            files = api._content(body, "attachments") if isinstance(body, dict) else []
            return [mapping.attachment(raw, candidate_id=candidate_id, job_id=job_id) for raw in files if raw.get("id")]
        return self._interviews(candidate_id, job_id)

    def _interviews(self, candidate_id: str, job_id: str) -> list[RemoteRecord]:
        """`GET /interviews?applicationId=` takes the jobApplicationId, which the application resource carries as
        `id` (the webhooks' `application_id`). An application without one has no interviews we could list."""
        key = (candidate_id, job_id)
        if key not in self._job_application_ids:
            raw = self.client.get_or_none(path("candidates", candidate_id, "jobs", job_id))
            self._job_application_ids[key] = mapping.text(raw.get("id")) if isinstance(raw, dict) else None
        job_application_id = self._job_application_ids[key]
        if not job_application_id:
            return []
        body = self.client.get_or_none("/interviews", {"applicationId": job_application_id})
        interviews = api._content(body, "interviews") if isinstance(body, dict) else []
        result: list[RemoteRecord] = []
        for raw in interviews:
            if not raw.get("id"):
                continue
            interview = mapping.interview(raw)
            if interview.application_remote_id is None:
                interview = _with_application(interview, mapping.application_id(candidate_id, job_id))
            result.append(interview)
        return result

    def _notes(self, candidate_id: str) -> list[RemoteRecord]:
        details = self._candidate_details(candidate_id, fresh=False)
        if not isinstance(details, dict):
            return []
        job_ids = [str(item["job"]["id"]) for item in mapping.assignments(details)]
        name = " ".join(
            part for part in (mapping.text(details.get("firstName")), mapping.text(details.get("lastName"))) if part
        )
        messages = self.client.all_by_id("/messages", {"candidateId": candidate_id})
        return [
            mapping.note(raw, candidate_id=candidate_id, job_ids=job_ids, candidate_name=name or None)
            for raw in messages
        ]


def _kept_parts(stored: Mapping[str, Any] | None) -> tuple[list[JsonDict], list[JsonDict]] | None:
    """The screening answers and property values of a stored application (`mapping.application`'s `remote_data`);
    None when it is not one we can complete from (then the application is read whole). `properties` is left out
    of `remote_data` when there are none."""
    if not isinstance(stored, Mapping) or not isinstance(stored.get("application"), dict):
        return None
    answers, properties = stored.get("screeningAnswers"), stored.get("properties", [])
    if not isinstance(answers, list) or not isinstance(properties, list):
        return None
    return [a for a in answers if isinstance(a, dict)], [p for p in properties if isinstance(p, dict)]


def _has_id(raw: Any) -> bool:
    return isinstance(raw, dict) and bool(raw.get("id"))


def _candidate_of(parent: str) -> str:
    pair = mapping.split_application_id(parent)
    return pair[0] if pair else parent


def _with_application(interview: RemoteInterview, application_remote_id: str) -> RemoteInterview:
    return replace(interview, application_remote_id=application_remote_id)
