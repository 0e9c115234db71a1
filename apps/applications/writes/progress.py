"""Resumable creates: every step the ATS confirmed is on record before the next is sent; a retry resumes.

- `CreateLog` is the durable `StepLog` a create runs with (`apps.connectors.steps`): each confirmed step is saved
  at once (no transaction holds it back), so it survives the request failing, the worker dying or the client
  giving up.
- After a failure once the application exists (a follow-up step, the read-back), the create is finished here,
  for every connector alike: the application is read from the ATS, the pending steps it can do (stage,
  custom field values, attachments) are done through the connector's own actions, and the answer is the
  application with a warning. If even that read fails, the error says what exists (`remote_ids`) and the key
  stays "reconcile on retry" (`PartialCreateError`).
- A retry (same `Idempotency-Key`) resumes from the log; an "already applied" for a candidate and job that
  Tributary itself created answers that application.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from apps.applications.enums import TrackedVia
from apps.applications.models import Application, CreateProgress
from apps.applications.writes.errors import WriteUncertainError, api_error_for
from apps.applications.writes.timing import own_time
from apps.connectors import steps
from apps.connectors.base import Connector
from apps.connectors.catalog import WriteAction
from apps.connectors.dtos import ApplicationRef, CreateApplicationInput, CreateApplicationResult, TrackedApplication
from apps.connectors.errors import ConnectorError, ConnectorUnsupported
from apps.core.api.errors import ErrorCode
from apps.core.compiled import CompiledInsert
from apps.core.timeutils import utcnow
from apps.integrations.models import Integration

WARNING_FINISHED = (
    "The application was created, but {failure}; Tributary read it back from the ATS and returns it (nothing was "
    "created twice)."
)
WARNING_RESUMED = (
    "An earlier request with this Idempotency-Key created this application before it failed; it was resumed "
    "(nothing was created twice){done}."
)
WARNING_EXISTING = (
    "This candidate's application to this job was already created through Tributary; it is returned (nothing was "
    "sent again)."
)
WARNING_STEP_FAILED = "{step}: not completed after the interruption ({error})."
WARNING_STEP_SKIPPED = "{step}: not completed after the interruption ({tool} cannot finish it on its own)."
MESSAGE_PARTIAL = (
    "The application exists in the ATS (see remote_ids), but {failure}: {error}. Retry with the same "
    "Idempotency-Key: Tributary resumes it and creates nothing twice."
)
MESSAGE_GONE = (
    "An earlier request created this application in the ATS (see remote_ids), but the ATS no longer shows it. It "
    "was not created again; use a new Idempotency-Key to create it anyway."
)


class PartialCreateError(WriteUncertainError):
    """The ATS holds part of a create: the key stays "reconcile on retry"; the body names what exists."""


def _email(value: str) -> str:
    return value.strip().casefold()


# The log row's first save, its SQL built once (see apps.core.compiled).
_INSERT = CompiledInsert(CreateProgress)


def _save(row: CreateProgress) -> None:
    """Store the log row: inserted at its first step; at each later one, its steps and `updated_at` updated."""
    if row._state.adding:
        _INSERT.insert(row)
        return
    CreateProgress.objects.filter(pk=row.pk).update(steps=row.steps, updated_at=row.updated_at)


class CreateLog:
    """The steps of one create, stored as the connector records them (one row, saved at each step)."""

    def __init__(self, row: CreateProgress) -> None:
        self.row = row

    @classmethod
    def open(cls, *, integration: Integration, key: str | None, payload: CreateApplicationInput) -> CreateLog:
        """The log of the earlier attempt with this key (a retry resumes it), else a new one (saved at its first
        step)."""
        if key:
            row = CreateProgress.objects.filter(integration=integration, idempotency_key=key).order_by("-created_at")
            found = row.first()
            if found is not None:
                return cls(found)
        return cls(
            CreateProgress(
                integration=integration,
                idempotency_key=key or "",
                job_remote_id=payload.job_remote_id,
                email=_email(payload.candidate.email_address),
            )
        )

    def record(self, step: str, details: dict[str, Any]) -> None:
        # Called by the connector between its ATS calls: our own time, not the ATS's (Server-Timing).
        with own_time():
            self.row.steps = {**self.row.steps, step: details}
            self.row.updated_at = utcnow()
            _save(self.row)

    @property
    def application(self) -> dict[str, Any] | None:
        found = self.row.steps.get(steps.APPLICATION)
        return found if isinstance(found, dict) and found.get("application_remote_id") else None

    def remote_ids(self) -> dict[str, str]:
        application = self.application or {}
        return {
            name: str(application[key])
            for name, key in (("application", "application_remote_id"), ("candidate", "candidate_remote_id"))
            if application.get(key)
        }

    def pending(self) -> list[str]:
        planned = (self.application or {}).get("pending") or []
        return [step for step in planned if isinstance(step, str) and step not in self.row.steps]


def tributary_created(*, integration: Integration, payload: CreateApplicationInput) -> bool:
    """Whether Tributary created this candidate's application to this job (its log, or a tracked create)."""
    email = _email(payload.candidate.email_address)
    logged = CreateProgress.objects.filter(
        integration=integration, job_remote_id=payload.job_remote_id, email=email, steps__has_key=steps.APPLICATION
    ).exists()
    if logged:
        return True
    given = payload.candidate.email_address.strip()
    return Application.objects.filter(
        Q(candidate__email_addresses__contains=[{"email_address": given}])
        | Q(candidate__email_addresses__contains=[{"email_address": email}]),
        integration=integration,
        tracked_via=TrackedVia.CREATED,
        job__remote_id=payload.job_remote_id,
    ).exists()


def _failure(error: ConnectorError) -> str:
    return f"a later step failed ({error.remote_message or error.message})"


class _StepFailed(Exception):
    """A pending step failed in a way a retry may get past (rate limit, outage, no answer)."""

    def __init__(self, step: str, error: ConnectorError) -> None:
        super().__init__(step)
        self.step = step
        self.error = error


def _attached(connector: Connector, ref: ApplicationRef, name: str) -> bool:
    """Whether the application shows a file of this name already (an upload that may have happened)."""
    try:
        listed = connector.list_application_attachments(ref)
    except ConnectorError:
        return False
    return any(item.file_name == name for item in listed.attachments)


def _finish_step(connector: Connector, payload: CreateApplicationInput, ref: ApplicationRef, step: str,
                 found: TrackedApplication) -> bool:  # fmt: skip
    """Do one pending step through the connector's own actions; False when it cannot be done that way."""
    if step == steps.STAGE and payload.stage_remote_id and connector.can(WriteAction.MOVE_APPLICATION_STAGE):
        if found.application.current_stage_remote_id != payload.stage_remote_id:  # read, not assumed
            connector.move_application_stage(ref, stage_remote_id=payload.stage_remote_id, remote_fields={})
        return True
    if step == steps.CUSTOM_FIELDS and payload.custom_fields and connector.takes_custom_fields:
        connector.write_custom_fields(ref, payload.custom_fields)  # repeatable: the same values change nothing
        return True
    if step.startswith(steps.ATTACHMENT_PREFIX) and connector.can(WriteAction.ADD_APPLICATION_ATTACHMENT):
        file = payload.attachments[int(step.removeprefix(steps.ATTACHMENT_PREFIX))]
        if not _attached(connector, ref, file.name):
            connector.add_application_attachment(ref, attachment=file, remote_fields={})
        return True
    return False


def _finish_steps(
    connector: Connector, payload: CreateApplicationInput, log: CreateLog, found: TrackedApplication
) -> tuple[TrackedApplication, list[str], list[str]]:
    """Do the pending steps the connector's own actions can do; (the application now, what was done, warnings).
    Raises _StepFailed when one fails in a way a retry may get past."""
    ref = ApplicationRef(
        remote_id=found.application.remote_id,
        candidate_remote_id=found.application.candidate_remote_id,
        job_remote_id=found.application.job_remote_id or payload.job_remote_id,
    )
    done: list[str] = []
    warnings: list[str] = []
    for step in log.pending():
        try:
            if not _finish_step(connector, payload, ref, step, found):
                warnings.append(WARNING_STEP_SKIPPED.format(step=step, tool=connector.label))
                continue
        except ConnectorError as error:
            if steps.resumable(error):
                raise _StepFailed(step, error) from None
            warnings.append(WARNING_STEP_FAILED.format(step=step, error=error.remote_message or error.message))
            continue
        log.record(step, {})
        done.append(step)
    if done:
        found = _find(connector, payload) or found
    return found, done, warnings


def _result(found: TrackedApplication, log: CreateLog, warnings: list[str]) -> CreateApplicationResult:
    return CreateApplicationResult(
        application=found.application,
        candidate=found.candidate,
        candidate_existed=bool((log.application or {}).get("candidate_existed")),
        warnings=tuple(warnings),
    )


def _find(connector: Connector, payload: CreateApplicationInput) -> TrackedApplication | None:
    return connector.find_application(
        job_remote_id=payload.job_remote_id, email_address=payload.candidate.email_address
    )


def _partial(integration: Integration, log: CreateLog, failure: str, error: ConnectorError) -> PartialCreateError:
    mapped = api_error_for(error, integration=integration)
    return PartialCreateError(
        mapped.code,
        MESSAGE_PARTIAL.format(failure=failure, error=error.remote_message or error.message),
        status=mapped.status,
        remote_ids=log.remote_ids(),
    )


def _finish(
    *, integration: Integration, connector: Connector, payload: CreateApplicationInput, log: CreateLog, failure: str
) -> tuple[TrackedApplication, list[str], list[str]]:
    try:
        found = _find(connector, payload)
    except ConnectorError as error:
        raise _partial(integration, log, failure, error) from None
    if found is None:
        raise PartialCreateError(ErrorCode.REMOTE_INPUT_INVALID, MESSAGE_GONE, status=404, remote_ids=log.remote_ids())
    try:
        return _finish_steps(connector, payload, log, found)
    except _StepFailed as failed:
        raise _partial(integration, log, f"{failed.step} failed", failed.error) from None


def create_finish_after_error(
    *, integration: Integration, connector: Connector, payload: CreateApplicationInput, log: CreateLog,
    error: ConnectorError,
) -> CreateApplicationResult:  # fmt: skip
    """The create failed after the application was created: read it back and finish what is pending."""
    failure = _failure(error)
    found, _, warnings = _finish(
        integration=integration, connector=connector, payload=payload, log=log, failure=failure
    )
    return _result(found, log, [WARNING_FINISHED.format(failure=failure), *warnings])


def create_resume(
    *, integration: Integration, connector: Connector, payload: CreateApplicationInput, log: CreateLog
) -> CreateApplicationResult:
    """A retry of a create whose application exists already (its log says so): finish it, send nothing twice."""
    found, done, warnings = _finish(
        integration=integration, connector=connector, payload=payload, log=log, failure="resuming it failed"
    )
    detail = f"; finished now: {', '.join(done)}" if done else ""
    return _result(found, log, [WARNING_RESUMED.format(done=detail), *warnings])


def create_existing(*, connector: Connector, payload: CreateApplicationInput) -> CreateApplicationResult | None:
    """The application Tributary created earlier for this candidate and job, as the ATS has it now."""
    try:
        found = _find(connector, payload)
    except ConnectorUnsupported:
        return None
    if found is None:
        return None
    return CreateApplicationResult(
        application=found.application, candidate=found.candidate, warnings=(WARNING_EXISTING,)
    )
