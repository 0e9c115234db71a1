"""The Factorial connector: catalog (auth, coverage, scope tests, source strategy), page readers, source operations.

Delta sync. Factorial's ATS lists have no `updated_after` filter (only `ids[]` and relational filters) and list by
id ascending (reference B3, B7), so every delta is a cursor scan:
- candidates carry `updated_at`: a delta keeps only the candidates changed since (compared here, after the scan);
- employees take `updated_at_gteq` (day granularity is all the docs promise; the exact instant is compared here);
- rejection reasons carry `updated_at` and are filtered the same way;
- applications carry only `created_at`: a phase move or a rejection leaves no timestamp, so applications are read
  in full every time. The default tracked-only sync reads them by id (`ids[]`, 100 per request), which keeps a
  delta cheap and never misses an outcome change;
- job postings carry no update time: they are few and read in full, with their phases and questions.
Deletions are not reported (no tombstones, no webhook here): a FULL sync finds what vanished.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, cast
from urllib.parse import urlsplit

from apps.connectors.base import Connector, ConnectorContext
from apps.connectors.catalog import (
    READ_MODEL_FIELDS,
    WRITE_ACTION_FIELDS,
    AuthKind,
    AuthMode,
    CredentialField,
    RateBudget,
    ReadCoverage,
    ReadModel,
    Scope,
    ScopeTest,
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
    OAuthClient,
    Page,
    RemoteApplication,
    RemoteFieldDefinition,
    RemoteRecord,
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
    ConnectorUnavailable,
    ConnectorUnsupported,
)
from apps.connectors.factorial import client as api
from apps.connectors.factorial import fields, mapping
from apps.connectors.factorial.client import FactorialClient, ListPage, remote_id
from apps.connectors.http import fetch_file

JOB_POSTINGS = "/ats/job_postings"
APPLICATION_PHASES = "/ats/application_phases"
QUESTIONS = "/ats/questions"
CANDIDATES = "/ats/candidates"
APPLICATIONS = "/ats/applications"
APPLY = "/ats/applications/apply"
ANSWERS = "/ats/answers"
REJECTION_REASONS = "/ats/rejection_reasons"
CANDIDATE_SOURCES = "/ats/candidate_sources"
FEEDBACKS = "/ats/feedbacks"
EMPLOYEES = "/employees/employees"
CREDENTIALS = "/api_public/credentials"

# OAuth scopes (F-REPO oauth-scopes.md): every Ats resource is under `recruitment`; employees under `employees`.
SCOPE_RECRUITMENT = "recruitment"
SCOPE_EMPLOYEES = "employees"

Raw = dict[str, Any]

RESULT_LINK_WARNING = "Factorial has no links on candidates or applications: the link was written as a feedback."
MAX_DOWNLOAD_BYTES = 25 * 1024 * 1024


def _coverage(
    model: ReadModel,
    *,
    unsupported: tuple[str, ...] = (),
    updated_since: bool = False,
    remote_ids: bool = True,
    scope: Scope = Scope.NONE,
) -> ReadCoverage:
    return ReadCoverage(
        model=model,
        fields=fields_with_status(READ_MODEL_FIELDS[model], unsupported=unsupported),
        supports_updated_since=updated_since,
        supports_remote_ids=remote_ids,
        scope=scope,
    )


READ_COVERAGE = (
    # Employees have no system roles in the API (the role of an access is only visible for the caller itself).
    _coverage(ReadModel.USERS, unsupported=("system_roles",), updated_since=True),
    _coverage(ReadModel.REJECTION_REASONS, updated_since=True),
    # Every posting's application phases (the deprecated company-wide list; jobs carry their own stages).
    _coverage(ReadModel.APPLICATION_STAGES, unsupported=("status", "custom_fields")),
    _coverage(
        ReadModel.JOBS,
        # The posting knows its team and location only by id (other scopes), no salary currency, no hiring team
        # (hiring managers are not in the public API), no update time, no closing date and no internal URL.
        unsupported=(
            "job_code",
            "department",
            "experience_level",
            "confidential",
            "weekly_hours",
            "salary_currency",
            "location",
            "closed_at",
            "remote_updated_at",
            "remote_url",
            "hiring_team",
            "custom_fields",
        ),
    ),
    _coverage(
        ReadModel.CANDIDATES,
        # No company, title, address, tags (no tag resource) or custom fields on AtsCandidate; no candidate URL.
        unsupported=("company", "title", "confidential", "location", "tags", "remote_url", "custom_fields"),
        updated_since=True,
    ),
    _coverage(
        ReadModel.APPLICATIONS,
        # No rejection date and no update time on AtsApplication (reference B6/B7).
        unsupported=("rejected_at", "remote_updated_at", "remote_url", "custom_fields"),
    ),
    # Feedbacks: free text on a candidate (optionally an application); the author is not in the model.
    _coverage(ReadModel.NOTES, unsupported=("author", "title", "is_private", "remote_updated_at")),
    # The one file of an application: its CV, read with the application (by parent application when asked).
    _coverage(ReadModel.ATTACHMENTS, unsupported=("remote_updated_at",), scope=Scope.APPLICATION),
)


# What a create writes (the rest is removed by the write path with a warning): no address, company, title,
# further emails or phones, availability or salary on AtsCandidate; no "sourced by" on apply; no per-tool
# remote_fields. Attachments: the CV only (any other file is dropped by `create_application` with a warning).
_CREATE_FIELDS = fields_with_status(
    WRITE_ACTION_FIELDS[WriteAction.CREATE_APPLICATION],
    unsupported=(
        "candidate.additional_email_addresses", "candidate.company", "candidate.title",
        "candidate.additional_phone_numbers", "candidate.location", "candidate.availability_date",
        "candidate.salary_expectations", "sourced_by", "remote_fields",
    ),
)  # fmt: skip
WRITE_COVERAGE = (
    WriteCoverage(action=WriteAction.CREATE_APPLICATION, fields=_CREATE_FIELDS),
    WriteCoverage(action=WriteAction.CREATE_CANDIDATE, fields=_CREATE_FIELDS),
    # `POST /ats/applications/move_to_phase` (runs the phase's automations, as a move in the UI does).
    WriteCoverage(
        action=WriteAction.MOVE_APPLICATION_STAGE,
        fields=fields_with_status(
            WRITE_ACTION_FIELDS[WriteAction.MOVE_APPLICATION_STAGE], unsupported=("remote_fields",)
        ),
    ),
    # `PUT /ats/applications/{id}` with `ats_rejection_reason_id`; the note becomes `disqualified_reason`.
    WriteCoverage(
        action=WriteAction.REJECT_APPLICATION,
        fields=fields_with_status(WRITE_ACTION_FIELDS[WriteAction.REJECT_APPLICATION], unsupported=("remote_fields",)),
    ),
    # Notes and result links are feedbacks (`POST /ats/feedbacks`), Factorial's free-text entries.
    WriteCoverage(
        action=WriteAction.ADD_APPLICATION_NOTE,
        fields=fields_with_status(
            WRITE_ACTION_FIELDS[WriteAction.ADD_APPLICATION_NOTE], unsupported=("remote_fields",)
        ),
    ),
    WriteCoverage(
        action=WriteAction.ADD_APPLICATION_RESULT_LINK,
        fields=fields_with_status(
            WRITE_ACTION_FIELDS[WriteAction.ADD_APPLICATION_RESULT_LINK], unsupported=("remote_fields",)
        ),
    ),
    WriteCoverage(
        action=WriteAction.ADD_CANDIDATE_RESULT_LINK,
        fields=fields_with_status(
            WRITE_ACTION_FIELDS[WriteAction.ADD_CANDIDATE_RESULT_LINK], unsupported=("remote_fields",)
        ),
    ),
    # The application's CV (`PUT /ats/applications/{id}` with `cv`): CV attachments only.
    WriteCoverage(
        action=WriteAction.ADD_APPLICATION_ATTACHMENT,
        fields=fields_with_status(
            WRITE_ACTION_FIELDS[WriteAction.ADD_APPLICATION_ATTACHMENT], unsupported=("remote_fields",)
        ),
    ),
    WriteCoverage(action=WriteAction.GET_APPLICATION_ATTACHMENTS),
    WriteCoverage(action=WriteAction.GET_CANDIDATE_ATTACHMENTS),
)


class FactorialConnector(Connector):
    """Factorial (FactorialHR) ATS over its public REST API, version `API_VERSION`."""

    tool = "factorial"
    label = "Factorial"
    default_base_url = "https://api.factorialhr.com"
    connection_guide_url = "https://apidoc.factorialhr.com/docs/api-keys"
    auth_modes = (
        AuthMode(
            kind=AuthKind.API_KEY,
            label="API key",
            fields=(
                CredentialField(
                    name=api.API_KEY,
                    label="API key",
                    help_text="Configuration → API → Create API key. Factorial shows the key only once.",
                    placeholder="eyJhbGciOi…",
                ),
            ),
            guide=(
                "1. Sign in to Factorial as an **administrator**.\n"
                "2. In the left sidebar open **Configuration**, then **API**, and choose **Create API key**. "
                "Name it e.g. *Tributary*.\n"
                "3. Copy the key right away (Factorial shows it only once) and paste it below.\n\n"
                "An API key acts for the whole company with full access and never expires. Delete it in the same "
                "place to revoke the connection."
            ),
            links=(
                ("Factorial: API keys", "https://apidoc.factorialhr.com/docs/api-keys"),
                ("Factorial API FAQ", "https://apidoc.factorialhr.com/docs/faqs"),
            ),
        ),
        AuthMode(
            kind=AuthKind.OAUTH2_AUTHORIZATION_CODE,
            label="Sign in with Factorial",
            guide=(
                "Sign in with a Factorial **administrator** account and approve access for Tributary. Tributary "
                "asks for a *company* token: it acts for the company rather than for you, sees the candidates of "
                "every job and does not expire. It needs the permissions **Recruitment** (jobs, candidates and "
                "applications) and **Employees** (read as the ATS's users)."
            ),
            links=(("Factorial: company tokens", "https://apidoc.factorialhr.com/docs/oauth2-partner-guide"),),
            oauth_scopes=(SCOPE_RECRUITMENT, SCOPE_EMPLOYEES),
        ),
    )
    # "A limit of 200 requests per minute for POST requests" (F-REPO faqs.md), per credential. Reads have no
    # documented limit: 10 per second and 4 at once is our polite choice.
    rate_budget = RateBudget(requests_per_second=10, max_concurrency=4, rate_overrides={"POST /": 200 / 60})
    scope_tests = (
        ScopeTest(
            id=SCOPE_RECRUITMENT,
            label="Recruitment: jobs, candidates and applications",
            fix_hint=(
                "Tributary needs Factorial's Recruitment permission. With an API key, check that the Recruitment "
                "app is installed (Marketplace → Apps → Recruitment). With sign-in, sign in as an administrator "
                "before approving, and make sure the OAuth application has the scope “recruitment”."
            ),
        ),
        ScopeTest(
            id=SCOPE_EMPLOYEES,
            label="Employees: users",
            fix_hint=(
                "Tributary reads employees as the users of the ATS. With sign-in, sign in as an administrator "
                "before approving, and make sure the OAuth application has the scope “employees”; then approve "
                "again."
            ),
        ),
    )
    read_coverage = READ_COVERAGE
    write_coverage = WRITE_COVERAGE
    # Sources are a read-only catalogue in every API version (no create endpoint): the end user adds ours in
    # Factorial's recruitment settings, we find it by its exact name and write that name on every create.
    source_strategy = SourceStrategy.MUST_EXIST
    # Each application keeps its own source (`AtsApplication.source_id`); apply never changes an existing
    # candidate's own source.
    source_level = SourceLevel.APPLICATION
    source_setup = SourceSetupGuide(
        guide=(
            "Factorial only lets an administrator add candidate sources in its interface (its API can read them "
            "but not create them).\n\n"
            "1. In Factorial open **Recruitment** and go to its **settings**.\n"
            "2. Find the list of **candidate sources** and add a new source named exactly **{source_name}** "
            "(category *Job board*, or whatever fits best).\n"
            "3. Come back here and check again.\n\n"
            "Every candidate created through this connection is then marked with this source."
        ),
        links=(
            (
                "Factorial: Recruitment settings",
                "https://help.factorialhr.com/en_US/about-the-recruitment-functionality",
            ),
        ),
        source_type_label=None,
    )
    passthrough_apis = ("api",)  # `factorial/api`, the SDK's passthrough id for Factorial
    reports_deletions = False

    def __init__(self, context: ConnectorContext, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__(context)
        self._clock = clock
        self._client: FactorialClient | None = None
        self._sources_cache: dict[str, Raw] | None = None
        self._reasons_cache: dict[str, Raw] | None = None

    # -- plumbing ----------------------------------------------------------------------------------------

    @property
    def client(self) -> FactorialClient:
        if self._client is None:
            if self.context.http is None:
                raise ConnectorUnavailable("The Factorial connector needs an HTTP client (a base URL).")
            page_size = int(self.context.options.get("page_size", api.MAX_PAGE_SIZE))
            self._client = FactorialClient(
                http=self.context.http,
                auth_kind=self.context.auth_kind,
                credentials=dict(self.context.credentials),
                renew_credentials=self.context.renew_credentials,
                page_size=max(1, min(page_size, api.MAX_PAGE_SIZE)),
                clock=self._clock,
            )
        return self._client

    def _catalogue(self, path: str) -> dict[str, Raw]:
        return {key: item for item in self.client.list_all(path) if (key := remote_id(item.get("id"))) is not None}

    def _sources(self) -> dict[str, Raw]:
        """Candidate sources by id, read once per connector instance (labels for candidates and applications)."""
        if self._sources_cache is None:
            self._sources_cache = self._catalogue(CANDIDATE_SOURCES)
        return self._sources_cache

    def _reasons(self) -> dict[str, Raw]:
        if self._reasons_cache is None:
            self._reasons_cache = self._catalogue(REJECTION_REASONS)
        return self._reasons_cache

    def _listing(self, path: str, *, cursor: str | None, remote_ids: Sequence[str] | None, **params: Any) -> ListPage:
        """A page of `path`, or (with `remote_ids`) exactly those records in one page."""
        if remote_ids is not None:
            return ListPage(data=self.client.list_by_ids(path, "ids", remote_ids, **params), next_cursor=None)
        return self.client.list_page(path, params, after=cursor)

    # -- passthrough ----------------------------------------------------------------------------------------

    def passthrough_base_url(self, api: str) -> str:
        """The base of `POST /passthrough/factorial/api`: the API host's `/api`, so a caller's path names the
        version it wants (`/2026-10-01/resources/ats/candidates`, or the legacy `/v2/resources/...`)."""
        if api not in self.passthrough_apis:
            raise ConnectorUnsupported(
                f"Factorial has no passthrough API {api!r} (only: {', '.join(self.passthrough_apis)})."
            )
        return f"{self.context.base_url.rstrip('/')}/api"

    def passthrough_headers(self) -> dict[str, str]:
        """The headers that authenticate a passthrough request (an expiring OAuth token is refreshed first)."""
        return self.client.auth_headers()

    def passthrough_reauthenticate(self) -> bool:
        """A user token Factorial answered 401 to is refreshed once (its refresh token is single use)."""
        return self.client.refresh_after_rejection()

    # -- credentials and scopes ---------------------------------------------------------------------------

    def list_fields(self) -> list[RemoteFieldDefinition]:
        """The integration fields (see fields.py)."""
        return fields.list_fields(self.client)

    def verify_credentials(self) -> None:
        """`GET /api_public/credentials`: who the credential is; any valid API key or token may ask."""
        self.client.get(CREDENTIALS)

    def run_scope_test(self, test_id: str) -> None:
        """One cheap list call per permission; a missing OAuth scope answers 403 (`insufficient_scope`)."""
        if test_id == SCOPE_RECRUITMENT:
            self.client.list_page(JOB_POSTINGS, limit=1)
        elif test_id == SCOPE_EMPLOYEES:
            self.client.list_page(EMPLOYEES, limit=1)
        else:
            super().run_scope_test(test_id)

    def oauth_authorize_url(self, *, client: OAuthClient, redirect_uri: str, state: str, scopes: Sequence[str]) -> str:
        """Factorial's approval page on the API host, asking for a company token. `scopes` (our OAuth mode's) are
        not sent: Factorial grants what the OAuth application is configured with (see `client.authorize_url`)."""
        return api.authorize_url(self.context.base_url, client=client, redirect_uri=redirect_uri, state=state)

    def oauth_exchange_code(self, *, client: OAuthClient, code: str, redirect_uri: str) -> dict[str, str]:
        """Trade the code at `POST /oauth/token`; stores tokens, expiry (none for company tokens) and the client."""
        if self.context.http is None:
            raise ConnectorUnavailable("The Factorial connector needs an HTTP client (a base URL).")
        return api.exchange_code(
            self.context.http, client=client, code=code, redirect_uri=redirect_uri, now=self._clock()
        )

    # -- reads ---------------------------------------------------------------------------------------------

    def read(
        self,
        model: ReadModel,
        *,
        cursor: str | None = None,
        updated_since: datetime | None = None,
        remote_ids: Sequence[str] | None = None,
        parent_remote_ids: Sequence[str] | None = None,
    ) -> Page[RemoteRecord]:
        """One page of `model` (see the module docstring for how each model honours `updated_since`)."""
        if model == ReadModel.JOBS:
            return self._read_jobs(cursor, remote_ids)
        if model == ReadModel.CANDIDATES:
            return self._read_candidates(cursor, remote_ids, updated_since)
        if model == ReadModel.APPLICATIONS:
            return self._read_applications(cursor, remote_ids)
        if model == ReadModel.USERS:
            return self._read_users(cursor, remote_ids, updated_since)
        if model == ReadModel.REJECTION_REASONS:
            page = self._listing(REJECTION_REASONS, cursor=cursor, remote_ids=remote_ids)
            items = _changed_since(page.data, updated_since)
            return Page(items=[mapping.rejection_reason(item) for item in items], next_cursor=page.next_cursor)
        if model == ReadModel.APPLICATION_STAGES:
            page = self._listing(APPLICATION_PHASES, cursor=cursor, remote_ids=remote_ids)
            return Page(items=[mapping.application_stage(item) for item in page.data], next_cursor=page.next_cursor)
        if model == ReadModel.NOTES:
            page = self._listing(FEEDBACKS, cursor=cursor, remote_ids=remote_ids)
            return Page(items=[mapping.note(item) for item in page.data], next_cursor=page.next_cursor)
        if model == ReadModel.ATTACHMENTS:
            return self._read_attachments(cursor, remote_ids, parent_remote_ids)
        raise ConnectorUnsupported(f"Factorial's API has no {model.value}.")

    def _read_jobs(self, cursor: str | None, remote_ids: Sequence[str] | None) -> Page[RemoteRecord]:
        page = self._listing(JOB_POSTINGS, cursor=cursor, remote_ids=remote_ids)
        job_ids = [key for item in page.data if (key := remote_id(item.get("id"))) is not None]
        phases = _grouped(
            self.client.list_by_ids(APPLICATION_PHASES, "ats_job_posting_ids", job_ids), "ats_job_posting_id"
        )
        questions = _grouped(self.client.list_by_ids(QUESTIONS, "ats_job_posting_ids", job_ids), "ats_job_posting_id")
        items: list[RemoteRecord] = []
        for item in page.data:
            key = remote_id(item.get("id")) or ""
            items.append(mapping.job(item, phases=phases.get(key, []), questions=questions.get(key, [])))
        return Page(items=items, next_cursor=page.next_cursor)

    def _read_candidates(
        self, cursor: str | None, remote_ids: Sequence[str] | None, updated_since: datetime | None
    ) -> Page[RemoteRecord]:
        page = self._listing(CANDIDATES, cursor=cursor, remote_ids=remote_ids)
        changed = _changed_since(page.data, updated_since)
        sources = self._sources() if any(item.get("source_id") is not None for item in changed) else {}
        return Page(items=[mapping.candidate(item, sources=sources) for item in changed], next_cursor=page.next_cursor)

    def _read_applications(self, cursor: str | None, remote_ids: Sequence[str] | None) -> Page[RemoteRecord]:
        page = self._listing(APPLICATIONS, cursor=cursor, remote_ids=remote_ids)
        return Page(items=list(self._applications(page.data)), next_cursor=page.next_cursor)

    def _applications(self, rows: list[Raw]) -> list[RemoteRecord]:
        """Applications with what their unified shape needs: phases (outcome), answers, reasons, sources."""
        if not rows:
            return []
        phase_ids = {key for item in rows if (key := remote_id(item.get("ats_application_phase_id"))) is not None}
        phases = _by_id(self.client.list_by_ids(APPLICATION_PHASES, "ids", sorted(phase_ids)))
        application_ids = [key for item in rows if (key := remote_id(item.get("id"))) is not None]
        answers = _grouped(
            self.client.list_by_ids(ANSWERS, "ats_application_ids", application_ids), "ats_application_id"
        )
        reasons = self._reasons() if any(item.get("ats_rejection_reason_id") is not None for item in rows) else {}
        sources = self._sources() if any(item.get("source_id") is not None for item in rows) else {}
        return [
            mapping.application(
                item,
                phases=phases,
                reasons=reasons,
                answers=answers.get(remote_id(item.get("id")) or "", []),
                sources=sources,
            )
            for item in rows
        ]

    def _read_users(
        self, cursor: str | None, remote_ids: Sequence[str] | None, updated_since: datetime | None
    ) -> Page[RemoteRecord]:
        params: dict[str, Any] = {}
        if updated_since is not None:
            # The guide's example filters by day (`updated_at_gteq=2024-05-01`): ask for that day, keep the instant.
            params["updated_at_gteq"] = updated_since.date().isoformat()
        page = self._listing(EMPLOYEES, cursor=cursor, remote_ids=remote_ids, **params)
        items = _changed_since(page.data, updated_since)
        return Page(items=[mapping.user(item) for item in items], next_cursor=page.next_cursor)

    def _read_attachments(
        self, cursor: str | None, remote_ids: Sequence[str] | None, parent_remote_ids: Sequence[str] | None
    ) -> Page[RemoteRecord]:
        """CVs, read from their applications: by attachment id (`<application id>:cv`), by parent application,
        or every application page by page."""
        wanted: Sequence[str] | None = None
        if remote_ids is not None:
            wanted = [value.removesuffix(mapping.CV_ATTACHMENT_SUFFIX) for value in remote_ids]
        elif parent_remote_ids is not None:
            wanted = parent_remote_ids
        page = self._listing(APPLICATIONS, cursor=cursor, remote_ids=wanted)
        attachments = [attachment for item in page.data if (attachment := mapping.cv_attachment(item)) is not None]
        if remote_ids is not None:
            asked = set(remote_ids)
            attachments = [item for item in attachments if item.remote_id in asked]
        return Page(items=list(attachments), next_cursor=page.next_cursor)

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

        if application.stage_remote_id and application.stage_remote_id != remote_id(
            raw.get("ats_application_phase_id")
        ):
            try:
                raw = self._move(application_id, application.stage_remote_id)
            except ConnectorInputError as error:
                warnings.append(f"stage_id: Factorial refused the move ({error.remote_message or error.message}).")
        links = application.candidate.social_links
        if links and existing is None:
            try:
                self.client.put(f"{CANDIDATES}/{candidate_id}", {"id": int(candidate_id), "personal_url": links[0]})
            except ConnectorInputError as error:
                warnings.append(f"candidate.social_links: not written ({error.remote_message or error.message}).")
            if len(links) > 1:
                warnings.append("candidate.social_links: Factorial keeps one personal URL; only the first was written.")
        elif links:
            warnings.append("candidate.social_links: the candidate already existed; its personal URL was kept.")
        if source_id is not None and api.api_id(str(remote_id(raw.get("source_id")))) != source_id:
            # `PUT /ats/applications/{id}` takes `source_id` (F-SDK put body), the one place a write names the entry.
            raw = self.client.put(
                f"{APPLICATIONS}/{application_id}", {"id": int(application_id), "source_id": source_id}
            )
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


# -- helpers -----------------------------------------------------------------------------------------------


def _path_id(value: str, what: str) -> int:
    identifier = api.api_id(value)
    if identifier is None:
        raise ConnectorNotFound(f"{what} {value!r} cannot exist in Factorial (its ids are numbers).", status_code=404)
    return identifier


def _by_id(rows: Iterable[Raw]) -> dict[str, Raw]:
    return {key: row for row in rows if (key := remote_id(row.get("id"))) is not None}


def _grouped(rows: Iterable[Raw], parent: str) -> dict[str, list[Raw]]:
    groups: dict[str, list[Raw]] = {}
    for row in rows:
        key = remote_id(row.get(parent))
        if key is not None:
            groups.setdefault(key, []).append(row)
    return groups


def _link_text(link: ResultLinkInput) -> str:
    prefix = link.custom_field_name_prefix or ""
    lines = [f"{link.label}: {link.url}"]
    lines.extend(f"{prefix}{key}: {value}" for key, value in link.attributes)
    return "\n".join(lines)


def _same_origin(url: str, base_url: str) -> bool:
    target, base = urlsplit(url), urlsplit(base_url)
    return (target.scheme, target.hostname, target.port) == (base.scheme, base.hostname, base.port)


def _changed_since(rows: list[Raw], since: datetime | None) -> list[Raw]:
    """Rows whose `updated_at` is at or after `since` (all of them without `since`; rows without a time stay)."""
    if since is None:
        return rows
    kept = []
    for row in rows:
        updated = mapping.dt(row.get("updated_at"))
        if updated is None or updated >= since:
            kept.append(row)
    return kept
