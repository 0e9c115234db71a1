"""Lever's per-opportunity reads (reference B3/B5): offers, interviews, feedback (scorecards), notes, files and
resumes (attachments). Lever lists them only under one opportunity, so they are read for the parent applications
the sync holds; a delta reads only the parents whose opportunity changed since."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from apps.connectors.catalog import ReadModel
from apps.connectors.dtos import (
    Location,
    Page,
    RemoteAttachment,
    RemoteInterview,
    RemoteNote,
    RemoteOffer,
    RemoteRecord,
    RemoteScorecard,
    ScorecardResponse,
)
from apps.connectors.errors import ConnectorNotFound
from apps.connectors.lever.mapping import when

PARENTS_PAGE = 20  # opportunities per page: one call each (two for attachments)
Raw = dict[str, Any]

# Offer `status` ∈ draft, approval-sent, approved, sent, sent-manually, opened, denied, signed (reference B5);
# `denied` is an approval refused (assumed: the offer is abandoned).
OFFER_STATUS = {"draft": "DRAFT", "approval-sent": "DRAFT", "approved": "APPROVED", "sent": "SENT",
                "sent-manually": "SENT", "opened": "SENT", "denied": "ABANDONED", "signed": "ACCEPTED"}  # fmt: skip
# Feedback field types → the scorecard's six variants (the form types of B5 plus yes-no and score-system).
FIELD_TYPES = {"text": "TEXT", "textarea": "TEXT", "yes-no": "BOOLEAN", "dropdown": "SINGLE_SELECT",
               "multiple-choice": "SINGLE_SELECT", "score-system": "SINGLE_SELECT", "multiple-select": "MULTI_SELECT",
               "date": "DATE", "score": "NUMBER", "currency": "NUMBER"}  # fmt: skip
PATHS = {ReadModel.OFFERS: "offers", ReadModel.INTERVIEWS: "interviews", ReadModel.SCORECARDS: "feedback",
         ReadModel.NOTES: "notes"}  # fmt: skip


def offer(raw: Raw, opportunity: str) -> RemoteOffer:
    fields = {f.get("identifier"): f.get("value") for f in raw.get("fields") or ()}
    return RemoteOffer(
        remote_id=str(raw["id"]),
        application_remote_id=opportunity,
        status=OFFER_STATUS.get(str(raw.get("status"))),
        employment_start_date=when(fields.get("anticipated_start_date")),  # identifier assumed
        remote_created_at=when(raw.get("createdAt")),
        remote_data=raw,
    )


def interview(raw: Raw, opportunity: str) -> RemoteInterview:
    start = when(raw.get("date"))
    duration = raw.get("duration")
    end = when(raw["date"] + int(duration) * 60_000) if start and isinstance(duration, int) else None
    return RemoteInterview(
        remote_id=str(raw["id"]),
        application_remote_id=opportunity,
        stage_remote_id=raw.get("stage"),
        title=raw.get("subject"),
        starting_at=start,
        ending_at=end,
        location=Location(raw=raw["location"]) if raw.get("location") else None,
        canceled=raw.get("canceledAt") is not None,
        user_remote_ids=tuple(str(i["id"]) for i in raw.get("interviewers") or () if i.get("id")),
        remote_created_at=when(raw.get("createdAt")),
        remote_data=raw,
    )


def _response(field: Raw) -> ScorecardResponse:
    kind = FIELD_TYPES.get(str(field.get("type")), "TEXT")
    value = field.get("value")
    if kind == "BOOLEAN":
        value = {"yes": True, "no": False}.get(str(value))
    if kind == "DATE":
        value = when(value)
    options = tuple((None, str(o.get("text"))) for o in field.get("options") or ())
    return ScorecardResponse(type=kind, label=str(field.get("text") or ""), remote_id=field.get("id"),
                             required=field.get("required"), options=options, answer=value)  # fmt: skip


def scorecard(raw: Raw, opportunity: str, contact: str | None) -> RemoteScorecard:
    return RemoteScorecard(
        remote_id=str(raw["id"]),
        candidate_remote_id=contact,
        application_remote_id=opportunity,
        interview_remote_id=raw.get("interview"),
        author_remote_id=raw.get("user"),
        responses=tuple(_response(f) for f in raw.get("fields") or ()),
        remote_created_at=when(raw.get("createdAt")),
        remote_updated_at=when(raw.get("completedAt")),
        remote_data=raw,
    )


def note(raw: Raw, opportunity: str, contact: str) -> RemoteNote:
    return RemoteNote(
        remote_id=str(raw["id"]),
        candidate_remote_id=contact,
        application_remote_id=opportunity,
        author_remote_id=raw.get("user"),
        content_html=raw.get("text"),
        is_private=bool(raw.get("secret")),
        remote_created_at=when(raw.get("createdAt")),
        remote_data=raw,
    )


def attachment(raw: Raw, opportunity: str, contact: str, *, resume: bool) -> RemoteAttachment:
    file = raw.get("file") if resume else raw
    file = file or {}
    return RemoteAttachment(
        remote_id=str(raw["id"]),
        candidate_remote_id=contact,
        application_remote_id=opportunity,
        file_name=file.get("name"),
        type="CV" if resume else "OTHER",
        remote_created_at=when(raw.get("createdAt") if resume else raw.get("uploadedAt")),
        remote_data=raw,
    )


class LeverChildren:
    """Mixed into `LeverConnector` (with `LeverReads`)."""

    client: Any
    page_size: Any
    _cache: dict[str, Any]

    def _contacts(self, updated_since: datetime | None) -> dict[str, str]:
        """Opportunity id → contact id of every opportunity (changed since `updated_since`): one list, 100 a page."""
        key = f"contacts:{updated_since.isoformat() if updated_since else ''}"
        if key not in self._cache:
            since = int(updated_since.timestamp() * 1000) if updated_since else None
            rows = self.client.every("/opportunities", updated_at_start=since)
            self._cache[key] = {str(r["id"]): str(r["contact"]) for r in rows}
        return dict(self._cache[key])

    def _read_children(self, model: ReadModel, cursor: str | None, updated_since: datetime | None,
                       parents: Sequence[str]) -> Page[RemoteRecord]:  # fmt: skip
        contacts = self._contacts(updated_since)
        wanted = [p for p in dict.fromkeys(parents) if p in contacts]  # gone or (in a delta) unchanged: skipped
        start = int(cursor) if cursor and cursor.isdigit() else 0
        batch = wanted[start : start + self.page_size(PARENTS_PAGE)]
        items: list[RemoteRecord] = []
        for opportunity in batch:
            items += self._children(model, opportunity, contacts[opportunity])
        end = start + len(batch)
        return Page(items=items, next_cursor=str(end) if end < len(wanted) else None)

    def _list(self, opportunity: str, what: str) -> list[Raw]:
        try:
            return list(self.client.every(f"/opportunities/{opportunity}/{what}"))
        except ConnectorNotFound:
            return []  # deleted meanwhile

    def _children(self, model: ReadModel, opportunity: str, contact: str) -> list[RemoteRecord]:
        if model == ReadModel.ATTACHMENTS:
            files = [attachment(r, opportunity, contact, resume=False) for r in self._list(opportunity, "files")]
            resumes = [attachment(r, opportunity, contact, resume=True) for r in self._list(opportunity, "resumes")]
            return [*resumes, *files]
        rows = self._list(opportunity, PATHS[model])
        if model == ReadModel.OFFERS:
            return [offer(r, opportunity) for r in rows]
        if model == ReadModel.INTERVIEWS:
            return [interview(r, opportunity) for r in rows]
        if model == ReadModel.SCORECARDS:
            return [scorecard(r, opportunity, contact) for r in rows]
        return [note(r, opportunity, contact) for r in rows]
