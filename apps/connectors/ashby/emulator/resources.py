"""Ashby API handlers (reference B3/B5), mixed into the emulator. Every operation is a POST with a JSON body
(multipart for uploads and `applicationForm.submit`)."""

from __future__ import annotations

from typing import Any

from apps.connectors.ashby.emulator import custom_fields, forms, operations
from apps.connectors.ashby.emulator.state import JsonDict, Refused, State
from apps.connectors.emulation.http import HttpError, Request, Response


def ok(results: Any) -> Response:
    return Response.json({"success": True, "results": results})


def _public_note(note: JsonDict) -> JsonDict:
    return {k: v for k, v in note.items() if k != "candidateId"}


class ResourcesApi:
    state: State

    key_of: Any  # AshbyEmulator.key_of

    # ------------------------------------------------------------------ body helpers
    def _body(self, request: Request) -> JsonDict:
        if not request.body:
            return {}
        try:
            return request.json_object()
        except HttpError:
            raise Refused("invalid_input", "The body must be a JSON object") from None

    def _list(self, request: Request, resource: str, rows: list[JsonDict]) -> Response:
        return Response.json(self.state.list_page(resource, rows, self._body(request)))

    def _default_source(self, request: Request) -> str | None:
        source_id = self.key_of(request).default_source_id
        return source_id if source_id in self.state.sources else None

    # ------------------------------------------------------------------ organisation
    def api_key_info(self, request: Request) -> Response:
        key = self.key_of(request)
        scopes = sorted(key.permissions)
        answer: JsonDict = {"title": key.title, "createdAt": key.created_at, "scopes": scopes}
        # assumed: the key's default source (set in Admin → API Keys, reference B4.5) is reported here as
        # `defaultSource` ({id, title, isArchived, sourceType}) or null; where Ashby shows it to the API is NOT FOUND.
        default = self._default_source(request)
        answer["defaultSource"] = operations.source_json(self.state, default) if default else None
        return ok(answer)

    def user_list(self, request: Request) -> Response:
        return self._list(request, "users", list(self.state.users.values()))

    def source_list(self, request: Request) -> Response:
        include = bool(self._body(request).get("includeArchived"))
        rows = [
            operations.source_json(self.state, sid)
            for sid, s in self.state.sources.items()
            if include or not s["isArchived"]
        ]
        return Response.json({"success": True, "results": rows, "moreDataAvailable": False})

    def archive_reason_list(self, request: Request) -> Response:
        include = bool(self._body(request).get("includeArchived"))
        return ok([r for r in self.state.archive_reasons.values() if include or not r["isArchived"]])

    def tag_list(self, request: Request) -> Response:
        return self._list(request, "tags", list(self.state.tags.values()))

    def custom_field_list(self, request: Request) -> Response:
        return self._list(request, "custom_fields", list(self.state.custom_fields.values()))

    def custom_field_set_value(self, request: Request) -> Response:
        return ok(custom_fields.set_value(self.state, self._body(request)))

    def tag_create(self, request: Request) -> Response:
        return ok(operations.create_tag(self.state, self._body(request)))

    # ------------------------------------------------------------------ jobs
    def job_list(self, request: Request) -> Response:
        body = self._body(request)
        statuses = body.get("status")
        rows = list(self.state.jobs.values())
        if statuses is not None:
            if not isinstance(statuses, list):
                raise Refused("invalid_input", "status must be a list")
            rows = [job for job in rows if job["status"] in statuses]
        else:
            rows = [job for job in rows if job["status"] != "Draft"]  # drafts only if asked (reference B3)
        return self._list(request, "jobs", rows)

    def job_info(self, request: Request) -> Response:
        return ok(self.state.get("jobs", self._body(request).get("id"), "job_not_found"))

    def posting_list(self, request: Request) -> Response:
        listed_only = bool(self._body(request).get("listedOnly"))
        rows = [
            {k: v for k, v in p.items() if k != "applicationFormDefinition"}
            for p in self.state.postings.values()
            if p["isListed"] or not listed_only
        ]
        return Response.json({"success": True, "results": rows, "moreDataAvailable": False})

    def posting_info(self, request: Request) -> Response:
        return ok(self.state.get("postings", self._body(request).get("jobPostingId"), "job_posting_not_found"))

    def plan_info(self, request: Request) -> Response:
        job = self.state.get("jobs", self._body(request).get("jobId"), "job_not_found")
        plan_id = job["defaultInterviewPlanId"]
        return ok(
            {
                "jobId": job["id"],
                "interviewPlanId": plan_id,
                "stages": [{**stage, "activities": []} for stage in self.state.plans[plan_id]],
            }
        )

    # ------------------------------------------------------------------ candidates
    def candidate_list(self, request: Request) -> Response:
        return self._list(request, "candidates", list(self.state.candidates.values()))

    def candidate_info(self, request: Request) -> Response:
        return ok(self.state.get("candidates", self._body(request).get("id"), "candidate_not_found"))

    def candidate_search(self, request: Request) -> Response:
        body = self._body(request)
        email, name = body.get("email"), body.get("name")
        if not email and not name:
            raise Refused("invalid_input", "email or name is required")
        rows = [
            c
            for c in self.state.candidates.values()
            if (not email or any(e["value"] == email for e in c["emailAddresses"])) and (not name or c["name"] == name)
        ]
        return ok(rows[:100])

    def candidate_notes(self, request: Request) -> Response:
        body = self._body(request)
        candidate = self.state.get("candidates", body.get("candidateId"), "candidate_not_found")
        rows = [n for n in self.state.notes.values() if n["candidateId"] == candidate["id"]]
        # paged, with syncToken (reference B2); assumed: the token is the notes list's, whatever the candidate
        answer = self.state.list_page("notes", rows, {k: v for k, v in body.items() if k != "candidateId"})
        answer["results"] = [_public_note(n) for n in answer["results"]]
        return Response.json(answer)

    def candidate_create(self, request: Request) -> Response:
        return ok(
            operations.create_candidate(
                self.state, self._body(request), default_source_id=self._default_source(request)
            )
        )

    def candidate_create_note(self, request: Request) -> Response:
        author = {"id": "u-api", "firstName": "API", "lastName": "Key", "email": None}
        return ok(_public_note(operations.create_note(self.state, self._body(request), author)))

    def candidate_add_tag(self, request: Request) -> Response:
        return ok(operations.add_tag(self.state, self._body(request)))

    def _upload(self, request: Request, part: str, *, resume: bool) -> Response:
        if not request.content_type.startswith("multipart/form-data"):
            raise Refused("invalid_input", "Uploads are multipart/form-data")
        upload = request.file(part)
        if upload is None:
            raise Refused("invalid_input", f"{part} is required")
        candidate_id = request.form_value("candidateId")
        return ok(
            operations.add_file(
                self.state, candidate_id, upload.filename or part, upload.content, upload.content_type, resume=resume
            )
        )

    def candidate_upload_resume(self, request: Request) -> Response:
        return self._upload(request, "resume", resume=True)

    def candidate_upload_file(self, request: Request) -> Response:
        return self._upload(request, "file", resume=False)

    def file_info(self, request: Request) -> Response:
        file = self.state.get("files", self._body(request).get("fileHandle"), "file_not_found")
        return ok({"url": f"https://files.ashbyhq.com/{file['handle']}/{file['name']}"})

    # ------------------------------------------------------------------ offers and interviews
    def offer_list(self, request: Request) -> Response:
        body = self._body(request)
        rows = list(self.state.offers.values())
        if body.get("applicationId") is not None:
            rows = [o for o in rows if o["applicationId"] == body["applicationId"]]
        for key in ("offerStatus", "acceptanceStatus"):
            if isinstance(body.get(key), list):
                rows = [o for o in rows if o[key] in body[key]]
        return self._list(request, "offers", rows)

    def schedule_list(self, request: Request) -> Response:
        body = self._body(request)
        rows = list(self.state.schedules.values())
        for key in ("applicationId", "interviewStageId"):
            if body.get(key) is not None:
                rows = [s for s in rows if s[key] == body[key]]
        return self._list(request, "schedules", rows)

    # ------------------------------------------------------------------ applications
    def application_list(self, request: Request) -> Response:
        body = self._body(request)
        rows = list(self.state.applications.values())
        if body.get("jobId") is not None:
            rows = [a for a in rows if a["job"]["id"] == body["jobId"]]
        if body.get("status") is not None:
            rows = [a for a in rows if a["status"] == body["status"]]
        return self._list(request, "applications", rows)

    def application_info(self, request: Request) -> Response:
        body = self._body(request)
        if body.get("submittedFormInstanceId") is not None and body.get("applicationId") is None:
            app_id = self.state.form_instances.get(body["submittedFormInstanceId"])
            return ok(self.state.get("applications", app_id, "application_not_found"))
        return ok(self.state.get("applications", body.get("applicationId"), "application_not_found"))

    def application_create(self, request: Request) -> Response:
        body = {k: v for k, v in self._body(request).items() if not k.startswith("_")}
        return ok(operations.create_application(self.state, body, default_source_id=self._default_source(request)))

    def application_change_stage(self, request: Request) -> Response:
        return ok(operations.change_stage(self.state, self._body(request)))

    def application_change_source(self, request: Request) -> Response:
        return ok(operations.change_source(self.state, self._body(request)))

    def form_submit(self, request: Request) -> Response:
        if not request.content_type.startswith("multipart/form-data"):
            raise Refused("invalid_input", "applicationForm.submit takes multipart/form-data")
        answer = forms.submit(self.state, request.form, request.files, default_source_id=self._default_source(request))
        return ok(answer)
