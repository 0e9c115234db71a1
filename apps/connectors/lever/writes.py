"""Lever writes (reference B4/B5).

Create: with screening answers through the postings apply API (`POST /postings/:posting/apply`, the only Lever API
that takes answers; files as `/uploads` URIs), otherwise through `POST /opportunities` (multipart with `resumeFile`
and `files[]` when there are files). Both write our source as free text (`source` / `sources[]`, created when new)
and `origin: applied`; an e-mail Lever knows joins its contact with a new opportunity, so the contact's existing
opportunities and their sources are never touched. Then: stage, archive with a reason (reject), notes, files,
links, tags. The acting user (`perform_as`) is `remote_fields.lever.perform_as`, else the first active super admin.
"""

from __future__ import annotations

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
from apps.connectors.errors import (
    ConnectorApplicationExists,
    ConnectorBadResponse,
    ConnectorInputError,
    ConnectorJobClosed,
)
from apps.connectors.lever import mapping

PERFORM_AS = "perform_as"
CANDIDATE = "candidate"  # remote_fields.lever.candidate: extra opportunity body keys (contract §5.3)
ORIGIN = "applied"  # an application from a job board (reference B4: origin)
APPLY_STATES = ("published", "internal")


def _name(application: CreateApplicationInput) -> str | None:
    if application.source is not None:
        return application.source.name
    return getattr(application.requested_source, "name", None)


class LeverWrites:
    """The write side of `LeverConnector` (mixed in)."""

    client: Any
    _cache: dict[str, Any]
    reasons: Any  # LeverReads.reasons

    def _actor(self, remote_fields: Mapping[str, Any]) -> str:
        given = remote_fields.get(PERFORM_AS)
        if given:
            return str(given)
        if "actor" not in self._cache:
            admins = self.client.every("/users", accessRole="super admin")
            if not admins:
                raise ConnectorInputError("Lever needs an acting user (perform_as); the account lists no super admin.")
            self._cache["actor"] = str(admins[0]["id"])  # assumed default: the reference names none
        return str(self._cache["actor"])

    # -- sources (FREE_TEXT) ----------------------------------------------------------------------------------
    def read_application_source(
        self, *, application_remote_id: str, candidate_remote_id: str | None = None
    ) -> RemoteSource | None:
        name = mapping.source(self.client.data(f"/opportunities/{application_remote_id}"))
        return RemoteSource(remote_id=name, label=name) if name else None

    def read_candidate_source(self, candidate_remote_id: str) -> RemoteSource | None:
        rows = self.client.every("/opportunities", contact_id=candidate_remote_id)
        rows.sort(key=lambda o: (o.get("createdAt") or 0, o["id"]))
        name = mapping.source(rows[0]) if rows else None
        return RemoteSource(remote_id=name, label=name) if name else None

    # -- create -----------------------------------------------------------------------------------------------
    def create_application(self, application: CreateApplicationInput) -> CreateApplicationResult:
        job = application.job_remote_id
        posting = self.client.data(f"/postings/{job}")
        if posting.get("state") not in APPLY_STATES:
            raise ConnectorJobClosed(f"Lever posting {job} is {posting.get('state')}: it takes no applications.")
        email = application.candidate.email_address
        known = self.client.every("/opportunities", email=email, expand="applications")
        if any(self._posting_of(o) == job for o in known):
            raise ConnectorApplicationExists("This contact already has an opportunity for this Lever posting.")
        warnings: list[str] = []
        if application.screening_answers:
            opportunity_id = self._apply(application, warnings)
        else:
            opportunity_id = self._create_opportunity(application, warnings)
        raw = self.client.data(f"/opportunities/{opportunity_id}", {"expand": "applications"})
        return CreateApplicationResult(
            application=mapping.application(raw, self.reasons()),
            candidate=mapping.candidate(mapping.contact_of(raw), [raw]),
            candidate_existed=bool(known),
            warnings=tuple(warnings),
        )

    @staticmethod
    def _posting_of(opportunity: Mapping[str, Any]) -> str | None:
        applications = [a for a in opportunity.get("applications") or () if isinstance(a, dict)]
        return applications[0].get("posting") if applications else None

    def _ignored(self, application: CreateApplicationInput, warnings: list[str]) -> None:
        person = application.candidate
        for label, value in (("candidate.availability_date", person.availability_date),
                             ("candidate.salary_expectation", person.salary_expectation),
                             ("candidate.gender", person.gender), ("gdpr_consent", application.gdpr_consent),
                             ("sourced_by", application.sourced_by_user_remote_id)):  # fmt: skip
            if value:
                warnings.append(f"{label}: Lever's API has no field for it; not written.")

    def _create_opportunity(self, application: CreateApplicationInput, warnings: list[str]) -> str:
        """`POST /opportunities?perform_as=` — JSON, or multipart when there are files (reference B5)."""
        person = application.candidate
        self._ignored(application, warnings)
        body: dict[str, Any] = {
            "name": f"{person.first_name} {person.last_name}".strip(),
            "emails": [person.email_address, *(e.email_address for e in person.additional_email_addresses)],
            "phones": [{"value": p} for p in [person.phone_number, *(n.phone_number for n in
                                                                    person.additional_phone_numbers)] if p],
            "links": list(person.social_links), "postings": [application.job_remote_id], "origin": ORIGIN,
        }  # fmt: skip
        if person.company or person.title:
            body["headline"] = person.company or person.title
        if person.location is not None and (person.location.raw or person.location.city):
            body["location"] = person.location.raw or person.location.city
        if application.stage_remote_id:
            body["stage"] = application.stage_remote_id
        name = _name(application)
        if name:
            body["sources"] = [name]  # "If you specify a source that does not exist yet, it will be created"
        extra = application.remote_fields.get(CANDIDATE)
        if isinstance(extra, Mapping):
            body.update({k: v for k, v in extra.items() if k not in ("sources", "origin", "postings")})
        params = {PERFORM_AS: self._actor(application.remote_fields)}
        files = self._files(application)
        if files:
            created = self.client.call("POST", "/opportunities", params=params, data=_form(body), files=files)
        else:
            created = self.client.call("POST", "/opportunities", params=params, body=body)
        return str(created["data"]["id"])

    def _files(self, application: CreateApplicationInput) -> list[tuple[str, tuple[str, bytes, str]]]:
        resume = self._resume(application)
        files = [("resumeFile", (resume.name, resume.data, resume.content_type))] if resume else []
        return files + [("files[]", (a.name, a.data, a.content_type)) for a in application.attachments
                        if a is not resume]  # fmt: skip

    @staticmethod
    def _resume(application: CreateApplicationInput) -> AttachmentInput | None:
        return next((a for a in application.attachments if a.type == "CV"), None)

    def _apply(self, application: CreateApplicationInput, warnings: list[str]) -> str:
        """`POST /postings/:posting/apply`: answers by position within each question form (reference B5)."""
        person = application.candidate
        job = application.job_remote_id
        self._ignored(application, warnings)
        if application.stage_remote_id:
            warnings.append("stage_id: the Lever apply API files applications in the first stage; not written.")
        if application.remote_fields.get(CANDIDATE):
            warnings.append("remote_fields.candidate: not taken by Lever's apply API (answers were given).")
        form = self.client.data(f"/postings/{job}/apply")
        info = [{"name": "fullName", "value": f"{person.first_name} {person.last_name}".strip()},
                {"name": "email", "value": person.email_address}]  # fmt: skip
        if person.phone_number:
            info.append({"name": "phone", "value": person.phone_number})
        if person.company:
            info.append({"name": "currentCompany", "value": person.company})
        resume = self._resume(application)
        if resume is not None:
            info.append({"name": "resume", "value": self.client.upload(resume.name, resume.content_type, resume.data)})
        body: dict[str, Any] = {
            "personalInformation": info,
            "urls": [{"name": "Other", "value": link} for link in person.social_links],
            "customQuestions": self._answers(form, application.screening_answers),
            "origin": ORIGIN,
        }
        name = _name(application)
        if name:
            body["source"] = name  # "Adds a source tag to candidate" (reference B4)
        answer = self.client.call("POST", f"/postings/{job}/apply", body=body)
        application_id = answer["data"]["applicationId"]
        rows = self.client.every("/opportunities", email=person.email_address, posting_id=job, expand="applications")
        found = next((o for o in rows if any(isinstance(a, dict) and a.get("id") == application_id
                                             for a in o.get("applications") or ())), None)  # fmt: skip
        if found is None:
            raise ConnectorBadResponse(f"Lever took application {application_id} but lists no opportunity for it.")
        actor = None
        for other in application.attachments:
            if other is not resume:
                actor = actor or self._actor(application.remote_fields)
                self._upload_file(str(found["id"]), other, actor)
        return str(found["id"])

    def _answers(self, form: Mapping[str, Any], answers: tuple[ScreeningAnswerInput, ...]) -> list[dict[str, Any]]:
        by_field = {a.question_remote_id: a for a in answers}
        known = {f.get("id") for g in form.get("customQuestions") or () for f in g.get("fields") or ()}
        unknown = sorted(set(by_field) - known)
        if unknown:
            raise ConnectorInputError(f"Screening question(s) {', '.join(unknown)} are not on this Lever posting.")
        groups = []
        for group in form.get("customQuestions") or ():
            fields = [{"value": self._value(by_field[f["id"]])} if f.get("id") in by_field else {"value": None}
                      for f in group.get("fields") or ()]  # fmt: skip
            if any(f["value"] is not None for f in fields):
                groups.append({"id": group["id"], "fields": fields})
        return groups

    def _value(self, answer: ScreeningAnswerInput) -> Any:
        """text / textarea / university → text; dropdown / multiple-choice → the option's text; multiple-select →
        the texts; file-upload → an `/uploads` URI (reference B5)."""
        value = answer.value
        if isinstance(value, AttachmentInput):
            return self.client.upload(value.name, value.content_type, value.data)
        if answer.type == "MULTI_SELECT":
            return [str(v) for v in value]
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, date):
            return value.isoformat()
        return str(value)

    def find_application(self, *, job_remote_id: str, email_address: str) -> TrackedApplication | None:
        rows = self.client.every("/opportunities", email=email_address, posting_id=job_remote_id,
                                 expand="applications")  # fmt: skip
        match = next((o for o in rows if self._posting_of(o) == job_remote_id), None)
        if match is None:
            return None
        return TrackedApplication(
            application=mapping.application(match, self.reasons()),
            candidate=mapping.candidate(mapping.contact_of(match), [match]),
        )

    # -- actions ----------------------------------------------------------------------------------------------
    def _put(self, opportunity: str, action: str, body: dict[str, Any], remote_fields: Mapping[str, Any]) -> None:
        params = {PERFORM_AS: self._actor(remote_fields)}
        self.client.call("PUT" if action in ("stage", "archived") else "POST", f"/opportunities/{opportunity}/{action}",
                         params=params, body=body)  # fmt: skip

    def move_application_stage(
        self, application: ApplicationRef, *, stage_remote_id: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        self._put(application.remote_id, "stage", {"stage": stage_remote_id}, remote_fields)
        return WriteResult()

    def reject_application(
        self,
        application: ApplicationRef,
        *,
        rejection_reason_remote_id: str,
        note: str | None,
        remote_fields: Mapping[str, Any],
    ) -> WriteResult:
        """Archive with the reason (`PUT …/archived`); Lever's archive takes no note, so one is added as a note."""
        self._put(application.remote_id, "archived", {"reason": rejection_reason_remote_id}, remote_fields)
        if note:
            self._put(application.remote_id, "notes", {"value": note}, remote_fields)
        return WriteResult()

    def add_application_note(
        self, application: ApplicationRef, *, content: str, content_type: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        self._put(application.remote_id, "notes", {"value": content}, remote_fields)
        return WriteResult()

    def _upload_file(self, opportunity: str, attachment: AttachmentInput, actor: str) -> None:
        self.client.call("POST", f"/opportunities/{opportunity}/files", params={PERFORM_AS: actor},
                         files={"file": (attachment.name, attachment.data, attachment.content_type)})  # fmt: skip

    def add_application_attachment(
        self, application: ApplicationRef, *, attachment: AttachmentInput, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        self._upload_file(application.remote_id, attachment, self._actor(remote_fields))
        if attachment.type == "CV":
            return WriteResult(warnings=("attachment: Lever has no API to add a resume to an existing opportunity; "
                                         "the CV was added as a file.",))  # fmt: skip
        return WriteResult()

    def add_application_result_link(
        self, application: ApplicationRef, *, link: ResultLinkInput, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        self._put(application.remote_id, "addLinks", {"links": [link.url]}, remote_fields)
        return WriteResult(warnings=(f"link: Lever keeps links without a label; {link.label!r} was not written.",))

    def _tagged(self, contact: str, name: str, remote_fields: Mapping[str, Any], *, add: bool) -> WriteResult:
        """Tags live on opportunities (reference B5): a candidate's tag goes onto each of the contact's."""
        rows = self.client.every("/opportunities", contact_id=contact)
        if not rows:
            raise ConnectorInputError(f"Lever contact {contact} has no opportunities to tag.")
        for row in rows:
            tags = list(row.get("tags") or ())
            if add and name not in tags:
                self._put(row["id"], "addTags", {"tags": [name]}, remote_fields)
            matching = [t for t in tags if t.lower() == name.lower()]
            if not add and matching:
                self._put(row["id"], "removeTags", {"tags": matching}, remote_fields)
        return WriteResult()

    def add_candidate_tag(
        self, candidate_remote_id: str, *, name: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        return self._tagged(candidate_remote_id, name, remote_fields, add=True)

    def remove_candidate_tag(
        self, candidate_remote_id: str, *, name: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        return self._tagged(candidate_remote_id, name, remote_fields, add=False)


def _form(body: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The JSON body as multipart fields: arrays as `name[]`, objects in arrays as `phones[0][value]`."""
    fields: list[tuple[str, str]] = []
    for key, value in body.items():
        if isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, Mapping):
                    fields += [(f"{key}[{index}][{k}]", str(v)) for k, v in item.items()]
                else:
                    fields.append((f"{key}[]", str(item)))
        elif value is not None:
            fields.append((key, str(value)))
    return fields
