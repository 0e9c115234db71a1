"""The connector contract: the same behaviour, asserted the same way, for every connector.

A connector plugs in with a *harness* (its upstream: the sandbox store, or an HTTP emulator on loopback) and a
test class:

    class TestAcmeContract(ConnectorContract):
        @pytest.fixture
        def harness(self, ...) -> ConnectorHarness:
            return AcmeHarness(...)

The harness builds connectors that do not retry inside the HTTP seam (`RetryPolicy.never()`), so each
injected fault surfaces as the typed error the sync engine and the API see after retries are exhausted.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlsplit

import pytest

from apps.connectors.base import Connector
from apps.connectors.catalog import ReadModel, WriteAction
from apps.connectors.dtos import (
    ApplicationRef,
    AttachmentInput,
    CandidateInput,
    CreateApplicationInput,
    PassthroughRequest,
    RemoteApplication,
    RemoteCandidate,
    RemoteRecord,
    ResultLinkInput,
    ScreeningAnswerInput,
)
from apps.connectors.errors import (
    ConnectorApplicationExists,
    ConnectorAuthError,
    ConnectorError,
    ConnectorJobClosed,
    ConnectorRateLimited,
    ConnectorUnavailable,
    ConnectorUnsupported,
    ConnectorWriteUncertain,
)
from apps.connectors.passthrough import PassthroughPathError


class Fault(StrEnum):
    RATE_LIMITED = "RATE_LIMITED"  # 429 with Retry-After
    UNAVAILABLE = "UNAVAILABLE"  # 5xx
    TIMEOUT = "TIMEOUT"  # no answer within the client's read timeout
    AUTH_FAILURE = "AUTH_FAILURE"  # 401 although the credentials were fine before (revoked, expired)


class ConnectorHarness(abc.ABC):
    """One connector and the ATS it talks to, as the contract suite drives them."""

    #: A model the harness can seed, change and delete (candidates are in every ATS).
    model: ReadModel = ReadModel.CANDIDATES
    #: The page size the harness's connectors use; seeding makes more than two pages of `model`.
    page_size: int = 5
    #: The 5xx status an injected UNAVAILABLE fault answers with.
    unavailable_status: int = 503

    def expected_pages(self, records: int) -> int:
        """Pages a complete read of `records` records takes (override for APIs that end on an empty page)."""
        return -(-records // self.page_size)

    @abc.abstractmethod
    def connector(self, *, valid_credentials: bool = True) -> Connector:
        """A connector for the harness's ATS, with working (or wrong) credentials."""

    @abc.abstractmethod
    def seed(self, count: int) -> list[str]:
        """Create `count` new records of `model` in the ATS; their remote ids."""

    @abc.abstractmethod
    def remote_ids(self) -> set[str]:
        """Every live remote id of `model` in the ATS (read from its state, not through the connector)."""

    @abc.abstractmethod
    def change(self, remote_id: str) -> None:
        """Edit a record of `model` in the ATS (it must show up in `updated_since` reads)."""

    @abc.abstractmethod
    def delete(self, remote_id: str) -> None:
        """Remove a record of `model` from the ATS."""

    @abc.abstractmethod
    def inject_fault(self, fault: Fault, *, retry_after: float | None = None) -> None:
        """Make the next call fail with `fault`."""

    def revoke_credentials(self) -> None:
        """Make the ATS refuse the credentials of the harness's connectors for the rest of the test (an emulator:
        until `settle_faults`): every call answers 401, so a connector that renews its token after a 401 cannot heal
        it.

        Default: one injected AUTH_FAILURE, which only holds for connectors that never renew a token; a harness
        whose connector renews (OAuth, client credentials) or whose upstream can revoke for real overrides this."""
        self.inject_fault(Fault.AUTH_FAILURE)

    def settle_faults(self) -> None:  # noqa: B027 - optional hook, nothing to do by default
        """Return once every injected fault has hit its request and the requests it held are answered, with no
        fault left: the next call meets a healthy ATS. An emulator on loopback may still be working on a request
        the connector gave up on (a TIMEOUT), or not have reached it yet. Default: nothing to wait for (the
        upstream answers in-process)."""

    @abc.abstractmethod
    def now(self) -> datetime:
        """The ATS's clock: records changed after this instant are newer than it, records changed before older."""

    @abc.abstractmethod
    def full_record(self) -> tuple[ReadModel, RemoteRecord]:
        """Put a record with every field the connector maps into the ATS; the DTO it must read back as."""


def read_all(
    connector: Connector, model: ReadModel, *, updated_since: datetime | None = None
) -> tuple[list[str], list[str], int]:
    """(remote ids in order, deleted ids, pages) of a complete read."""
    ids: list[str] = []
    deleted: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        page = connector.read(model, cursor=cursor, updated_since=updated_since)
        pages += 1
        ids.extend(item.remote_id for item in page.items)
        deleted.extend(page.deleted_remote_ids)
        cursor = page.next_cursor
        if cursor is None:
            return ids, deleted, pages


class ConnectorContract:
    """Subclass as `Test<Tool>Contract` and provide a `harness` fixture."""

    def test_good_credentials_verify(self, harness: ConnectorHarness) -> None:
        harness.connector().verify_credentials()

    def test_wrong_credentials_raise_a_permanent_auth_error(self, harness: ConnectorHarness) -> None:
        connector = harness.connector(valid_credentials=False)

        with pytest.raises(ConnectorAuthError) as on_verify:
            connector.verify_credentials()
        with pytest.raises(ConnectorAuthError) as on_read:
            connector.read(harness.model)

        assert on_verify.value.retryable is False
        assert on_read.value.retryable is False

    def test_pagination_returns_every_record_exactly_once(self, harness: ConnectorHarness) -> None:
        harness.seed(2 * harness.page_size + 1)
        expected = harness.remote_ids()

        ids, _, pages = read_all(harness.connector(), harness.model)

        assert len(ids) == len(set(ids))
        assert set(ids) == expected
        assert pages == harness.expected_pages(len(expected))

    def test_updated_since_returns_only_records_changed_since(self, harness: ConnectorHarness) -> None:
        first, second, untouched = harness.seed(3)
        since = harness.now()
        harness.change(first)
        harness.change(second)

        ids, _, _ = read_all(harness.connector(), harness.model, updated_since=since)

        assert sorted(ids) == sorted([first, second])
        assert untouched not in ids

    def test_remote_ids_returns_exactly_the_existing_ones(self, harness: ConnectorHarness) -> None:
        first, second = harness.seed(2)

        page = harness.connector().read(harness.model, remote_ids=[first, second, "does-not-exist-404"])

        assert sorted(item.remote_id for item in page.items) == sorted([first, second])

    def test_rate_limit_raises_retryable_error_with_retry_after(self, harness: ConnectorHarness) -> None:
        connector = harness.connector()
        harness.inject_fault(Fault.RATE_LIMITED, retry_after=7)

        with pytest.raises(ConnectorRateLimited) as caught:
            connector.read(harness.model)

        assert caught.value.retryable is True
        assert caught.value.retry_after == 7
        harness.settle_faults()
        assert connector.read(harness.model).items  # one fault, one failed call

    def test_server_error_raises_retryable_unavailable(self, harness: ConnectorHarness) -> None:
        connector = harness.connector()
        harness.inject_fault(Fault.UNAVAILABLE)

        with pytest.raises(ConnectorUnavailable) as caught:
            connector.read(harness.model)

        assert caught.value.retryable is True
        assert caught.value.status_code == harness.unavailable_status
        harness.settle_faults()
        assert connector.read(harness.model).items

    def test_timeout_raises_retryable_unavailable(self, harness: ConnectorHarness) -> None:
        connector = harness.connector()
        harness.inject_fault(Fault.TIMEOUT)

        with pytest.raises(ConnectorUnavailable) as caught:
            connector.read(harness.model)

        assert caught.value.retryable is True
        assert caught.value.status_code is None
        # The emulator may not have reached the timed-out request yet (a loaded machine): were the next read sent
        # now, it could be the one the fault holds. Settling waits for the fault to be used and ends the hold.
        harness.settle_faults()
        assert connector.read(harness.model).items

    def test_passthrough_is_offered_exactly_as_declared_and_stays_on_the_ats_host(
        self, harness: ConnectorHarness
    ) -> None:
        connector = harness.connector()

        with pytest.raises(ConnectorUnsupported):
            connector.passthrough("no-such-api", PassthroughRequest(method="GET", path="/"))
        for api in connector.passthrough_apis:
            answer = connector.passthrough(api, PassthroughRequest(method="GET", path="/"))
            base = urlsplit(connector.passthrough_base_url(api))
            assert urlsplit(answer.url)[:3] == (base.scheme, base.netloc, base.path.rstrip("/") + "/")
            assert 100 <= answer.status < 600  # whatever the ATS answers comes back, nothing raises
            with pytest.raises(PassthroughPathError):
                connector.passthrough(api, PassthroughRequest(method="GET", path="//elsewhere.example.com/"))

    def test_revoked_credentials_raise_auth_error(self, harness: ConnectorHarness) -> None:
        connector = harness.connector()
        connector.read(harness.model)  # the credentials worked (and a token, if any, is cached)
        harness.revoke_credentials()

        try:
            with pytest.raises(ConnectorAuthError) as caught:
                connector.read(harness.model)
        finally:
            harness.settle_faults()

        assert caught.value.retryable is False

    def test_deleted_record_vanishes_and_delta_reports_it_when_supported(self, harness: ConnectorHarness) -> None:
        keep, gone = harness.seed(2)
        since = harness.now()
        before = harness.remote_ids()
        harness.delete(gone)
        connector = harness.connector()

        ids, _, _ = read_all(connector, harness.model)
        delta_ids, delta_deleted, _ = read_all(connector, harness.model, updated_since=since)

        assert set(ids) == before - {gone}
        assert keep in ids
        assert gone not in delta_ids
        assert delta_deleted == ([gone] if connector.reports_deletions else [])

    def test_full_record_is_mapped_field_by_field(self, harness: ConnectorHarness) -> None:
        model, expected = harness.full_record()

        page = harness.connector().read(model, remote_ids=[expected.remote_id])

        assert page.items == [expected]


# -- writes ---------------------------------------------------------------------------------------------------


class WriteHarness(ConnectorHarness):
    """What the write contract needs on top of a `ConnectorHarness`: jobs to apply to, and where a create's fault
    goes."""

    def inject_fault_on_create(self, fault: Fault) -> None:
        """Make the request of the next `create_application` that writes (creates the candidate or the application)
        fail with `fault` — not the lookups (job, duplicate email, token) a connector may make first.

        Default: the next call, right for a connector whose create is its first call. `EmulatedHarness` aims at its
        `create_call` (method and path) instead."""
        self.inject_fault(fault)

    @abc.abstractmethod
    def open_job(self) -> tuple[str, tuple[ScreeningAnswerInput, ...]]:
        """An open job that takes applications (remote id), and valid answers to its required questions."""

    @abc.abstractmethod
    def closed_job(self) -> str:
        """The remote id of a job the ATS refuses applications to (closed, archived, ...)."""


def application_input(
    job_remote_id: str, answers: tuple[ScreeningAnswerInput, ...], email: str
) -> CreateApplicationInput:
    return CreateApplicationInput(
        job_remote_id=job_remote_id,
        candidate=CandidateInput(first_name="Con", last_name="Tract", email_address=email),
        screening_answers=answers,
        attachments=(AttachmentInput(name="cv.pdf", type="CV", content_type="application/pdf", data=b"%PDF-1.4\n"),),
    )


def _call_write(connector: Connector, action: WriteAction) -> None:
    """Call the write method of `action` with placeholder arguments (for connectors that lack the action)."""
    ref = ApplicationRef(remote_id="app-x", candidate_remote_id="cand-x", job_remote_id="job-x")
    file = AttachmentInput(name="x.txt", type="OTHER", content_type="text/plain", data=b"x")
    link = ResultLinkInput(label="x", url="https://example.com/x")
    import_key = next(iter(connector.tracked_application_keys), "x")
    import_ids = dict.fromkeys(connector.tracked_application_keys.get(import_key, ()), "x")
    calls: dict[WriteAction, Callable[[], object]] = {
        WriteAction.CREATE_APPLICATION: lambda: connector.create_application(application_input("job-x", (), "x@x.x")),
        WriteAction.CREATE_CANDIDATE: lambda: connector.create_candidate(application_input("job-x", (), "x@x.x")),
        WriteAction.IMPORT_TRACKED_APPLICATION: lambda: connector.find_tracked_application(
            key=import_key, ids=import_ids
        ),
        WriteAction.MOVE_APPLICATION_STAGE: lambda: connector.move_application_stage(
            ref, stage_remote_id="s", remote_fields={}
        ),
        WriteAction.REJECT_APPLICATION: lambda: connector.reject_application(
            ref, rejection_reason_remote_id="r", note=None, remote_fields={}
        ),
        WriteAction.ADD_APPLICATION_NOTE: lambda: connector.add_application_note(
            ref, content="x", content_type="PLAIN_TEXT", remote_fields={}
        ),
        WriteAction.ADD_APPLICATION_ATTACHMENT: lambda: connector.add_application_attachment(
            ref, attachment=file, remote_fields={}
        ),
        WriteAction.ADD_APPLICATION_RESULT_LINK: lambda: connector.add_application_result_link(
            ref, link=link, remote_fields={}
        ),
        WriteAction.ADD_CANDIDATE_ATTACHMENT: lambda: connector.add_candidate_attachment(
            "cand-x", attachment=file, remote_fields={}
        ),
        WriteAction.ADD_CANDIDATE_RESULT_LINK: lambda: connector.add_candidate_result_link(
            "cand-x", link=link, remote_fields={}
        ),
        WriteAction.ADD_CANDIDATE_TAG: lambda: connector.add_candidate_tag("cand-x", name="x", remote_fields={}),
        WriteAction.REMOVE_CANDIDATE_TAG: lambda: connector.remove_candidate_tag("cand-x", name="x", remote_fields={}),
        WriteAction.GET_APPLICATION_ATTACHMENTS: lambda: connector.list_application_attachments(ref),
        WriteAction.GET_CANDIDATE_ATTACHMENTS: lambda: connector.list_candidate_attachments("cand-x"),
    }
    calls[action]()


class WriteContract:
    """The write side of the contract; subclass together with a `harness` fixture returning a `WriteHarness`.

    Every connector must create applications; other actions are checked against its `write_coverage`: what it
    declares must not raise ConnectorUnsupported, what it does not declare must.
    """

    def test_a_created_application_reads_back(self, harness: WriteHarness) -> None:
        connector = harness.connector()
        job, answers = harness.open_job()

        result = connector.create_application(application_input(job, answers, "contract.new@example.com"))

        assert result.candidate_existed is False
        assert result.application.candidate_remote_id == result.candidate.remote_id
        assert result.application.job_remote_id == job
        [application] = connector.read(ReadModel.APPLICATIONS, remote_ids=[result.application.remote_id]).items
        assert isinstance(application, RemoteApplication)
        assert (application.candidate_remote_id, application.job_remote_id) == (result.candidate.remote_id, job)
        [candidate] = connector.read(ReadModel.CANDIDATES, remote_ids=[result.candidate.remote_id]).items
        assert isinstance(candidate, RemoteCandidate)
        assert (candidate.first_name, candidate.last_name) == ("Con", "Tract")
        assert [email.email_address for email in candidate.email_addresses][:1] == ["contract.new@example.com"]

    def test_applying_twice_to_one_job_is_refused(self, harness: WriteHarness) -> None:
        connector = harness.connector()
        job, answers = harness.open_job()
        connector.create_application(application_input(job, answers, "contract.twice@example.com"))

        with pytest.raises(ConnectorApplicationExists) as caught:
            connector.create_application(application_input(job, answers, "contract.twice@example.com"))

        assert caught.value.retryable is False

    def test_a_closed_job_is_refused(self, harness: WriteHarness) -> None:
        with pytest.raises(ConnectorJobClosed):
            harness.connector().create_application(application_input(harness.closed_job(), (), "closed@example.com"))

    def test_a_create_that_times_out_is_uncertain(self, harness: WriteHarness) -> None:
        connector = harness.connector()
        job, answers = harness.open_job()
        harness.inject_fault_on_create(Fault.TIMEOUT)

        try:
            with pytest.raises(ConnectorWriteUncertain) as caught:
                connector.create_application(application_input(job, answers, "contract.timeout@example.com"))
        finally:
            harness.settle_faults()  # the held create carries on: its effects land before the next test

        assert caught.value.retryable is False

    @pytest.mark.parametrize("action", [action for action in WriteAction if action != WriteAction.CREATE_APPLICATION])
    def test_write_coverage_matches_what_is_implemented(self, harness: WriteHarness, action: WriteAction) -> None:
        connector = harness.connector()

        try:
            _call_write(connector, action)
        except ConnectorUnsupported:
            assert not connector.can(action), f"{action} is declared in write_coverage but not implemented"
        except ConnectorError:
            assert connector.can(action), f"{action} is implemented but not declared in write_coverage"
        else:
            assert connector.can(action), f"{action} is implemented but not declared in write_coverage"
