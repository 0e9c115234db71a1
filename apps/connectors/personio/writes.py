"""Personio writes: the one write its API has — `POST /v1/recruiting/applications` with the customer's recruiting
channel, documents uploaded first — and the channel checks. Move, reject, notes, tags and attachments after
creation do not exist in any public Personio API (A3): those actions are not declared and answer "not supported".

The create answers `201` with no body and no id (A5): the application is found afterwards by the candidate's email
and the job (`GET /v2/recruiting/applications?candidate.email=…`), as a retry's reconciliation does too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from apps.connectors import steps
from apps.connectors.dtos import (
    AttachmentInput,
    CandidateInput,
    CreateApplicationInput,
    CreateApplicationResult,
    RemoteApplication,
    RemoteCandidate,
    RemoteSource,
    TrackedApplication,
)
from apps.connectors.errors import (
    ConnectorApplicationExists,
    ConnectorBadResponse,
    ConnectorError,
    ConnectorInputError,
    ConnectorJobClosed,
    ConnectorNotFound,
    ConnectorUnsupported,
    ConnectorWriteUncertain,
)
from apps.connectors.personio import mapping
from apps.connectors.personio.client import V1_APPLICATIONS, V1_DOCUMENTS, V1Refusal

Raw = dict[str, Any]
CHANNEL_NOT_FOUND = "errors.posting-validation.channel-not-found"
FILE_CATEGORY = {"CV": "cv", "COVER_LETTER": "cover-letter", "OTHER": "other"}  # A5 `files[].category`
GENDER = {"MALE": "male", "FEMALE": "female", "OTHER": "diverse"}  # system attribute `gender` options (A5)
SYSTEM_PHASES = ("unassigned", "rejected", "withdrawn", "offer", "accepted")


def channel_label(remote_id: str) -> str:
    return f"Recruiting channel {remote_id}"


def _location(candidate: CandidateInput) -> str | None:
    place = candidate.location
    if place is None:
        return None
    parts = [part for part in (place.city, place.state, place.country) if part]
    return ", ".join(parts) or place.raw


def _attributes(candidate: CandidateInput) -> list[Raw]:
    """The system attributes `phone`, `location`, `gender`, `available_from`, `salary_expectations` (A5)."""
    values: list[tuple[str, str | None]] = [
        ("phone", candidate.phone_number),
        ("location", _location(candidate)),
        ("gender", GENDER.get(candidate.gender or "")),
        ("available_from", candidate.availability_date.isoformat() if candidate.availability_date else None),
    ]
    salary = candidate.salary_expectation
    if salary is not None:
        values.append(("salary_expectations", f"{salary.amount:g} per {salary.period.lower()}"))
    return [{"id": key, "value": value} for key, value in values if value]


class PersonioWrites:
    """The write side of `PersonioConnector` (mixed in)."""

    client: Any

    def application_dto(self, row: Raw) -> RemoteApplication:  # provided by PersonioReads
        raise NotImplementedError

    # -- the recruiting channel (MUST_EXIST, pasted by id) -----------------------------------------------
    def list_sources(self) -> list[RemoteSource]:
        raise ConnectorUnsupported(
            "Personio's API cannot list recruiting channels (Settings > Recruiting > Channels shows their IDs)."
        )

    def find_source(self, name: str) -> RemoteSource | None:
        """Channels cannot be looked up by name (no channel endpoint, A4): only a pasted Channel ID is checked."""
        return None

    def _probe_channel(self, remote_id: str) -> V1Refusal | None:
        """Whether Personio knows the channel, without creating anything (assumed: the v1 create validates every
        field and lists all failures, so a body with empty names is always refused and names
        `channel-not-found` only when the channel is unknown). One v1 call."""
        body = {"job_position_id": 0, "first_name": "", "last_name": "", "email": "",
                "recruiting_channel_id": int(remote_id)}  # fmt: skip
        _, refusal = self.client.v1(V1_APPLICATIONS, json_body=body)
        if refusal is None:
            raise ConnectorBadResponse("Personio accepted an application without names; the channel check failed.")
        return refusal if CHANNEL_NOT_FOUND in refusal.reasons() else None

    def get_source(self, remote_id: str) -> RemoteSource | None:
        if not str(remote_id).isdigit():
            return None
        if self._probe_channel(str(remote_id)) is not None:
            return None
        return RemoteSource(remote_id=str(remote_id), label=channel_label(str(remote_id)))

    def select_source(self, remote_id: str) -> RemoteSource:
        """The pasted Channel ID, checked live; Personio's own refusal when it does not know it."""
        text = str(remote_id).strip()
        if not text.isdigit():
            raise ConnectorInputError(
                f"{text!r} is not a Personio Channel ID: Channel IDs are numbers (Settings > Recruiting > Channels).",
                remote_message="errors.attribute-validation.invalid-type",
            )
        refusal = self._probe_channel(text)
        if refusal is not None:
            message = refusal.message({CHANNEL_NOT_FOUND})
            raise ConnectorNotFound(f"Personio refused the Channel ID {text}: {message}", remote_message=message)
        return RemoteSource(remote_id=text, label=channel_label(text))

    def read_application_source(
        self, *, application_remote_id: str, candidate_remote_id: str | None = None
    ) -> RemoteSource | None:
        row = self.client.get_one(f"/applications/{application_remote_id}")
        return mapping.source(row.get("channel")) if row else None

    def read_candidate_source(self, candidate_remote_id: str) -> RemoteSource | None:
        """Personio keeps the channel per application: the candidate's first application's channel."""
        row = self.client.get_one(f"/candidates/{candidate_remote_id}")
        applications = sorted((row or {}).get("applications") or (), key=lambda a: int(a["id"]))
        if not applications:
            return None
        return self.read_application_source(application_remote_id=str(applications[0]["id"]))

    # -- create ------------------------------------------------------------------------------------------
    def _applications_of(self, email: str) -> list[Raw]:
        return list(self.client.list_all("/applications", {"candidate.email": email.strip()}))

    def _channel(self, application: CreateApplicationInput) -> tuple[int | None, list[str]]:
        instruction, requested = application.source, application.requested_source
        wanted = instruction.remote_id if instruction else (requested.remote_id if requested else None)
        if not wanted:
            named = instruction.name if instruction else (requested.name if requested else None)
            if named:
                return None, [f"source: Personio takes a recruiting channel by its ID only; {named!r} was not written."]
            return None, []
        if not str(wanted).isdigit():
            return None, [f"source: {wanted!r} is not a Personio Channel ID; no channel was written."]
        return int(wanted), []

    def _upload(self, attachment: AttachmentInput) -> Raw:
        """`POST /v1/recruiting/applications/documents`, multipart `file`, one file per request (A5)."""
        files = {"file": (attachment.name, attachment.data, attachment.content_type)}
        response, refusal = self.client.v1(V1_DOCUMENTS, files=files)
        if refusal is not None:
            raise ConnectorInputError(
                f"Personio refused the file {attachment.name!r}: {refusal.message()}", remote_message=refusal.message()
            )
        body = response.json()
        if not isinstance(body, dict) or not body.get("uuid"):
            raise ConnectorBadResponse("Personio's document upload answered without a uuid.")
        return {"uuid": body["uuid"], "original_filename": attachment.name,
                "category": FILE_CATEGORY.get(attachment.type, "other")}  # fmt: skip

    def _body(self, application: CreateApplicationInput, channel: int | None, files: list[Raw]) -> Raw:
        person = application.candidate
        body: Raw = {
            "job_position_id": int(application.job_remote_id),
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email_address.strip(),
        }
        if channel is not None:
            body["recruiting_channel_id"] = channel
        stage = application.stage_remote_id
        if stage:
            system = stage in SYSTEM_PHASES
            body["phase"] = {"type": "system", "id": stage} if system else {"type": "custom", "id": int(stage)}
        attributes = _attributes(person)
        if attributes:
            body["attributes"] = attributes
        if files:
            body["files"] = files
        # `remote_fields.personio.application` merges into the body (unified contract §5.3).
        extra = application.remote_fields.get("application") if application.remote_fields else None
        if isinstance(extra, Mapping):
            body.update(extra)
        return body

    def _refused(self, refusal: V1Refusal, job_remote_id: str) -> Exception:
        reasons, message = refusal.reasons(), refusal.message()
        if "errors.applicant-already-exists" in reasons:
            return ConnectorApplicationExists(
                f"The candidate has already applied to job {job_remote_id}.", remote_message=message
            )
        if "errors.job-position.not-published" in reasons:
            return ConnectorJobClosed(f"Job {job_remote_id} is not published.", remote_message=message)
        if "errors.posting-validation.posting-not-found" in reasons:
            return ConnectorNotFound(f"Job {job_remote_id} does not exist.", status_code=404, remote_message=message)
        return ConnectorInputError(f"Personio refused the application: {message}", remote_message=message)

    def create_application(self, application: CreateApplicationInput) -> CreateApplicationResult:
        """Upload the files, `POST /v1/recruiting/applications` (a second application of the email to the job is
        Personio's `errors.applicant-already-exists`), then find what it created by email and job."""
        job_id = application.job_remote_id
        if not job_id.isdigit():
            raise ConnectorNotFound(f"Job {job_id!r} is not a Personio job id.", status_code=404)
        email = application.candidate.email_address
        warnings: list[str] = []
        channel, channel_warnings = self._channel(application)
        warnings.extend(channel_warnings)
        files = [self._upload(attachment) for attachment in application.attachments]
        _, refusal = self.client.v1(V1_APPLICATIONS, json_body=self._body(application, channel, files))
        if refusal is not None and refusal.reasons() == {CHANNEL_NOT_FOUND}:
            # The configured channel was deleted in Personio: refused as a whole (nothing was created), so the
            # application goes in without a channel rather than not at all.
            warnings.append(f"source: Personio no longer knows the recruiting channel {channel}; none was written.")
            _, refusal = self.client.v1(V1_APPLICATIONS, json_body=self._body(application, None, files))
        if refusal is not None:
            raise self._refused(refusal, job_id)
        try:
            found = self.find_application(job_remote_id=job_id, email_address=email)
        except ConnectorError as error:
            # Personio has created it (201): whatever fails now must not lead to a second create.
            raise ConnectorWriteUncertain(
                f"Personio accepted the application (201, no id) but it could not be looked up: {error.message}"
            ) from None
        if found is None:
            raise ConnectorWriteUncertain(
                "Personio accepted the application (201, no id) but it cannot be found by email and job yet."
            )
        # Personio adds an application with a known email to that candidate (assumed): it existed when it holds
        # other applications too.
        others = [
            a
            for a in found.candidate.remote_data.get("applications") or ()
            if str(a.get("id")) != found.application.remote_id
        ]
        existed = bool(others)
        steps.record_application(
            application_remote_id=found.application.remote_id,
            candidate_remote_id=found.candidate.remote_id,
            candidate_existed=existed,
            pending=[],
        )
        if existed:
            warnings.append("candidate: a Personio candidate with this email exists; the application was added to it.")
        return CreateApplicationResult(
            application=found.application, candidate=found.candidate, candidate_existed=existed,
            warnings=tuple(warnings),
        )  # fmt: skip

    def find_application(self, *, job_remote_id: str, email_address: str) -> TrackedApplication | None:
        """The application of this email to this job (`candidate.email` filter, P-3P), newest first."""
        rows = [r for r in self._applications_of(email_address) if (r.get("job") or {}).get("id") == job_remote_id]
        if not rows:
            return None
        row = rows[0]
        candidate_id = (row.get("candidate") or {}).get("id")
        person = self.client.get_one(f"/candidates/{candidate_id}") if candidate_id else None
        candidate = (
            mapping.candidate(person)
            if person
            else RemoteCandidate(remote_id=str(candidate_id or ""), email_addresses=())
        )
        return TrackedApplication(application=self.application_dto(row), candidate=candidate)
