"""Lever emulator in-memory account: users, global stages, archive reasons, postings (with their application form),
contacts, opportunities (one application each), notes, files, uploads (reference ats-greenhouse-lever.md Part B).

Nothing here knows about HTTP. Ids are UUIDs from a counter (deterministic per seed); times are epoch milliseconds.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from apps.connectors.emulation.clock import Clock
from apps.connectors.emulation.records import StateError

# `origin` is one of six values (reference B4).
ORIGINS = ("agency", "applied", "internal", "referred", "sourced", "university")
# Posting-form field types (reference B5).
FIELD_TYPES = ("dropdown", "file-upload", "multiple-choice", "multiple-select", "text", "textarea", "university")
APPLY_STATES = ("published", "internal")  # "posting published or internal" (reference B5, apply)
UPLOAD_TTL_MS = 24 * 3600 * 1000  # uploads are valid 24 h (reference B5)
MAX_UPLOAD = 30 * 1024 * 1024  # ≤30 MB


class Invalid(StateError):
    """400 `{"code": "BadRequest", "message": ...}` (reference B2; the validation codes are NOT FOUND: assumed)."""

    status = 400


class Missing(StateError):
    """404 `{"code": "ResourceNotFound", "message": "<what> <id> was not found"}` (reference B2 doc example)."""

    status = 404

    def __init__(self, what: str, identifier: Any) -> None:
        super().__init__(f"{what} {identifier} was not found")


@dataclass
class Posting:
    id: str
    text: str
    state: str  # published | internal | closed | draft | pending | rejected
    created_at: int
    updated_at: int
    owner: str
    team: str
    location: str
    commitment: str
    custom_questions: list[dict[str, Any]] = field(default_factory=list)  # the apply form's customQuestions
    tags: list[str] = field(default_factory=list)


@dataclass
class Contact:
    id: str
    name: str
    emails: list[str]
    headline: str | None = None
    phones: list[dict[str, Any]] = field(default_factory=list)
    location: str | None = None


@dataclass
class Opportunity:
    id: str
    contact: str
    name: str
    emails: list[str]
    created_at: int
    updated_at: int
    stage: str
    origin: str
    owner: str | None
    headline: str | None = None
    phones: list[dict[str, Any]] = field(default_factory=list)
    location: str | None = None
    links: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    sourced_by: str | None = None
    followers: list[str] = field(default_factory=list)
    stage_changes: list[dict[str, Any]] = field(default_factory=list)
    last_advanced_at: int | None = None
    archived_at: int | None = None
    archive_reason: str | None = None
    application: dict[str, Any] | None = None  # one application per opportunity (reference B6)
    notes: list[dict[str, Any]] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    resumes: list[dict[str, Any]] = field(default_factory=list)
    offers: list[dict[str, Any]] = field(default_factory=list)  # read-only in Lever's API
    interviews: list[dict[str, Any]] = field(default_factory=list)
    feedback: list[dict[str, Any]] = field(default_factory=list)
    confidentiality: str = "non-confidential"


@dataclass
class State:
    clock: Clock
    users: list[dict[str, Any]] = field(default_factory=list)
    stages: list[dict[str, Any]] = field(default_factory=list)
    archive_reasons: list[dict[str, Any]] = field(default_factory=list)
    postings: dict[str, Posting] = field(default_factory=dict)
    contacts: dict[str, Contact] = field(default_factory=dict)
    opportunities: dict[str, Opportunity] = field(default_factory=dict)
    deleted: list[dict[str, Any]] = field(default_factory=list)  # {id, deletedAt}: `GET /opportunities/deleted`
    uploads: dict[str, dict[str, Any]] = field(default_factory=dict)  # by uri
    webhooks: dict[str, dict[str, Any]] = field(default_factory=dict)  # by id: `GET|POST|PUT /webhooks`
    counter: int = 0

    def now(self) -> int:
        return int(self.clock.now().timestamp() * 1000)

    def new_id(self) -> str:
        self.counter += 1
        return str(uuid.UUID(int=(0x5E1EC7 << 96) + self.counter))

    # -- lookups ----------------------------------------------------------------------------------------------
    def posting(self, identifier: str) -> Posting:
        found = self.postings.get(identifier)
        if found is None:
            raise Missing("postings", identifier)
        return found

    def opportunity(self, identifier: str) -> Opportunity:
        found = self.opportunities.get(identifier)
        if found is None:
            raise Missing("opportunities", identifier)
        return found

    def contact(self, identifier: str) -> Contact:
        found = self.contacts.get(identifier)
        if found is None:
            raise Missing("contacts", identifier)
        return found

    def user(self, identifier: Any, *, what: str = "perform_as") -> dict[str, Any]:
        for user in self.users:
            if user["id"] == identifier and user.get("deactivatedAt") is None:
                return user
        raise Invalid(f"{what}: {identifier} is not an active user of this account")

    def stage(self, identifier: Any) -> dict[str, Any]:
        for stage in self.stages:
            if stage["id"] == identifier:
                return stage
        raise Missing("stages", identifier)

    def reason(self, identifier: Any) -> dict[str, Any]:
        for reason in self.archive_reasons:
            if reason["id"] == identifier:
                return reason
        raise Missing("archive_reasons", identifier)

    def contact_by_email(self, email: str) -> Contact | None:
        wanted = email.strip().lower()
        return next((c for c in self.contacts.values() if wanted in (e.lower() for e in c.emails)), None)

    # -- creates ----------------------------------------------------------------------------------------------
    def create_opportunity(
        self, body: dict[str, Any], *, perform_as: str, files: list[dict[str, Any]] | None = None,
        resume: dict[str, Any] | None = None, at: int | None = None,
    ) -> Opportunity:  # fmt: skip
        """`POST /opportunities` (reference B5): e-mail dedupes onto the existing contact ("existing data wins"),
        unknown `sources`/`tags` strings are created, more than one posting is rejected, default stage New lead."""
        self.user(perform_as)
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise Invalid("name is required")  # assumed wording
        emails = _strings(body.get("emails"), "emails")
        postings = _strings(body.get("postings"), "postings")
        if len(postings) > 1:
            raise Invalid("An opportunity can only be added to one posting")  # ">1 posting UID ⇒ rejected"
        posting = self.posting(postings[0]) if postings else None
        origin = body.get("origin") or "sourced"  # assumed default for an opportunity added by a user
        if origin not in ORIGINS:
            raise Invalid(f"origin must be one of {', '.join(ORIGINS)}")
        stage = body.get("stage") or self.default_stage()
        self.stage(stage)
        when = at if at is not None else self.now()
        created_at = body.get("createdAt")
        if created_at is not None:
            if not isinstance(created_at, int) or created_at > when:
                raise Invalid("createdAt cannot be in the future")  # historical allowed, future not
            when = created_at
        phones = body.get("phones") or []
        if not isinstance(phones, list) or not all(isinstance(p, dict) and p.get("value") for p in phones):
            raise Invalid("phones must be a list of {value}")
        contact = self._contact_for(body, emails, phones, name)
        owner = body.get("owner") or perform_as  # owner defaults to perform_as
        opportunity = Opportunity(
            id=self.new_id(), contact=contact.id, name=contact.name, emails=list(contact.emails),
            created_at=when, updated_at=when, stage=str(stage), origin=str(origin), owner=str(owner),
            headline=contact.headline, phones=list(contact.phones), location=contact.location,
            links=_strings(body.get("links"), "links"), tags=_dedupe(_strings(body.get("tags"), "tags")),
            sources=_dedupe(_strings(body.get("sources"), "sources")),
            sourced_by=perform_as if origin == "sourced" else None,
            followers=_strings(body.get("followers"), "followers"),
            stage_changes=[{"toStageId": stage, "toStageIndex": self.stage_index(stage), "userId": perform_as,
                            "updatedAt": when}],
            last_advanced_at=when,
        )  # fmt: skip
        if posting is not None:
            opportunity.application = self._application(opportunity, posting, kind="user", user=perform_as)
        for upload in files or []:
            self.add_file(opportunity, upload, at=when)
        if resume is not None:
            opportunity.resumes.append(self._resume(resume, when))
        self.opportunities[opportunity.id] = opportunity
        return opportunity

    def apply(self, posting: Posting, body: dict[str, Any]) -> Opportunity:
        """`POST /postings/:posting/apply` (reference B5): personal information, urls, positional custom-question
        answers, uploads by uri; `source` adds a source, `origin` applied (default) or internal."""
        if posting.state not in APPLY_STATES:
            raise Invalid(f"Posting {posting.id} is not accepting applications")  # assumed wording
        info = {item.get("name"): item.get("value") for item in _objects(body.get("personalInformation"))}
        name, email = info.get("fullName"), info.get("email")
        if not isinstance(name, str) or not name.strip():
            raise Invalid("personalInformation fullName is required")
        if not isinstance(email, str) or "@" not in email:
            raise Invalid("personalInformation email is required")
        origin = body.get("origin") or "applied"
        if origin not in ("applied", "internal"):
            raise Invalid("origin must be applied or internal")
        answers = self._answers(posting, body.get("customQuestions") or [])
        resume = self.upload(info["resume"]) if info.get("resume") else None
        phones = [{"type": "other", "value": info["phone"]}] if info.get("phone") else []
        links = [str(u.get("value")) for u in _objects(body.get("urls")) if u.get("value")]
        source = body.get("source")
        contact = self._contact_for({"headline": info.get("currentCompany"),
                                     "location": info.get("currentLocation")}, [email], phones, name)  # fmt: skip
        when = self.now()
        stage = self.default_stage(applied=True)
        opportunity = Opportunity(
            id=self.new_id(), contact=contact.id, name=contact.name, emails=list(contact.emails),
            created_at=when, updated_at=when, stage=stage, origin=str(origin), owner=posting.owner,
            headline=contact.headline, phones=list(contact.phones), location=contact.location, links=links,
            sources=[str(source)] if source else [],
            stage_changes=[{"toStageId": stage, "toStageIndex": self.stage_index(stage), "userId": None,
                            "updatedAt": when}],
            last_advanced_at=when,
        )  # fmt: skip
        opportunity.application = self._application(opportunity, posting, kind="posting", user=None)
        opportunity.application["customQuestions"] = answers
        if resume is not None:
            opportunity.resumes.append(self._resume(resume, when))
        self.opportunities[opportunity.id] = opportunity
        return opportunity

    def _contact_for(self, body: dict[str, Any], emails: list[str], phones: list[Any], name: str) -> Contact:
        for email in emails:
            existing = self.contact_by_email(email)
            if existing is not None:
                return existing  # e-mail dedupe: the existing contact's data wins
        contact = Contact(
            id=self.new_id(), name=name.strip(), emails=list(emails), headline=body.get("headline"),
            phones=[{"type": p.get("type", "other"), "value": p["value"]} for p in phones],
            location=body.get("location"),
        )  # fmt: skip
        self.contacts[contact.id] = contact
        return contact

    def _application(
        self, opportunity: Opportunity, posting: Posting, *, kind: str, user: str | None
    ) -> dict[str, Any]:
        return {
            "id": self.new_id(), "opportunityId": opportunity.id, "candidateId": opportunity.id,
            "createdAt": opportunity.created_at, "type": kind, "posting": posting.id, "postingOwner": posting.owner,
            "postingHiringManager": posting.owner, "user": user, "name": opportunity.name,
            "email": opportunity.emails[0] if opportunity.emails else None,
            "phone": opportunity.phones[0] if opportunity.phones else None, "company": opportunity.headline,
            "links": list(opportunity.links), "comments": None, "customQuestions": [], "archived": None,
            "requisitionForHire": None,
        }  # fmt: skip

    def _answers(self, posting: Posting, submitted: Any) -> list[dict[str, Any]]:
        """Positional answers: each submitted form's `fields[i].value` answers the form's i-th field (the
        reference's inference from the doc example). Choice values must be an option's exact `text`."""
        by_id = {form["id"]: form for form in posting.custom_questions}
        answered: dict[str, list[Any]] = {}
        for entry in _objects(submitted):
            form = by_id.get(entry.get("id"))
            if form is None:
                raise Invalid(f"customQuestions: {entry.get('id')} is not a question form of this posting")
            values = [f.get("value") if isinstance(f, dict) else None for f in entry.get("fields") or []]
            if len(values) > len(form["fields"]):
                raise Invalid(f"customQuestions: {form['id']} has {len(form['fields'])} fields")
            answered[form["id"]] = values
        result = []
        for form in posting.custom_questions:
            values = answered.get(form["id"], [])
            fields_out = []
            for index, spec in enumerate(form["fields"]):
                value = values[index] if index < len(values) else None
                fields_out.append({**{k: spec[k] for k in ("id", "type", "text") if k in spec},
                                   **({"options": spec["options"]} if "options" in spec else {}),
                                   "value": self._field_value(form["id"], spec, value)})  # fmt: skip
            result.append({"type": "posting", "id": form["id"], "text": form["text"], "baseTemplateId": form["id"],
                           "fields": fields_out})  # fmt: skip
        return result

    def _field_value(self, form_id: str, spec: dict[str, Any], value: Any) -> Any:
        where = f"customQuestions: {form_id} field {spec.get('text')!r}"
        if value in (None, "", []):
            if spec.get("required"):
                raise Invalid(f"{where} is required")
            return [] if spec["type"] == "multiple-select" else None
        options = [o["text"] for o in spec.get("options") or []]
        kind = spec["type"]
        if kind in ("dropdown", "multiple-choice"):
            if value not in options:
                raise Invalid(f"{where}: {value!r} is not an option")
        elif kind == "multiple-select":
            if not isinstance(value, list) or not all(v in options for v in value):
                raise Invalid(f"{where}: every value must be an option")
        elif kind == "file-upload":
            upload = self.upload(value)
            return {"uri": value, "filename": upload["filename"]}
        elif not isinstance(value, str):
            raise Invalid(f"{where} must be text")
        return value

    # -- uploads, files -----------------------------------------------------------------------------------------
    def store_upload(self, filename: str, content: bytes, base_url: str) -> dict[str, Any]:
        if not content:
            raise Invalid("file is empty")  # assumed
        if len(content) > MAX_UPLOAD:
            raise Invalid("file is larger than 30 MB")
        identifier = f"{self.new_id()}-{filename}"
        upload = {"expiresAt": self.now() + UPLOAD_TTL_MS, "filename": filename, "id": identifier,
                  "uri": f"{base_url}/v1/uploads/{identifier}", "size": len(content), "content": content}  # fmt: skip
        self.uploads[upload["uri"]] = upload
        return upload

    def upload(self, uri: Any) -> dict[str, Any]:
        upload = self.uploads.get(uri) if isinstance(uri, str) else None
        if upload is None or upload["expiresAt"] <= self.now():
            raise Invalid(f"{uri} is not a valid upload (uploads expire after 24 hours)")  # assumed wording
        return upload

    def _resume(self, upload: dict[str, Any], at: int) -> dict[str, Any]:
        name = upload["filename"]
        return {"id": self.new_id(), "createdAt": at,
                "file": {"name": name, "ext": "." + name.rsplit(".", 1)[-1] if "." in name else "",
                         "downloadUrl": upload.get("uri"), "uploadedAt": at, "status": "processed",
                         "size": upload["size"]},
                "parsedData": {"positions": [], "schools": []}, "content": upload["content"]}  # fmt: skip

    def add_file(self, opportunity: Opportunity, upload: dict[str, Any], *, at: int | None = None) -> dict[str, Any]:
        when = at if at is not None else self.now()
        name = upload["filename"]
        entry = {"id": self.new_id(), "downloadUrl": f"https://api.lever.co/v1/opportunities/{opportunity.id}/files/x",
                 "ext": "." + name.rsplit(".", 1)[-1] if "." in name else "", "name": name, "uploadedAt": when,
                 "status": "processed", "size": upload["size"], "content": upload["content"]}  # fmt: skip
        opportunity.files.append(entry)
        opportunity.updated_at = when
        return entry

    # -- changes ----------------------------------------------------------------------------------------------
    def default_stage(self, *, applied: bool = False) -> str:
        wanted = "New applicant" if applied else "New lead"  # assumed: applications land in "New applicant"
        return next((s["id"] for s in self.stages if s["text"] == wanted), self.stages[0]["id"])

    def stage_index(self, stage_id: Any) -> int:
        return next((i for i, s in enumerate(self.stages) if s["id"] == stage_id), -1)

    def move(self, opportunity: Opportunity, stage_id: Any, user: str | None) -> None:
        self.stage(stage_id)
        now = self.now()
        opportunity.stage = str(stage_id)
        opportunity.stage_changes.append(
            {"toStageId": stage_id, "toStageIndex": self.stage_index(stage_id), "userId": user, "updatedAt": now}
        )
        opportunity.last_advanced_at = opportunity.updated_at = now

    def archive(self, opportunity: Opportunity, reason_id: Any) -> None:
        """`reason: null` unarchives (reference B5)."""
        now = self.now()
        if reason_id is None:
            opportunity.archived_at = opportunity.archive_reason = None
        else:
            self.reason(reason_id)
            opportunity.archived_at, opportunity.archive_reason = now, str(reason_id)
        opportunity.updated_at = now

    def note(self, opportunity: Opportunity, body: dict[str, Any], user: str | None) -> dict[str, Any]:
        value = body.get("value")
        if not isinstance(value, str) or not value.strip():
            raise Invalid("value is required")
        score = body.get("score")
        if score is not None and score not in (1, 2, 3, 4):
            raise Invalid("score must be 1-4")
        now = self.now()
        note = {"id": self.new_id(), "text": value, "secret": bool(body.get("secret")), "score": score,
                "user": user, "createdAt": now,
                "fields": [{"type": "note", "text": "Note", "value": value}]}  # fmt: skip
        opportunity.notes.append(note)
        opportunity.updated_at = now
        return note

    def change_list(self, opportunity: Opportunity, attribute: str, values: Any, *, add: bool) -> None:
        """addTags/removeTags, addSources/removeSources, addLinks/removeLinks."""
        strings = _strings(values, attribute)
        current: list[str] = getattr(opportunity, attribute)
        if add:
            setattr(opportunity, attribute, _dedupe([*current, *strings]))
        else:
            setattr(opportunity, attribute, [v for v in current if v not in strings])
        opportunity.updated_at = self.now()

    def delete(self, identifier: str) -> None:
        opportunity = self.opportunity(identifier)
        del self.opportunities[identifier]
        self.deleted.append({"id": opportunity.id, "deletedAt": self.now()})


def _strings(value: Any, name: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise Invalid(f"{name} must be a list of strings")
    return list(value)


def _objects(value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise Invalid("expected a list of objects")
    return list(value)


def _dedupe(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))
