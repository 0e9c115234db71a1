"""The connection flow's live checks, one request at a time.

The end user sees each check appear as it completes: the connect form stores the credentials under test
(encrypted) on the link with every check pending, and the checks page asks for the next one until none is left
(`connect_checks_run_next`, one live call per request). Pages without script, the OAuth callback and the API-like
test clients run them all in one request (`connect_checks_run_all`); both end the same way (`_finalize`).

A network failure (timeout, refused connection, 5xx) is not a missing permission: the result says so
(`unreachable`), and the credentials are kept so that "Try again" re-runs the checks without retyping them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_noop

from apps.connectors.base import Connector
from apps.connectors.errors import ConnectorError, ConnectorUnavailable
from apps.core.crypto import keyring
from apps.core.timeutils import utcnow
from apps.integrations.connect_services import (
    CREDENTIALS_CHECK_ID,
    CheckResult,
    _attach_integration,
    connect_flow_record_failure,
)
from apps.integrations.connectors import build_connector, tool_base_url
from apps.integrations.models import ConnectionFlowFailure, ConnectLink

CREDENTIALS_FIX_HINT = gettext_noop("Check that the credentials are complete and still valid, then try again.")


def _aad(link: ConnectLink) -> str:
    return f"connect-link:{link.id}:pending-credentials"


def _pending_credentials(link: ConnectLink) -> dict[str, str] | None:
    if not link.pending_credentials:
        return None
    return json.loads(keyring().decrypt(link.pending_credentials, associated_data=_aad(link)))


def _connector(link: ConnectLink, *, auth_kind: str, credentials: Mapping[str, str]) -> Connector:
    tool = link.selected_tool
    base_url = link.integration.base_url if link.integration_id and link.integration.base_url else ""
    return build_connector(
        tool=tool,
        integration_key=link.integration_id or link.pending_integration_id or f"link:{link.id}",
        base_url=base_url or tool_base_url(tool),
        auth_kind=auth_kind,
        credentials=credentials,
    )


def pending_credentials_purge(*, now: datetime | None = None) -> int:
    """Forget the credentials kept for "Try again" on links that expired (the end user walked away after a network
    failure); returns how many links held some."""
    return (
        ConnectLink.objects.filter(expires_at__lt=now or utcnow())
        .exclude(pending_credentials="")
        .update(pending_credentials="")
    )


def results_of(link: ConnectLink) -> list[CheckResult]:
    return [CheckResult(**row) for row in link.scope_results]


def checks_pending(link: ConnectLink) -> bool:
    return any(result.pending for result in results_of(link))


def checks_unreachable(link: ConnectLink) -> bool:
    return any(result.unreachable for result in results_of(link))


def connect_checks_begin(*, link: ConnectLink, auth_kind: str, credentials: Mapping[str, str]) -> None:
    """Store the credentials under test and list every check as pending; nothing is called yet."""
    connector = _connector(link, auth_kind=auth_kind, credentials=credentials)
    link.auth_kind = auth_kind
    link.pending_credentials = keyring().encrypt(json.dumps(dict(credentials)), associated_data=_aad(link))
    link.scope_results = [
        CheckResult(id=CREDENTIALS_CHECK_ID, label="Credentials", ok=None, pending=True).as_dict(),
        *(CheckResult(id=test.id, label=test.label, ok=None, pending=True).as_dict() for test in connector.scope_tests),
    ]
    link.verified_at = None
    link.save(update_fields=["auth_kind", "pending_credentials", "scope_results", "verified_at", "updated_at"])


def connect_checks_retry(*, link: ConnectLink) -> bool:
    """Mark every check pending again with the credentials kept after a network failure; False if none are kept."""
    credentials = _pending_credentials(link)
    if credentials is None or not link.auth_kind:
        return False
    connect_checks_begin(link=link, auth_kind=link.auth_kind, credentials=credentials)
    return True


def _run_one(connector: Connector, result: CheckResult) -> CheckResult:
    is_credentials = result.id == CREDENTIALS_CHECK_ID
    try:
        if is_credentials:
            connector.verify_credentials()
        else:
            connector.run_scope_test(result.id)
    except ConnectorUnavailable as error:
        return CheckResult(id=result.id, label=result.label, ok=False, message=error.message, unreachable=True)
    except ConnectorError as error:
        fix_hint = CREDENTIALS_FIX_HINT
        if not is_credentials:
            fix_hint = next((test.fix_hint for test in connector.scope_tests if test.id == result.id), "")
        return CheckResult(
            id=result.id,
            label=result.label,
            ok=False,
            message=error.remote_message or error.message,
            fix_hint=fix_hint,
        )
    return CheckResult(id=result.id, label=result.label, ok=True)


def connect_checks_run_next(*, link: ConnectLink) -> CheckResult | None:
    """Run the first pending check live (one call to the ATS) and store its result; None when none is pending.
    A failed credentials check settles the others as not run. The last one settles the link."""
    link.refresh_from_db()
    results = results_of(link)
    index = next((i for i, result in enumerate(results) if result.pending), None)
    credentials = _pending_credentials(link)
    if index is None or credentials is None:
        return None
    connector = _connector(link, auth_kind=link.auth_kind, credentials=credentials)
    outcome = _run_one(connector, results[index])  # outside any transaction: a live call to the ATS
    with transaction.atomic():
        locked = ConnectLink.objects.select_for_update().get(pk=link.pk)
        rows = results_of(locked)
        if index >= len(rows) or rows[index].id != outcome.id or not rows[index].pending:
            return outcome  # another request ran it meanwhile (a second tab): its result stands
        rows[index] = outcome
        if outcome.id == CREDENTIALS_CHECK_ID and outcome.ok is False:
            rows = [rows[0], *(CheckResult(id=row.id, label=row.label, ok=None) for row in rows[1:])]
        locked.scope_results = [row.as_dict() for row in rows]
        locked.save(update_fields=["scope_results", "updated_at"])
        failure = None if any(row.pending for row in rows) else _finalize(locked, credentials=credentials, results=rows)
    if failure is not None:
        connect_flow_record_failure(link=locked, step=failure[0], reason=failure[1])
    link.refresh_from_db()
    return outcome


def connect_checks_run_all(*, link: ConnectLink) -> list[CheckResult]:
    while connect_checks_run_next(link=link) is not None:
        pass
    return results_of(link)


def _finalize(
    link: ConnectLink, *, credentials: Mapping[str, str], results: list[CheckResult]
) -> tuple[str, str] | None:
    """All checks ran (inside the caller's transaction, the link locked): attach the integration when they all
    passed; otherwise the failure to record (step, reason)."""
    unreachable = any(result.unreachable for result in results)
    if all(result.ok for result in results):
        link.integration = _attach_integration(link, auth_kind=link.auth_kind, credentials=credentials)
        link.verified_at = utcnow()
    if not unreachable:
        link.pending_credentials = ""
    link.save()
    if link.verified_at is not None and all(result.ok for result in results):
        return None
    failed = [f"{result.label}: {result.message}" for result in results if result.ok is False]
    first_failed = results[0].ok is False
    step = ConnectionFlowFailure.Step.CREDENTIALS if first_failed else ConnectionFlowFailure.Step.SCOPE_TESTS
    reason = ("Could not reach the ATS: " if unreachable else "") + "; ".join(failed)
    return step, reason
