"""Greenhouse writes over Harvest v3: candidate + application (with the configured `source_id`), attachments,
move, reject, notes, tags; sources are read-only (MUST_EXIST)."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any, cast

from apps.connectors import steps
from apps.connectors.dtos import (
    ApplicationRef,
    AttachmentInput,
    AttachmentList,
    AttachmentRef,
    CreateApplicationInput,
    CreateApplicationResult,
    DownloadedFile,
    RemoteApplication,
    RemoteSource,
    ResultLinkInput,
    ScreeningAnswerInput,
    TrackedApplication,
    WriteResult,
)
from apps.connectors.errors import (
    ConnectorApplicationExists,
    ConnectorError,
    ConnectorInputError,
    ConnectorJobClosed,
    ConnectorNotFound,
)
from apps.connectors.greenhouse import custom_fields, mapping

Raw = dict[str, Any]
ATTACHMENT_TYPE = {"CV": "resume", "COVER_LETTER": "cover_letter", "OTHER": "other"}
RESULT_LINK_WARNING = "Greenhouse has no result-link object: the link was written as a note on the application."
ANSWERS_WARNING = (
    "screening_question_answers: Harvest v3 cannot write answers (only the Job Board apply can); they were written "
    "as a note on the application."
)


def _int(value: str, what: str) -> int:
    if not str(value).isdigit():
        raise ConnectorNotFound(f"{what} {value!r} is not a Greenhouse id.", status_code=404)
    return int(value)


def on_behalf_of(remote_fields: Mapping[str, Any]) -> str | None:
    """`remote_fields.greenhouse.post_headers.On-Behalf-Of` (contract §5.3/§5.4), as a string, or None."""
    headers = remote_fields.get("post_headers") or {}
    if not isinstance(headers, Mapping):
        raise ConnectorInputError("remote_fields.greenhouse.post_headers must be an object.")
    value = headers.get("On-Behalf-Of")
    return None if value in (None, "") else str(value).strip()


def _answer_text(answer: ScreeningAnswerInput, options: Mapping[str, str]) -> str:
    value = answer.value
    if isinstance(value, bool):
        return "Yes" if value else "No"  # Greenhouse answers booleans as Yes/No (A5)
    if isinstance(value, tuple):
        return ", ".join(options.get(str(item), str(item)) for item in value)
    if isinstance(value, AttachmentInput):
        return f"(file {value.name}, attached to the application)"
    return options.get(str(value), str(value))


class GreenhouseWrites:
    """The write side of `GreenhouseConnector` (mixed in)."""

    client: Any

    def catalogue(self, path: str) -> dict[str, Raw]:  # provided by GreenhouseReads
        raise NotImplementedError

    def _writer(self, remote_fields: Mapping[str, Any]) -> Any:
        """The client that writes: the connection's, or one acting as `On-Behalf-Of` (a token with that `sub`)."""
        return self.client.acting_as(on_behalf_of(remote_fields))

    # -- sources -------------------------------------------------------------------------------------------
    def list_sources(self) -> list[RemoteSource]:
        """`GET /v3/sources`: the built-in and custom sources (Configure → Custom Options → Sources)."""
        return [mapping.source(row) for row in self.client.list_all("/sources")]

    def get_source(self, remote_id: str) -> RemoteSource | None:
        rows = self.client.list_by_ids("/sources", [remote_id])
        return mapping.source(rows[0]) if rows else None

    def read_application_source(
        self, *, application_remote_id: str, candidate_remote_id: str | None = None
    ) -> RemoteSource | None:
        rows = self.client.list_by_ids("/applications", [application_remote_id])
        if not rows or rows[0].get("source_id") is None:
            return None
        found = self.get_source(str(rows[0]["source_id"]))
        return found or RemoteSource(remote_id=str(rows[0]["source_id"]), label=str(rows[0]["source_id"]))

    def read_candidate_source(self, candidate_remote_id: str) -> RemoteSource | None:
        """Greenhouse keeps the source per application: the candidate's first application's source."""
        rows = self.client.list_by_ids("/applications", [candidate_remote_id], name="candidate_ids")
        first = min(rows, key=lambda row: row["id"], default=None)
        if first is None:
            return None
        return self.read_application_source(application_remote_id=str(first["id"]))

    # -- create --------------------------------------------------------------------------------------------
    def _open_job(self, job_remote_id: str) -> Raw:
        rows = self.client.list_by_ids("/jobs", [job_remote_id])
        if not rows:
            raise ConnectorNotFound(f"Job {job_remote_id} does not exist.", status_code=404)
        if rows[0].get("status") != "open":
            raise ConnectorJobClosed(
                f"Job {job_remote_id} is {rows[0].get('status')} and takes no applications.",
                remote_message=f"The job is {rows[0].get('status')}.",
            )
        return cast(Raw, rows[0])

    def _candidate_by_email(self, email: str) -> Raw | None:
        rows, _ = self.client.list_page("/candidates", {"email": email.strip()}, None)
        return rows[0] if rows else None

    def _application_of(self, candidate_id: str, job_id: str) -> Raw | None:
        rows, _ = self.client.list_page("/applications", {"candidate_ids": candidate_id, "job_ids": job_id}, None)
        return next((row for row in rows if not row.get("prospect")), None)

    def _application_dto(self, raw: Raw) -> RemoteApplication:
        reasons = self.catalogue("/rejection_reasons") if raw.get("rejection_reason_id") else {}
        source = self.get_source(str(raw["source_id"])) if raw.get("source_id") is not None else None
        sources = {source.remote_id: source.remote_data} if source else {}
        return mapping.application(raw, reasons=reasons, sources=sources)

    def _source_id(self, application: CreateApplicationInput) -> tuple[int | None, list[str]]:
        """The `source_id` to send: the configured source while it still exists (checked live, one call)."""
        instruction, requested = application.source, application.requested_source
        wanted = instruction.remote_id if instruction else (requested.remote_id if requested else None)
        name = instruction.name if instruction else (requested.name if requested else None)
        if not wanted and name:
            found = next((s for s in self.list_sources() if s.label == name), None)
            wanted = found.remote_id if found else None
            if wanted is None:
                return None, [f"source: Greenhouse has no source named {name!r}; no source was written."]
        if not wanted:
            return None, []
        if not str(wanted).isdigit() or self.get_source(str(wanted)) is None:
            # Sending it would make Greenhouse refuse the whole application (422): create without a source.
            return None, [f"source: the Greenhouse source {wanted} no longer exists; the application has no source."]
        return int(wanted), []

    def create_application(self, application: CreateApplicationInput) -> CreateApplicationResult:
        """`POST /v3/candidates` (unless the email matches a candidate), `POST /v3/applications` with `source_id`
        and `initial_stage_id`, then each attachment (`POST /v3/attachments`, the first CV as `resume`).
        `custom_fields` go in the same two requests (candidate fields with the candidate, application fields with
        the application), so they are written exactly when the record is created (custom_fields.py)."""
        warnings: list[str] = []
        writer = self._writer(application.remote_fields)  # checked before anything is written
        job = self._open_job(application.job_remote_id)
        job_id = str(job["id"])
        person = application.candidate
        existing = self._candidate_by_email(person.email_address)
        if existing is not None and self._application_of(str(existing["id"]), job_id) is not None:
            raise ConnectorApplicationExists(
                f"Candidate {existing['id']} has already applied to job {job_id}.",
                remote_message="The candidate has already applied to this job.",
            )
        source_id, source_warnings = self._source_id(application)
        warnings.extend(source_warnings)
        # checked against the company's fields before anything is written (400 naming the key)
        values = custom_fields.elements(self.client, application.custom_fields, warnings)
        if existing is None:
            body: Raw = {
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email_addresses": [
                    {"value": person.email_address, "type": "personal"},
                    *(
                        {"value": e.email_address, "type": (e.type or "other").lower()}
                        for e in person.additional_email_addresses
                    ),
                ],
                "phone_numbers": [{"value": person.phone_number, "type": "mobile"}] if person.phone_number else [],
                "website_addresses": [{"value": link, "type": "personal"} for link in person.social_links],
            }
            if person.company:
                body["company"] = person.company
            if person.title:
                body["title"] = person.title
            if values.candidate:
                body["custom_fields"] = values.candidate
            candidate = writer.post("/candidates", body)
        else:
            candidate = existing
            warnings.append(
                "candidate: a Greenhouse candidate with this email exists; its details and sources were kept."
            )
            kept = values.kept_on(existing)  # none when an interrupted create already wrote them
            if kept:
                warnings.append(custom_fields.WARNING_KEPT.format(keys=", ".join(sorted(kept))))
        candidate_id = str(candidate["id"])
        app_body: Raw = {"candidate_id": int(candidate_id), "job_id": int(job_id)}
        if source_id is not None:
            app_body["source_id"] = source_id
        if application.stage_remote_id:
            app_body["initial_stage_id"] = _int(application.stage_remote_id, "Stage")
        if values.application:
            app_body["custom_fields"] = values.application
        raw = writer.post("/applications", app_body)
        application_id = str(raw["id"])
        files = [
            *application.attachments,
            *(a.value for a in application.screening_answers if isinstance(a.value, AttachmentInput)),
        ]
        steps.record_application(
            application_remote_id=application_id,
            candidate_remote_id=candidate_id,
            candidate_existed=existing is not None,
            pending=[steps.attachment(i) for i in range(len(application.attachments))],
        )
        resume = application.resume
        for index, attachment in enumerate(files):
            kind = "resume" if attachment is resume else ATTACHMENT_TYPE.get(attachment.type, "other")
            if kind == "resume" and attachment is not resume:
                kind = "other"
            self._attach(application_id, attachment, kind, writer)
            if index < len(application.attachments):
                steps.record(steps.attachment(index))
        if application.screening_answers:
            self._answers_note(application_id, job_id, application.screening_answers, writer)
            warnings.append(ANSWERS_WARNING)
        if application.sourced_by_user_remote_id:
            warnings.append("sourced_by: Harvest v3 takes no sourcer on an application; not written.")
        [fresh] = self.client.list_by_ids("/applications", [application_id])
        [person_raw] = self.client.list_by_ids("/candidates", [candidate_id])
        return CreateApplicationResult(
            application=self._application_dto(fresh),
            candidate=mapping.candidate(person_raw),
            candidate_existed=existing is not None,
            warnings=tuple(warnings),
        )

    def _answers_note(
        self, application_id: str, job_id: str, answers: tuple[ScreeningAnswerInput, ...], writer: Any
    ) -> None:
        posts = self.client.list_by_ids("/job_posts", [job_id], name="job_ids")
        questions = {str(q["id"]): q for post in posts for q in post.get("questions") or ()}
        lines = ["Screening answers:"]
        for answer in answers:
            question = questions.get(answer.question_remote_id, {})
            options = {str(o["id"]): str(o.get("label")) for o in question.get("options") or ()}
            title = answer.question_title or question.get("label") or answer.question_remote_id
            lines.append(f"- {title}: {_answer_text(answer, options)}")
        writer.post(
            "/notes", {"application_id": int(application_id), "body": "\n".join(lines), "visibility": "admin_only"}
        )

    def _attach(self, application_id: str, attachment: AttachmentInput, kind: str, writer: Any) -> Raw:
        """`POST /v3/attachments` with base64 `content` and its `content_type` (A5)."""
        body = {
            "application_id": int(application_id),
            "filename": attachment.name,
            "type": kind,
            "content": base64.b64encode(attachment.data).decode(),
            "content_type": attachment.content_type,
        }
        return cast(Raw, writer.post("/attachments", body))

    def find_application(self, *, job_remote_id: str, email_address: str) -> TrackedApplication | None:
        if not job_remote_id.isdigit():
            return None
        candidate = self._candidate_by_email(email_address)
        if candidate is None:
            return None
        raw = self._application_of(str(candidate["id"]), job_remote_id)
        if raw is None:
            return None
        return TrackedApplication(application=self._application_dto(raw), candidate=mapping.candidate(candidate))

    # -- actions on applications ------------------------------------------------------------------------
    def _current(self, application: ApplicationRef) -> Raw:
        rows = self.client.list_by_ids("/applications", [application.remote_id])
        if not rows:
            raise ConnectorNotFound(f"Application {application.remote_id} does not exist.", status_code=404)
        return cast(Raw, rows[0])

    def move_application_stage(
        self, application: ApplicationRef, *, stage_remote_id: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        """`POST /v3/applications/{id}/move` `{from_stage_id, to_stage_id}` → 204 (active applications only)."""
        writer = self._writer(remote_fields)
        current = self._current(application)
        writer.post(
            f"/applications/{current['id']}/move",
            {"from_stage_id": current.get("stage_id"), "to_stage_id": _int(stage_remote_id, "Stage")},
        )
        return WriteResult(application=self._application_dto(self._current(application)))

    def reject_application(
        self,
        application: ApplicationRef,
        *,
        rejection_reason_remote_id: str,
        note: str | None,
        remote_fields: Mapping[str, Any],
    ) -> WriteResult:
        """`POST /v3/applications/{id}/reject` `{rejection_reason_id, notes}` → 204."""
        body: Raw = {"rejection_reason_id": _int(rejection_reason_remote_id, "Rejection reason")}
        if note:
            body["notes"] = note
        self._writer(remote_fields).post(f"/applications/{_int(application.remote_id, 'Application')}/reject", body)
        return WriteResult(application=self._application_dto(self._current(application)))

    def add_application_note(
        self, application: ApplicationRef, *, content: str, content_type: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        """`POST /v3/notes` `{application_id, body, visibility}` (admin_only: our choice)."""
        body = {
            "application_id": _int(application.remote_id, "Application"),
            "body": content,
            "visibility": "admin_only",
        }
        self._writer(remote_fields).post("/notes", body)
        return WriteResult()

    def add_application_result_link(
        self, application: ApplicationRef, *, link: ResultLinkInput, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        details = "".join(f"\n{key}: {value}" for key, value in link.attributes)
        self.add_application_note(
            application,
            content=f"{link.label}: {link.url}{details}",
            content_type="PLAIN_TEXT",
            remote_fields=remote_fields,
        )
        return WriteResult(warnings=(RESULT_LINK_WARNING,))

    def add_application_attachment(
        self, application: ApplicationRef, *, attachment: AttachmentInput, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        """A CV becomes the `resume` (the previous one is reclassified `other` by Greenhouse)."""
        self._attach(
            str(_int(application.remote_id, "Application")),
            attachment,
            ATTACHMENT_TYPE.get(attachment.type, "other"),
            self._writer(remote_fields),
        )
        return WriteResult()

    # -- tags ---------------------------------------------------------------------------------------------
    def add_candidate_tag(
        self, candidate_remote_id: str, *, name: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        """`POST /v3/candidate_tags` (an existing name comes back), then `POST /v3/applied_candidate_tags`."""
        candidate_id = _int(candidate_remote_id, "Candidate")
        writer = self._writer(remote_fields)
        tag = writer.post("/candidate_tags", {"name": name}, idempotent=True)
        writer.post(
            "/applied_candidate_tags", {"candidate_id": candidate_id, "candidate_tag_id": tag["id"]}, idempotent=True
        )
        return WriteResult()

    def remove_candidate_tag(
        self, candidate_remote_id: str, *, name: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        candidate_id = _int(candidate_remote_id, "Candidate")
        writer = self._writer(remote_fields)
        tags = {str(t["id"]): t for t in self.client.list_all("/candidate_tags")}
        wanted = {key for key, t in tags.items() if str(t.get("name", "")).lower() == name.strip().lower()}
        for applied in self.client.list_all("/applied_candidate_tags", {"candidate_ids": str(candidate_id)}):
            if str(applied.get("candidate_tag_id")) in wanted:
                writer.delete(f"/applied_candidate_tags/{applied['id']}")
        return WriteResult()

    # -- attachments ----------------------------------------------------------------------------------------
    def list_application_attachments(self, application: ApplicationRef) -> AttachmentList:
        rows = self.client.list_all(
            "/attachments", {"application_ids": str(_int(application.remote_id, "Application"))}
        )
        return AttachmentList(attachments=tuple(mapping.attachment(row) for row in rows))

    def list_candidate_attachments(self, candidate_remote_id: str) -> AttachmentList:
        rows = self.client.list_all("/attachments", {"candidate_ids": str(_int(candidate_remote_id, "Candidate"))})
        return AttachmentList(attachments=tuple(mapping.attachment(row) for row in rows))

    def download_attachment(self, attachment: AttachmentRef) -> DownloadedFile:
        rows = self.client.list_by_ids("/attachments", [attachment.remote_id])
        if not rows or not rows[0].get("url"):
            raise ConnectorNotFound(f"Attachment {attachment.remote_id} does not exist.", status_code=404)
        try:
            response = self.client.http.request("GET", rows[0]["url"], authenticate=False, headers={"Accept": "*/*"})
        except ConnectorInputError as error:  # a URL off the API host (real storage): not fetched here
            raise ConnectorError(f"The attachment URL is not on the Greenhouse host: {error.message}") from None
        return DownloadedFile(
            content=response.content, content_type=rows[0].get("content_type"), file_name=rows[0].get("filename")
        )
