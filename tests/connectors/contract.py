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
from datetime import datetime
from enum import StrEnum

import pytest

from apps.connectors.base import Connector
from apps.connectors.catalog import ReadModel
from apps.connectors.dtos import RemoteRecord
from apps.connectors.errors import ConnectorAuthError, ConnectorRateLimited, ConnectorUnavailable


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
        assert connector.read(harness.model).items  # one fault, one failed call

    def test_server_error_raises_retryable_unavailable(self, harness: ConnectorHarness) -> None:
        connector = harness.connector()
        harness.inject_fault(Fault.UNAVAILABLE)

        with pytest.raises(ConnectorUnavailable) as caught:
            connector.read(harness.model)

        assert caught.value.retryable is True
        assert caught.value.status_code == harness.unavailable_status
        assert connector.read(harness.model).items

    def test_timeout_raises_retryable_unavailable(self, harness: ConnectorHarness) -> None:
        connector = harness.connector()
        harness.inject_fault(Fault.TIMEOUT)

        with pytest.raises(ConnectorUnavailable) as caught:
            connector.read(harness.model)

        assert caught.value.retryable is True
        assert caught.value.status_code is None
        assert connector.read(harness.model).items

    def test_revoked_credentials_raise_auth_error(self, harness: ConnectorHarness) -> None:
        connector = harness.connector()
        harness.inject_fault(Fault.AUTH_FAILURE)

        with pytest.raises(ConnectorAuthError):
            connector.read(harness.model)

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
