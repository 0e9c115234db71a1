"""Workable writes (reference A4/A5): create candidate × job with the free-text source in `candidate.domain`,
move (`target_stage` slug), disqualify with a reason, comments as notes, tags (read-modify-PUT).

Every candidate action needs the acting member (`member_id`): `remote_fields.workable.on_behalf_of_user_remote_id`
when given, else the account's first active admin (assumed; the reference names no default).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import date
from typing import Any

from apps.connectors.dtos import (
    ApplicationRef,
    AttachmentInput,
    CreateApplicationInput,
    CreateApplicationResult,
    RemoteSource,
    ResultLinkInput,
    ScreeningAnswerInput,
    TrackedApplication,
    WriteResult,
)
from apps.connectors.errors import ConnectorInputError
from apps.connectors.workable import mapping

ON_BEHALF = "on_behalf_of_user_remote_id"


def answer_body(answer: ScreeningAnswerInput) -> dict[str, Any]:
    """Answer shapes by question type (reference A5): text → body, boolean → checked, selects → choices [ids],
    date → date, numeric → value, file → name + data (base64)."""
    key = {"question_key": answer.question_remote_id}
    value = answer.value
    if answer.type == "BOOLEAN":
        return {**key, "checked": bool(value)}
    if answer.type == "SINGLE_SELECT":
        return {**key, "choices": [str(value)]}
    if answer.type == "MULTI_SELECT":
        return {**key, "choices": [str(v) for v in value]}
    if answer.type == "NUMBER":
        return {**key, "value": value}
    if answer.type == "DATE":
        return {**key, "date": value.isoformat() if isinstance(value, date) else str(value)}
    if answer.type == "FILE":
        return {**key, "name": value.name, "data": base64.b64encode(value.data).decode()}
    return {**key, "body": str(value)}


class WorkableWrites:
    """The write side of `WorkableConnector` (mixed in)."""

    client: Any

    def _member(self, remote_fields: Mapping[str, Any]) -> str:
        given = remote_fields.get(ON_BEHALF)
        if given:
            return str(given)
        members = self.client.get("/members", {"limit": 100, "status": "active"}).get("members") or []
        admins = [m for m in members if m.get("role") == "admin"] or members
        if not admins:
            raise ConnectorInputError("Workable needs an acting member (member_id); the account lists none.")
        return str(admins[0]["id"])

    # -- sources (FREE_TEXT) ----------------------------------------------------------------------------------
    def read_candidate_source(self, candidate_remote_id: str) -> RemoteSource | None:
        raw = self.client.get(f"/candidates/{candidate_remote_id}")["candidate"]
        name = mapping.source(raw)
        return RemoteSource(remote_id=name, label=name) if name else None

    def read_application_source(
        self, *, application_remote_id: str, candidate_remote_id: str | None = None
    ) -> RemoteSource | None:
        return self.read_candidate_source(application_remote_id)  # one record in Workable

    # -- create -----------------------------------------------------------------------------------------------
    def create_application(self, application: CreateApplicationInput) -> CreateApplicationResult:
        person = application.candidate
        warnings: list[str] = []
        body: dict[str, Any] = {
            "firstname": person.first_name,
            "lastname": person.last_name,
            "email": person.email_address,
            "answers": [answer_body(a) for a in application.screening_answers],
        }
        if person.phone_number:
            body["phone"] = person.phone_number
        if person.title:
            body["headline"] = person.title
        name = application.source.name if application.source else None
        if name is None and application.requested_source is not None:
            name = getattr(application.requested_source, "name", None)
        if name:
            body["domain"] = name  # "The source of the candidate" (reference A4)
        if application.resume is not None:
            body["resume"] = {
                "name": application.resume.name,
                "data": base64.b64encode(application.resume.data).decode(),
            }
        for other in application.attachments:
            if other is not application.resume:
                warnings.append(f"attachments: {other.name}: Workable takes only the resume on create; not written.")
        params = {"stage": application.stage_remote_id} if application.stage_remote_id else None
        # `sourced: false` counts the candidate as applied (Applied stage) — and Workable then sends its
        # "thank you for applying" e-mail (reference A4), which is what an application from a job board means.
        raw = self.client.create(application.job_remote_id, params, {"sourced": False, "candidate": body})
        return CreateApplicationResult(
            application=mapping.application(raw, self._slugs(application.job_remote_id)),
            candidate=mapping.candidate(raw),
            warnings=tuple(warnings),
        )

    def _slugs(self, shortcode: str) -> dict[str, str]:
        stages = self.client.get(f"/jobs/{shortcode}/stages").get("stages") or []
        return {s["name"]: s["slug"] for s in stages}

    def find_application(self, *, job_remote_id: str, email_address: str) -> TrackedApplication | None:
        rows, _ = self.client.list_page(
            "/candidates", "candidates", cursor=None, limit=100, shortcode=job_remote_id, email=email_address
        )
        match = next((r for r in rows if str(r.get("email", "")).lower() == email_address.lower()), None)
        if match is None:
            return None
        return TrackedApplication(
            application=mapping.application(match, self._slugs(job_remote_id)), candidate=mapping.candidate(match)
        )

    # -- actions ----------------------------------------------------------------------------------------------
    def move_application_stage(
        self, application: ApplicationRef, *, stage_remote_id: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        body = {"member_id": self._member(remote_fields), "target_stage": stage_remote_id}
        self.client.call("POST", f"/candidates/{application.remote_id}/move", body=body)
        return WriteResult()

    def reject_application(
        self,
        application: ApplicationRef,
        *,
        rejection_reason_remote_id: str,
        note: str | None,
        remote_fields: Mapping[str, Any],
    ) -> WriteResult:
        body: dict[str, Any] = {
            "member_id": self._member(remote_fields),
            "disqualify_reason_id": rejection_reason_remote_id,
        }
        warnings: tuple[str, ...] = ()
        if note:
            body["disqualify_note"] = note[:256]
            if len(note) > 256:
                warnings = ("note: Workable keeps 256 characters of a disqualification note; the rest was cut.",)
        self.client.call("POST", f"/candidates/{application.remote_id}/disqualify", body=body)
        return WriteResult(warnings=warnings)

    def add_application_note(
        self, application: ApplicationRef, *, content: str, content_type: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        body = {"member_id": self._member(remote_fields), "comment": {"body": content}}
        self.client.call("POST", f"/candidates/{application.remote_id}/comments", body=body)
        return WriteResult()

    def add_application_attachment(
        self, application: ApplicationRef, *, attachment: AttachmentInput, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        """Workable takes files on an existing candidate only as a comment's one attachment (reference A5)."""
        body = {
            "member_id": self._member(remote_fields),
            "comment": {
                "body": f"Attachment: {attachment.name}",
                "attachment": {"name": attachment.name, "data": base64.b64encode(attachment.data).decode()},
            },
        }
        self.client.call("POST", f"/candidates/{application.remote_id}/comments", body=body)
        return WriteResult(
            warnings=("attachment: Workable keeps files of an existing candidate as a comment's attachment.",)
        )

    def add_application_result_link(
        self, application: ApplicationRef, *, link: ResultLinkInput, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        body = {"member_id": self._member(remote_fields), "comment": {"body": f"{link.label}: {link.url}"}}
        self.client.call("POST", f"/candidates/{application.remote_id}/comments", body=body)
        return WriteResult(warnings=("link: Workable has no result links; written as a comment.",))

    def _tags(self, candidate_remote_id: str) -> list[str]:
        return list(self.client.get(f"/candidates/{candidate_remote_id}")["candidate"].get("tags") or [])

    def add_candidate_tag(
        self, candidate_remote_id: str, *, name: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        tags = self._tags(candidate_remote_id)
        if name not in tags:
            self.client.call("PUT", f"/candidates/{candidate_remote_id}/tags", body={"tags": [*tags, name]})
        return WriteResult()

    def remove_candidate_tag(
        self, candidate_remote_id: str, *, name: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        tags = self._tags(candidate_remote_id)
        kept = [t for t in tags if t.lower() != name.lower()]
        if kept != tags:
            self.client.call("PUT", f"/candidates/{candidate_remote_id}/tags", body={"tags": kept})
        return WriteResult()
