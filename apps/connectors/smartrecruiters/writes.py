"""SmartRecruiters sources (MUST_EXIST: found by name and type, never created) and writes."""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import unquote

from apps.connectors import steps
from apps.connectors.dtos import (
    ApplicationRef,
    AttachmentInput,
    AttachmentList,
    AttachmentRef,
    CreateApplicationInput,
    CreateApplicationResult,
    CustomFieldValue,
    DownloadedFile,
    RemoteCandidate,
    RemoteSource,
    ResultLinkInput,
    ScreeningAnswerInput,
    TrackedApplication,
    WriteResult,
)
from apps.connectors.errors import (
    ConnectorApplicationExists,
    ConnectorBadResponse,
    ConnectorError,
    ConnectorInputError,
    ConnectorJobClosed,
    ConnectorNotFound,
)
from apps.connectors.smartrecruiters import client as api
from apps.connectors.smartrecruiters import job_mapping, mapping, properties
from apps.connectors.smartrecruiters.client import path

JsonDict = dict[str, Any]

# The source type our source step asks the end user to file the custom source under: SmartRecruiters' type ids
# are NOT FOUND in public material (reference A4), its labels are documented ("Type: Paid, Sub-type: Job Board",
# https://help.smartrecruiters.com/Configuration/Candidate_Sources/Source_library), so the type is found by its id
# or label. The API does not mark custom sources as such: "custom sources only" means the values of this type.
SOURCE_TYPE = "Paid"
SOURCE_SUBTYPE = "Job Board"

RESULT_LINK_WARNING = "SmartRecruiters has no result links: the link was written as a note (message) instead."


class SmartRecruitersWrites:
    """Sources and writes of `SmartRecruitersConnector` (mixed in)."""

    # -- sources -----------------------------------------------------------------------------------------

    def source_type_id(self) -> str:
        """The id of the source type our custom source must have (found by id or label, see SOURCE_TYPE)."""
        if self._source_type is None:
            wanted = str(self.context.options.get("source_type") or SOURCE_TYPE).casefold()
            types = api._content(self.client.get("/configuration/sources"), "/configuration/sources")
            match = next(
                (
                    str(item["id"])
                    for item in types
                    if item.get("id") is not None
                    and wanted in (str(item["id"]).casefold(), str(item.get("label") or "").casefold())
                ),
                None,
            )
            if match is None:
                raise ConnectorInputError(
                    f"SmartRecruiters shows no candidate source type “{SOURCE_TYPE}”; the custom source cannot be used."
                )
            self._source_type = match
        return self._source_type

    def list_sources(self) -> list[RemoteSource]:
        """The sources of the allowed type (`GET /configuration/sources/{type}/values`, all pages). SmartRecruiters'
        API does not say which are custom, so every value of the type is offered."""
        type_id = self.source_type_id()
        values = self.client.all_by_offset(path("configuration", "sources", type_id, "values"))
        return [mapping.source(type_id, raw) for raw in values if raw.get("id") is not None]

    def find_source(self, name: str) -> RemoteSource | None:
        """The source of the allowed type labelled exactly `name`, or None."""
        return next((source for source in self.list_sources() if source.label == name), None)

    def get_source(self, remote_id: str) -> RemoteSource | None:
        """`GET /configuration/sources/{type}/values/{valueId}`: None when it is gone (deleted in the settings)."""
        parts = mapping.split_source_id(remote_id)
        if parts is None:
            return None
        type_id, value_id = parts
        raw = self.client.get_or_none(path("configuration", "sources", type_id, "values", value_id))
        return mapping.source(type_id, raw) if isinstance(raw, dict) and raw.get("id") is not None else None

    def source_type_problem(self, source: RemoteSource) -> str | None:
        """A source of another type than ours (e.g. a mapping pointed by hand at an "other" source): unusable."""
        wanted = self.source_type_id()
        if source.type == wanted:
            return None
        return (
            f"The source {source.label!r} (id {source.remote_id}) is of the type {source.type!r} in SmartRecruiters; "
            f"Tributary's source must be of the type {SOURCE_TYPE} → {SOURCE_SUBTYPE} ({wanted!r})."
        )

    def _shown_source(self, raw: JsonDict) -> RemoteSource | None:
        """The source an application / assignment shows: its label, and its id from `actions.sourceDetails`."""
        name = mapping.text(raw.get("source"))
        parsed = mapping.source_from_action(mapping._dict(raw.get("actions")).get("sourceDetails"))
        if parsed is not None:
            type_id, value_id, subtype = parsed
            return RemoteSource(
                remote_id=mapping.source_id(type_id, value_id),
                label=name or value_id,
                type=type_id,
                subtype=subtype,
                remote_data={"source": name, "sourceDetails": raw.get("actions", {}).get("sourceDetails")},
            )
        return RemoteSource(remote_id=name, label=name) if name else None

    def read_application_source(
        self, *, application_remote_id: str, candidate_remote_id: str | None = None
    ) -> RemoteSource | None:
        """The source on the application (`GET /candidates/{id}/jobs/{jobId}`)."""
        pair = mapping.split_application_id(application_remote_id)
        if pair is None:
            raise ConnectorNotFound(f"{application_remote_id} is not a SmartRecruiters application id.")
        raw = self.client.get(path("candidates", pair[0], "jobs", pair[1]))
        return self._shown_source(raw) if isinstance(raw, dict) else None

    def read_candidate_source(self, candidate_remote_id: str) -> RemoteSource | None:
        """The source of the candidate's primary assignment (SmartRecruiters keeps sources per application)."""
        raw = self.client.get(path("candidates", candidate_remote_id))
        primary = raw.get("primaryAssignment") if isinstance(raw, dict) else None
        return self._shown_source(primary) if isinstance(primary, dict) else None

    # -- writes ------------------------------------------------------------------------------------------

    def _posting_uuid(self, job_id: str) -> str | None:
        """The UUID of the job's published default posting (from its job ads' `applyUrl`), None when unpublished."""
        ads = api._content(self.client.get(path("jobs", job_id, "jobads")), "jobads")
        ad = job_mapping.default_ad(ads)
        return job_mapping.posting_uuid(ad) if ad else None

    def _candidate_by_email(self, email: str, job_id: str | None = None) -> JsonDict | None:
        """The candidate whose email is `email` (case-insensitive), from a keyword search of `GET /candidates`."""
        params: dict[str, Any] = {"q": email}
        if job_id:
            params["jobId"] = job_id
        wanted = email.strip().casefold()
        for raw in self.client.all_by_id("/candidates", params):
            if str(raw.get("email") or "").strip().casefold() == wanted and raw.get("id"):
                return raw
        return None

    def _source_details(self, application: CreateApplicationInput, warnings: list[str]) -> JsonDict | None:
        """`sourceDetails` for a create: a requested source name only when a source of the allowed type has exactly
        that name; else the configured source (while it still exists); else none, and SmartRecruiters records its
        default source "API" ("Not defining the source will default to API source", SR-DOC candidatesaddtojob-1)."""
        found: RemoteSource | None = None
        requested = application.requested_source
        if requested is not None and requested.name:
            found = self.find_source(requested.name)
            if found is None:
                warnings.append(
                    f"source: SmartRecruiters has no source named “{requested.name}” of type {SOURCE_TYPE}; "
                    "custom sources are created in SmartRecruiters' settings."
                )
        if found is None and application.source is not None:
            instruction = application.source
            found = (
                self.get_source(instruction.remote_id) if instruction.remote_id else self.find_source(instruction.name)
            )
            if found is None:
                warnings.append(
                    f"source: the configured source “{instruction.name}” no longer exists in SmartRecruiters; "
                    "set it up again (setup link)."
                )
        if found is None:
            warnings.append("source: no source written; SmartRecruiters records its default source (API).")
            return None
        type_id, value_id = mapping.split_source_id(found.remote_id) or (found.type or "", found.remote_id)
        details: JsonDict = {"sourceTypeId": type_id, "sourceId": value_id}
        if found.subtype:
            details["sourceSubTypeId"] = found.subtype
        return details

    def _apply_answers(
        self, configuration: JsonDict, answers: Sequence[ScreeningAnswerInput], warnings: list[str]
    ) -> list[JsonDict]:
        """Screening answers as `ApplyApiRequest.answers` (`[{id, records: [{fields: {fieldId: [values]}}]}]`; the
        record shape mirrors the read side's AnswerRecord, reference A5 caveat)."""
        questions = {str(q.get("id")): q for q in mapping._list(configuration.get("questions")) if isinstance(q, dict)}
        result = []
        for answer in answers:
            question = questions.get(answer.question_remote_id)
            field = job_mapping.answer_field(question) if question else None
            values = mapping.answer_values(field, answer) if field else None
            if field is None or values is None:
                warnings.append(
                    f"screening_question_answers: the answer to “{answer.question_title or answer.question_remote_id}”"
                    " does not fit the question in SmartRecruiters; not written."
                )
                continue
            result.append({"id": answer.question_remote_id, "records": [{"fields": {str(field["id"]): values}}]})
        return result

    def create_application(self, application: CreateApplicationInput) -> CreateApplicationResult:
        """Create the candidate's application to the job.

        - With screening answers or GDPR consent: `POST /postings/{uuid}/candidates` (Application API, the job's
          published posting), the CV as its base64 `resume`. Without: `POST /jobs/{jobId}/candidates`.
        - Other files: `POST /candidates/{id}/jobs/{jobId}/attachments` (multipart, typed), after the create.
        - SmartRecruiters creates every application in status NEW: a requested stage is set afterwards.
        - `custom_fields` mapped to candidate properties: checked against their definitions before anything is
          sent, written with `PUT /candidates/{id}/jobs/{jobId}/properties` right after the create (properties.py).
        - An existing candidate (same email) gets the new application; its profile is left as it is.
        Follow-up steps that fail after the application exists become warnings, never a failed create; a failure a
        retry may get past propagates, and the write path finishes the create (apps.connectors.steps).
        """
        warnings: list[str] = []
        job_id = application.job_remote_id
        job = self.client.get_or_none(path("jobs", job_id))
        if not isinstance(job, dict):
            raise ConnectorNotFound(f"SmartRecruiters has no job {job_id}.", status_code=404)
        if job.get("status") not in job_mapping.OPEN_JOB_STATUSES:
            raise ConnectorJobClosed(
                f"The job {job_id} takes no applications (status {job.get('status')}).",
                remote_message=f"Job status is {job.get('status')}.",
            )
        existing = self._candidate_by_email(application.candidate.email_address)
        if existing is not None and any(str(item["job"]["id"]) == job_id for item in mapping.assignments(existing)):
            raise ConnectorApplicationExists(
                f"Candidate {existing['id']} has already applied to job {job_id}.",
                remote_message="Candidate has already applied to this job.",
            )
        property_values = properties.property_body(self.client, application.custom_fields, warnings)
        source = self._source_details(application, warnings)
        remote = dict(application.remote_fields or {})
        consent = application.gdpr_consent
        wants_apply = bool(
            application.screening_answers
            or (consent is not None and consent.given is not None)
            or remote.get("candidate_with_questions")
            or remote.get("consent_decisions")
        )
        uuid = self._posting_uuid(job_id) if wants_apply else None
        if application.screening_answers and uuid is None:
            raise ConnectorJobClosed(
                f"The job {job_id} has no published posting: screening answers can only be sent with one.",
                remote_message="The job is not published.",
            )
        files = list(application.attachments)
        resume_sent = None
        if uuid is not None:
            body = mapping.candidate_body(application.candidate, apply=True, warnings=warnings)
            if application.screening_answers:
                configuration = self.client.get(
                    path("postings", uuid, "configuration"), {"conditionalsIncluded": "true"}
                )
                body["answers"] = self._apply_answers(configuration, application.screening_answers, warnings)
            resume = application.resume
            if (
                resume is not None
                and resume.content_type in mapping.APPLY_FILE_TYPES
                and len(resume.data) <= mapping.APPLY_FILE_MAX_BYTES
            ):
                body["resume"] = {
                    "fileName": resume.name,
                    "mimeType": resume.content_type,
                    "fileContent": base64.b64encode(resume.data).decode("ascii"),
                }
                resume_sent = resume
            if consent is not None and consent.given is not None:
                body["consentDecisions"] = {"SINGLE": bool(consent.given)}
            if remote.get("consent_decisions"):
                body["consentDecisions"] = dict(remote["consent_decisions"])
            if source is not None:
                body["sourceDetails"] = source
            body.update(remote.get("candidate") or {})
            body.update(remote.get("candidate_with_questions") or {})
            created = self._post_create(path("postings", uuid, "candidates"), body)
        else:
            if consent is not None and consent.given is not None:
                warnings.append(
                    "gdpr_consent: SmartRecruiters takes consent only through a published posting; not written."
                )
            body = mapping.candidate_body(application.candidate, apply=False, warnings=warnings)
            if source is not None:
                body["sourceDetails"] = source
            body.update(remote.get("candidate") or {})
            body.update(remote.get("candidate_without_questions") or {})
            created = self._post_create(path("jobs", job_id, "candidates"), body)
        candidate_id = str(created["id"]) if isinstance(created, dict) and created.get("id") else None
        if candidate_id is None:
            raise ConnectorBadResponse("SmartRecruiters created the candidate but answered no id.")
        uploads = [index for index, attachment in enumerate(files) if attachment is not resume_sent]
        moves = bool(application.stage_remote_id and application.stage_remote_id != "NEW")
        steps.record_application(
            application_remote_id=mapping.application_id(candidate_id, job_id),
            candidate_remote_id=candidate_id,
            candidate_existed=existing is not None,
            pending=[
                *([steps.CUSTOM_FIELDS] if property_values else []),
                *map(steps.attachment, uploads),
                *([steps.STAGE] if moves else []),
            ],
        )
        if property_values:
            try:
                properties.put_properties(self.client, candidate_id, job_id, property_values)
                steps.record(steps.CUSTOM_FIELDS)
            except ConnectorError as error:
                if steps.resumable(error):
                    raise
                warnings.append(
                    f"custom_fields: SmartRecruiters refused the candidate properties "
                    f"({error.remote_message or error.message}); not written."
                )
        for index in uploads:
            attachment = files[index]
            try:
                self._upload(path("candidates", candidate_id, "jobs", job_id, "attachments"), attachment)
                steps.record(steps.attachment(index))
            except ConnectorError as error:
                if steps.resumable(error):
                    raise
                warnings.append(f"attachments: “{attachment.name}” was not attached ({error.message}).")
        if moves and application.stage_remote_id:
            try:
                self._set_status(candidate_id, job_id, application.stage_remote_id)
                steps.record(steps.STAGE)
            except ConnectorError as error:
                if steps.resumable(error):
                    raise
                warnings.append(
                    f"stage_id: SmartRecruiters creates applications as New; moving it to "
                    f"{application.stage_remote_id} failed ({error.remote_message or error.message})."
                )
        found = self._application(candidate_id, job_id)
        details = self.client.get(path("candidates", candidate_id))
        if found is None or not isinstance(details, dict):
            raise ConnectorBadResponse(f"The application {candidate_id}:{job_id} cannot be read back.")
        return CreateApplicationResult(
            application=found,
            candidate=mapping.candidate(details, web=self.web),
            candidate_existed=existing is not None,
            warnings=tuple(warnings),
        )

    def write_custom_fields(self, application: ApplicationRef, values: Sequence[CustomFieldValue]) -> None:
        """The candidate properties of a create, after an interruption (the write path's resume)."""
        candidate_id, job_id = self._pair(application)
        body = properties.property_body(self.client, values, [])
        if body:
            properties.put_properties(self.client, candidate_id, job_id, body)

    def _post_create(self, target: str, body: JsonDict) -> Any:
        """The one non-repeatable call of a create. A 409 is SmartRecruiters' "already applied" (one application
        per profile and job, https://help.smartrecruiters.com/Candidate_Management/Merge_Candidates_FAQ)."""
        try:
            return self.client.request("POST", target, json_body=body).json()
        except ConnectorInputError as error:
            if error.status_code == 409:
                raise ConnectorApplicationExists(
                    "The candidate has already applied to this job.",
                    status_code=409,
                    remote_message=error.remote_message,
                ) from None
            raise

    def find_application(self, *, job_remote_id: str, email_address: str) -> TrackedApplication | None:
        """The candidate with that email who applied to the job (`GET /candidates?q=<email>&jobId=`), or None."""
        raw = self._candidate_by_email(email_address, job_remote_id)
        if raw is None:
            return None
        found = self._application(str(raw["id"]), job_remote_id)
        details = self.client.get_or_none(path("candidates", str(raw["id"])))
        if found is None or not isinstance(details, dict):
            return None
        return TrackedApplication(application=found, candidate=mapping.candidate(details, web=self.web))

    def find_tracked_application(self, *, key: str, ids: Mapping[str, str]) -> TrackedApplication:
        """`smartrecruiters: {candidate_remote_id, job_remote_id}` (contract §5.5) → the application."""
        candidate_id, job_id = ids["candidate_remote_id"], ids["job_remote_id"]
        found = self._application(candidate_id, job_id)
        details = self.client.get_or_none(path("candidates", candidate_id))
        if found is None or not isinstance(details, dict):
            raise ConnectorNotFound(
                f"Candidate {candidate_id} has no application to job {job_id}.",
                status_code=404,
                remote_message="Application not found.",
            )
        return TrackedApplication(application=found, candidate=mapping.candidate(details, web=self.web))

    @staticmethod
    def _pair(application: ApplicationRef) -> tuple[str, str]:
        pair = mapping.split_application_id(application.remote_id)
        if pair is None:
            raise ConnectorNotFound(f"{application.remote_id} is not a SmartRecruiters application id.")
        return pair

    def _set_status(self, candidate_id: str, job_id: str, stage_remote_id: str, **extra: Any) -> None:
        status, sub_status = mapping.split_stage_id(stage_remote_id)
        if status not in mapping.PIPELINE_STATUSES and status not in ("REJECTED", "WITHDRAWN"):
            raise ConnectorInputError(f"{stage_remote_id} is not a SmartRecruiters stage.")
        body: JsonDict = {"status": status, **extra}
        if sub_status:
            body["subStatus"] = sub_status
        # PUT /candidates/{id}/jobs/{jobId}/status (CandidateStatus{status, subStatus, startsOn, reason}, SR-RB):
        # setting a status twice changes nothing, so it may be repeated.
        self.client.request(
            "PUT", path("candidates", candidate_id, "jobs", job_id, "status"), json_body=body, idempotent=True
        )

    def move_application_stage(
        self, application: ApplicationRef, *, stage_remote_id: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        """Set the application's status (and sub-status) to the stage's."""
        candidate_id, job_id = self._pair(application)
        self._set_status(candidate_id, job_id, stage_remote_id)
        return WriteResult(application=self._application(candidate_id, job_id))

    def reject_application(
        self,
        application: ApplicationRef,
        *,
        rejection_reason_remote_id: str,
        note: str | None,
        remote_fields: Mapping[str, Any],
    ) -> WriteResult:
        """Status REJECTED with the reason's id (`GET /configuration/rejection-reasons`); the note as a message."""
        candidate_id, job_id = self._pair(application)
        self._set_status(candidate_id, job_id, "REJECTED", reason=rejection_reason_remote_id)
        warnings: list[str] = []
        if note:
            try:
                self._share(candidate_id, job_id, note)
            except ConnectorError as error:
                warnings.append(f"note: the rejection note was not written ({error.message}).")
        return WriteResult(warnings=tuple(warnings), application=self._application(candidate_id, job_id))

    def _share(self, candidate_id: str, job_id: str | None, text: str) -> None:
        """A Hireloop message on the candidate's profile (`#[CANDIDATE:id]`), shared with the job's hiring team and
        everyone who can see the candidate (`openNote`), SR-RB messages_shares_create."""
        share: JsonDict = {"openNote": True}
        if job_id:
            share["hiringTeamOf"] = [job_id]
        self.client.request(
            "POST",
            "/messages/shares",
            json_body={"content": f"{text}\n\n#[CANDIDATE:{candidate_id}]", "shareWith": share},
        )

    def add_application_note(
        self, application: ApplicationRef, *, content: str, content_type: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        """A message on the candidate, shared with the job's hiring team (SmartRecruiters' notes are messages)."""
        candidate_id, job_id = self._pair(application)
        self._share(candidate_id, job_id, content)
        return WriteResult()

    @staticmethod
    def _link_text(link: ResultLinkInput) -> str:
        lines = [f"{link.label}: {link.url}"]
        prefix = f"{link.custom_field_name_prefix} " if link.custom_field_name_prefix else ""
        lines.extend(f"{prefix}{key}: {value}" for key, value in link.attributes)
        return "\n".join(lines)

    def add_application_result_link(
        self, application: ApplicationRef, *, link: ResultLinkInput, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        candidate_id, job_id = self._pair(application)
        self._share(candidate_id, job_id, self._link_text(link))
        return WriteResult(warnings=(RESULT_LINK_WARNING,))

    def add_candidate_result_link(
        self, candidate_remote_id: str, *, link: ResultLinkInput, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        self._share(candidate_remote_id, None, self._link_text(link))
        return WriteResult(warnings=(RESULT_LINK_WARNING,))

    def _upload(self, target: str, attachment: AttachmentInput) -> None:
        """Multipart `attachmentType` + `file` (SR-RB candidates_attachments_add): RESUME, COVER_LETTER or
        GENERIC_FILE."""
        self.client.request(
            "POST",
            target,
            files={"file": (attachment.name, attachment.data, attachment.content_type)},
            data={"attachmentType": mapping.attachment_type(attachment.type)},
        )

    def add_application_attachment(
        self, application: ApplicationRef, *, attachment: AttachmentInput, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        candidate_id, job_id = self._pair(application)
        self._upload(path("candidates", candidate_id, "jobs", job_id, "attachments"), attachment)
        return WriteResult()

    def add_candidate_attachment(
        self, candidate_remote_id: str, *, attachment: AttachmentInput, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        self._upload(path("candidates", candidate_remote_id, "attachments"), attachment)
        return WriteResult()

    def _candidate_now(self, candidate_id: str) -> RemoteCandidate | None:
        details = self.client.get_or_none(path("candidates", candidate_id))
        return mapping.candidate(details, web=self.web) if isinstance(details, dict) else None

    def add_candidate_tag(
        self, candidate_remote_id: str, *, name: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        """`POST /candidates/{id}/tags` adds (an existing tag stays once)."""
        self.client.request(
            "POST", path("candidates", candidate_remote_id, "tags"), json_body={"tags": [name]}, idempotent=True
        )
        return WriteResult(candidate=self._candidate_now(candidate_remote_id))

    def remove_candidate_tag(
        self, candidate_remote_id: str, *, name: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        """SmartRecruiters removes only all tags at once (`DELETE`), so the rest are put back with `PUT` (replace)."""
        target = path("candidates", candidate_remote_id, "tags")
        body = self.client.get(target)
        tags = mapping._tags(body.get("tags") if isinstance(body, dict) else None)
        kept = [tag for tag in tags if tag.casefold() != name.casefold()]
        if kept != tags:
            self.client.request("PUT", target, json_body={"tags": kept}, idempotent=True)
        return WriteResult(candidate=self._candidate_now(candidate_remote_id))

    def list_application_attachments(self, application: ApplicationRef) -> AttachmentList:
        candidate_id, job_id = self._pair(application)
        body = self.client.get(path("candidates", candidate_id, "jobs", job_id, "attachments"))
        files = api._content(body, "attachments")
        return AttachmentList(
            attachments=tuple(mapping.attachment(raw, candidate_id=candidate_id, job_id=job_id) for raw in files)
        )

    def list_candidate_attachments(self, candidate_remote_id: str) -> AttachmentList:
        """All the person's files (`GET /candidates/{id}/attachments`), each linked to its application where one of
        the per-application lists names it."""
        files = api._content(self.client.get(path("candidates", candidate_remote_id, "attachments")), "attachments")
        details = self.client.get(path("candidates", candidate_remote_id))
        owners: dict[str, str] = {}
        for assignment in mapping.assignments(details if isinstance(details, dict) else {}):
            job_id = str(assignment["job"]["id"])
            body = self.client.get_or_none(path("candidates", candidate_remote_id, "jobs", job_id, "attachments"))
            for raw in api._content(body, "attachments") if isinstance(body, dict) else []:
                owners[str(raw.get("id"))] = job_id
        return AttachmentList(
            attachments=tuple(
                mapping.attachment(raw, candidate_id=candidate_remote_id, job_id=owners.get(str(raw["id"])))
                for raw in files
                if raw.get("id")
            )
        )

    def download_attachment(self, attachment: AttachmentRef) -> DownloadedFile:
        """`GET /candidates/{id}/attachments/{attachmentId}`: the file's bytes."""
        response = self.client.request(
            "GET", path("candidates", attachment.candidate_remote_id, "attachments", attachment.remote_id)
        )
        disposition = response.headers.get("Content-Disposition", "")
        found = re.search(r'filename\*?=(?:UTF-8\'\')?"?([^";]+)"?', disposition)
        content_type = (response.headers.get("Content-Type") or "").split(";")[0].strip() or None
        return DownloadedFile(
            content=response.content,
            content_type=content_type,
            file_name=unquote(found.group(1)) if found else None,
        )
