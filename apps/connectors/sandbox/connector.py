"""The sandbox ATS: in-process, deterministic demo data, no credentials and no network.

Its state is a `SandboxStore` (an SQLite file); `ConnectorContext.options` says which:
`{"path": <file>, "seed": int, "records": int, "page_size": int}` (seed and records matter only when the
file is created). The store's write methods are the sandbox's side of every write action; the connector
methods of the write path call them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

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
from apps.connectors.dtos import Page, RemoteRecord, RemoteSource
from apps.connectors.errors import (
    ConnectorAuthError,
    ConnectorInputError,
    ConnectorNotFound,
    ConnectorRateLimited,
    ConnectorUnavailable,
)
from apps.connectors.sandbox import mapping
from apps.connectors.sandbox.generator import DEFAULT_RECORDS, DEFAULT_SEED
from apps.connectors.sandbox.store import FaultKind, SandboxStore, decode_key, encode_key, open_store

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
            guide="The sandbox is a demo ATS inside Tributary. It needs no credentials and no network.",
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

    def begin_call(self) -> SandboxStore:
        """Every call counts, honours injected faults and checks the API key (if the sandbox requires one)."""
        self.calls += 1
        store = self.store
        delay = store.read_delay()
        if delay:
            time.sleep(delay)
        fault = store.take_fault()
        if fault is not None:
            if fault.kind == FaultKind.RATE_LIMITED:
                raise ConnectorRateLimited(
                    "The sandbox is rate limiting (injected).", retry_after=fault.retry_after, status_code=429
                )
            if fault.kind == FaultKind.UNAVAILABLE:
                raise ConnectorUnavailable("The sandbox is unavailable (injected).", status_code=503)
            if fault.kind == FaultKind.TIMEOUT:
                raise ConnectorUnavailable("The sandbox timed out (injected).")
            raise ConnectorAuthError("The sandbox rejected the credentials (injected).", status_code=401)
        required = store.meta("api_key")
        if required is not None and self.context.credentials.get("api_key") != required:
            raise ConnectorAuthError("The sandbox rejected the API key.", status_code=401)
        return store

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

    def download_attachment(self, remote_id: str) -> bytes:
        """The bytes of an attachment (the write path serves them behind a signed URL)."""
        content = self.begin_call().blob(remote_id)
        if content is None:
            raise ConnectorNotFound(f"Attachment {remote_id} does not exist.", status_code=404)
        return content

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
