"""The steps of a multi-step write, recorded the moment the ATS confirms each, so an interrupted write resumes.

A create is several calls to many ATSs (SmartRecruiters: the application, then each attachment, then the stage;
Factorial: the application, then the phase, the personal URL, the source). Once the first of them succeeded,
the ATS has acted: nothing may answer as if it had not, and nothing may be sent twice. So a connector calls
`record(...)` right after each step the ATS confirmed; the write path (apps.applications.writes) gives it a log
that stores every step durably before the next one is sent, and resumes from that log after a failure.

Conventions for `record`:
- `APPLICATION` carries `application_remote_id`, `candidate_remote_id`, `candidate_existed` and `pending`: the
  follow-up steps still to do, in order (`STAGE`, `CUSTOM_FIELDS`, `attachment(i)` for
  `application.attachments[i]`, or a connector's own name, such as `candidate.social_links`). The write path can
  finish `STAGE`, `CUSTOM_FIELDS` and attachments through the connector's own actions; any other pending step is
  named in a warning if it must be skipped.
- A follow-up step is recorded under its name from `pending` once done.
Outside a write (no log set), `record` does nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol

from apps.connectors.errors import ConnectorBadResponse, ConnectorError, ConnectorWriteUncertain

APPLICATION = "application"
STAGE = "stage"
# The create's `custom_fields` values written in a call of their own (SmartRecruiters' candidate properties); the
# write path finishes it through `Connector.write_custom_fields`.
CUSTOM_FIELDS = "custom_fields"
ATTACHMENT_PREFIX = "attachment:"


def attachment(index: int) -> str:
    """The step of `application.attachments[index]`."""
    return f"{ATTACHMENT_PREFIX}{index}"


class StepLog(Protocol):
    def record(self, step: str, details: dict[str, Any]) -> None: ...


_log: ContextVar[StepLog | None] = ContextVar("write_step_log", default=None)


@contextmanager
def recording(log: StepLog) -> Iterator[None]:
    """Connector calls inside the block record their steps in `log`."""
    token = _log.set(log)
    try:
        yield
    finally:
        _log.reset(token)


def record(step: str, **details: Any) -> None:
    """The ATS confirmed `step` (see the module's conventions for the details)."""
    log = _log.get()
    if log is not None:
        log.record(step, details)


def record_application(
    *, application_remote_id: str, candidate_remote_id: str, candidate_existed: bool, pending: Sequence[str] = ()
) -> None:
    """The application exists in the ATS now; `pending`: the follow-up steps this create still means to do."""
    record(
        APPLICATION,
        application_remote_id=application_remote_id,
        candidate_remote_id=candidate_remote_id,
        candidate_existed=candidate_existed,
        pending=list(pending),
    )


def resumable(error: ConnectorError) -> bool:
    """Whether a follow-up step's failure is one a retry may get past (rate limit, outage, lost answer, garbled
    answer): then the connector lets it propagate, and the write path finishes the create (or the retry resumes
    it) instead of the step being dropped with a warning."""
    return error.retryable or isinstance(error, ConnectorWriteUncertain | ConnectorBadResponse)
