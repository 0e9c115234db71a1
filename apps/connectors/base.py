"""The connector interface: catalog metadata as class attributes, a small set of methods.

A connector is pure Python. It gets everything it needs in a `ConnectorContext` (base URL, decrypted
credentials, the shared HTTP seam, a callback to persist refreshed tokens) and returns DTOs. The sync
algorithm, storage and attribution bookkeeping live in the apps, once, for every connector.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from apps.connectors.catalog import (
    AuthKind,
    AuthMode,
    CoverageStatus,
    RateBudget,
    ReadCoverage,
    ReadModel,
    ScopeTest,
    SourceLevel,
    SourceSetupGuide,
    SourceStrategy,
    WriteAction,
    WriteCoverage,
)
from apps.connectors.dtos import (
    ApplicationRef,
    AttachmentInput,
    AttachmentList,
    AttachmentRef,
    CreateApplicationInput,
    CreateApplicationResult,
    CustomFieldValue,
    DownloadedFile,
    OAuthClient,
    Page,
    PassthroughRequest,
    PassthroughResponse,
    RemoteFieldDefinition,
    RemoteRecord,
    RemoteSource,
    ResultLinkInput,
    TrackedApplication,
    WriteResult,
)
from apps.connectors.errors import ConnectorUnsupported
from apps.connectors.passthrough import send as passthrough_send
from apps.connectors.webhooks import InboundWebhook, WebhookEvent, WebhookSetup, WebhookSubscription

if TYPE_CHECKING:
    from apps.connectors.http import HttpClient


def _ignore_credentials(credentials: dict[str, str]) -> None:
    return None


Credentials = dict[str, str]
# Given the credentials a connector holds and a function that renews them (one token request), returns the
# credentials to use from now on.
CredentialsRenewal = Callable[[Mapping[str, str], Callable[[Credentials], Credentials]], Credentials]


@dataclass(frozen=True)
class ConnectorContext:
    integration_key: str  # our integration id: keys the shared rate limiter and log lines
    base_url: str
    credentials: Mapping[str, str] = field(default_factory=dict)
    auth_kind: AuthKind = AuthKind.NONE
    http: HttpClient | None = None  # None only for in-process connectors (the sandbox)
    # Persists credentials the connector changed (refreshed OAuth tokens); connectors hold no ORM access.
    save_credentials: Callable[[dict[str, str]], None] = _ignore_credentials
    # Renews under a lock shared by every process (see `connector_for`), so a single-use refresh token is spent
    # once; None renews and saves unguarded (connection-flow checks, tests).
    credentials_renewal: CredentialsRenewal | None = None
    options: Mapping[str, Any] = field(default_factory=dict)

    def renew_credentials(self, held: Mapping[str, str], renew: Callable[[Credentials], Credentials]) -> Credentials:
        """Renewed credentials (OAuth tokens), persisted; possibly the ones another process renewed meanwhile."""
        if self.credentials_renewal is not None:
            renewed = self.credentials_renewal(held, renew)
        else:
            renewed = renew(dict(held))
            self.save_credentials(dict(renewed))
        if self.http is not None:
            # The new values are as secret as the ones the client was built with: keep them out of the request log.
            self.http.add_secrets(str(value) for value in renewed.values())
        return renewed


class Connector(abc.ABC):
    """Adapter between one ATS API and our DTOs."""

    tool: ClassVar[str]
    label: ClassVar[str]
    category: ClassVar[str] = "ATS"
    beta: ClassVar[bool] = False
    default_base_url: ClassVar[str] = ""
    connection_guide_url: ClassVar[str | None] = None
    auth_modes: ClassVar[tuple[AuthMode, ...]] = ()
    rate_budget: ClassVar[RateBudget | None] = None
    scope_tests: ClassVar[tuple[ScopeTest, ...]] = ()
    read_coverage: ClassVar[tuple[ReadCoverage, ...]] = ()
    write_coverage: ClassVar[tuple[WriteCoverage, ...]] = ()
    # Whether `create_application` writes `CreateApplicationInput.custom_fields` (values for the ATS's own fields,
    # Tributary's `custom_fields` extension of the create bodies). False: such values are dropped with a warning.
    takes_custom_fields: ClassVar[bool] = False
    source_strategy: ClassVar[SourceStrategy] = SourceStrategy.UNSUPPORTED
    source_level: ClassVar[SourceLevel] = SourceLevel.APPLICATION
    source_setup: ClassVar[SourceSetupGuide | None] = None  # the flow's source step (MUST_EXIST / CREATABLE)
    # The `{api}` of `POST /passthrough/{tool}/{api}` this tool offers, e.g. ("default",); none by default. A tool
    # that lists any implements `passthrough_base_url` and `passthrough_headers` (see "passthrough" below).
    passthrough_apis: ClassVar[tuple[str, ...]] = ()
    # Whether delta reads (`updated_since`) report deleted records in `Page.deleted_remote_ids`. When False,
    # vanished records are only found by a FULL sync (what it did not see is gone).
    reports_deletions: ClassVar[bool] = False
    # The period the ATS takes salary expectations in ("MONTH" / "YEAR"); the write path converts (×12, ÷12)
    # before calling the connector. None: passed on as the request gave it.
    salary_period: ClassVar[str | None] = None
    # import-tracked-application (contract §5.5): the request body keys this connector reads, each with the id
    # fields it requires, e.g. {"smartrecruiters": ("candidate_remote_id", "job_remote_id")}. The write path
    # checks that exactly one of these keys is present with non-empty string ids and passes it on.
    tracked_application_keys: ClassVar[Mapping[str, tuple[str, ...]]] = {}
    # What the connector and its emulator assume where the vendor reference says NOT FOUND, one sentence each
    # (each also marked "assumed" in a comment at its place in the code). The connector page lists them; every
    # vendor connector has some (a contract test checks), the sandbox none.
    assumptions: ClassVar[tuple[str, ...]] = ()
    # What the vendor's documented API does differently for a write action (facts, not assumptions), one
    # Markdown sentence each; the connector page shows them under the action.
    write_notes: ClassVar[Mapping[str, tuple[str, ...]]] = {}
    read_notes: ClassVar[Mapping[str, tuple[str, ...]]] = {}  # the same for a read model
    # Documented vendor behaviour the connector page should explain (Markdown, one point each), e.g. how the
    # source appears in the vendor's interface or which inputs the vendor cannot take.
    page_notes: ClassVar[tuple[str, ...]] = ()
    # Inbound webhooks (apps.connectors.webhooks): how they are set up, and the vendor's event names we subscribe to.
    webhook_setup: ClassVar[WebhookSetup] = WebhookSetup.NONE
    webhook_events: ClassVar[tuple[str, ...]] = ()
    # MANUAL tools: the vendor's steps to paste the URL and secret (Markdown), shown with them on the connection
    # flow's done page and the admin integration page.
    webhook_setup_guide: ClassVar[str | None] = None
    # MANUAL tools whose vendor generates the signing key (Teamtailor) rather than taking ours (Greenhouse): the
    # flow's done page and the admin take the key the end user copies from the vendor, stored encrypted.
    webhook_vendor_secret: ClassVar[bool] = False

    def __init__(self, context: ConnectorContext) -> None:
        self.context = context

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Refuse a method or property named like a catalog attribute (`category`, `label`, `beta`, ...): it would
        silently replace the class attribute the catalog, the connector pages and the API read, and they would
        answer with a bound method (a 500) instead of the value."""
        super().__init_subclass__(**kwargs)
        catalog = _catalog_attributes()
        for klass in cls.__mro__:
            if klass in Connector.__mro__:
                continue  # Connector's own declarations (and abc.ABC, object)
            for name, value in vars(klass).items():
                if name in catalog and (callable(value) or isinstance(value, property | classmethod | staticmethod)):
                    raise TypeError(
                        f"{cls.__qualname__}.{name} is a {type(value).__name__}, but {name!r} is a catalog attribute"
                        f" of Connector (a class attribute read as a value); rename the method."
                    )

    # -- catalog helpers ---------------------------------------------------------------------------

    @classmethod
    def coverage_for(cls, model: ReadModel) -> ReadCoverage | None:
        return next((entry for entry in cls.read_coverage if entry.model == model), None)

    @classmethod
    def covers(cls, model: ReadModel) -> bool:
        return cls.coverage_for(model) is not None

    @classmethod
    def write_coverage_for(cls, action: WriteAction) -> WriteCoverage | None:
        return next((entry for entry in cls.write_coverage if entry.action == action), None)

    @classmethod
    def can(cls, action: WriteAction) -> bool:
        return cls.write_coverage_for(action) is not None

    @classmethod
    def field_status(cls, action: WriteAction, field_name: str) -> CoverageStatus:
        entry = cls.write_coverage_for(action)
        if entry is None:
            return CoverageStatus.UNSUPPORTED
        return entry.fields.get(field_name, CoverageStatus.UNSUPPORTED)

    @classmethod
    def auth_mode(cls, kind: AuthKind) -> AuthMode | None:
        return next((mode for mode in cls.auth_modes if mode.kind == kind), None)

    # -- behaviour ---------------------------------------------------------------------------------

    def upstream_calls(self) -> int:
        """How many calls this instance made to the ATS so far (benchmarks and sync statistics)."""
        return self.context.http.calls if self.context.http is not None else 0

    def sync_token(self, model: ReadModel) -> str | None:
        """The vendor's incremental-sync token for `model` after a complete read (e.g. Ashby's `syncToken`), which
        the sync engine stores per model and hands back in `context.options["sync_tokens"]` (model → token) to
        the next run's connector. None (the default) for vendors without such tokens."""
        return None

    @abc.abstractmethod
    def verify_credentials(self) -> None:
        """One cheap authenticated call. Raises ConnectorError; returns None when the credentials work."""

    def run_scope_test(self, test_id: str) -> None:
        """Prove one permission from `scope_tests` with one cheap call. Raises ConnectorError when missing."""
        raise ConnectorUnsupported(f"{self.tool} has no scope test {test_id!r}")

    @abc.abstractmethod
    def read(
        self,
        model: ReadModel,
        *,
        cursor: str | None = None,
        updated_since: datetime | None = None,
        remote_ids: Sequence[str] | None = None,
        parent_remote_ids: Sequence[str] | None = None,
    ) -> Page[RemoteRecord]:
        """Read one page of `model`.

        `cursor` is the previous page's `next_cursor` (None = first page). `updated_since` limits to records
        changed since then (when the coverage says `supports_updated_since`). `remote_ids` asks for exactly
        those records (coverage `supports_remote_ids`); records that no longer exist are simply absent.
        `parent_remote_ids` restricts application- or candidate-scoped models to those parents (coverage
        `scope`); scoped models require it.
        """

    def read_aspect(
        self, model: ReadModel, *, remote_ids: Sequence[str], aspect: str, stored: Mapping[str, Mapping[str, Any]]
    ) -> Page[RemoteRecord]:
        """Read only the `aspect` of these records that a webhook event named (`WebhookTarget.aspect`), taking the
        rest of each from `stored` (remote id → the `remote_data` we hold) so that the record returned is whole and
        loses nothing it had. A record without a usable stored copy is read whole. The default reads whole."""
        return self.read(model, remote_ids=remote_ids)

    def list_fields(self) -> list[RemoteFieldDefinition]:
        """Every field the ATS exposes on jobs, candidates and applications, live: the vendor's standard payload
        fields as DEFAULT and the customer's own fields (from the ATS's field/metadata endpoints) as CUSTOM.
        Default: none (the tool lists no fields)."""
        return []

    # -- OAuth2 authorization code (the connection flow's redirect and callback) --------------------------

    def oauth_authorize_url(self, *, client: OAuthClient, redirect_uri: str, state: str, scopes: Sequence[str]) -> str:
        """The ATS page where the end user approves access; it redirects to `redirect_uri?code=…&state=…`.

        No network call. `scopes` are the `AuthMode.oauth_scopes` of the OAuth mode.
        """
        raise ConnectorUnsupported(f"{self.tool} has no OAuth authorization-code flow")

    def oauth_exchange_code(self, *, client: OAuthClient, code: str, redirect_uri: str) -> dict[str, str]:
        """Exchange an authorization code for tokens; returns the credentials to store (access/refresh token,
        expiry). Raises ConnectorAuthError when the ATS refuses the code."""
        raise ConnectorUnsupported(f"{self.tool} has no OAuth authorization-code flow")

    # -- sources (automatic attribution) -------------------------------------------------------------------

    def list_sources(self) -> list[RemoteSource]:
        """Every candidate source the ATS offers for writing, live (all pages)."""
        raise ConnectorUnsupported(f"{self.tool} cannot list candidate sources")

    def find_source(self, name: str) -> RemoteSource | None:
        """The source whose label is exactly `name` (and of the type `source_setup` asks for), or None."""
        return next((source for source in self.list_sources() if source.label == name), None)

    def get_source(self, remote_id: str) -> RemoteSource | None:
        """The source with this remote id, or None when it no longer exists."""
        return next((source for source in self.list_sources() if source.remote_id == remote_id), None)

    def select_source(self, remote_id: str) -> RemoteSource | None:
        """The source with this id, checked live, for the flow or the admin to use (picked from `list_sources`,
        or pasted where `source_setup.remote_id_label` asks for an id). None when it does not exist; tools whose
        ATS explains the refusal raise ConnectorNotFound / ConnectorInputError with its message instead."""
        return self.get_source(remote_id)

    def source_type_problem(self, source: RemoteSource) -> str | None:
        """Why `source` (which exists) cannot be used: it has another type than `source_setup` asks for. None: fine.

        Tools whose sources have no types (the default) accept any."""
        return None

    def default_source(self) -> RemoteSource | None:
        """The source the ATS itself puts on what these credentials create when no source is sent (Ashby's API-key
        default source), or None. Only reported in the flow's source step, never relied on; raises ConnectorError
        when it cannot be read."""
        return None

    def create_source(self, name: str) -> RemoteSource:
        """Create a source called `name` (CREATABLE tools only) and return it."""
        raise ConnectorUnsupported(f"{self.tool} cannot create candidate sources through its API")

    def read_application_source(
        self, *, application_remote_id: str, candidate_remote_id: str | None = None
    ) -> RemoteSource | None:
        """The source the ATS shows on this application now (read back after a create), None when it has none.

        Tools that only return a label resolve it against `list_sources()`; a label that matches no source there
        comes back with `remote_id` equal to the label.
        """
        raise ConnectorUnsupported(f"{self.tool} cannot read an application's source")

    def read_candidate_source(self, candidate_remote_id: str) -> RemoteSource | None:
        """The source the ATS shows on this candidate now, None when it has none."""
        raise ConnectorUnsupported(f"{self.tool} cannot read a candidate's source")

    # -- writes ----------------------------------------------------------------------------------------------
    #
    # The write path (apps.applications.writes) calls these after validating the request against the contract,
    # checking `write_coverage` (a missing action answers INTEGRATION.ACTION_NOT_AVAILABLE without a call) and
    # removing fields the coverage marks as not SUPPORTED. Connectors map the DTOs to their ATS and raise typed
    # errors; the write path turns them into the contract's codes:
    #   ConnectorUnsupported → INTEGRATION.ACTION_NOT_AVAILABLE    ConnectorJobClosed → ATS.JOB_CLOSED
    #   ConnectorApplicationExists → ATS.APPLICATION_ALREADY_EXISTS
    #   ConnectorAuthError → INTEGRATION.AUTHENTICATION_INVALID (integration marked INVALID)
    #   ConnectorPermissionError → INTEGRATION.PERMISSION_MISSING
    #   ConnectorInputError / ConnectorNotFound → REMOTE.INPUT_INVALID
    #   ConnectorRateLimited → REMOTE.RATE_LIMIT_EXCEEDED    ConnectorUnavailable → REMOTE.SERVICE_UNAVAILABLE
    #   ConnectorWriteUncertain / any other ConnectorError → REMOTE.UNKNOWN_HTTP_ERROR
    # Put the ATS's own error text in `remote_message`: API callers see it. A write that may have reached the ATS
    # without an answer must raise ConnectorWriteUncertain (the HTTP seam does so for timeouts), never be re-sent.
    # Whatever a connector cannot write is reported in the result's `warnings`, never dropped silently.

    def create_application(self, application: CreateApplicationInput) -> CreateApplicationResult:
        """Create an application of `application.candidate` to the job `application.job_remote_id`.

        Reuse an existing candidate where the ATS matches one (same email): then `candidate_existed=True` and
        that candidate's source is not touched. Apply `application.source` (automatic attribution) to a new
        candidate and to the application, as the ATS keeps it; `requested_source` only when `source` is None.
        Write the attachments (the `resume` as the ATS's resume/CV where it has one), the screening answers,
        `sourced_by_user_remote_id`, `gdpr_consent` and `remote_fields` where the ATS takes them.
        Raises ConnectorJobClosed when the job takes no applications, ConnectorApplicationExists when this
        candidate already applied to the job, ConnectorNotFound when the job does not exist.
        Returns the created application and candidate as read from the ATS (one extra read is fine).
        """
        raise ConnectorUnsupported(f"{self.tool} cannot create applications")

    def create_candidate(self, application: CreateApplicationInput) -> CreateApplicationResult:
        """The legacy POST /ats/candidates: a candidate together with an application to one job.

        Same input, semantics and result as `create_application` (the default calls it); override only where the
        ATS has a distinct "candidate" creation.
        """
        return self.create_application(application)

    def find_application(self, *, job_remote_id: str, email_address: str) -> TrackedApplication | None:
        """The application of the candidate with this email (case-insensitive) to this job, or None.

        Used to reconcile a create whose answer never came (ConnectorWriteUncertain) before anything is re-sent.
        Must not write anything.
        """
        raise ConnectorUnsupported(f"{self.tool} cannot look applications up by job and email")

    def finish_found_create(self, found: TrackedApplication, application: CreateApplicationInput) -> TrackedApplication:
        """A create whose answer was lost, found afterwards with `find_application` (the write path's reconcile):
        do what the create does once the ATS has made the application, e.g. a source set in a second call, and
        return the application as it is now. Default: nothing to do."""
        return found

    def find_tracked_application(self, *, key: str, ids: Mapping[str, str]) -> TrackedApplication:
        """Resolve the ids of import-tracked-application (contract §5.5) to the application and its candidate.

        `key` is one of `tracked_application_keys` and `ids` its object from the request body (the required id
        fields are present, non-empty strings; extra keys such as `id_type` may be there). Raises
        ConnectorNotFound when the ATS has no such application. Must not write anything.
        """
        raise ConnectorUnsupported(f"{self.tool} cannot import tracked applications")

    def write_custom_fields(self, application: ApplicationRef, values: Sequence[CustomFieldValue]) -> None:
        """Write a create's `custom_fields` values to the application (a connector with `takes_custom_fields` that
        writes them in a step of their own, `steps.CUSTOM_FIELDS`): the write path calls it to finish that step
        after an interruption. Writing the same values twice must change nothing."""
        raise ConnectorUnsupported(f"{self.tool} cannot write custom field values on their own")

    def move_application_stage(
        self, application: ApplicationRef, *, stage_remote_id: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        """Move the application to the stage (one of its job's stages). Raises ConnectorInputError when the ATS
        refuses the move (e.g. a rejected application)."""
        raise ConnectorUnsupported(f"{self.tool} cannot move applications between stages")

    def reject_application(
        self,
        application: ApplicationRef,
        *,
        rejection_reason_remote_id: str,
        note: str | None,
        remote_fields: Mapping[str, Any],
    ) -> WriteResult:
        """Reject the application with the reason; `note` (plain text) goes along as a note where the ATS has
        one (else a warning)."""
        raise ConnectorUnsupported(f"{self.tool} cannot reject applications")

    def add_application_note(
        self, application: ApplicationRef, *, content: str, content_type: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        """Add a note to the application. `content_type` is "PLAIN_TEXT" (the only one the contract has)."""
        raise ConnectorUnsupported(f"{self.tool} cannot add notes")

    def add_application_attachment(
        self, application: ApplicationRef, *, attachment: AttachmentInput, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        """Attach a file to the application (a CV as the application's resume where the ATS has one)."""
        raise ConnectorUnsupported(f"{self.tool} cannot add attachments to applications")

    def add_candidate_attachment(
        self, candidate_remote_id: str, *, attachment: AttachmentInput, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        """Attach a file to the candidate (not to one of its applications)."""
        raise ConnectorUnsupported(f"{self.tool} cannot add attachments to candidates")

    def add_application_result_link(
        self, application: ApplicationRef, *, link: ResultLinkInput, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        """Put a link to a result on the application (a custom field, a note, an attachment: as the ATS allows;
        say which in a warning when it is not a first-class link)."""
        raise ConnectorUnsupported(f"{self.tool} cannot add result links to applications")

    def add_candidate_result_link(
        self, candidate_remote_id: str, *, link: ResultLinkInput, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        """Put a link to a result on the candidate."""
        raise ConnectorUnsupported(f"{self.tool} cannot add result links to candidates")

    def add_candidate_tag(
        self, candidate_remote_id: str, *, name: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        """Tag the candidate with the tag called `name`, creating the tag where the ATS needs that. Tagging
        with a tag the candidate already has is not an error."""
        raise ConnectorUnsupported(f"{self.tool} cannot tag candidates")

    def remove_candidate_tag(
        self, candidate_remote_id: str, *, name: str, remote_fields: Mapping[str, Any]
    ) -> WriteResult:
        """Remove the tag called `name` (case-insensitive) from the candidate. A tag the candidate does not have
        is not an error."""
        raise ConnectorUnsupported(f"{self.tool} cannot remove tags from candidates")

    def list_application_attachments(self, application: ApplicationRef) -> AttachmentList:
        """The application's attachments, live from the ATS (all of them: no paging for the caller)."""
        raise ConnectorUnsupported(f"{self.tool} cannot list an application's attachments")

    def list_candidate_attachments(self, candidate_remote_id: str) -> AttachmentList:
        """The candidate's attachments (those of its applications included), live from the ATS."""
        raise ConnectorUnsupported(f"{self.tool} cannot list a candidate's attachments")

    def download_attachment(self, attachment: AttachmentRef) -> DownloadedFile:
        """The bytes of one attachment (listed before by `list_*_attachments`). Raises ConnectorNotFound when
        it is gone."""
        raise ConnectorUnsupported(f"{self.tool} cannot download attachments")

    # -- passthrough (POST /passthrough/{tool}/{api}) ---------------------------------------------------------
    #
    # A caller's own request to the ATS API. `passthrough` is the same for every tool (apps.connectors.passthrough:
    # the URL stays under the base on the ATS host, the caller cannot override our auth, the HTTP seam's limiter
    # and timeouts apply, any answered status comes back). A tool that offers it lists `passthrough_apis` and says
    # where each API lives and how requests authenticate; by default a tool offers none.

    def passthrough_base_url(self, api: str) -> str:
        """The base URL of the passthrough API `api` (one of `passthrough_apis`) on the integration's ATS host;
        callers' paths are relative to it."""
        raise ConnectorUnsupported(f"{self.label} offers no passthrough API.")

    def passthrough_headers(self) -> dict[str, str]:
        """The headers that authenticate a passthrough request, an expiring token renewed first."""
        raise ConnectorUnsupported(f"{self.label} offers no passthrough API.")

    def passthrough_reauthenticate(self) -> bool:
        """After the ATS answered 401: renew the credentials where that can help (an OAuth token it considers
        expired). True when the request should be sent once more with fresh `passthrough_headers()`."""
        return False

    def passthrough(self, api: str, request: PassthroughRequest) -> PassthroughResponse:
        """Send the caller's `request` to the passthrough API `api`; the ATS's answer comes back whatever its status.

        Raises ConnectorUnsupported (no such API), PassthroughPathError (the path leaves the base),
        ConnectorAuthError (no usable credentials: a refresh was refused), and the HTTP seam's transport errors
        (ConnectorUnavailable; ConnectorWriteUncertain for a write that got no answer — never re-sent).
        """
        if api not in self.passthrough_apis or self.context.http is None:
            available = ", ".join(self.passthrough_apis)
            detail = f"only: {available}" if available else "none"
            raise ConnectorUnsupported(f"{self.label} has no passthrough API {api!r} ({detail}).")
        return passthrough_send(
            self.context.http,
            base_url=self.passthrough_base_url(api),
            request=request,
            auth_headers=self.passthrough_headers,
            reauthenticate=self.passthrough_reauthenticate,
        )

    # -- inbound webhooks (apps.connectors.webhooks) ----------------------------------------------------------------
    #
    # A tool with `webhook_setup` API implements subscribe/unsubscribe; MANUAL and API tools implement
    # `parse_webhook`. The platform owns the URL, our secret, replay protection, the task and the targeted delta.

    def subscribe_webhooks(self, *, url: str, secret: str) -> WebhookSubscription:
        """Register `url` for `webhook_events` with the vendor's registration API (idempotent: an existing
        subscription to the same URL is reused). `secret` is ours, for vendors that take one."""
        raise ConnectorUnsupported(f"{self.label} cannot subscribe to webhooks through its API.")

    def unsubscribe_webhooks(self, subscription: WebhookSubscription) -> None:
        """Remove what `subscribe_webhooks` registered; a subscription the vendor no longer has is not an error."""
        raise ConnectorUnsupported(f"{self.label} cannot unsubscribe webhooks through its API.")

    def parse_webhook(self, webhook: InboundWebhook, *, secret: str) -> WebhookEvent:
        """Verify `webhook` exactly as the vendor documents (signature over the raw body, timestamp freshness)
        with `secret`, and name the records it concerns. Raises WebhookRejected when it is not authentic.
        No network calls: the platform acknowledges before any record is read."""
        raise ConnectorUnsupported(f"{self.label} sends no webhooks Tributary understands.")


def _catalog_attributes() -> frozenset[str]:
    """The names `Connector` declares as class attributes (its `ClassVar` annotations): the catalog."""
    return frozenset(name for name, annotation in Connector.__annotations__.items() if "ClassVar" in str(annotation))
