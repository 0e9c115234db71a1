"""The Lever emulator's API routes and handlers (reference B3/B5): postings and their apply form, opportunities
(list, one, deleted, create as JSON or multipart), contacts, stages, archive reasons, users, tags, sources, notes,
files, uploads, and the opportunity actions (stage, archived, add/remove tags, sources, links)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from apps.connectors.emulation.http import HttpError, Request, Response
from apps.connectors.lever.emulator.dump import (
    apply_form_json,
    contact_json,
    opportunity_json,
    posting_json,
    text_counts,
)
from apps.connectors.lever.emulator.state import Invalid, Opportunity, State

MAX_LIMIT = 100
_OFFSET = re.compile(r"^0\.(\d+)\.([0-9a-f-]{36})$")


def _scope(resource: str, mode: str) -> str:
    return f"{resource}:{mode}:admin"


class LeverResources:
    """Mixed into `LeverEmulator`: `register_resources()` adds every API route."""

    state: State
    add_route: Callable[..., None]
    create_and_announce: Callable[[Callable[[], Opportunity]], Opportunity]
    move_and_announce: Callable[[Opportunity, Any, str | None], None]
    archive_and_announce: Callable[[Opportunity, Any], None]
    emit_contact: Callable[[str, str], None]

    def register_resources(self) -> None:
        def r(method: str, path: str, handler: Any, *resources: str, mode: str = "read") -> None:
            self.add_route(method, "/v1" + path, handler, *(_scope(res, mode) for res in resources))

        r("GET", "/postings", self.postings, "postings")
        r("GET", "/postings/{id}", self.posting, "postings")
        r("GET", "/postings/{id}/apply", self.apply_form, "postings")
        # The apply scope is NOT FOUND in the reference: assumed `applications:write:admin` or opportunities'.
        r("POST", "/postings/{id}/apply", self.apply, "applications", "opportunities", mode="write")
        r("POST", "/uploads", self.upload, "uploads", mode="write")
        r("GET", "/opportunities", self.opportunities, "opportunities")
        r("GET", "/opportunities/deleted", self.deleted, "opportunities")
        r("GET", "/opportunities/{id}", self.opportunity, "opportunities")
        r("POST", "/opportunities", self.create, "opportunities", mode="write")
        r("PUT", "/opportunities/{id}/stage", self.stage, "opportunities", mode="write")
        r("PUT", "/opportunities/{id}/archived", self.archived, "opportunities", mode="write")
        for verb, attribute in (("Tags", "tags"), ("Sources", "sources"), ("Links", "links")):
            for prefix, add in (("add", True), ("remove", False)):
                r("POST", f"/opportunities/{{id}}/{prefix}{verb}", self._list_change(attribute, add=add),
                  "opportunities", mode="write")  # fmt: skip
        r("GET", "/opportunities/{id}/notes", self.notes, "notes")
        r("POST", "/opportunities/{id}/notes", self.add_note, "notes", mode="write")
        r("GET", "/opportunities/{id}/files", self.files, "files")
        r("POST", "/opportunities/{id}/files", self.add_file, "files", mode="write")
        r("GET", "/opportunities/{id}/resumes", self.resumes, "opportunities")
        r("GET", "/opportunities/{id}/offers", self._children("offers"), "offers")
        r("GET", "/opportunities/{id}/interviews", self._children("interviews"), "interviews")
        r("GET", "/opportunities/{id}/feedback", self._children("feedback"), "feedback")
        r("GET", "/contacts/{id}", self.contact, "contacts", "opportunities")  # scope assumed
        r("GET", "/stages", self.stages, "stages")
        r("GET", "/archive_reasons", self.archive_reasons, "archive_reasons")
        r("GET", "/users", self.users, "users")
        r("GET", "/tags", self.tags, "tags")
        r("GET", "/sources", self.sources, "sources")

    # -- helpers ----------------------------------------------------------------------------------------------
    def _perform_as(self, request: Request, *, required: bool) -> str | None:
        """`perform_as=<user UID>`: required on create opportunity and file uploads, optional on the rest
        (reference B1). Lever's status for a missing one is NOT FOUND: assumed 400."""
        user = request.arg("perform_as")
        if not user:
            if required:
                raise Invalid("perform_as is required for this request")
            return None
        return str(self.state.user(user)["id"])

    def _page(self, request: Request, rows: Iterable[Any], render: Callable[[Any], Any], when: str) -> Response:
        """`{data, next, hasNext}` with `limit` 1–100 and an opaque `offset` (reference B2): the offset names the
        last record returned (its creation time and id); one not returned by us is refused (assumed 400)."""
        limit = request.int_arg("limit", 100, minimum=1, maximum=MAX_LIMIT)
        ordered = sorted(rows, key=lambda row: _key(row, when))
        offset = request.arg("offset")
        if offset:
            match = _OFFSET.match(offset)
            if match is None:
                raise HttpError(400, "BadRequest", "Invalid offset: pass an offset returned by a previous request")
            after = (int(match.group(1)), match.group(2))
            ordered = [row for row in ordered if _key(row, when) > after]
        page = ordered[:limit]
        body: dict[str, Any] = {"data": [render(row) for row in page], "hasNext": len(ordered) > limit}
        if body["hasNext"]:
            created, identifier = _key(page[-1], when)
            body["next"] = f"0.{created}.{identifier}"
        return Response.json(body)

    @staticmethod
    def _ms(request: Request, name: str) -> int | None:
        raw = request.arg(name)
        if raw is None or raw == "":
            return None
        if not raw.isdigit():
            raise HttpError(400, "BadRequest", f"{name} must be a timestamp in milliseconds")
        return int(raw)

    def _expand(self, request: Request) -> set[str]:
        return set(request.args("expand"))

    # -- postings ---------------------------------------------------------------------------------------------
    def postings(self, request: Request) -> Response:
        rows = list(self.state.postings.values())
        state = request.arg("state")
        if state:
            rows = [p for p in rows if p.state == state]
        start, end = self._ms(request, "updated_at_start"), self._ms(request, "updated_at_end")
        if start is not None:
            rows = [p for p in rows if p.updated_at >= start]
        if end is not None:
            rows = [p for p in rows if p.updated_at <= end]
        return self._page(request, rows, posting_json, "created_at")

    def posting(self, request: Request) -> Response:
        return Response.json({"data": posting_json(self.state.posting(request.path_params["id"]))})

    def apply_form(self, request: Request) -> Response:
        return Response.json({"data": apply_form_json(self.state.posting(request.path_params["id"]))})

    def apply(self, request: Request) -> Response:
        posting = self.state.posting(request.path_params["id"])
        body = request.json_object()
        opportunity = self.create_and_announce(lambda: self.state.apply(posting, body))
        assert opportunity.application is not None
        return Response.json({"data": {"applicationId": opportunity.application["id"]}}, 201)

    def upload(self, request: Request) -> Response:
        file = request.file("file")
        if file is None:
            raise Invalid("multipart field `file` is required")
        upload = self.state.store_upload(file.filename, file.content, request.base_url)
        return Response.json({"data": {k: v for k, v in upload.items() if k != "content"}}, 200)

    # -- opportunities ----------------------------------------------------------------------------------------
    def _render(self, request: Request) -> Callable[[Opportunity], dict[str, Any]]:
        expand = self._expand(request)
        return lambda o: opportunity_json(o, self.state, expand)

    def opportunities(self, request: Request) -> Response:
        rows = list(self.state.opportunities.values())
        # `confidentiality` defaults to non-confidential (reference B7); `all` / `confidential` needs the
        # confidential permission, whose refusal is NOT FOUND: assumed 403.
        wanted = request.arg("confidentiality") or "non-confidential"
        if wanted != "non-confidential" and not request.principal.has_any_scope(["confidential:access:admin"]):
            raise HttpError(403, "Forbidden", "This credential has no access to confidential data")
        if wanted != "all":
            rows = [o for o in rows if o.confidentiality == wanted]
        emails = [e.lower() for e in request.args("email")]
        if emails:
            rows = [o for o in rows if any(e.lower() in emails for e in o.emails)]
        for name, pick in (("posting_id", lambda o: [o.application["posting"]] if o.application else []),
                           ("contact_id", lambda o: [o.contact]), ("tag", lambda o: o.tags),
                           ("source", lambda o: o.sources), ("origin", lambda o: [o.origin]),
                           ("stage_id", lambda o: [o.stage])):  # fmt: skip
            wanted = request.args(name)
            if wanted:
                rows = [o for o in rows if set(pick(o)) & set(wanted)]
        archived = request.arg("archived")
        if archived in ("true", "false"):
            rows = [o for o in rows if (o.archived_at is not None) == (archived == "true")]
        for name, attribute in (("updated_at", "updated_at"), ("created_at", "created_at")):
            start, end = self._ms(request, f"{name}_start"), self._ms(request, f"{name}_end")
            if start is not None:
                rows = [o for o in rows if getattr(o, attribute) >= start]
            if end is not None:
                rows = [o for o in rows if getattr(o, attribute) <= end]
        return self._page(request, rows, self._render(request), "created_at")

    def deleted(self, request: Request) -> Response:
        rows = list(self.state.deleted)
        start = self._ms(request, "deleted_at_start")
        if start is not None:
            rows = [row for row in rows if row["deletedAt"] >= start]
        return self._page(request, rows, dict, "deletedAt")

    def opportunity(self, request: Request) -> Response:
        found = self.state.opportunity(request.path_params["id"])
        return Response.json({"data": self._render(request)(found)})

    def create(self, request: Request) -> Response:
        user = self._perform_as(request, required=True)
        assert user is not None
        files: list[dict[str, Any]] = []
        resume = None
        if request.content_type == "multipart/form-data":
            body = _form_body(request.form)
            for name in ("files", "files[]"):
                files += [{"filename": f.filename, "content": f.content, "size": len(f.content)}
                          for f in request.files.get(name, [])]  # fmt: skip
            upload = request.file("resumeFile")
            if upload is not None:
                resume = {"filename": upload.filename, "content": upload.content, "size": len(upload.content)}
        else:
            body = request.json_object()
        created = self.create_and_announce(
            lambda: self.state.create_opportunity(body, perform_as=user, files=files, resume=resume)
        )
        # The create's response is NOT FOUND in the reference: emulated 201 `{data: opportunity}`.
        return Response.json({"data": opportunity_json(created, self.state, self._expand(request))}, 201)

    def stage(self, request: Request) -> Response:
        found = self.state.opportunity(request.path_params["id"])
        self.move_and_announce(found, request.json_object().get("stage"), self._perform_as(request, required=False))
        return Response.json({"data": opportunity_json(found, self.state, set())})  # PUT body NOT FOUND: assumed

    def archived(self, request: Request) -> Response:
        found = self.state.opportunity(request.path_params["id"])
        body = request.json_object()
        if "reason" not in body:
            raise Invalid("reason is required (null unarchives)")
        self._perform_as(request, required=False)
        self.archive_and_announce(found, body["reason"])
        return Response.json({"data": opportunity_json(found, self.state, set())})

    def _list_change(self, attribute: str, *, add: bool) -> Callable[[Request], Response]:
        def handler(request: Request) -> Response:
            found = self.state.opportunity(request.path_params["id"])
            self._perform_as(request, required=False)
            self.state.change_list(found, attribute, request.json_object().get(attribute), add=add)
            if attribute == "links":  # links are the contact's (reference B5); tags and sources send no event
                self.emit_contact("contactUpdated", found.contact)
            return Response.json({"data": opportunity_json(found, self.state, set())})

        return handler

    def notes(self, request: Request) -> Response:
        found = self.state.opportunity(request.path_params["id"])
        return self._page(request, [dict(n) for n in found.notes], dict, "createdAt")

    def add_note(self, request: Request) -> Response:
        found = self.state.opportunity(request.path_params["id"])
        note = self.state.note(found, request.json_object(), self._perform_as(request, required=False))
        return Response.json({"data": {"noteId": note["id"]}}, 201)

    def files(self, request: Request) -> Response:
        found = self.state.opportunity(request.path_params["id"])
        return self._page(request, [_public(f) for f in found.files], dict, "uploadedAt")

    def add_file(self, request: Request) -> Response:
        found = self.state.opportunity(request.path_params["id"])
        self._perform_as(request, required=True)
        file = request.file("file")
        if file is None:
            raise Invalid("multipart field `file` is required")
        entry = self.state.add_file(found, {"filename": file.filename, "content": file.content,
                                            "size": len(file.content)})  # fmt: skip
        return Response.json({"data": _public(entry)}, 201)

    def resumes(self, request: Request) -> Response:
        found = self.state.opportunity(request.path_params["id"])
        return self._page(request, [_public(r) for r in found.resumes], dict, "createdAt")

    def _children(self, attribute: str) -> Callable[[Request], Response]:
        def handler(request: Request) -> Response:
            found = self.state.opportunity(request.path_params["id"])
            return self._page(request, [dict(row) for row in getattr(found, attribute)], dict, "createdAt")

        return handler

    def contact(self, request: Request) -> Response:
        return Response.json({"data": contact_json(self.state.contact(request.path_params["id"]))})

    # -- account lists ----------------------------------------------------------------------------------------
    def stages(self, request: Request) -> Response:
        return self._page(request, [dict(s, _i=i) for i, s in enumerate(self.state.stages)], _strip, "_i")

    def archive_reasons(self, request: Request) -> Response:
        rows = [dict(r, _i=i) for i, r in enumerate(self.state.archive_reasons)]
        kind = request.arg("type")
        if kind:
            rows = [r for r in rows if r["type"] == kind]
        return self._page(request, rows, _strip, "_i")

    def users(self, request: Request) -> Response:
        rows = [dict(u) for u in self.state.users]
        if request.arg("includeDeactivated") != "true":
            rows = [u for u in rows if u.get("deactivatedAt") is None]
        email = request.arg("email")
        if email:
            rows = [u for u in rows if u["email"].lower() == email.lower()]
        role = request.arg("accessRole")
        if role:
            rows = [u for u in rows if u["accessRole"] == role]
        return self._page(request, rows, dict, "createdAt")

    def tags(self, request: Request) -> Response:
        values = [t for o in self.state.opportunities.values() for t in o.tags]
        return self._counted(request, values)

    def sources(self, request: Request) -> Response:
        values = [s for o in self.state.opportunities.values() for s in o.sources]
        return self._counted(request, values)

    def _counted(self, request: Request, values: list[str]) -> Response:
        rows = [dict(row, _i=i) for i, row in enumerate(text_counts(values))]
        return self._page(request, rows, _strip, "_i")


def _key(row: Any, when: str) -> tuple[int, str]:
    if isinstance(row, dict):
        return int(row[when]), str(row.get("id") or f"{int(row[when]):08d}-0000-0000-0000-000000000000")
    return int(getattr(row, when)), str(row.id)


def _strip(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "_i"}


def _public(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k != "content"}


_INDEXED = re.compile(r"^(\w+)\[(\d+)\]\[(\w+)\]$")


def _form_body(form: dict[str, list[str]]) -> dict[str, Any]:
    """A multipart create's fields as the JSON body: arrays as `emails[]`, nested objects as
    `phones[0][value]` / `archive[archivedAt]` (reference B5)."""
    body: dict[str, Any] = {}
    indexed: dict[str, dict[int, dict[str, str]]] = {}
    for name, values in form.items():
        match = _INDEXED.match(name)
        if match:
            indexed.setdefault(match.group(1), {}).setdefault(int(match.group(2)), {})[match.group(3)] = values[0]
        elif name.endswith("[]"):
            body[name[:-2]] = list(values)
        elif name in ("emails", "sources", "tags", "postings", "links", "followers"):
            body[name] = list(values)
        elif name == "createdAt" and values[0].isdigit():
            body[name] = int(values[0])
        else:
            body[name] = values[0]
    for name, items in indexed.items():
        body[name] = [items[i] for i in sorted(items)]
    return body
