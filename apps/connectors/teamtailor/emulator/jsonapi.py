"""JSON:API rendering the way Teamtailor answers (T-DOC, T-RB fixtures): kebab-case attributes, `links.self` on
every record, `links.self/related` on every relationship, `data` on a relationship only when it is included,
`include=a,b` → top-level `included`, `fields[type]=a,b` sparse fieldsets, `page[number]` / `page[size]` with
`meta.record-count`, `meta.page-count` and percent-encoded `links.first/prev/next/last`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from apps.connectors.emulation.http import HttpError, Request
from apps.connectors.teamtailor.emulator.state import State, referring_site

DEFAULT_PAGE_SIZE = 10  # "Default: 10, max: 30" (T-DOC pagination)
MAX_PAGE_SIZE = 30


def wire_time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Rel:
    type: str
    ids: Callable[[State, Any], list[int] | int | None]  # a list for to-many, an id (or None) for to-one
    to_many: bool = False


def _many(table: str, key: str) -> Callable[[State, Any], list[int]]:
    return lambda state, record: [r.id for r in getattr(state, table).values() if getattr(r, key) == record.id]


RELATIONSHIPS: dict[str, dict[str, Rel]] = {
    "jobs": {
        "stages": Rel("stages", lambda s, r: [x.id for x in s.job_stages(r.id)], True),
        "picked-questions": Rel("picked-questions", lambda s, r: [p.id for p in s.job_picked(r.id)], True),
        "questions": Rel("questions", lambda s, r: [p.question_id for p in s.job_picked(r.id)], True),
        "user": Rel("users", lambda s, r: r.user_id),
        "job-applications": Rel("job-applications", _many("job_applications", "job_id"), True),
    },
    "stages": {"job": Rel("jobs", lambda s, r: r.job_id)},
    "picked-questions": {"question": Rel("questions", lambda s, r: r.question_id)},
    "questions": {},
    "candidates": {
        "job-applications": Rel("job-applications", _many("job_applications", "candidate_id"), True),
        "uploads": Rel("uploads", _many("uploads", "candidate_id"), True),
        "answers": Rel("answers", _many("answers", "candidate_id"), True),
        "notes": Rel("notes", _many("notes", "candidate_id"), True),
    },
    "job-applications": {
        "candidate": Rel("candidates", lambda s, r: r.candidate_id),
        "job": Rel("jobs", lambda s, r: r.job_id),
        "stage": Rel("stages", lambda s, r: r.stage_id),
        "reject-reason": Rel("reject-reasons", lambda s, r: r.reject_reason_id),
    },
    "reject-reasons": {},
    "users": {},
    "notes": {
        "candidate": Rel("candidates", lambda s, r: r.candidate_id),
        "user": Rel("users", lambda s, r: r.user_id),
    },
    "answers": {
        "candidate": Rel("candidates", lambda s, r: r.candidate_id),
        "question": Rel("questions", lambda s, r: r.question_id),
    },
    "uploads": {"candidate": Rel("candidates", lambda s, r: r.candidate_id), "job": Rel("jobs", lambda s, r: r.job_id)},
    "job-offers": {
        "job-application": Rel("job-applications", lambda s, r: r.job_application_id),
        "user": Rel("users", lambda s, r: r.user_id),
    },
}
TABLE = {
    "jobs": "jobs",
    "stages": "stages",
    "picked-questions": "picked_questions",
    "questions": "questions",
    "candidates": "candidates",
    "job-applications": "job_applications",
    "reject-reasons": "reject_reasons",
    "users": "users",
    "notes": "notes",
    "answers": "answers",
    "uploads": "uploads",
    "job-offers": "job_offers",
}


def attributes(kind: str, r: Any, base: str) -> dict[str, Any]:
    if kind == "jobs":
        human = {"open": "published", "draft": "draft", "archived": "archived", "unlisted": "unlisted"}
        return {
            "title": r.title,
            "pitch": None,
            "body": r.body,
            "status": r.status,
            "human-status": human.get(r.status, "unsaved"),
            "internal": r.internal,
            "pinned": False,
            "tags": r.tags,
            "remote-status": r.remote_status,
            "resume-requirement": r.resume_requirement,
            "created-at": wire_time(r.created_at),
            "updated-at": wire_time(r.updated_at),
        }
    if kind == "stages":
        return {
            "name": r.name,
            "stage-type": r.stage_type,
            "row-order": r.row_order,
            "created-at": wire_time(r.created_at),
            "updated-at": wire_time(r.updated_at),
        }
    if kind == "questions":
        return {
            "title": r.title,
            "question-type": r.question_type,
            "alternatives": r.alternatives,
            "multiple": r.multiple,
            "single-line": r.single_line,
            "start-with": r.start_with,
            "end-with": r.end_with,
            "unit": r.unit,
        }
    if kind == "picked-questions":
        return {"mandatory": r.mandatory}
    if kind == "candidates":
        # `resume` reads back as a signed URL "valid for 30 seconds" (T-DOC); the emulator signs with a fixed token.
        resume = f"{base}/files/resume/{r.id}?signature=emulated" if r.resume else None
        return {
            "first-name": r.first_name,
            "last-name": r.last_name,
            "email": r.email,
            "phone": r.phone,
            "pitch": r.pitch,
            "linkedin-url": r.linkedin_url,
            "resume": resume,
            "original-resume": resume,
            "referring-url": r.referring_url,
            "referring-site": referring_site(r.referring_url),
            "sourced": r.sourced,
            "referred": False,
            "tags": r.tags,
            "created-at": wire_time(r.created_at),
            "updated-at": wire_time(r.updated_at),
        }
    if kind == "job-applications":
        return {
            "cover-letter": r.cover_letter,
            "referring-url": r.referring_url,
            "referring-site": referring_site(r.referring_url),
            "sourced": r.sourced,
            "rejected-at": wire_time(r.rejected_at),
            "changed-stage-at": wire_time(r.changed_stage_at),
            "created-at": wire_time(r.created_at),
            "updated-at": wire_time(r.updated_at),
        }
    if kind == "reject-reasons":
        return {"reason": r.reason, "rejected-by-company": r.rejected_by_company}
    if kind == "users":
        return {
            "name": r.name,
            "email": r.email,
            "login-email": r.email,
            "title": r.title,
            "role": r.role,
            "visible": r.visible,
        }
    if kind == "notes":
        return {
            "note": r.note,
            "user-id": r.user_id,
            "candidate-id": r.candidate_id,
            "private-note": False,
            "created-by-trigger": False,
            "created-at": wire_time(r.created_at),
            "updated-at": wire_time(r.updated_at),
        }
    if kind == "answers":
        return {
            "boolean": r.boolean,
            "choices": r.choices,
            "range": r.range,
            "text": r.text,
            "created-at": wire_time(r.created_at),
            "updated-at": wire_time(r.updated_at),
        }
    if kind == "uploads":
        # Upload `url` is signed, "valid for 1 minute" (T-DOC).
        return {
            "url": f"{r.url}?signature=emulated",
            "file-name": r.file_name,
            "internal": r.internal,
            "created-at": wire_time(r.created_at),
        }
    if kind == "job-offers":
        return {
            "status": r.status,
            "sent-at": wire_time(r.sent_at),
            "answered-at": wire_time(r.answered_at),
            "created-at": wire_time(r.created_at),
            "response": r.response,
            "details": r.details,
        }
    raise KeyError(kind)


class Document:
    """One JSON:API answer being built: primary data, what `include` asks for, sparse fieldsets."""

    def __init__(self, request: Request, state: State, base: str, kind: str) -> None:
        self.state = state
        self.base = base
        self.kind = kind
        self.includes = _includes(request, kind)
        self.fields = {
            key[len("fields[") : -1]: set(filter(None, values[0].split(",")))
            for key, values in request.query.items()
            if key.startswith("fields[") and key.endswith("]")
        }
        self.included: dict[tuple[str, int], dict[str, Any]] = {}

    def resource(self, kind: str, record: Any, *, paths: set[str] | None = None) -> dict[str, Any]:
        """`paths`: the include paths relative to this record (`question`, `stages`); None: the request's."""
        paths = self.includes if paths is None else paths
        direct = {path.split(".", 1)[0] for path in paths}
        url = f"{self.base}/{kind}/{record.id}"
        attrs = attributes(kind, record, self.base)
        wanted = self.fields.get(kind)
        if wanted is not None:
            attrs = {key: value for key, value in attrs.items() if key in wanted}
        relationships: dict[str, Any] = {}
        for name, rel in RELATIONSHIPS[kind].items():
            if wanted is not None and name not in wanted:
                continue
            entry: dict[str, Any] = {"links": {"self": f"{url}/relationships/{name}", "related": f"{url}/{name}"}}
            if name in direct:
                nested = {path.split(".", 1)[1] for path in paths if path.startswith(name + ".")}
                ids = rel.ids(self.state, record)
                if rel.to_many:
                    entry["data"] = [{"id": str(i), "type": rel.type} for i in ids or []]
                    for i in ids or []:
                        self._include(rel.type, i, nested)
                else:
                    entry["data"] = None if ids is None else {"id": str(ids), "type": rel.type}
                    if ids is not None:
                        self._include(rel.type, ids, nested)
            relationships[name] = entry
        out: dict[str, Any] = {"id": str(record.id), "type": kind, "links": {"self": url}, "attributes": attrs}
        if relationships:
            out["relationships"] = relationships
        return out

    def _include(self, kind: str, identifier: int, paths: set[str]) -> None:
        key = (kind, identifier)
        record = getattr(self.state, TABLE[kind]).get(identifier)
        if key not in self.included and record is not None:
            self.included[key] = {}  # reserved first: a cycle of includes ends here
            self.included[key] = self.resource(kind, record, paths=paths)

    def one(self, record: Any) -> dict[str, Any]:
        body: dict[str, Any] = {"data": self.resource(self.kind, record)}
        if self.includes:
            body["included"] = list(self.included.values())
        return body

    def page(self, request: Request, path: str, records: Sequence[Any]) -> dict[str, Any]:
        number, size = page_params(request)
        total = len(records)
        pages = max(1, -(-total // size))
        start = (number - 1) * size
        body: dict[str, Any] = {"data": [self.resource(self.kind, r) for r in records[start : start + size]]}
        if self.includes:
            body["included"] = list(self.included.values())
        body["meta"] = {"record-count": total, "page-count": pages}
        query = [(k, v) for k, values in request.query.items() for v in values if not k.startswith("page[")]

        def link(n: int) -> str:
            return f"{self.base}{path}?{urlencode([('page[number]', n), ('page[size]', size), *query])}"

        links = {"first": link(1)}
        if number > 1:
            links["prev"] = link(number - 1)
        if number < pages:
            links["next"] = link(number + 1)
        links["last"] = link(pages)
        body["links"] = links
        return body


def page_params(request: Request) -> tuple[int, int]:
    number = _positive(request.arg("page[number]"), "page[number]", 1)
    size = _positive(request.arg("page[size]"), "page[size]", DEFAULT_PAGE_SIZE)
    if size > MAX_PAGE_SIZE:
        # Assumed: a page size above the documented maximum is refused (400), as JSONAPI::Resources does.
        raise HttpError(
            400,
            "Invalid page value",
            f"{size} is not a valid value for size page parameter.",
            details=[{"parameter": "page[size]"}],
        )
    return number, size


def _positive(raw: str | None, name: str, default: int) -> int:
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise HttpError(
            400, "Invalid page value", f"{raw} is not a valid value for {name}.", details=[{"parameter": name}]
        )
    return int(raw)


def _includes(request: Request, kind: str) -> set[str]:
    raw = request.arg("include")
    names = {name.strip() for name in (raw or "").split(",") if name.strip()}
    for name in names:
        current = kind
        for part in name.split("."):  # `picked-questions.question`: a relationship of the included records
            rel = RELATIONSHIPS[current].get(part)
            if rel is None:
                raise HttpError(
                    400,
                    "Invalid field",
                    f"{part} is not a valid includable relationship of {current}",
                    details=[{"parameter": "include"}],
                )
            current = rel.type
    return names


def body_data(request: Request, kind: str, *, with_id: str | None = None) -> dict[str, Any]:
    """The `data` object of a write: `type` must match (409 otherwise, as JSON:API prescribes)."""
    if request.content_type != "application/vnd.api+json":
        # Assumed: the JSON:API media type is required for bodies (JSON:API servers answer 415 otherwise).
        raise HttpError(
            415,
            "Unsupported media type",
            "All requests that create or update must use the 'application/vnd.api+json' Content-Type.",
        )
    body = request.json
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise HttpError(
            400, "Missing Parameter", "The required parameter, data, is missing.", details=[{"parameter": "data"}]
        )
    if data.get("type") != kind:
        raise HttpError(409, "Type mismatch", f"{data.get('type')} is not a valid type for this operation.")
    if with_id is not None and str(data.get("id")) != with_id:
        raise HttpError(400, "Key is not included in URL", f"The URL does not support the key {data.get('id')}")
    attrs = data.get("attributes") or {}
    if not isinstance(attrs, dict):
        raise HttpError(400, "Invalid attributes", "data.attributes must be an object")
    return data


def relationship_id(data: dict[str, Any], name: str) -> tuple[bool, Any]:
    """(given, id) of a to-one relationship in a write body."""
    relationships = data.get("relationships") or {}
    if not isinstance(relationships, dict) or name not in relationships:
        return False, None
    entry = relationships[name]
    target = entry.get("data") if isinstance(entry, dict) else None
    if target is None:
        return True, None
    if not isinstance(target, dict) or "id" not in target:
        raise HttpError(400, "Invalid relationship", f"{name} must be {{data: {{id, type}}}}")
    return True, target["id"]
