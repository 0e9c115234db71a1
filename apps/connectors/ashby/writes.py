"""Ashby sources (MUST_EXIST: found by exact name, set by id) and writes (reference B4/B5).

Create: `candidate.search {email}`; with screening answers `applicationForm.submit` (which takes no `sourceId`),
then `application.info {submittedFormInstanceId}` and `application.changeSource`, read back to verify; without
answers `candidate.create {sourceId}` → `candidate.uploadResume` → `application.create {sourceId}`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from apps.connectors import steps
from apps.connectors.ashby import custom_fields, mapping
from apps.connectors.dtos import (
    ApplicationRef,
    AttachmentInput,
    CreateApplicationInput,
    CreateApplicationResult,
    CustomFieldValue,
    RemoteSource,
    ScreeningAnswerInput,
    TrackedApplication,
    WriteResult,
)
from apps.connectors.errors import (
    ConnectorApplicationExists,
    ConnectorError,
    ConnectorInputError,
    ConnectorJobClosed,
    ConnectorWriteUncertain,
)

Raw = dict[str, Any]
STEP_SOURCE = "source"
NOTE_WARNING = "Ashby keeps notes on the candidate, not the application: the note was added to the candidate."


class AshbyWrites:
    """Sources and writes of `AshbyConnector` (mixed in)."""

    client: Any

    # -- sources ----------------------------------------------------------------------------------------------
    def list_sources(self) -> list[RemoteSource]:
        """`source.list` (active sources; admins create them in Admin → Organization Setup → Candidate Sources)."""
        return [mapping.source(row) for row in self.client.result("source.list", {"includeArchived": False})]

    def default_source(self) -> RemoteSource | None:
        """The API key's default source (`apiKey.info` → `defaultSource`, assumed; needs API Keys → Read): reported in
        the flow's source step only. Every create sets our `sourceId` explicitly, so the default never decides."""
        found = self.client.result("apiKey.info", {}).get("defaultSource")
        return mapping.source(found) if isinstance(found, dict) and found.get("id") else None

    def find_source(self, name: str) -> RemoteSource | None:
        wanted = name.strip()
        return next((source for source in self.list_sources() if source.label == wanted), None)

    def get_source(self, remote_id: str) -> RemoteSource | None:
        return next((source for source in self.list_sources() if source.remote_id == remote_id), None)

    def read_application_source(
        self, *, application_remote_id: str, candidate_remote_id: str | None = None
    ) -> RemoteSource | None:
        raw = self.client.result("application.info", {"applicationId": application_remote_id})
        return mapping.source(raw["source"]) if isinstance(raw.get("source"), dict) else None

    def read_candidate_source(self, candidate_remote_id: str) -> RemoteSource | None:
        raw = self.client.result("candidate.info", {"id": candidate_remote_id})
        return mapping.source(raw["source"]) if isinstance(raw.get("source"), dict) else None

    def _source_id(self, application: CreateApplicationInput) -> tuple[str | None, list[str]]:
        instruction = application.source
        if instruction is not None:
            if instruction.remote_id:
                return instruction.remote_id, []
            found = self.find_source(instruction.name)
            if found is not None:
                return found.remote_id, []
            return None, [
                f"source: Ashby has no source named {instruction.name!r} (an admin creates it in Admin → "
                "Organization Setup → Candidate Sources); no source was set by us."
            ]
        return None, []

    # -- create -----------------------------------------------------------------------------------------------
    def create_application(self, application: CreateApplicationInput) -> CreateApplicationResult:
        job = self.client.result("job.info", {"id": application.job_remote_id})
        if job.get("status") != "Open":
            raise ConnectorJobClosed(
                f"Ashby job {job.get('id')} is {job.get('status')}.", remote_message="Job not open"
            )
        person = application.candidate
        found = self.client.result("candidate.search", {"email": person.email_address})
        existing = found[0] if found else None
        if existing is not None:
            for app_id in existing.get("applicationIds") or ():
                other = self.client.result("application.info", {"applicationId": app_id})
                if (other.get("job") or {}).get("id") == job["id"]:
                    raise ConnectorApplicationExists(
                        f"Candidate {existing['id']} has already applied to job {job['id']}.",
                        remote_message="The candidate already has an application for this job.",
                    )
        source_id, warnings = self._source_id(application)
        # checked against the organisation's fields before anything is written (400 naming the key)
        values = custom_fields.settings(self.client, application.custom_fields, warnings)
        if application.screening_answers:
            try:
                raw = self._submit_form(application, job, warnings)
            except ConnectorWriteUncertain:
                # The form's answer was lost: if Ashby made the application, finish this create on it (its source
                # is still ours to set); if not (or not yet, or the lookup fails), the create stays uncertain and
                # the write path's reconcile finishes it later (`finish_found_create`).
                try:
                    made = self.find_application(job_remote_id=job["id"], email_address=person.email_address)
                except ConnectorError:
                    made = None
                if made is None:
                    raise
                raw = self.client.result("application.info", {"applicationId": made.application.remote_id})
        else:
            raw = self._create_directly(application, job, existing, source_id)
        app_id, candidate_id = raw["id"], raw["candidate"]["id"]
        sets_source = bool(source_id and application.screening_answers)
        steps.record_application(
            application_remote_id=app_id,
            candidate_remote_id=candidate_id,
            candidate_existed=existing is not None,
            pending=[*([STEP_SOURCE] if sets_source else []), *([steps.CUSTOM_FIELDS] if values else [])],
        )
        if sets_source:
            # applicationForm.submit takes no sourceId: set it now, then read it back (verified).
            self.client.result("application.changeSource", {"applicationId": app_id, "sourceId": source_id})
            raw = self.client.result("application.info", {"applicationId": app_id})
            if (raw.get("source") or {}).get("id") != source_id:
                warnings.append("source: Ashby did not keep the source set with application.changeSource.")
            steps.record(STEP_SOURCE)
        if values:
            self._write_values(values, candidate_id, app_id, warnings)
        if application.stage_remote_id and application.screening_answers:
            raw = self.client.result(
                "application.changeStage", {"applicationId": app_id, "interviewStageId": application.stage_remote_id}
            )
        for attachment in application.attachments:
            if attachment is application.resume and application.screening_answers and self._form_has_resume(job):
                continue
            self._upload(candidate_id, attachment, resume=attachment is application.resume)
        candidate = self.client.result("candidate.info", {"id": candidate_id})
        return CreateApplicationResult(
            application=mapping.application(raw),
            candidate=mapping.candidate(candidate),
            candidate_existed=existing is not None,
            warnings=tuple(warnings),
        )

    def _write_values(
        self, values: list[custom_fields.Setting], candidate_id: str, app_id: str, warnings: list[str]
    ) -> None:
        """`customField.setValue` per value, after the application exists (a resumable step of the create)."""
        try:
            kept = custom_fields.write(self.client, values, candidate_id=candidate_id, application_id=app_id)
        except ConnectorError as error:
            if steps.resumable(error):
                raise
            warnings.append(
                f"custom_fields: Ashby refused a custom field value ({error.remote_message or error.message}); "
                "not written."
            )
            return
        steps.record(steps.CUSTOM_FIELDS)
        if kept:
            warnings.append(custom_fields.WARNING_KEPT.format(keys=", ".join(sorted(kept))))

    def write_custom_fields(self, application: ApplicationRef, values: Sequence[CustomFieldValue]) -> None:
        """The custom field values of a create, after an interruption (the write path's resume): repeatable."""
        found = custom_fields.settings(self.client, values, [])
        candidate_id = application.candidate_remote_id
        if candidate_id is None:
            candidate_id = self.client.result("application.info", {"applicationId": application.remote_id})[
                "candidate"
            ]["id"]
        custom_fields.write(self.client, found, candidate_id=candidate_id, application_id=application.remote_id)

    def finish_found_create(self, found: TrackedApplication, application: CreateApplicationInput) -> TrackedApplication:
        """A lost form found later: applicationForm.submit takes no sourceId, so set ours now and verify it (an
        application created directly already carries it), then the custom field values (repeatable). Nothing to do
        when it has our source and values already."""
        app_id = found.application.remote_id
        if application.custom_fields:
            self.write_custom_fields(
                ApplicationRef(remote_id=app_id, candidate_remote_id=found.application.candidate_remote_id),
                application.custom_fields,
            )
        source_id, _ = self._source_id(application)
        if not source_id or not application.screening_answers:
            return found
        raw = self.client.result("application.info", {"applicationId": app_id})
        if (raw.get("source") or {}).get("id") != source_id:
            self.client.result("application.changeSource", {"applicationId": app_id, "sourceId": source_id})
            raw = self.client.result("application.info", {"applicationId": app_id})
        return TrackedApplication(application=mapping.application(raw), candidate=found.candidate)

    def find_application(self, *, job_remote_id: str, email_address: str) -> TrackedApplication | None:
        """`candidate.search {email}` (exact) and the candidate's application to this job; writes nothing."""
        for candidate in self.client.result("candidate.search", {"email": email_address.strip()}):
            for app_id in candidate.get("applicationIds") or ():
                raw = self.client.result("application.info", {"applicationId": app_id})
                if (raw.get("job") or {}).get("id") == job_remote_id:
                    return TrackedApplication(
                        application=mapping.application(raw), candidate=mapping.candidate(candidate)
                    )
        return None

    def create_candidate(self, application: CreateApplicationInput) -> CreateApplicationResult:
        return self.create_application(application)

    def _create_directly(
        self, application: CreateApplicationInput, job: Raw, existing: Raw | None, source_id: str | None
    ) -> Raw:
        person = application.candidate
        if existing is None:
            body: Raw = {"name": f"{person.first_name} {person.last_name}".strip(), "email": person.email_address}
            if person.phone_number:
                body["phoneNumber"] = person.phone_number
            if source_id:
                body["sourceId"] = source_id
            if person.social_links:
                body["linkedInUrl"] = next((s for s in person.social_links if "linkedin." in s), None)
                body = {k: v for k, v in body.items() if v is not None}
            candidate_id = self.client.result("candidate.create", body, idempotent=False)["id"]
        else:
            candidate_id = existing["id"]
        body = {"candidateId": candidate_id, "jobId": job["id"]}
        if source_id:
            body["sourceId"] = source_id
        if application.stage_remote_id:
            body["interviewStageId"] = application.stage_remote_id
        return self.client.result("application.create", body, idempotent=False)

    def _posting(self, job: Raw) -> Raw:
        posting_ids = job.get("jobPostingIds") or []
        if not posting_ids:
            raise ConnectorJobClosed(f"Ashby job {job['id']} has no job posting to submit a form to.")
        return self.client.result("jobPosting.info", {"jobPostingId": posting_ids[0]})

    def _form_has_resume(self, job: Raw) -> bool:
        fields = _form_fields(self._posting(job))
        return "_systemfield_resume" in fields

    def _submit_form(self, application: CreateApplicationInput, job: Raw, warnings: list[str]) -> Raw:
        posting = self._posting(job)
        fields = _form_fields(posting)
        person = application.candidate
        submissions: list[Raw] = [
            {"path": "_systemfield_name", "value": f"{person.first_name} {person.last_name}".strip()},
            {"path": "_systemfield_email", "value": person.email_address},
        ]
        if person.phone_number and "_systemfield_phone" in fields:
            submissions.append({"path": "_systemfield_phone", "value": person.phone_number})
        files: dict[str, tuple[str, bytes, str]] = {}
        if application.resume is not None and "_systemfield_resume" in fields:
            submissions.append({"path": "_systemfield_resume", "value": "resume_1"})
            files["resume_1"] = (application.resume.name, application.resume.data, application.resume.content_type)
        for number, answer in enumerate(application.screening_answers, start=1):
            field = fields.get(answer.question_remote_id)
            if field is None:
                warnings.append(
                    f"screening_question_answers: {answer.question_remote_id} is not on the form; not sent."
                )
                continue
            value = _answer_value(field, answer)
            if isinstance(value, AttachmentInput):
                files[f"file_{number}"] = (value.name, value.data, value.content_type)
                value = f"file_{number}"
            submissions.append({"path": answer.question_remote_id, "value": value})
        data = {
            "jobPostingId": posting["id"],
            "applicationForm": json.dumps({"fieldSubmissions": submissions}),
            "allowSubmissionForUnpublishedJobPosting": "false",
        }
        if not files:
            files["_"] = ("empty.txt", b"", "text/plain")  # keep the body multipart
        answer = self.client.result("applicationForm.submit", None, idempotent=False, data=data, files=files)
        instance = answer["submittedFormInstance"]["id"]
        return self.client.result("application.info", {"submittedFormInstanceId": instance})

    def _upload(self, candidate_id: str, attachment: AttachmentInput, *, resume: bool) -> Raw:
        operation, part = ("candidate.uploadResume", "resume") if resume else ("candidate.uploadFile", "file")
        return self.client.result(
            operation,
            None,
            idempotent=False,
            data={"candidateId": candidate_id},
            files={part: (attachment.name, attachment.data, attachment.content_type)},
        )

    # -- actions ----------------------------------------------------------------------------------------------
    def move_application_stage(
        self, application: ApplicationRef, *, stage_remote_id: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        raw = self.client.result(
            "application.changeStage", {"applicationId": application.remote_id, "interviewStageId": stage_remote_id}
        )
        return WriteResult(application=mapping.application(raw))

    def reject_application(
        self,
        application: ApplicationRef,
        *,
        rejection_reason_remote_id: str,
        note: str | None,
        remote_fields: Mapping[str, Any],
    ) -> WriteResult:
        """Move to the plan's `Archived` stage with `archiveReasonId` (reference B5); the note goes on the candidate."""
        current: Raw = self.client.result("application.info", {"applicationId": application.remote_id})
        plan = self.client.result("jobInterviewPlan.info", {"jobId": current["job"]["id"]})
        archived = next((s for s in plan.get("stages") or () if s.get("type") == "Archived"), None)
        if archived is None:
            raise ConnectorInputError("The application's interview plan has no Archived stage.")
        raw = self.client.result(
            "application.changeStage",
            {
                "applicationId": application.remote_id,
                "interviewStageId": archived["id"],
                "archiveReasonId": rejection_reason_remote_id,
            },
        )
        if note:
            self._note(current["candidate"]["id"], note, "PLAIN_TEXT")
        return WriteResult(application=mapping.application(raw))

    def _note(self, candidate_id: str, content: str, content_type: str) -> None:
        kind = "text/html" if content_type == "HTML" else "text/plain"
        self.client.result(
            "candidate.createNote",
            {"candidateId": candidate_id, "note": {"type": kind, "value": content}, "sendNotifications": False},
            idempotent=False,
        )

    def _candidate_of(self, application: ApplicationRef) -> str:
        if application.candidate_remote_id:
            return application.candidate_remote_id
        return str(self.client.result("application.info", {"applicationId": application.remote_id})["candidate"]["id"])

    def add_application_note(
        self, application: ApplicationRef, *, content: str, content_type: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        self._note(self._candidate_of(application), content, content_type)
        return WriteResult(warnings=(NOTE_WARNING,))

    def add_candidate_tag(
        self, candidate_remote_id: str, *, name: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        """The tag by exact title (`candidateTag.list`), created when missing (`candidateTag.create`), then added."""
        tags = self.client.list_all("candidateTag.list")
        tag = next((t for t in tags if t.get("title") == name and not t.get("isArchived")), None)
        if tag is None:
            tag = self.client.result("candidateTag.create", {"title": name}, idempotent=False)
        raw = self.client.result("candidate.addTag", {"candidateId": candidate_remote_id, "tagId": tag["id"]})
        return WriteResult(candidate=mapping.candidate(raw))

    def add_candidate_attachment(
        self, candidate_remote_id: str, *, attachment: AttachmentInput, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        raw = self._upload(candidate_remote_id, attachment, resume=attachment.type == "CV")
        return WriteResult(candidate=mapping.candidate(raw))

    def add_application_attachment(
        self, application: ApplicationRef, *, attachment: AttachmentInput, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        """Ashby keeps files on the candidate (no application-level upload, reference B5)."""
        raw = self._upload(self._candidate_of(application), attachment, resume=attachment.type == "CV")
        return WriteResult(
            warnings=("Ashby keeps files on the candidate: the file was added to the candidate.",),
            candidate=mapping.candidate(raw),
        )


def _form_fields(posting: Raw) -> dict[str, Raw]:
    form = posting.get("applicationFormDefinition") or {}
    return {e["field"]["path"]: e["field"] for s in form.get("sections") or () for e in s.get("fields") or ()}


def _answer_value(field: Raw, answer: ScreeningAnswerInput) -> Any:
    """The submit value by Ashby field type (reference B5)."""
    kind, value = field.get("type"), answer.value
    if kind == "RichText":
        return {"type": "PlainText", "value": str(value)}
    if kind == "Score":
        return {"score": int(value)}
    if kind == "Number":
        return int(value) if float(value).is_integer() else value
    if kind == "Date" and isinstance(value, date):
        return value.isoformat()
    if kind == "MultiValueSelect":
        return list(value)
    return value
