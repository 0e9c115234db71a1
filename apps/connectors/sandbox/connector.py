"""The sandbox ATS: in-process, deterministic demo data, no credentials and no network.

Its state is a `SandboxStore` (an SQLite file); `ConnectorContext.options` says which:
`{"path": <file>, "seed": int, "records": int, "page_size": int}` (seed and records matter only when the
file is created). The store's write methods are the sandbox's side of every write action; the connector
methods of the write path call them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from apps.connectors import steps
from apps.connectors.base import Connector, ConnectorContext
from apps.connectors.catalog import (
    READ_MODEL_FIELDS,
    WRITE_ACTION_FIELDS,
    AuthKind,
    AuthMode,
    CredentialField,
    ReadCoverage,
    ReadModel,
    SourceLevel,
    SourceSetupGuide,
    SourceStrategy,
    WriteAction,
    WriteCoverage,
    fields_with_status,
)
from apps.connectors.dtos import (
    ApplicationRef,
    AttachmentInput,
    AttachmentList,
    AttachmentRef,
    CreateApplicationInput,
    CreateApplicationResult,
    DownloadedFile,
    Page,
    RemoteFieldDefinition,
    RemoteRecord,
    RemoteSource,
    ResultLinkInput,
    TrackedApplication,
    WriteResult,
)
from apps.connectors.errors import (
    ConnectorAuthError,
    ConnectorInputError,
    ConnectorNotFound,
    ConnectorPermissionError,
    ConnectorRateLimited,
    ConnectorUnavailable,
    ConnectorWriteUncertain,
)
from apps.connectors.sandbox import fields, mapping
from apps.connectors.sandbox.generator import DEFAULT_RECORDS, DEFAULT_SEED
from apps.connectors.sandbox.store import (
    FaultKind,
    NewAttachment,
    NewCandidate,
    SandboxStore,
    decode_key,
    encode_key,
    open_store,
)

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 250  # the largest page the unified API itself serves
MAX_PAGE_SIZE = 500

# ReadModel → (store model, mapper). Application stages are the stages of all jobs (Kombo's deprecated list).
_READERS: dict[ReadModel, tuple[str, Callable[[dict[str, Any]], Any]]] = {
    ReadModel.USERS: ("users", mapping.user),
    ReadModel.ROLES: ("roles", mapping.role),
    ReadModel.TAGS: ("tags", mapping.tag),
    ReadModel.REJECTION_REASONS: ("rejection_reasons", mapping.rejection_reason),
    ReadModel.JOBS: ("jobs", mapping.job),
    ReadModel.CANDIDATES: ("candidates", mapping.candidate),
    ReadModel.APPLICATIONS: ("applications", mapping.application),
    ReadModel.OFFERS: ("offers", mapping.offer),
    ReadModel.INTERVIEWS: ("interviews", mapping.interview),
    ReadModel.NOTES: ("notes", mapping.note),
    ReadModel.SCORECARDS: ("scorecards", mapping.scorecard),
    ReadModel.ATTACHMENTS: ("attachments", mapping.attachment),
}


class SandboxConnector(Connector):
    tool = "sandbox"
    label = "Sandbox"
    auth_modes = (
        AuthMode(
            kind=AuthKind.NONE,
            label="No credentials",
            guide=(
                "The sandbox is a demo ATS inside Tributary: it needs no network, and no credentials unless it "
                "was set to require an API key (then choose “API key (optional)” above)."
            ),
        ),
        AuthMode(
            kind=AuthKind.API_KEY,
            label="API key (optional)",
            fields=(
                CredentialField(
                    name="api_key",
                    label="API key",
                    help_text="Only needed when the sandbox was told to require one (tests of the connection flow).",
                ),
            ),
            guide="A sandbox can be set to require an API key, to try what a wrong key looks like.",
        ),
    )
    read_coverage = tuple(
        ReadCoverage(
            model=model,
            fields=fields_with_status(READ_MODEL_FIELDS[model]),
            supports_updated_since=True,
            supports_remote_ids=True,
        )
        for model in ReadModel
    )
    takes_custom_fields = True  # the documents' own `custom_fields` (fields.py: CUSTOM)
    write_coverage = tuple(
        WriteCoverage(action=action, fields=fields_with_status(WRITE_ACTION_FIELDS[action])) for action in WriteAction
    )
    # CREATABLE (not FREE_TEXT, though the store would take any label): the sandbox has a source list its API
    # can add to, so the demo and the browser tests walk through the flow's source step.
    source_strategy = SourceStrategy.CREATABLE
    # The store keeps a source per application; an existing candidate's own source is never changed.
    source_level = SourceLevel.APPLICATION
    source_setup = SourceSetupGuide(
        guide=(
            "The sandbox keeps a list of candidate sources. Tributary can add **{source_name}** to it for you, "
            "or you can pick a source that is already there."
        ),
    )
    reports_deletions = True
    # The sandbox keeps salary expectations per year (so the write path's MONTH → YEAR conversion shows).
    salary_period = "YEAR"
    # import-tracked-application: the sandbox's own key, plus the SDK keys whose id types it can resolve, so the
    # official SDK (its request model has per-tool keys only) can import sandbox applications too.
    tracked_application_keys = {
        "sandbox": ("application_remote_id",),
        "successfactors": ("application_remote_id",),
        "smartrecruiters": ("candidate_remote_id", "job_remote_id"),
    }

    def __init__(self, context: ConnectorContext) -> None:
        super().__init__(context)
        self._store: SandboxStore | None = None
        self.calls = 0

    @property
    def store(self) -> SandboxStore:
        """The sandbox's state; opened (and seeded on first use) lazily."""
        if self._store is None:
            path = self.context.options.get("path")
            if not path:
                raise ConnectorUnavailable("The sandbox connector needs options['path'] (its state file).")
            self._store = open_store(
                path,
                seed=int(self.context.options.get("seed", DEFAULT_SEED)),
                records=int(self.context.options.get("records", DEFAULT_RECORDS)),
            )
        return self._store

    def upstream_calls(self) -> int:
        return self.calls

    def begin_call(self, *, write: bool = False) -> SandboxStore:
        """Every call counts, honours injected faults and checks the API key (if the sandbox requires one)."""
        return self._begin(write=write)[0]

    def _begin(self, *, write: bool) -> tuple[SandboxStore, bool]:
        """The store, and whether this write's answer is to be lost (an injected ANSWER_LOST fault)."""
        self.calls += 1
        store = self.store
        delay = store.read_delay()
        if delay:
            time.sleep(delay)
        fault = store.take_fault()
        lose_answer = False
        if fault is not None:
            if fault.kind == FaultKind.RATE_LIMITED:
                raise ConnectorRateLimited(
                    "The sandbox is rate limiting (injected).",
                    retry_after=fault.retry_after,
                    status_code=429,
                    remote_message="Too many requests.",
                )
            if fault.kind == FaultKind.UNAVAILABLE:
                raise ConnectorUnavailable(
                    "The sandbox is unavailable (injected).", status_code=503, remote_message="Service unavailable."
                )
            if fault.kind == FaultKind.PERMISSION_DENIED:
                raise ConnectorPermissionError(
                    "The sandbox denied the permission (injected).",
                    status_code=403,
                    remote_message="This API key may not do that.",
                )
            if fault.kind == FaultKind.AUTH_FAILURE:
                raise ConnectorAuthError(
                    "The sandbox rejected the credentials (injected).", status_code=401, remote_message="Unauthorized."
                )
            if not write:
                raise ConnectorUnavailable("The sandbox timed out (injected).")
            if fault.kind == FaultKind.TIMEOUT:
                raise ConnectorWriteUncertain("The sandbox did not answer the write in time (injected).")
            lose_answer = True
        required = store.meta("api_key")
        if required is not None and self.context.credentials.get("api_key") != required:
            raise ConnectorAuthError("The sandbox rejected the API key.", status_code=401, remote_message="Bad key.")
        return store, lose_answer

    def _write(self, action: Callable[[SandboxStore], T]) -> T:
        store, lose_answer = self._begin(write=True)
        result = action(store)
        if lose_answer:
            raise ConnectorWriteUncertain("The sandbox carried out the write, but its answer was lost (injected).")
        return result

    def list_fields(self) -> list[RemoteFieldDefinition]:
        """The integration fields (see fields.py)."""
        self.begin_call()
        return fields.list_fields()

    def verify_credentials(self) -> None:
        """Succeeds unless the sandbox requires an API key and was given another one (or a fault is injected)."""
        self.begin_call()

    def read(
        self,
        model: ReadModel,
        *,
        cursor: str | None = None,
        updated_since: datetime | None = None,
        remote_ids: Sequence[str] | None = None,
        parent_remote_ids: Sequence[str] | None = None,
    ) -> Page[RemoteRecord]:
        """One page of `model`: ordered by remote id, or by change time with `updated_since` (then with the
        ids deleted in that window in `deleted_remote_ids`)."""
        store = self.begin_call()
        page_size = min(int(self.context.options.get("page_size", DEFAULT_PAGE_SIZE)), MAX_PAGE_SIZE)
        after = decode_key(cursor) if cursor else None
        if after is not None and len(after) != (2 if updated_since is not None else 1):
            raise ConnectorInputError(f"Invalid cursor {cursor!r} for this listing.")
        if model == ReadModel.APPLICATION_STAGES:
            listing = store.list(
                "jobs", limit=page_size, after=after, updated_since=updated_since,
                remote_ids=None, parent_ids=None,
            )  # fmt: skip
            stages = [stage for doc in listing.docs for stage in mapping.application_stages(doc)]
            if remote_ids is not None:
                wanted = set(remote_ids)
                stages = [stage for stage in stages if stage.remote_id in wanted]
            return Page(items=list(stages), next_cursor=encode_key(listing.last_key) if listing.last_key else None)
        store_model, mapper = _READERS[model]
        listing = store.list(
            store_model,
            limit=page_size,
            after=after,
            updated_since=updated_since,
            remote_ids=list(remote_ids) if remote_ids is not None else None,
            parent_ids=list(parent_remote_ids) if parent_remote_ids is not None else None,
        )
        return Page(
            items=[mapper(doc) for doc in listing.docs],
            next_cursor=encode_key(listing.last_key) if listing.last_key else None,
            deleted_remote_ids=listing.deleted_ids,
        )

    def describe(self) -> dict[str, Any]:
        """Counts per model (admin and `manage.py sandbox` output)."""
        store = self.store
        return {model: store.count(model) for model, _ in _READERS.values()}

    # -- sources ---------------------------------------------------------------------------------------

    @staticmethod
    def _source(item: dict[str, str]) -> RemoteSource:
        return RemoteSource(remote_id=item["id"], label=item["label"], remote_data=dict(item))

    def list_sources(self) -> list[RemoteSource]:
        """The sandbox's source list (LinkedIn, Indeed, … plus what was created)."""
        return [self._source(item) for item in self.begin_call().sources()]

    def create_source(self, name: str) -> RemoteSource:
        """Add `name` to the source list (returns the existing one when the label is taken)."""
        return self._source(self.begin_call().add_source(name))

    def _labelled(self, store: SandboxStore, label: str | None) -> RemoteSource | None:
        if not label:
            return None
        known = next((item for item in store.sources() if item["label"] == label), None)
        return self._source(known) if known else RemoteSource(remote_id=label, label=label)

    def read_application_source(
        self, *, application_remote_id: str, candidate_remote_id: str | None = None
    ) -> RemoteSource | None:
        """The source label stored on the application (the sandbox copies the candidate's)."""
        store = self.begin_call()
        doc = store.get("applications", application_remote_id)
        if doc is None:
            raise ConnectorNotFound(f"Application {application_remote_id} does not exist.", status_code=404)
        return self._labelled(store, doc.get("source"))

    def read_candidate_source(self, candidate_remote_id: str) -> RemoteSource | None:
        store = self.begin_call()
        doc = store.get("candidates", candidate_remote_id)
        if doc is None:
            raise ConnectorNotFound(f"Candidate {candidate_remote_id} does not exist.", status_code=404)
        return self._labelled(store, doc.get("source"))

    # -- writes ----------------------------------------------------------------------------------------------

    def create_application(self, application: CreateApplicationInput) -> CreateApplicationResult:
        """Apply through the store: an existing candidate (same email) is reused and keeps its own source."""
        candidate = application.candidate
        location = candidate.location
        source = application.source.name if application.source is not None else None
        if source is None and application.requested_source is not None:
            source = application.requested_source.name
        new_candidate = NewCandidate(
            first_name=candidate.first_name,
            last_name=candidate.last_name,
            email_address=candidate.email_address,
            company=candidate.company,
            title=candidate.title,
            phone_number=candidate.phone_number,
            additional_email_addresses=tuple(
                (entry.type or "OTHER", entry.email_address) for entry in candidate.additional_email_addresses
            ),
            additional_phone_numbers=tuple(
                (entry.type or "OTHER", entry.phone_number) for entry in candidate.additional_phone_numbers
            ),
            # The sandbox keeps ISO 3166-1 alpha-2 codes as they are: its "transform" is the identity.
            location=(
                {"city": location.city, "country": location.country, "state": location.state,
                 "street_1": location.street_1, "zip_code": location.zip_code}
                if location is not None else None
            ),
            gender=candidate.gender,
            availability_date=candidate.availability_date,
            salary_expectation=(
                (candidate.salary_expectation.period, candidate.salary_expectation.amount)
                if candidate.salary_expectation is not None else None
            ),
            social_links=candidate.social_links,
        )  # fmt: skip
        answers: dict[str, Any] = {}
        for answer in application.screening_answers:
            value = answer.value
            if isinstance(value, AttachmentInput):
                value = _new_attachment(value)
            elif isinstance(value, tuple):
                value = list(value)
            answers[answer.question_remote_id] = value
        consent = application.gdpr_consent
        created = self._write(
            lambda store: store.create_application(
                job_id=application.job_remote_id,
                candidate=new_candidate,
                stage_id=application.stage_remote_id,
                source=source,
                screening_answers=answers,
                attachments=[_new_attachment(attachment) for attachment in application.attachments],
                sourced_by_user_id=application.sourced_by_user_remote_id,
                gdpr_consent=(
                    {"given": consent.given, "expires_at": _iso(consent.expires_at)} if consent is not None else None
                ),
                remote_fields=application.remote_fields,
                custom_fields=_custom_fields(application),
            )
        )
        result = CreateApplicationResult(
            application=mapping.application(created.application),
            candidate=mapping.candidate(created.candidate),
            candidate_existed=not created.candidate_created,
        )
        steps.record_application(
            application_remote_id=result.application.remote_id,
            candidate_remote_id=result.candidate.remote_id,
            candidate_existed=result.candidate_existed,
        )
        return result

    def find_application(self, *, job_remote_id: str, email_address: str) -> TrackedApplication | None:
        found = self.begin_call().find_application(job_id=job_remote_id, email=email_address)
        if found is None:
            return None
        return TrackedApplication(application=mapping.application(found[0]), candidate=mapping.candidate(found[1]))

    def find_tracked_application(self, *, key: str, ids: Mapping[str, str]) -> TrackedApplication:
        """`sandbox` / `successfactors`: `application_remote_id`; `smartrecruiters`: candidate × job."""
        if key not in self.tracked_application_keys:
            raise ConnectorInputError(
                f"The sandbox imports by {', '.join(self.tracked_application_keys)}, not {key!r}."
            )
        store = self.begin_call()
        if key == "smartrecruiters":
            found = store.find_application(job_id=ids["job_remote_id"], candidate_id=ids["candidate_remote_id"])
            if found is None:
                raise ConnectorNotFound(
                    f"Candidate {ids['candidate_remote_id']} has no application to job {ids['job_remote_id']}.",
                    status_code=404,
                    remote_message="Application not found.",
                )
            doc, candidate = found
        else:
            doc = store.get("applications", ids["application_remote_id"])
            candidate = store.get("candidates", doc["candidate_id"]) if doc is not None else None
            if doc is None or candidate is None:
                raise ConnectorNotFound(
                    f"Application {ids['application_remote_id']} does not exist.",
                    status_code=404,
                    remote_message="Application not found.",
                )
        return TrackedApplication(application=mapping.application(doc), candidate=mapping.candidate(candidate))

    def move_application_stage(
        self, application: ApplicationRef, *, stage_remote_id: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        doc = self._write(
            lambda store: store.move_application_stage(application_id=application.remote_id, stage_id=stage_remote_id)
        )
        return WriteResult(application=mapping.application(doc))

    def reject_application(
        self,
        application: ApplicationRef,
        *,
        rejection_reason_remote_id: str,
        note: str | None,
        remote_fields: Mapping[str, Any],
    ) -> WriteResult:
        doc = self._write(
            lambda store: store.reject_application(
                application_id=application.remote_id, rejection_reason_id=rejection_reason_remote_id, note=note
            )
        )
        return WriteResult(application=mapping.application(doc))

    def add_application_note(
        self, application: ApplicationRef, *, content: str, content_type: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        self._write(
            lambda store: store.add_application_note(
                application_id=application.remote_id, content=content, content_type=content_type
            )
        )
        return WriteResult()

    def add_application_attachment(
        self, application: ApplicationRef, *, attachment: AttachmentInput, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        self._write(
            lambda store: store.add_attachment(
                attachment=_new_attachment(attachment), application_id=application.remote_id
            )
        )
        return WriteResult()

    def add_candidate_attachment(
        self, candidate_remote_id: str, *, attachment: AttachmentInput, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        self._write(
            lambda store: store.add_attachment(attachment=_new_attachment(attachment), candidate_id=candidate_remote_id)
        )
        return WriteResult()

    def add_application_result_link(
        self, application: ApplicationRef, *, link: ResultLinkInput, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        self._write(
            lambda store: store.add_result_link(
                label=link.label, url=link.url, details=_link_details(link), application_id=application.remote_id
            )
        )
        return WriteResult()

    def add_candidate_result_link(
        self, candidate_remote_id: str, *, link: ResultLinkInput, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        self._write(
            lambda store: store.add_result_link(
                label=link.label, url=link.url, details=_link_details(link), candidate_id=candidate_remote_id
            )
        )
        return WriteResult()

    def add_candidate_tag(
        self, candidate_remote_id: str, *, name: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        doc = self._write(lambda store: store.add_candidate_tag(candidate_id=candidate_remote_id, name=name))
        return WriteResult(candidate=mapping.candidate(doc))

    def remove_candidate_tag(
        self, candidate_remote_id: str, *, name: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        doc = self._write(lambda store: store.remove_candidate_tag(candidate_id=candidate_remote_id, name=name))
        return WriteResult(candidate=mapping.candidate(doc))

    def list_application_attachments(self, application: ApplicationRef) -> AttachmentList:
        store = self.begin_call()
        if store.get("applications", application.remote_id) is None:
            raise ConnectorNotFound(f"Application {application.remote_id} does not exist.", status_code=404)
        docs = store.attachments(application_id=application.remote_id)
        return AttachmentList(attachments=tuple(mapping.attachment(doc) for doc in docs))

    def list_candidate_attachments(self, candidate_remote_id: str) -> AttachmentList:
        store = self.begin_call()
        if store.get("candidates", candidate_remote_id) is None:
            raise ConnectorNotFound(f"Candidate {candidate_remote_id} does not exist.", status_code=404)
        docs = store.attachments(candidate_id=candidate_remote_id)
        return AttachmentList(attachments=tuple(mapping.attachment(doc) for doc in docs))

    def download_attachment(self, attachment: AttachmentRef) -> DownloadedFile:
        """The bytes of an attachment (the write path serves them behind a signed URL)."""
        store = self.begin_call()
        doc = store.get("attachments", attachment.remote_id)
        content = store.blob(attachment.remote_id)
        if doc is None or content is None or doc["candidate_id"] != attachment.candidate_remote_id:
            raise ConnectorNotFound(f"Attachment {attachment.remote_id} does not exist.", status_code=404)
        return DownloadedFile(content=content, content_type=doc.get("content_type"), file_name=doc.get("file_name"))


def _new_attachment(attachment: AttachmentInput) -> NewAttachment:
    return NewAttachment(
        name=attachment.name, type=attachment.type, content_type=attachment.content_type, data=attachment.data
    )


def _link_details(link: ResultLinkInput) -> dict[str, Any]:
    if link.custom_field_name_prefix is None and not link.attributes:
        return {}
    return {
        "custom_field_name_prefix": link.custom_field_name_prefix,
        "attributes": [{"key": key, "value": value} for key, value in link.attributes],
    }


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _custom_fields(application: CreateApplicationInput) -> dict[str, dict[str, Any]]:
    """The values for the documents' own `custom_fields`, per document (`candidates`, `applications`)."""
    found: dict[str, dict[str, Any]] = {"candidates": {}, "applications": {}}
    for item in application.custom_fields:
        found["candidates" if item.model == "ats_candidates" else "applications"][item.key] = item.value
    return found
