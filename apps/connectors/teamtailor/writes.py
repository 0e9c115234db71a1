"""Teamtailor writes: candidate → job application → answers (T-DOC create flow, reference B5), stage moves and
rejections by `PATCH /job-applications/{id}`, notes, tags (the candidate's `tags` array), source read-back."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from apps.connectors.dtos import (
    ApplicationRef,
    CreateApplicationInput,
    CreateApplicationResult,
    RemoteSource,
    ResultLinkInput,
    ScreeningAnswerInput,
    TrackedApplication,
    WriteResult,
)
from apps.connectors.errors import (
    ConnectorApplicationExists,
    ConnectorInputError,
    ConnectorJobClosed,
    ConnectorNotFound,
)
from apps.connectors.teamtailor import mapping
from apps.connectors.teamtailor.client import included_index
from apps.connectors.teamtailor.reads import APPLICATION_INCLUDE

CLOSED_STATUSES = ("archived", "draft")
FILE_WARNING = (
    "{what}: Teamtailor's public API takes files only as a public URL it downloads (T-DOC uploads); "
    "{name} was not written."
)

# Teamtailor's own result links are the Partner API's `POST /partner/v1/partner-results` (reference B5): they need
# a partner's credentials set up with Teamtailor's partnerships team, not the customer's API key.
RESULT_LINK_WARNING = (
    "result link: Teamtailor's result links (Partner API partner-results) need partner credentials, which this "
    "connection does not have; the link was written as a note on the candidate."
)


def _rel(kind: str, identifier: str) -> dict[str, Any]:
    return {"data": {"id": str(identifier), "type": kind}}


class TeamtailorWrites:
    """The write side of `TeamtailorConnector` (mixed in)."""

    client: Any

    # -- create ------------------------------------------------------------------------------------------------

    def create_application(self, application: CreateApplicationInput) -> CreateApplicationResult:
        warnings: list[str] = []
        job = self._job(application.job_remote_id)
        if str(mapping.attrs(job).get("status")) in CLOSED_STATUSES:
            raise ConnectorJobClosed(f"Teamtailor job {application.job_remote_id} takes no applications.")
        person = application.candidate
        existing = self._candidate_by_email(person.email_address)
        source_url = mapping.referring_url(application.source.name) if application.source else None
        if existing is not None:
            candidate_id = str(existing["id"])
            if self._applied(candidate_id, application.job_remote_id):
                raise ConnectorApplicationExists("This candidate already applied to this Teamtailor job.")
        else:
            attributes: dict[str, Any] = {
                "first-name": person.first_name,
                "last-name": person.last_name,
                "email": person.email_address,
            }
            if person.phone_number:
                attributes["phone"] = person.phone_number
            linkedin = next((link for link in person.social_links if "linkedin." in link), None)
            if linkedin:
                attributes["linkedin-url"] = linkedin
            if source_url:
                attributes["referring-url"] = source_url  # a new candidate only: never an existing one's source
            # `remote_fields.teamtailor.candidate`: more candidate attributes (Kombo's contract); ours win.
            extra = application.remote_fields.get("candidate")
            if isinstance(extra, Mapping):
                attributes = {**{str(k): v for k, v in extra.items()}, **attributes}
            body = self.client.post("/candidates", {"data": {"type": "candidates", "attributes": attributes}})
            candidate_id = str(body["data"]["id"])
        for link in person.social_links:
            if "linkedin." not in link:
                warnings.append(f"candidate.social_links: Teamtailor keeps only a LinkedIn URL; {link} not written.")
        app_attributes: dict[str, Any] = {}
        # `remote_fields.teamtailor.application.attributes`: more job-application attributes (e.g. `cover-letter`).
        extra_app = application.remote_fields.get("application")
        if isinstance(extra_app, Mapping) and isinstance(extra_app.get("attributes"), Mapping):
            app_attributes.update({str(k): v for k, v in extra_app["attributes"].items()})
        if source_url:
            app_attributes["referring-url"] = source_url
        created = self.client.post(
            "/job-applications",
            {
                "data": {
                    "type": "job-applications",
                    "attributes": app_attributes,
                    "relationships": {
                        "candidate": _rel("candidates", candidate_id),
                        "job": _rel("jobs", application.job_remote_id),
                    },
                }
            },
        )
        application_id = str(created["data"]["id"])
        for answer in application.screening_answers:
            warnings.extend(self._answer(candidate_id, answer))
        for attachment in application.attachments:
            warnings.append(FILE_WARNING.format(what="attachments", name=attachment.name))
        if application.stage_remote_id:
            self._patch_application(
                application_id, relationships={"stage": _rel("stages", application.stage_remote_id)}
            )
        return CreateApplicationResult(
            application=self._application(application_id),
            candidate=mapping.candidate(self.client.get(f"/candidates/{candidate_id}")["data"]),
            candidate_existed=existing is not None,
            warnings=tuple(warnings),
        )

    def _job(self, job_id: str) -> dict[str, Any]:
        if not job_id.isdigit():
            raise ConnectorNotFound(f"No Teamtailor job {job_id}.")
        return self.client.get(f"/jobs/{job_id}")["data"]

    def _candidate_by_email(self, email: str) -> dict[str, Any] | None:
        page = self.client.list_page("/candidates", {"filter[email]": email}, size=1)
        return page.data[0] if page.data else None

    def _applied(self, candidate_id: str, job_id: str) -> dict[str, Any] | None:
        rows = self.client.list_all(f"/candidates/{candidate_id}/job-applications", {"include": "job"})
        return next((row for row in rows if mapping.rel_id(row, "job") == job_id), None)

    def _answer(self, candidate_id: str, answer: ScreeningAnswerInput) -> list[str]:
        """`POST /answers` (upserts per candidate and question): boolean, choices (indexes), range, text."""
        value = answer.value
        attributes: dict[str, Any]
        if answer.type == "BOOLEAN":
            attributes = {"boolean": bool(value)}
        elif answer.type == "SINGLE_SELECT":
            attributes = {"choices": [int(value)]}
        elif answer.type == "MULTI_SELECT":
            attributes = {"choices": [int(item) for item in value]}
        elif answer.type == "NUMBER":
            attributes = {"range": int(value)}
        elif answer.type == "DATE" and isinstance(value, date):
            attributes = {"text": value.isoformat()}
        elif answer.type == "TEXT":
            attributes = {"text": str(value)}
        else:
            return [
                f"screening_question_answers: {answer.question_remote_id} ({answer.type}) is not writable "
                "through Teamtailor's API (no file or video answers); not written."
            ]
        self.client.post(
            "/answers",
            {
                "data": {
                    "type": "answers",
                    "attributes": attributes,
                    "relationships": {
                        "candidate": _rel("candidates", candidate_id),
                        "question": _rel("questions", answer.question_remote_id),
                    },
                }
            },
        )
        return []

    def _application(self, application_id: str) -> Any:
        single = dict(APPLICATION_INCLUDE)
        body = self.client.get(f"/job-applications/{application_id}", single)
        return mapping.application(body["data"], included_index(body))

    def _patch_application(
        self,
        application_id: str,
        *,
        attributes: dict[str, Any] | None = None,
        relationships: dict[str, Any] | None = None,
    ) -> None:
        data: dict[str, Any] = {"id": application_id, "type": "job-applications"}
        if attributes:
            data["attributes"] = attributes
        if relationships:
            data["relationships"] = relationships
        self.client.patch(f"/job-applications/{application_id}", {"data": data})

    def find_application(self, *, job_remote_id: str, email_address: str) -> TrackedApplication | None:
        existing = self._candidate_by_email(email_address)
        if existing is None:
            return None
        row = self._applied(str(existing["id"]), job_remote_id)
        if row is None:
            return None
        return TrackedApplication(application=self._application(str(row["id"])), candidate=mapping.candidate(existing))

    # -- sources -----------------------------------------------------------------------------------------------

    def read_application_source(
        self, *, application_remote_id: str, candidate_remote_id: str | None = None
    ) -> RemoteSource | None:
        return mapping.source_of(self.client.get(f"/job-applications/{application_remote_id}")["data"])

    def read_candidate_source(self, candidate_remote_id: str) -> RemoteSource | None:
        return mapping.source_of(self.client.get(f"/candidates/{candidate_remote_id}")["data"])

    # -- application actions -----------------------------------------------------------------------------------

    def move_application_stage(
        self, application: ApplicationRef, *, stage_remote_id: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        current = self._application(application.remote_id)
        if current.outcome == "DECLINED":
            raise ConnectorInputError("Teamtailor: a rejected application is not moved between stages.")
        self._patch_application(application.remote_id, relationships={"stage": _rel("stages", stage_remote_id)})
        return WriteResult(application=self._application(application.remote_id))

    def reject_application(
        self,
        application: ApplicationRef,
        *,
        rejection_reason_remote_id: str,
        note: str | None,
        remote_fields: Mapping[str, Any],
    ) -> WriteResult:
        now = datetime.now(UTC).isoformat(timespec="milliseconds")
        self._patch_application(
            application.remote_id,
            attributes={"rejected-at": now},
            relationships={"reject-reason": _rel("reject-reasons", rejection_reason_remote_id)},
        )
        result = self._application(application.remote_id)
        if note:
            self._note(result.candidate_remote_id, note, remote_fields)
        return WriteResult(application=result)

    def _note(self, candidate_id: str, content: str, remote_fields: Mapping[str, Any]) -> None:
        relationships: dict[str, Any] = {"candidate": _rel("candidates", candidate_id)}
        user_id = remote_fields.get("user_id")  # Kombo's `remote_fields.teamtailor.user_id` (reference B5)
        if user_id is not None:
            relationships["user"] = _rel("users", str(user_id))
        self.client.post(
            "/notes", {"data": {"type": "notes", "attributes": {"note": content}, "relationships": relationships}}
        )

    def add_application_note(
        self, application: ApplicationRef, *, content: str, content_type: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        candidate_id = application.candidate_remote_id or self._application(application.remote_id).candidate_remote_id
        self._note(candidate_id, content, remote_fields)
        return WriteResult(warnings=("Teamtailor keeps notes on the candidate, not on one application.",))

    # -- result links (as notes: see RESULT_LINK_WARNING) -----------------------------------------------------------

    def add_application_result_link(
        self, application: ApplicationRef, *, link: ResultLinkInput, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        candidate_id = application.candidate_remote_id or self._application(application.remote_id).candidate_remote_id
        self._note(candidate_id, _result_note(link), remote_fields)
        return WriteResult(warnings=(RESULT_LINK_WARNING,))

    def add_candidate_result_link(
        self, candidate_remote_id: str, *, link: ResultLinkInput, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        self._note(candidate_remote_id, _result_note(link), remote_fields)
        return WriteResult(warnings=(RESULT_LINK_WARNING,))

    # -- tags --------------------------------------------------------------------------------------------------

    def _set_tags(self, candidate_id: str, change: Any) -> WriteResult:
        raw = self.client.get(f"/candidates/{candidate_id}")["data"]
        tags = [tag for tag in mapping.attrs(raw).get("tags") or () if isinstance(tag, str)]
        wanted = change(tags)
        if wanted != tags:
            raw = self.client.patch(
                f"/candidates/{candidate_id}",
                {"data": {"id": candidate_id, "type": "candidates", "attributes": {"tags": wanted}}},
            )["data"]
        return WriteResult(candidate=mapping.candidate(raw))

    def add_candidate_tag(
        self, candidate_remote_id: str, *, name: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        return self._set_tags(candidate_remote_id, lambda tags: tags if name in tags else [*tags, name])

    def remove_candidate_tag(
        self, candidate_remote_id: str, *, name: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        return self._set_tags(candidate_remote_id, lambda tags: [t for t in tags if t.lower() != name.lower()])


def _result_note(link: ResultLinkInput) -> str:
    """`<label>: <url>` and one `<key>: <value>` line per detail attribute."""
    return "\n".join([f"{link.label}: {link.url}", *(f"{key}: {value}" for key, value in link.attributes)])
