"""Greenhouse emulator: the Harvest v3 resource handlers (mixed into the emulator)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from apps.connectors.emulation.http import HttpError, Request, Response
from apps.connectors.greenhouse.emulator import custom_fields
from apps.connectors.greenhouse.emulator.listing import equals, id_list, paged
from apps.connectors.greenhouse.emulator.state import Invalid, Rec, State

V3 = "/v3"


def _same(record: Rec) -> Rec:
    return dict(record)


def _public_attachment(record: Rec) -> Rec:
    return {key: value for key, value in record.items() if key != "source_url"}


def _email(record: Rec, raw: str) -> bool:
    return any(item["value"].lower() == raw.lower() for item in record["email_addresses"])


def _in(field: str, name: str):  # noqa: ANN202 - a Filter
    def check(record: Rec, raw: str) -> bool:
        return record.get(field) in id_list(raw, name)

    return check


class ResourcesApi:
    state: State
    emit_application: Any  # WebhooksApi
    emit_candidate: Any  # WebhooksApi

    def _register_resources(self) -> None:
        add: Any = self.add_route  # type: ignore[attr-defined]
        lists = {
            "users": (lambda: self.state.users.values(), {}),
            "jobs": (lambda: self.state.jobs.values(), {"status": equals("status")}),
            "job_interview_stages": (lambda: self.state.stages.values(), {"job_ids": _in("job_id", "job_ids")}),
            "job_posts": (lambda: self.state.job_posts.values(), {"job_ids": _in("job_id", "job_ids")}),
            "candidates": (lambda: self.state.candidates.values(), {"email": _email}),
            "applications": (
                lambda: self.state.applications.values(),
                {
                    "candidate_ids": _in("candidate_id", "candidate_ids"),
                    "job_ids": _in("job_id", "job_ids"),
                    "source_ids": _in("source_id", "source_ids"),
                    # the query value `active` is the record's `in_process` (A6)
                    "status": equals("status", {"active": "in_process"}),
                },
            ),
            "sources": (lambda: self.state.sources.values(), {}),
            "user_roles": (lambda: self.state.user_roles.values(), {}),
            "rejection_reasons": (lambda: self.state.rejection_reasons.values(), {}),
            "candidate_tags": (lambda: self.state.candidate_tags.values(), {}),
            "applied_candidate_tags": (
                lambda: self.state.applied_tags.values(),
                {"candidate_ids": _in("candidate_id", "candidate_ids")},  # filter name assumed
            ),
            "notes": (
                lambda: self.state.notes.values(),
                {
                    "application_ids": _in("application_id", "application_ids"),
                    "candidate_ids": _in("candidate_id", "candidate_ids"),
                },  # filter names assumed
            ),  # fmt: skip
            "attachments": (
                lambda: self.state.attachments.values(),
                {
                    "application_ids": _in("application_id", "application_ids"),
                    "candidate_ids": _in("candidate_id", "candidate_ids"),
                },  # filter names assumed
            ),  # fmt: skip
            # v3 lists of GH-V3-SPEC's `offer`, `interview`, `interviewer`, `job_interview`, `scorecard`,
            # `application_stage`; their filters beyond the common ones are assumed (pages not readable), except
            # offers' `current_only` (A3).
            "offers": (
                lambda: self.state.offers.values(),
                {"application_ids": _in("application_id", "application_ids"), "current_only": self._current_offer},
            ),  # fmt: skip
            "interviews": (
                lambda: self.state.interviews.values(),
                {"application_ids": _in("application_id", "application_ids")},
            ),  # fmt: skip
            "interviewers": (
                lambda: self.state.interviewers.values(),
                {"interview_ids": _in("interview_id", "interview_ids")},
            ),  # fmt: skip
            "job_interviews": (lambda: self.state.job_interviews.values(), {"job_ids": _in("job_id", "job_ids")}),
            "scorecards": (
                lambda: self.state.scorecards.values(),
                {"application_ids": _in("application_id", "application_ids")},
            ),  # fmt: skip
            # filter names assumed (only the record schemas were readable)
            "scorecard_questions": (lambda: self.state.scorecard_questions.values(), {}),
            "scorecard_question_options": (
                lambda: self.state.scorecard_question_options.values(),
                {"scorecard_question_ids": _in("scorecard_question_id", "scorecard_question_ids")},
            ),  # fmt: skip
            "scorecard_question_answers": (
                lambda: self.state.scorecard_question_answers.values(),
                {"scorecard_ids": _in("scorecard_id", "scorecard_ids")},
            ),  # fmt: skip
            "scorecard_question_answer_options": (
                lambda: self.state.scorecard_question_answer_options.values(),
                {"scorecard_question_answer_ids": _in("scorecard_question_answer_id", "scorecard_question_answer_ids")},
            ),  # fmt: skip
            "application_stages": (
                lambda: self.state.application_stages.values(),
                {"application_ids": _in("application_id", "application_ids")},
            ),  # fmt: skip
            # custom_fields.py: the paths and filters are assumed (as third-party v3 connectors read them)
            "custom_fields": (lambda: self.state.custom_fields.values(), {"field_type": equals("field_type")}),
            "custom_field_options": (
                lambda: self.state.custom_field_options.values(),
                {"custom_field_ids": _in("custom_field_id", "custom_field_ids")},
            ),  # fmt: skip
        }
        for name, (rows, filters) in lists.items():
            render = _public_attachment if name == "attachments" else _same
            add("GET", f"{V3}/{name}", self._lister(name, rows, filters, render), f"harvest:{name}:list", listing=True)
        add("POST", f"{V3}/candidates", self.candidates_create, "harvest:candidates:create")
        add("POST", f"{V3}/applications", self.applications_create, "harvest:applications:create")
        add("POST", f"{V3}/applications/{{id}}/move", self.applications_move, "harvest:applications:move")
        add("POST", f"{V3}/applications/{{id}}/reject", self.applications_reject, "harvest:applications:reject")
        add("POST", f"{V3}/applications/{{id}}/hire", self.applications_hire, "harvest:applications:hire")
        add("POST", f"{V3}/notes", self.notes_create, "harvest:notes:create")
        add("POST", f"{V3}/candidate_tags", self.tags_create, "harvest:candidate_tags:create")
        add("POST", f"{V3}/applied_candidate_tags", self.applied_create, "harvest:applied_candidate_tags:create")
        add(
            "DELETE",
            f"{V3}/applied_candidate_tags/{{id}}",
            self.applied_delete,
            "harvest:applied_candidate_tags:delete",
        )
        add("POST", f"{V3}/attachments", self.attachments_create, "harvest:attachments:create")
        # Signed file URLs (assumed path; real ones live on a storage host and expire after 7 days, A5).
        add("GET", "/_files/{id}", self.file_download, public=True)

    def _lister(self, name: str, rows: Any, filters: dict[str, Any], render: Any) -> Any:
        return lambda request: paged(request, f"{V3}/{name}", rows(), filters, render)

    def _current_offer(self, record: Rec, raw: str) -> bool:
        """`current_only=true`: the latest version of each application's offer (v1's `current_offer`)."""
        if raw.lower() != "true":
            return True
        versions = [o["version"] for o in self.state.offers.values() if o["application_id"] == record["application_id"]]
        return record["version"] == max(versions) and record["status"] != "Deprecated"

    def candidates_create(self, request: Request) -> Response:
        # v3 body NOT FOUND (A3): assumed the v3 candidate record's writable fields.
        body = request.json_object()
        values = custom_fields.written(self.state, body, "candidate")  # checked before anything is created
        created = self.state.create_candidate(body)
        created["custom_fields"] = values
        self.emit_candidate("update_candidate", created["id"])  # assumed: a new profile is an update
        return Response.json(created, 201)

    def applications_create(self, request: Request) -> Response:
        body = request.json_object()
        values = custom_fields.written(self.state, body, "application")  # checked before anything is created
        created = self.state.create_application(body)
        created["custom_fields"] = values
        self.emit_application("new_candidate_application", created["id"])
        return Response.json(created, 201)

    def applications_move(self, request: Request) -> Response:
        self.state.move(_path_id(request), request.json_object())
        self.emit_application("candidate_stage_change", _path_id(request))
        return Response.empty(204)

    def applications_reject(self, request: Request) -> Response:
        body = request.json_object()
        if body.get("rejection_reason_id") is None:  # required in v3 (A5)
            raise Invalid("rejection_reason_id", "is required")
        self.state.reject(_path_id(request), body)
        self.emit_application("reject_candidate", _path_id(request))
        return Response.empty(204)

    def applications_hire(self, request: Request) -> Response:
        self.state.hire(_path_id(request))
        self.emit_application("hire_candidate", _path_id(request))
        return Response.empty(204)

    def notes_create(self, request: Request) -> Response:
        subject = request.principal.subject if request.principal else None
        return Response.json(self.state.create_note(request.json_object(), int(subject) if subject else None), 201)

    def tags_create(self, request: Request) -> Response:
        tag, created = self.state.create_tag(request.json_object())
        return Response.json(tag, 201 if created else 200)

    def applied_create(self, request: Request) -> Response:
        applied = self.state.apply_tag(request.json_object())
        self.emit_candidate("update_candidate", applied["candidate_id"])  # assumed: a tag is a profile change
        return Response.json(applied, 201)

    def applied_delete(self, request: Request) -> Response:
        applied = self.state.applied_tags.get(_path_id(request))
        self.state.remove_applied_tag(_path_id(request))
        if applied is not None:
            self.emit_candidate("update_candidate", applied["candidate_id"])  # assumed, as above
        return Response.empty(204)

    def attachments_create(self, request: Request) -> Response:
        body = request.json_object()
        content = None
        if body.get("content") is not None:
            try:
                content = base64.b64decode(str(body["content"]), validate=True)
            except (binascii.Error, ValueError):
                raise Invalid("content", "must be base64") from None
        created = self.state.create_attachment(body, content, request.base_url)
        self.emit_candidate("update_candidate", created["candidate_id"])  # assumed: a file is a profile change
        return Response.json(_public_attachment(created), 201)

    def file_download(self, request: Request) -> Response:
        found = self.state.files.get(_path_id(request))
        if found is None:
            raise HttpError(404, "not_found", "Resource not found")
        return Response.binary(found[0], found[1])


def _path_id(request: Request) -> int:
    raw = request.path_params["id"]
    if not raw.isdigit():
        raise HttpError(404, "not_found", "Resource not found")
    return int(raw)
