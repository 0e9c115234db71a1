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
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from apps.connectors.base import Connector, ConnectorContext
from apps.connectors.catalog import (
    READ_MODEL_FIELDS,
    AuthKind,
    AuthMode,
    CredentialField,
    RateBudget,
    ReadCoverage,
    ReadModel,
    ScopeTest,
    SourceLevel,
    SourceSetupGuide,
    SourceStrategy,
    fields_with_status,
)
from apps.connectors.dtos import OAuthClient, Page, RemoteRecord, RemoteSource
from apps.connectors.errors import ConnectorNotFound, ConnectorUnavailable, ConnectorUnsupported
from apps.connectors.factorial import client as api
from apps.connectors.factorial import mapping
from apps.connectors.factorial.client import FactorialClient, ListPage, remote_id

JOB_POSTINGS = "/ats/job_postings"
APPLICATION_PHASES = "/ats/application_phases"
QUESTIONS = "/ats/questions"
CANDIDATES = "/ats/candidates"
APPLICATIONS = "/ats/applications"
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


def _coverage(
    model: ReadModel,
    *,
    unsupported: tuple[str, ...] = (),
    updated_since: bool = False,
    remote_ids: bool = True,
) -> ReadCoverage:
    return ReadCoverage(
        model=model,
        fields=fields_with_status(READ_MODEL_FIELDS[model], unsupported=unsupported),
        supports_updated_since=updated_since,
        supports_remote_ids=remote_ids,
    )


READ_COVERAGE = (
    # Employees have no system roles in the API (the role of an access is only visible for the caller itself).
    _coverage(ReadModel.USERS, unsupported=("system_roles",), updated_since=True),
    _coverage(ReadModel.REJECTION_REASONS, updated_since=True),
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
    ),  # fmt: skip
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
    # The one file of an application: its CV.
    _coverage(ReadModel.ATTACHMENTS, unsupported=("remote_updated_at",)),
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
                "applications) and **Employees** (the users shown as hiring team and authors)."
            ),
            links=(("Factorial: OAuth 2.0", "https://apidoc.factorialhr.com/docs/oauth-20"),),
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
                "app is installed (Marketplace → Apps → Recruitment). With sign-in, approve as an administrator "
                "and make sure the OAuth application has the scope “recruitment”."
            ),
        ),
        ScopeTest(
            id=SCOPE_EMPLOYEES,
            label="Employees: users",
            fix_hint=(
                "Tributary reads employees as the users of the ATS. With sign-in, make sure the OAuth application "
                "has the scope “employees” and approve again."
            ),
        ),
    )
    read_coverage = READ_COVERAGE
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
            "Every candidate Tributary creates is then marked with this source."
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
                save_credentials=self.context.save_credentials,
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

    # -- credentials and scopes ---------------------------------------------------------------------------

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
        """Factorial's approval page on the API host, asking for a company token (see `client.authorize_url`)."""
        return api.authorize_url(
            self.context.base_url, client=client, redirect_uri=redirect_uri, state=state, scopes=scopes
        )

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
        sources = self._sources() if changed else {}
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
        sources = self._sources()
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
