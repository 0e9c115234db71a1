"""Factorial sources (MUST_EXIST: found by name, never created) and writes."""

from __future__ import annotations

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
    TrackedApplication,
    WriteResult,
)
from apps.connectors.errors import (
    ConnectorApplicationExists,
    ConnectorInputError,
    ConnectorJobClosed,
    ConnectorNotFound,
)
from apps.connectors.factorial import client as api
from apps.connectors.factorial import mapping
from apps.connectors.factorial.client import remote_id
from apps.connectors.factorial.helpers import _link_text, _path_id, _same_origin
from apps.connectors.factorial.paths import (
    APPLICATIONS,
    APPLY,
    CANDIDATE_SOURCES,
    CANDIDATES,
    FEEDBACKS,
    JOB_POSTINGS,
    STEP_PERSONAL_URL,
    STEP_SOURCE,
    Raw,
)
from apps.connectors.http_fetch import fetch_file

RESULT_LINK_WARNING = "Factorial has no links on candidates or applications: the link was written as a feedback."
MAX_DOWNLOAD_BYTES = 25 * 1024 * 1024


class FactorialWrites:
    """Sources and writes of `FactorialConnector` (mixed in)."""

    # -- sources (automatic attribution) ------------------------------------------------------------------

    def list_sources(self) -> list[RemoteSource]:
        """Factorial's candidate sources (defaults and the ones added in its settings), live."""
        return [mapping.source(item) for item in self.client.list_all(CANDIDATE_SOURCES)]

    def find_source(self, name: str) -> RemoteSource | None:
        """The source whose label is `name`; failing that, whose raw `name` is (a default source's snake_case
        name, e.g. `referred` for "Referred")."""
        sources = self.list_sources()
        wanted = name.strip()
        by_label = next((source for source in sources if source.label == wanted), None)
        if by_label is not None:
            return by_label
        return next((source for source in sources if source.remote_data.get("name") == wanted), None)

    def get_source(self, remote_id: str) -> RemoteSource | None:
        """`GET /ats/candidate_sources/{id}`; None when the source was deleted."""
        if api.api_id(remote_id) is None:
            return None
        try:
            return mapping.source(self.client.get(f"{CANDIDATE_SOURCES}/{remote_id}"))
        except ConnectorNotFound:
            return None

    def read_application_source(
        self, *, application_remote_id: str, candidate_remote_id: str | None = None
    ) -> RemoteSource | None:
        """The catalogue entry the application's `source_id` points at. A written source string that matched no
        entry leaves `source_id` null, and the API does not return the string: then None."""
        return self._source_of(f"{APPLICATIONS}/{_path_id(application_remote_id, 'Application')}")

    def read_candidate_source(self, candidate_remote_id: str) -> RemoteSource | None:
        return self._source_of(f"{CANDIDATES}/{_path_id(candidate_remote_id, 'Candidate')}")

    def _source_of(self, path: str) -> RemoteSource | None:
        record = self.client.get(path)
        source_id = remote_id(record.get("source_id")) if isinstance(record, dict) else None
        return self.get_source(source_id) if source_id is not None else None

    # -- writes ----------------------------------------------------------------------------------------------

    def _open_job(self, job_remote_id: str) -> Raw:
        """The posting, if it takes applications. Which statuses do is NOT FOUND in the docs: we (and the
        emulator) take `published` and `unlisted` (reachable by link), as the career page does."""
        job = self.client.get(f"{JOB_POSTINGS}/{_path_id(job_remote_id, 'Job posting')}")
        status = str(job.get("status") or "")
        if status == "deleted":
            raise ConnectorNotFound(f"Job posting {job_remote_id} was deleted.", status_code=404)
        if status not in mapping.APPLY_OPEN_STATUSES:
            raise ConnectorJobClosed(
                f"Job posting {job_remote_id} is {status or 'closed'} and takes no applications.",
                remote_message=f"The job posting is {status}.",
            )
        return job

    def _candidate_by_email(self, email: str) -> Raw | None:
        found = self.client.list_page(CANDIDATES, {"emails[]": [email.strip().lower()]}, limit=1).data
        return found[0] if found else None

    def _application_of(self, candidate_id: str, job_id: str) -> Raw | None:
        rows = self.client.list_page(
            APPLICATIONS, {"ats_candidate_ids[]": [int(candidate_id)], "ats_job_posting_id": int(job_id)}
        ).data
        return next((row for row in rows if remote_id(row.get("ats_job_posting_id")) == job_id), None)

    def _source_entry(self, *, remote: str | None, name: str | None) -> Raw | None:
        """The catalogue entry to write: by id first (it may have been renamed), else by exact label or name."""
        if remote is not None and api.api_id(remote) is not None:
            try:
                return self.client.get(f"{CANDIDATE_SOURCES}/{remote}")
            except ConnectorNotFound:
                pass
        if name:
            found = self.find_source(name)
            if found is not None:
                return found.remote_data
        return None

    def _source_to_write(self, application: CreateApplicationInput) -> tuple[str | None, int | None, list[str]]:
        """(the `source` string to send, the source id it must end up as, warnings).

        Factorial takes the source on a write as free text and links it to a catalogue entry itself (how is NOT
        DOCUMENTED, reference B4; the entry's snake_case `name` is the safest string). So: send the configured
        source's `name` when the entry exists (and pin `source_id` afterwards if Factorial did not link it);
        send the configured name anyway, with a warning, when no such source exists (any more)."""
        instruction, requested = application.source, application.requested_source
        if instruction is not None:
            wanted_name, wanted_id = instruction.name, instruction.remote_id
        elif requested is not None and (requested.name or requested.remote_id):
            wanted_name, wanted_id = requested.name, requested.remote_id
        else:
            return None, None, []
        entry = self._source_entry(remote=wanted_id, name=wanted_name)
        if entry is None:
            if not wanted_name:
                return None, None, [f"source: Factorial has no candidate source {wanted_id}; no source was written."]
            return (
                wanted_name,
                None,
                [
                    f"source: Factorial has no candidate source named {wanted_name!r} (an administrator adds sources "
                    "in Factorial's recruitment settings); the name was sent as text, which Factorial does not show "
                    "as a source."
                ],
            )
        source_id = api.api_id(str(remote_id(entry.get("id"))))
        return str(entry.get("name") or wanted_name), source_id, []

    def create_application(self, application: CreateApplicationInput) -> CreateApplicationResult:
        """`POST /ats/applications/apply`: candidate and application in one call (the career page's own way in).

        Factorial reuses the candidate with the same email and leaves that candidate's details and source alone;
        the application gets its own source. One CV goes with it (the `resume`); any other file is dropped with
        a warning. Afterwards, as needed: move to the requested stage, set the new candidate's personal URL, pin
        the source id. Then the application and the candidate are read back.
        """
        warnings: list[str] = []
        job = self._open_job(application.job_remote_id)
        job_id = str(remote_id(job.get("id")))
        existing = self._candidate_by_email(application.candidate.email_address)
        if existing is not None:
            candidate_id = str(remote_id(existing.get("id")))
            if self._application_of(candidate_id, job_id) is not None:
                raise ConnectorApplicationExists(
                    f"Candidate {candidate_id} has already applied to job posting {job_id}.",
                    remote_message="The candidate has already applied to this job posting.",
                )
        resume = application.resume
        for index, attachment in enumerate(application.attachments):
            if attachment is not resume:
                warnings.append(
                    f"attachments[{index}] ({attachment.type} {attachment.name}): Factorial keeps one file per "
                    "application, its CV; not written."
                )
        if application.gdpr_consent is not None and application.gdpr_consent.expires_at is not None:
            warnings.append(
                "gdpr_consent.expires_at: Factorial sets the consent's expiry itself; only the consent was sent."
            )
        source_name, source_id, source_warnings = self._source_to_write(application)
        warnings.extend(source_warnings)
        body = mapping.apply_body(application, job_id=int(job_id), source=source_name, cv=resume)
        raw = self.client.post(APPLY, body)
        application_id = str(remote_id(raw.get("id")))
        candidate_id = str(remote_id(raw.get("ats_candidate_id")))

        links = application.candidate.social_links
        phase = remote_id(raw.get("ats_application_phase_id"))
        moves = bool(application.stage_remote_id and application.stage_remote_id != phase)
        pins = source_id is not None and api.api_id(str(remote_id(raw.get("source_id")))) != source_id
        steps.record_application(
            application_remote_id=application_id,
            candidate_remote_id=candidate_id,
            candidate_existed=existing is not None,
            pending=[
                *([steps.STAGE] if moves else []),
                *([STEP_PERSONAL_URL] if links and existing is None else []),
                *([STEP_SOURCE] if pins else []),
            ],
        )
        if moves and application.stage_remote_id:
            try:
                raw = self._move(application_id, application.stage_remote_id)
                steps.record(steps.STAGE)
            except ConnectorInputError as error:
                warnings.append(f"stage_id: Factorial refused the move ({error.remote_message or error.message}).")
        if links and existing is None:
            try:
                self.client.put(f"{CANDIDATES}/{candidate_id}", {"id": int(candidate_id), "personal_url": links[0]})
                steps.record(STEP_PERSONAL_URL)
            except ConnectorInputError as error:
                warnings.append(f"candidate.social_links: not written ({error.remote_message or error.message}).")
            if len(links) > 1:
                warnings.append("candidate.social_links: Factorial keeps one personal URL; only the first was written.")
        elif links:
            warnings.append("candidate.social_links: the candidate already existed; its personal URL was kept.")
        if pins:
            # `PUT /ats/applications/{id}` takes `source_id` (F-SDK put body), the one place a write names the entry.
            raw = self.client.put(
                f"{APPLICATIONS}/{application_id}", {"id": int(application_id), "source_id": source_id}
            )
            steps.record(STEP_SOURCE)
        candidate = self.client.get(f"{CANDIDATES}/{candidate_id}")
        return CreateApplicationResult(
            application=cast(RemoteApplication, self._applications([raw])[0]),
            candidate=mapping.candidate(candidate, sources=self._sources()),
            candidate_existed=existing is not None,
            warnings=tuple(warnings),
        )

    def find_application(self, *, job_remote_id: str, email_address: str) -> TrackedApplication | None:
        """The candidate with this email (Factorial's `emails[]` filter) and its application to this posting."""
        if api.api_id(job_remote_id) is None:
            return None
        candidate = self._candidate_by_email(email_address)
        if candidate is None:
            return None
        raw = self._application_of(str(remote_id(candidate.get("id"))), job_remote_id)
        if raw is None:
            return None
        return TrackedApplication(
            application=cast(RemoteApplication, self._applications([raw])[0]),
            candidate=mapping.candidate(candidate, sources=self._sources()),
        )

    def _move(self, application_id: str, phase_id: str) -> Raw:
        if api.api_id(phase_id) is None:
            raise ConnectorInputError(f"Stage {phase_id!r} is not a Factorial application phase.")
        return self.client.post(
            f"{APPLICATIONS}/move_to_phase",
            {"id": _path_id(application_id, "Application"), "ats_application_phase_id": int(phase_id)},
        )

    def move_application_stage(
        self, application: ApplicationRef, *, stage_remote_id: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        """`POST /ats/applications/move_to_phase` (the phase must belong to the application's job posting)."""
        raw = self._move(application.remote_id, stage_remote_id)
        return WriteResult(application=cast(RemoteApplication, self._applications([raw])[0]))

    def reject_application(
        self,
        application: ApplicationRef,
        *,
        rejection_reason_remote_id: str,
        note: str | None,
        remote_fields: Mapping[str, Any],
    ) -> WriteResult:
        """`PUT /ats/applications/{id}` with `ats_rejection_reason_id` and `qualified: false`; the note is the
        rejection's free-text `disqualified_reason` (F-REPO AtsApplicationsIdPutRequest)."""
        reason = api.api_id(rejection_reason_remote_id)
        if reason is None:
            raise ConnectorInputError(f"Rejection reason {rejection_reason_remote_id!r} is not a Factorial id.")
        identifier = _path_id(application.remote_id, "Application")
        body: Raw = {"id": identifier, "ats_rejection_reason_id": reason, "qualified": False}
        if note:
            body["disqualified_reason"] = note
        raw = self.client.put(f"{APPLICATIONS}/{identifier}", body)
        return WriteResult(application=cast(RemoteApplication, self._applications([raw])[0]))

    def _candidate_of(self, application: ApplicationRef) -> tuple[int, int]:
        identifier = _path_id(application.remote_id, "Application")
        candidate = api.api_id(application.candidate_remote_id or "")
        if candidate is None:
            raw = self.client.get(f"{APPLICATIONS}/{identifier}")
            candidate = _path_id(str(remote_id(raw.get("ats_candidate_id"))), "Candidate")
        return identifier, candidate

    def _feedback(self, *, candidate_id: int, application_id: int | None, text: str) -> None:
        body: Raw = {"ats_candidate_id": candidate_id, "description": text}
        if application_id is not None:
            body["ats_application_id"] = application_id
        self.client.post(FEEDBACKS, body)

    def add_application_note(
        self, application: ApplicationRef, *, content: str, content_type: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        """A feedback on the application (`POST /ats/feedbacks`, required `ats_candidate_id`), without rating."""
        application_id, candidate_id = self._candidate_of(application)
        self._feedback(candidate_id=candidate_id, application_id=application_id, text=content)
        return WriteResult()

    def add_application_result_link(
        self, application: ApplicationRef, *, link: ResultLinkInput, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        application_id, candidate_id = self._candidate_of(application)
        self._feedback(candidate_id=candidate_id, application_id=application_id, text=_link_text(link))
        return WriteResult(warnings=(RESULT_LINK_WARNING,))

    def add_candidate_result_link(
        self, candidate_remote_id: str, *, link: ResultLinkInput, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        candidate_id = _path_id(candidate_remote_id, "Candidate")
        self._feedback(candidate_id=candidate_id, application_id=None, text=_link_text(link))
        return WriteResult(warnings=(RESULT_LINK_WARNING,))

    def add_application_attachment(
        self, application: ApplicationRef, *, attachment: AttachmentInput, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        """The application's CV (`PUT /ats/applications/{id}` with `cv`, see `mapping.file_object`). Factorial
        keeps one CV per application: a new one replaces the old (said in a warning); other files are refused."""
        if attachment.type != "CV":
            raise ConnectorInputError(
                f"Factorial keeps one file per application, its CV: a {attachment.type} attachment cannot be added.",
                remote_message="Only a CV can be attached to a Factorial application.",
            )
        identifier = _path_id(application.remote_id, "Application")
        current = self.client.get(f"{APPLICATIONS}/{identifier}")
        raw = self.client.put(f"{APPLICATIONS}/{identifier}", {"id": identifier, "cv": mapping.file_object(attachment)})
        warnings: tuple[str, ...] = ()
        previous = current.get("cv") if isinstance(current.get("cv"), dict) else None
        if previous is not None:
            warnings = (f"The application's previous CV ({previous.get('filename')}) was replaced.",)
        return WriteResult(warnings=warnings, application=cast(RemoteApplication, self._applications([raw])[0]))

    def list_application_attachments(self, application: ApplicationRef) -> AttachmentList:
        """The application's CV, if it has one (Factorial keeps no other file on an application)."""
        raw = self.client.get(f"{APPLICATIONS}/{_path_id(application.remote_id, 'Application')}")
        attachment = mapping.cv_attachment(raw)
        return AttachmentList(attachments=(attachment,) if attachment is not None else ())

    def list_candidate_attachments(self, candidate_remote_id: str) -> AttachmentList:
        """The CVs of the candidate's applications (Factorial keeps no file on the candidate itself)."""
        candidate_id = _path_id(candidate_remote_id, "Candidate")
        self.client.get(f"{CANDIDATES}/{candidate_id}")  # 404 for an unknown candidate
        rows = self.client.list_all(APPLICATIONS, {"ats_candidate_ids[]": [candidate_id]})
        found = [attachment for row in rows if (attachment := mapping.cv_attachment(row)) is not None]
        return AttachmentList(attachments=tuple(found))

    def download_attachment(self, attachment: AttachmentRef) -> DownloadedFile:
        """The CV behind its signed URL (no credentials needed). The URL comes from Factorial's own answer: on the
        API host it goes through the HTTP seam, elsewhere (file storage) through the guarded file fetch."""
        application_id = attachment.application_remote_id or attachment.remote_id.removesuffix(
            mapping.CV_ATTACHMENT_SUFFIX
        )
        raw = self.client.get(f"{APPLICATIONS}/{_path_id(application_id, 'Application')}")
        cv = raw.get("cv") if isinstance(raw.get("cv"), dict) else None
        if (
            cv is None
            or not cv.get("url")
            or mapping.cv_attachment_id(application_id) != attachment.remote_id
            or remote_id(raw.get("ats_candidate_id")) != attachment.candidate_remote_id
        ):
            raise ConnectorNotFound(f"Attachment {attachment.remote_id} does not exist.", status_code=404)
        url = str(cv["url"])
        http = self.context.http
        assert http is not None
        if _same_origin(url, self.context.base_url):
            response = http.request("GET", url, authenticate=False, headers={"Accept": "*/*"})
            content, content_type = response.content, response.headers.get("Content-Type")
        else:
            fetched = fetch_file(url, max_bytes=MAX_DOWNLOAD_BYTES)
            content, content_type = fetched.content, fetched.content_type
        return DownloadedFile(
            content=content,
            content_type=str(cv.get("content_type") or content_type or "") or None,
            file_name=mapping.text(cv.get("filename")),
        )
