"""The ATS write actions (contract §5): validate, resolve our ids to remote ids, call the connector, store.

Every action:
1. refuses a disabled integration (INTEGRATION.INACTIVE) or one whose credentials were rejected
   (INTEGRATION.AUTHENTICATION_INVALID), and an action the connector's `write_coverage` lacks
   (INTEGRATION.ACTION_NOT_AVAILABLE) — without calling the ATS;
2. validates what the serializers could not (ids, screening answers, files) and names the field on failure;
3. drops what the connector cannot write (coverage not SUPPORTED, `remote_fields` of other tools) with a
   warning each;
4. calls the connector once (connector errors become the contract's codes, see `writes.errors`);
5. keeps our copy in step: created applications and candidates are stored at once as tracked records.

Creates also do automatic attribution: the source decided by `attribution_source_for_write` goes to the
connector, and `attribution_record_outcome` reads it back afterwards.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar, cast

from django.db import IntegrityError, transaction

from apps.applications.enums import Outcome, TrackedVia
from apps.applications.models import (
    Application,
    ApplicationStage,
    AtsUser,
    Candidate,
    Job,
    JobStage,
    RejectionReason,
    ScreeningQuestion,
)
from apps.applications.services import records_upsert
from apps.applications.writes import presenters
from apps.applications.writes.downloads import attachment_download_ticket
from apps.applications.writes.errors import WriteUncertainError, api_error_for
from apps.applications.writes.files import attachment_from, file_from
from apps.applications.writes.idempotency import Attempt, WriteOutcome
from apps.applications.writes.screening import screening_answers_from
from apps.applications.writes.timing import TimedConnector
from apps.attribution.selectors import attribution_source_for_write
from apps.attribution.services import attribution_record_outcome
from apps.connectors.base import Connector
from apps.connectors.catalog import WRITE_ACTION_LABELS, CoverageStatus, ReadModel, WriteAction
from apps.connectors.dtos import (
    ApplicationRef,
    CandidateInput,
    CreateApplicationInput,
    CreateApplicationResult,
    DownloadedFile,
    EmailAddress,
    GdprConsent,
    Location,
    PhoneNumber,
    RemoteApplication,
    RemoteCandidate,
    RemoteJob,
    RequestedSource,
    ResultLinkInput,
    SalaryExpectation,
    TrackedApplication,
    WriteResult,
)
from apps.connectors.errors import ConnectorError, ConnectorUnsupported
from apps.connectors.registry import get_connector_class
from apps.core.api.errors import ApiError, ErrorCode, input_invalid
from apps.core.timeutils import format_datetime, utcnow
from apps.integrations.connectors import connector_for
from apps.integrations.models import Integration

T = TypeVar("T")
Json = dict[str, Any]
REMOTE_PREFIX = "remote:"

MESSAGE_INACTIVE = "The integration is disabled; enable it to write to the ATS."
MESSAGE_INVALID = "The integration's credentials were rejected by the ATS; relink the integration first."
MESSAGE_ACTION = "{tool} does not support this action ({action})."
MESSAGE_NOT_FOUND = "{field}: no {what} with ID {value!r} exists in this integration."
MESSAGE_JOB_NOT_IN_ATS = "{field}: the ATS has no job with remote ID {value!r}."
MESSAGE_JOB_NOT_READABLE = (
    "{field}: job {value!r} is not synced yet, and {tool} cannot read single jobs; sync the jobs first."
)
MESSAGE_STAGE = "{field}: {value!r} is not a stage of this application's job."
MESSAGE_REMOTE_FIELDS = "remote_fields.{tool}: expected an object."
MESSAGE_IMPORT_KEYS = "Send the IDs of the application under one of these keys: {keys}."
MESSAGE_IMPORT_ONE_KEY = "Send the IDs under one key only, not {keys}."
MESSAGE_IMPORT_ID = "{key}.{name}: required (a non-empty string)."
MESSAGE_NOT_RESENT = (
    "An earlier request with this Idempotency-Key may already have written this to the ATS, and {tool} cannot "
    "tell; it was not sent again. Check the ATS, and use a new key to send it anyway."
)
WARNING_UNSUPPORTED = "{field}: {tool} cannot write this ({status}); it was not sent."
WARNING_OTHER_TOOL = "remote_fields.{key}: these fields are for {key}, not {tool}; ignored."
WARNING_SOURCE_IGNORED = (
    "source: the deprecated `source` was not written because automatic source writing sets {name!r}."
)
WARNING_SOURCE_UNSUPPORTED = "source: {tool} cannot take a source from the request; it was not written."
WARNING_RECONCILED = (
    "An earlier request with this Idempotency-Key reached the ATS without an answer; the application it created "
    "was found and is returned (nothing was sent again)."
)

OPTIONAL_CREATE_FIELDS = (
    "candidate.additional_email_addresses", "candidate.company", "candidate.title", "candidate.phone_number",
    "candidate.additional_phone_numbers", "candidate.location", "candidate.gender", "candidate.availability_date",
    "candidate.salary_expectations", "candidate.social_links", "stage_id", "attachments", "sourced_by",
    "gdpr_consent", "screening_question_answers",
)  # fmt: skip


# -- shared steps --------------------------------------------------------------------------------------------


def _writable(integration: Integration) -> None:
    if not integration.enabled or integration.state == Integration.State.INACTIVE:
        raise ApiError(ErrorCode.INTEGRATION_INACTIVE, MESSAGE_INACTIVE)
    if integration.state == Integration.State.INVALID:
        raise ApiError(ErrorCode.INTEGRATION_AUTHENTICATION_INVALID, MESSAGE_INVALID)


def _connector(integration: Integration, action: WriteAction) -> Connector:
    """The integration's connector (its ATS calls timed), after checking it can do `action` at all."""
    _writable(integration)
    connector_class = get_connector_class(integration.tool)
    if not connector_class.can(action):
        raise ApiError(
            ErrorCode.INTEGRATION_ACTION_NOT_AVAILABLE,
            MESSAGE_ACTION.format(tool=connector_class.label, action=WRITE_ACTION_LABELS[action]),
        )
    return cast(Connector, TimedConnector(connector_for(integration)))


@contextmanager
def _calling(integration: Integration) -> Iterator[None]:
    """Connector errors inside the block become the contract's API errors."""
    try:
        yield
    except ConnectorError as error:
        raise api_error_for(error, integration=integration) from None


def _field_status(connector: Connector, action: WriteAction, name: str) -> CoverageStatus:
    return connector.field_status(action, name)


def _supported(connector: Connector, action: WriteAction, name: str, warnings: list[str]) -> bool:
    """Whether the connector writes `name`; when not, a warning says it was dropped."""
    status = _field_status(connector, action, name)
    if status == CoverageStatus.SUPPORTED:
        return True
    warnings.append(WARNING_UNSUPPORTED.format(field=name, tool=connector.label, status=status.value))
    return False


def _remote_fields(
    integration: Integration, connector: Connector, action: WriteAction, value: Any, warnings: list[str]
) -> Mapping[str, Any]:
    """The request's `remote_fields[<tool>]`; other tools' keys are dropped with a warning each."""
    if not value:
        return {}
    own: Mapping[str, Any] = {}
    for key in sorted(value):
        if key != integration.tool:
            warnings.append(WARNING_OTHER_TOOL.format(key=key, tool=integration.tool))
            continue
        if not isinstance(value[key], dict):
            raise input_invalid(MESSAGE_REMOTE_FIELDS.format(tool=key))
        own = value[key]
    if own and not _supported(connector, action, "remote_fields", warnings):
        return {}
    return own


def _split_remote(value: str) -> tuple[str | None, str | None]:
    """(our id, None) or (None, remote id) from an id that may be `remote:<id>`."""
    if value.startswith(REMOTE_PREFIX):
        return None, value[len(REMOTE_PREFIX) :]
    return value, None


def _not_found(field: str, what: str, value: str) -> ApiError:
    return ApiError(
        ErrorCode.PLATFORM_INPUT_INVALID, MESSAGE_NOT_FOUND.format(field=field, what=what, value=value), status=404
    )


def _retry_on_conflict(write: Callable[[], T]) -> T:
    """Run a storing step in a transaction; a concurrent insert of the same record wins, and we read it then."""
    try:
        with transaction.atomic():
            return write()
    except IntegrityError:
        with transaction.atomic():
            return write()


# -- jobs, stages, users ---------------------------------------------------------------------------------


def job_for_write(*, integration: Integration, connector: Connector, job_id: str, field: str) -> Job:
    """The job of a create call: our id, or `remote:<id>`. A job we have not synced is read live and stored."""
    our_id, remote_id = _split_remote(job_id)
    live = Job.objects.filter(integration=integration, remote_deleted_at__isnull=True)
    if our_id is not None:
        job = live.filter(id=our_id).first()
        if job is None:
            raise _not_found(field, "job", job_id)
        return job
    if not remote_id:
        raise input_invalid(f"{field}: `remote:` must be followed by the job's remote ID.")
    job = live.filter(remote_id=remote_id).first()
    if job is not None:
        return job
    coverage = connector.coverage_for(ReadModel.JOBS)
    if coverage is None or not coverage.supports_remote_ids:
        raise ApiError(
            ErrorCode.PLATFORM_INPUT_INVALID,
            MESSAGE_JOB_NOT_READABLE.format(field=field, value=job_id, tool=connector.label),
            status=404,
        )
    with _calling(integration):
        page = connector.read(ReadModel.JOBS, remote_ids=[remote_id])
    found = [item for item in page.items if isinstance(item, RemoteJob) and item.remote_id == remote_id]
    if not found:
        raise ApiError(
            ErrorCode.REMOTE_INPUT_INVALID, MESSAGE_JOB_NOT_IN_ATS.format(field=field, value=remote_id), status=404
        )
    _retry_on_conflict(
        lambda: records_upsert(integration=integration, model=ReadModel.JOBS, records=found[:1], now=utcnow())
    )
    return Job.objects.get(integration=integration, remote_id=remote_id)


def _job_stage_remote_id(*, integration: Integration, job: Job | None, stage_id: str, field: str) -> str:
    """The remote id of `stage_id` (ours or `remote:<id>`), which must be one of the job's stages."""
    our_id, remote_id = _split_remote(stage_id)
    stages = (
        list(
            JobStage.objects.filter(job=job, remote_deleted_at__isnull=True).values_list("stage_id", "stage__remote_id")
        )
        if job is not None
        else []
    )
    if stages:
        for stage_pk, stage_remote_id in stages:
            if (our_id is not None and stage_pk == our_id) or (remote_id is not None and stage_remote_id == remote_id):
                return str(stage_remote_id)
        raise input_invalid(MESSAGE_STAGE.format(field=field, value=stage_id))
    if remote_id:
        return remote_id
    stage = ApplicationStage.objects.filter(integration=integration, id=our_id).first()
    if stage is None or not stage.remote_id:
        raise _not_found(field, "stage", stage_id)
    return stage.remote_id


def _user_remote_id(integration: Integration, user_id: str, field: str) -> str:
    our_id, remote_id = _split_remote(user_id)
    if remote_id:
        return remote_id
    user = AtsUser.objects.filter(integration=integration, id=our_id, remote_deleted_at__isnull=True).first()
    if user is None or not user.remote_id:
        raise _not_found(field, "user", user_id)
    return user.remote_id


# -- create application / candidate ---------------------------------------------------------------------


def _present(body: Mapping[str, Any], name: str) -> bool:
    """Whether an optional dotted field (`candidate.gender`) was given with a value."""
    value: Any = body
    for part in name.split("."):
        if not isinstance(value, Mapping):
            return False
        value = value.get(part)
    return value not in (None, "", [], {})


def _salary(value: Mapping[str, Any] | None, target: str | None) -> SalaryExpectation | None:
    """MONTH ↔ YEAR to the period the connector's ATS takes."""
    if value is None:
        return None
    period, amount = str(value["period"]), float(value["amount"])
    if target == "YEAR" and period == "MONTH":
        period, amount = "YEAR", round(amount * 12, 2)
    elif target == "MONTH" and period == "YEAR":
        period, amount = "MONTH", round(amount / 12, 2)
    return SalaryExpectation(period=period, amount=amount)


def _candidate_input(candidate: Mapping[str, Any], *, salary_period: str | None) -> CandidateInput:
    location = candidate.get("location")
    return CandidateInput(
        first_name=candidate["first_name"],
        last_name=candidate["last_name"],
        email_address=candidate["email_address"],
        additional_email_addresses=tuple(
            EmailAddress(email_address=entry["email_address"], type=entry["type"])
            for entry in candidate.get("additional_email_addresses") or ()
        ),
        company=candidate.get("company") or None,
        title=candidate.get("title") or None,
        phone_number=candidate.get("phone_number") or None,
        additional_phone_numbers=tuple(
            PhoneNumber(phone_number=entry["phone_number"], type=entry["type"])
            for entry in candidate.get("additional_phone_numbers") or ()
        ),
        location=(
            Location(
                country=location["country"], city=location.get("city") or None, state=location.get("state") or None,
                street_1=location.get("street_1") or None, zip_code=location.get("zip_code") or None,
            )
            if location else None
        ),
        gender=candidate.get("gender"),
        availability_date=candidate.get("availability_date"),
        salary_expectation=_salary(candidate.get("salary_expectations"), salary_period),
        social_links=tuple(link["url"] for link in candidate.get("social_links") or ()),
    )  # fmt: skip


def _without_unsupported(
    body: Mapping[str, Any], connector: Connector, action: WriteAction, warnings: list[str]
) -> dict[str, Any]:
    """A copy of the body without the optional fields the connector cannot write (a warning each)."""
    kept: dict[str, Any] = {**body, "candidate": dict(body["candidate"])}
    for name in OPTIONAL_CREATE_FIELDS:
        if _present(kept, name) and not _supported(connector, action, name, warnings):
            if name.startswith("candidate."):
                kept["candidate"].pop(name.removeprefix("candidate."))
            else:
                kept.pop(name)
    return kept


def _create_input(
    *,
    integration: Integration,
    connector: Connector,
    action: WriteAction,
    job: Job,
    body: Mapping[str, Any],
    stage_id: str | None,
    stage_field: str,
    warnings: list[str],
) -> CreateApplicationInput:
    body = _without_unsupported(body, connector, action, warnings)
    if stage_id and not _supported(connector, action, "stage_id", warnings):
        stage_id = None
    stage_remote_id = (
        _job_stage_remote_id(integration=integration, job=job, stage_id=stage_id, field=stage_field)
        if stage_id
        else None
    )
    questions = list(ScreeningQuestion.objects.filter(job=job, remote_deleted_at__isnull=True))
    answers = screening_answers_from(
        body.get("screening_question_answers") or [],
        questions=questions,
        read_file=lambda value, field: file_from(value, field=field),
        warnings=warnings,
    )
    attachments = tuple(
        attachment_from(value, field=f"attachments[{index}]")
        for index, value in enumerate(body.get("attachments") or [])
    )
    sourced_by = body.get("sourced_by")
    consent = body.get("gdpr_consent")
    return CreateApplicationInput(
        job_remote_id=job.remote_id,
        candidate=_candidate_input(body["candidate"], salary_period=connector.salary_period),
        stage_remote_id=stage_remote_id,
        attachments=attachments,
        screening_answers=answers,
        sourced_by_user_remote_id=(
            _user_remote_id(integration, sourced_by["user_id"], "sourced_by.user_id") if sourced_by else None
        ),
        gdpr_consent=GdprConsent(given=consent.get("given"), expires_at=consent.get("expires_at")) if consent else None,
        remote_fields=_remote_fields(integration, connector, action, body.get("remote_fields"), warnings),
    )


def _with_source(
    payload: CreateApplicationInput,
    *,
    integration: Integration,
    connector: Connector,
    action: WriteAction,
    requested: Mapping[str, Any] | None,
    warnings: list[str],
) -> tuple[CreateApplicationInput, Any]:
    """Automatic attribution's source; the deprecated request `source` only when that writes nothing."""
    decision = attribution_source_for_write(integration)
    requested_source = None
    if requested and any(requested.get(key) for key in ("name", "unified_key", "id")):
        if decision.instruction is not None:
            warnings.append(WARNING_SOURCE_IGNORED.format(name=decision.instruction.name))
        elif connector.field_status(action, "source") == CoverageStatus.SUPPORTED:
            requested_source = RequestedSource(
                name=requested.get("name") or None,
                unified_key=requested.get("unified_key") or None,
                remote_id=requested.get("id") or None,
            )
        else:
            warnings.append(WARNING_SOURCE_UNSUPPORTED.format(tool=connector.label))
    return dataclasses.replace(payload, source=decision.instruction, requested_source=requested_source), decision


def _store_found(
    integration: Integration,
    *,
    application: RemoteApplication,
    candidate: RemoteCandidate,
    via: TrackedVia,
    tracked_at: datetime,
) -> tuple[Application, Candidate]:
    """Store an application and its candidate and mark both tracked (an earlier tracking is kept)."""
    if application.outcome is None:
        application = dataclasses.replace(application, outcome=Outcome.PENDING.value)

    def write() -> tuple[Application, Candidate]:
        now = utcnow()
        records_upsert(integration=integration, model=ReadModel.CANDIDATES, records=[candidate], now=now)
        records_upsert(integration=integration, model=ReadModel.APPLICATIONS, records=[application], now=now)
        for model, remote_id in ((Candidate, candidate.remote_id), (Application, application.remote_id)):
            model.objects.filter(  # type: ignore[attr-defined]
                integration=integration, remote_id=remote_id, tracked_at__isnull=True
            ).update(tracked_at=tracked_at, tracked_via=via)
        return (
            Application.objects.get(integration=integration, remote_id=application.remote_id),
            Candidate.objects.get(integration=integration, remote_id=candidate.remote_id),
        )

    return _retry_on_conflict(write)


def _reconciled(connector: Connector, payload: CreateApplicationInput) -> CreateApplicationResult | None:
    """After an uncertain create: the application it may have made, looked up instead of writing again."""
    try:
        found = connector.find_application(
            job_remote_id=payload.job_remote_id, email_address=payload.candidate.email_address
        )
    except ConnectorUnsupported:
        raise WriteUncertainError(
            ErrorCode.REMOTE_UNKNOWN_HTTP_ERROR, MESSAGE_NOT_RESENT.format(tool=connector.label), status=504
        ) from None
    if found is None:
        return None
    return CreateApplicationResult(
        application=found.application, candidate=found.candidate, warnings=(WARNING_RECONCILED,)
    )


def _create(
    *,
    integration: Integration,
    action: WriteAction,
    job_id: str,
    job_field: str,
    stage_id: str | None,
    stage_field: str,
    body: Mapping[str, Any],
    attempt: Attempt,
) -> tuple[Application, Candidate, list[str]]:
    connector = _connector(integration, action)
    warnings: list[str] = []
    job = job_for_write(integration=integration, connector=connector, job_id=job_id, field=job_field)
    payload = _create_input(
        integration=integration, connector=connector, action=action, job=job, body=body, stage_id=stage_id,
        stage_field=stage_field, warnings=warnings,
    )  # fmt: skip
    payload, decision = _with_source(
        payload, integration=integration, connector=connector, action=action, requested=body.get("source"),
        warnings=warnings,
    )  # fmt: skip
    with _calling(integration):
        result = _reconciled(connector, payload) if attempt.reconcile else None
        if result is None:
            attempt.sent = True
            create = (
                connector.create_candidate if action == WriteAction.CREATE_CANDIDATE else connector.create_application
            )
            result = create(payload)
    warnings.extend(result.warnings)
    application, candidate = _store_found(
        integration, application=result.application, candidate=result.candidate, via=TrackedVia.CREATED,
        tracked_at=utcnow(),
    )  # fmt: skip
    attribution_record_outcome(
        integration=integration,
        decision=decision,
        application_remote_id=result.application.remote_id,
        candidate_remote_id=result.candidate.remote_id,
        candidate_existed=result.candidate_existed,
        application=application,
        connector=connector,
    )
    return application, candidate, warnings


def application_create(
    *, integration: Integration, job_id: str, body: Mapping[str, Any], attempt: Attempt
) -> WriteOutcome:
    """POST /ats/jobs/{job_id}/applications: the application in the §5.1 shape."""
    application, candidate, warnings = _create(
        integration=integration, action=WriteAction.CREATE_APPLICATION, job_id=job_id, job_field="job_id",
        stage_id=body.get("stage_id"), stage_field="stage_id", body=body, attempt=attempt,
    )  # fmt: skip
    data = presenters.created_application_data(
        integration=integration, application_id=application.id, candidate_id=candidate.id
    )
    return WriteOutcome(data=data, warnings=warnings)


def candidate_create(*, integration: Integration, body: Mapping[str, Any], attempt: Attempt) -> WriteOutcome:
    """POST /ats/candidates (legacy): a candidate and its application to `application.job_id`; the candidate."""
    target = body["application"]
    _, candidate, warnings = _create(
        integration=integration, action=WriteAction.CREATE_CANDIDATE, job_id=target["job_id"],
        job_field="application.job_id", stage_id=target.get("stage_id"), stage_field="application.stage_id",
        body=body, attempt=attempt,
    )  # fmt: skip
    return WriteOutcome(
        data=presenters.candidate_data(integration=integration, candidate_id=candidate.id), warnings=warnings
    )


# -- import-tracked-application ---------------------------------------------------------------------------


def _import_ids(connector: Connector, body: Mapping[str, Any]) -> tuple[str, dict[str, str]]:
    keys = connector.tracked_application_keys
    given = [key for key in keys if body.get(key) is not None]
    if not given:
        raise input_invalid(MESSAGE_IMPORT_KEYS.format(keys=", ".join(keys) or "(none)"))
    if len(given) > 1:
        raise input_invalid(MESSAGE_IMPORT_ONE_KEY.format(keys=", ".join(given)))
    key = given[0]
    value = body[key]
    if not isinstance(value, dict):
        raise input_invalid(f"{key}: expected an object.")
    for name in keys[key]:
        if not isinstance(value.get(name), str) or not value[name].strip():
            raise input_invalid(MESSAGE_IMPORT_ID.format(key=key, name=name))
    return key, {name: item for name, item in value.items() if isinstance(item, str)}


def tracked_application_import(
    *, integration: Integration, body: Mapping[str, Any], tracked_at: datetime | None, attempt: Attempt
) -> WriteOutcome:
    """POST /ats/import-tracked-application: find the application by the tool's ids, store it as tracked."""
    connector = _connector(integration, WriteAction.IMPORT_TRACKED_APPLICATION)
    key, ids = _import_ids(connector, body)
    with _calling(integration):
        found: TrackedApplication = connector.find_tracked_application(key=key, ids=ids)
        if found.application.job_remote_id:
            job_for_write(
                integration=integration,
                connector=connector,
                job_id=REMOTE_PREFIX + found.application.job_remote_id,
                field="job",
            )
    application, _ = _store_found(
        integration, application=found.application, candidate=found.candidate, via=TrackedVia.IMPORTED,
        tracked_at=tracked_at or utcnow(),
    )  # fmt: skip
    return WriteOutcome(
        data={
            "id": application.id,
            "tracked_at": format_datetime(application.tracked_at),
            "imported_id": {key: dict(body[key])},
        }
    )


# -- actions on stored applications and candidates -------------------------------------------------------


def _application(integration: Integration, application_id: str) -> tuple[Application, ApplicationRef]:
    application = (
        Application.objects.filter(integration=integration, id=application_id, remote_deleted_at__isnull=True)
        .select_related("candidate", "job")
        .first()
    )
    if application is None or not application.remote_id:
        raise _not_found("application_id", "application", application_id)
    return application, ApplicationRef(
        remote_id=application.remote_id,
        candidate_remote_id=application.candidate.remote_id if application.candidate else None,
        job_remote_id=application.job.remote_id if application.job else None,
    )


def _candidate(integration: Integration, candidate_id: str) -> Candidate:
    candidate = Candidate.objects.filter(
        integration=integration, id=candidate_id, remote_deleted_at__isnull=True
    ).first()
    if candidate is None:
        raise _not_found("candidate_id", "candidate", candidate_id)
    return candidate


def _refresh(integration: Integration, result: WriteResult) -> None:
    """Keep our copy in step with what the connector says the record is now."""
    now = utcnow()
    if result.candidate is not None:
        candidate = result.candidate
        _retry_on_conflict(
            lambda: records_upsert(integration=integration, model=ReadModel.CANDIDATES, records=[candidate], now=now)
        )
    if result.application is not None:
        application = result.application
        _retry_on_conflict(
            lambda: records_upsert(
                integration=integration, model=ReadModel.APPLICATIONS, records=[application], now=now
            )
        )


def _act(
    integration: Integration,
    connector: Connector,
    attempt: Attempt,
    write: Callable[[], WriteResult],
    *,
    repeatable: bool,
    warnings: list[str],
) -> WriteOutcome:
    """Run one write action. `repeatable`: sending it twice does no harm (a stage move, a tag), so an uncertain
    earlier attempt is simply sent again; otherwise (a note, a file) it is not re-sent."""
    if attempt.reconcile and not repeatable:
        raise WriteUncertainError(
            ErrorCode.REMOTE_UNKNOWN_HTTP_ERROR, MESSAGE_NOT_RESENT.format(tool=connector.label), status=504
        )
    with _calling(integration):
        attempt.sent = True
        result = write()
    _refresh(integration, result)
    return WriteOutcome(data={}, warnings=[*warnings, *result.warnings])


def application_move_stage(
    *, integration: Integration, application_id: str, body: Mapping[str, Any], attempt: Attempt
) -> WriteOutcome:
    action = WriteAction.MOVE_APPLICATION_STAGE
    connector = _connector(integration, action)
    application, ref = _application(integration, application_id)
    warnings: list[str] = []
    stage = _job_stage_remote_id(
        integration=integration, job=application.job, stage_id=body["stage_id"], field="stage_id"
    )
    fields = _remote_fields(integration, connector, action, body.get("remote_fields"), warnings)
    return _act(
        integration, connector, attempt,
        lambda: connector.move_application_stage(ref, stage_remote_id=stage, remote_fields=fields),
        repeatable=True, warnings=warnings,
    )  # fmt: skip


def application_reject(
    *, integration: Integration, application_id: str, body: Mapping[str, Any], attempt: Attempt
) -> WriteOutcome:
    action = WriteAction.REJECT_APPLICATION
    connector = _connector(integration, action)
    _, ref = _application(integration, application_id)
    warnings: list[str] = []
    our_id, reason_remote_id = _split_remote(body["rejection_reason_id"])
    if reason_remote_id is None:
        reason = RejectionReason.objects.filter(
            integration=integration, id=our_id, remote_deleted_at__isnull=True
        ).first()
        if reason is None:
            raise _not_found("rejection_reason_id", "rejection reason", body["rejection_reason_id"])
        reason_remote_id = reason.remote_id
    note = body.get("note") or None
    if note and not _supported(connector, action, "note", warnings):
        note = None
    fields = _remote_fields(integration, connector, action, body.get("remote_fields"), warnings)
    return _act(
        integration, connector, attempt,
        lambda: connector.reject_application(
            ref, rejection_reason_remote_id=reason_remote_id, note=note, remote_fields=fields
        ),
        repeatable=True, warnings=warnings,
    )  # fmt: skip


def application_add_note(
    *, integration: Integration, application_id: str, body: Mapping[str, Any], attempt: Attempt
) -> WriteOutcome:
    action = WriteAction.ADD_APPLICATION_NOTE
    connector = _connector(integration, action)
    _, ref = _application(integration, application_id)
    warnings: list[str] = []
    fields = _remote_fields(integration, connector, action, body.get("remote_fields"), warnings)
    return _act(
        integration, connector, attempt,
        lambda: connector.add_application_note(
            ref, content=body["content"], content_type=body["content_type"], remote_fields=fields
        ),
        repeatable=False, warnings=warnings,
    )  # fmt: skip


def application_add_attachment(
    *, integration: Integration, application_id: str, body: Mapping[str, Any], attempt: Attempt
) -> WriteOutcome:
    action = WriteAction.ADD_APPLICATION_ATTACHMENT
    connector = _connector(integration, action)
    _, ref = _application(integration, application_id)
    warnings: list[str] = []
    fields = _remote_fields(integration, connector, action, body.get("remote_fields"), warnings)
    attachment = attachment_from(body["attachment"], field="attachment")
    return _act(
        integration, connector, attempt,
        lambda: connector.add_application_attachment(ref, attachment=attachment, remote_fields=fields),
        repeatable=False, warnings=warnings,
    )  # fmt: skip


def _result_link(
    connector: Connector, action: WriteAction, body: Mapping[str, Any], warnings: list[str]
) -> ResultLinkInput:
    details = body.get("details")
    if details and not _supported(connector, action, "details", warnings):
        details = None
    return ResultLinkInput(
        label=body["label"],
        url=body["url"],
        custom_field_name_prefix=details["custom_field_name_prefix"] if details else None,
        attributes=tuple((item["key"], item["value"]) for item in details["attributes"]) if details else (),
    )


def application_add_result_link(
    *, integration: Integration, application_id: str, body: Mapping[str, Any], attempt: Attempt
) -> WriteOutcome:
    action = WriteAction.ADD_APPLICATION_RESULT_LINK
    connector = _connector(integration, action)
    _, ref = _application(integration, application_id)
    warnings: list[str] = []
    link = _result_link(connector, action, body, warnings)
    fields = _remote_fields(integration, connector, action, body.get("remote_fields"), warnings)
    return _act(
        integration, connector, attempt,
        lambda: connector.add_application_result_link(ref, link=link, remote_fields=fields),
        repeatable=False, warnings=warnings,
    )  # fmt: skip


def candidate_add_attachment(
    *, integration: Integration, candidate_id: str, body: Mapping[str, Any], attempt: Attempt
) -> WriteOutcome:
    action = WriteAction.ADD_CANDIDATE_ATTACHMENT
    connector = _connector(integration, action)
    candidate = _candidate(integration, candidate_id)
    warnings: list[str] = []
    fields = _remote_fields(integration, connector, action, body.get("remote_fields"), warnings)
    attachment = attachment_from(body["attachment"], field="attachment")
    return _act(
        integration, connector, attempt,
        lambda: connector.add_candidate_attachment(candidate.remote_id, attachment=attachment, remote_fields=fields),
        repeatable=False, warnings=warnings,
    )  # fmt: skip


def candidate_add_result_link(
    *, integration: Integration, candidate_id: str, body: Mapping[str, Any], attempt: Attempt
) -> WriteOutcome:
    action = WriteAction.ADD_CANDIDATE_RESULT_LINK
    connector = _connector(integration, action)
    candidate = _candidate(integration, candidate_id)
    warnings: list[str] = []
    link = _result_link(connector, action, body, warnings)
    fields = _remote_fields(integration, connector, action, body.get("remote_fields"), warnings)
    return _act(
        integration, connector, attempt,
        lambda: connector.add_candidate_result_link(candidate.remote_id, link=link, remote_fields=fields),
        repeatable=False, warnings=warnings,
    )  # fmt: skip


def candidate_tag(
    *, integration: Integration, candidate_id: str, body: Mapping[str, Any], attempt: Attempt, remove: bool = False
) -> WriteOutcome:
    """POST (add) or DELETE (remove) /ats/candidates/{id}/tags."""
    action = WriteAction.REMOVE_CANDIDATE_TAG if remove else WriteAction.ADD_CANDIDATE_TAG
    connector = _connector(integration, action)
    candidate = _candidate(integration, candidate_id)
    warnings: list[str] = []
    fields = _remote_fields(integration, connector, action, body.get("remote_fields"), warnings)
    name = body["tag"]["name"]
    method = connector.remove_candidate_tag if remove else connector.add_candidate_tag
    return _act(
        integration, connector, attempt, lambda: method(candidate.remote_id, name=name, remote_fields=fields),
        repeatable=True, warnings=warnings,
    )  # fmt: skip


# -- attachments read live ---------------------------------------------------------------------------------


def application_attachments(*, integration: Integration, application_id: str, base_url: str) -> WriteOutcome:
    """GET /ats/applications/{id}/attachments, live from the ATS."""
    connector = _connector(integration, WriteAction.GET_APPLICATION_ATTACHMENTS)
    _, ref = _application(integration, application_id)
    with _calling(integration):
        listing = connector.list_application_attachments(ref)
    results = presenters.live_attachments_data(
        integration=integration, attachments=listing.attachments, base_url=base_url
    )
    return WriteOutcome(data={"results": results}, warnings=list(listing.warnings))


def candidate_attachments(*, integration: Integration, candidate_id: str, base_url: str) -> WriteOutcome:
    """GET /ats/candidates/{id}/attachments, live from the ATS."""
    connector = _connector(integration, WriteAction.GET_CANDIDATE_ATTACHMENTS)
    candidate = _candidate(integration, candidate_id)
    with _calling(integration):
        listing = connector.list_candidate_attachments(candidate.remote_id)
    results = presenters.live_attachments_data(
        integration=integration, attachments=listing.attachments, base_url=base_url, candidate_id=candidate.id
    )
    return WriteOutcome(data={"results": results}, warnings=list(listing.warnings))


def attachment_download(*, token: str) -> tuple[DownloadedFile, str | None, str | None]:
    """The file behind a signed download URL, fetched from the ATS now: (file, file name, content type)."""
    ticket = attachment_download_ticket(token)
    integration = Integration.objects.filter(id=ticket.integration_id).first()
    if integration is None:
        raise ApiError(ErrorCode.PLATFORM_INPUT_INVALID, "This download link is invalid.", status=404)
    _writable(integration)
    connector = connector_for(integration)
    with _calling(integration):
        file = connector.download_attachment(ticket.attachment)
    return file, file.file_name or ticket.file_name, file.content_type or ticket.content_type
