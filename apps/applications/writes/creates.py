"""Create application, create candidate (legacy) and import-tracked-application."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from apps.applications.enums import TrackedVia
from apps.applications.models import (
    Job,
    ScreeningQuestion,
)
from apps.applications.writes import presenters
from apps.applications.writes.common import (
    MESSAGE_NOT_RESENT,
    REMOTE_PREFIX,
    Stored,
    calling_ats,
    job_for_write,
    job_stage_remote_id,
    own_remote_fields,
    store_found,
    supported,
    user_remote_id,
    write_connector,
)
from apps.applications.writes.custom_fields import custom_field_values
from apps.applications.writes.errors import WriteUncertainError
from apps.applications.writes.idempotency import Attempt, WriteOutcome
from apps.applications.writes.progress import (
    CreateLog,
    create_existing,
    create_finish_after_error,
    create_resume,
    tributary_created,
)
from apps.applications.writes.screening import screening_answers_from
from apps.attribution.selectors import attribution_source_for_write
from apps.attribution.services import attribution_outcome, attribution_outcome_store
from apps.connectors import steps
from apps.connectors.base import Connector
from apps.connectors.catalog import CoverageStatus, WriteAction
from apps.connectors.dtos import (
    CandidateInput,
    CreateApplicationInput,
    CreateApplicationResult,
    EmailAddress,
    GdprConsent,
    Location,
    PhoneNumber,
    RequestedSource,
    SalaryExpectation,
    ScreeningAnswerInput,
    TrackedApplication,
)
from apps.connectors.errors import ConnectorApplicationExists, ConnectorError, ConnectorUnsupported
from apps.core.api.errors import ErrorCode, input_invalid
from apps.core.compiled import CompiledValues
from apps.core.timeutils import format_datetime, utcnow
from apps.integrations.files import attachment_from, file_from
from apps.integrations.models import Integration

MESSAGE_IMPORT_KEYS = "Send the IDs of the application under one of these keys: {keys}."
MESSAGE_IMPORT_ONE_KEY = "Send the IDs under one key only, not {keys}."
MESSAGE_IMPORT_ID = "{key}.{name}: required (a non-empty string)."
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


# -- create application / candidate ---------------------------------------------------------------------

# The job's live screening questions, with what checking answers reads. Compiled once (apps.core.compiled).
_LIVE_QUESTIONS = CompiledValues(
    lambda job_id: ScreeningQuestion.objects.filter(job_id=job_id, remote_deleted_at__isnull=True).values(
        "id", "integration_id", "remote_id", "job_id", "title", "required", "format_type", "format_details",
        "options", "index", "precondition_question_remote_id", "precondition_options",
    ),
    arity=1,
)  # fmt: skip


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
        if _present(kept, name) and not supported(connector, action, name, warnings):
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
    if stage_id and not supported(connector, action, "stage_id", warnings):
        stage_id = None
    stage_remote_id = (
        job_stage_remote_id(integration=integration, job=job, stage_id=stage_id, field=stage_field)
        if stage_id
        else None
    )
    answers: tuple[ScreeningAnswerInput, ...] = ()
    # Where the ATS takes no answers through its API, its questions cannot be enforced either.
    if connector.field_status(action, "screening_question_answers") == CoverageStatus.SUPPORTED:
        answers = screening_answers_from(
            body.get("screening_question_answers") or [],
            questions=_LIVE_QUESTIONS.instances(ScreeningQuestion, job.id),
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
            user_remote_id(integration, sourced_by["user_id"], "sourced_by.user_id") if sourced_by else None
        ),
        gdpr_consent=GdprConsent(given=consent.get("given"), expires_at=consent.get("expires_at")) if consent else None,
        remote_fields=own_remote_fields(integration, connector, action, body.get("remote_fields"), warnings),
        custom_fields=custom_field_values(
            integration=integration, connector=connector, value=body.get("custom_fields"), warnings=warnings
        ),
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
    found = connector.finish_found_create(found, payload)  # e.g. Ashby's source, set after the form
    return CreateApplicationResult(
        application=found.application, candidate=found.candidate, warnings=(WARNING_RECONCILED,)
    )


def _run_create(
    *,
    integration: Integration,
    connector: Connector,
    action: WriteAction,
    payload: CreateApplicationInput,
    attempt: Attempt,
    log: CreateLog,
) -> CreateApplicationResult:
    """The connector's create, each confirmed step in `log`; resumed, never repeated, once the application exists."""
    if log.application is not None:  # an earlier request with this key created it
        attempt.acted = True
        return create_resume(integration=integration, connector=connector, payload=payload, log=log)
    if attempt.reconcile and (found := _reconciled(connector, payload)) is not None:
        return found
    attempt.sent = True
    create = connector.create_candidate if action == WriteAction.CREATE_CANDIDATE else connector.create_application
    try:
        with steps.recording(log):
            return create(payload)
    except ConnectorApplicationExists:
        # "Already applied": answered as such only when the application is not one Tributary created.
        # An earlier attempt with this key sent the create without hearing back (`reconcile`): it is ours too.
        ours = attempt.reconcile or tributary_created(integration=integration, payload=payload)
        if log.application is None and ours:
            existing = create_existing(connector=connector, payload=payload)
            if existing is not None:
                return existing
        raise
    except ConnectorError as error:
        if log.application is None:
            raise
        attempt.acted = True
        return create_finish_after_error(
            integration=integration, connector=connector, payload=payload, log=log, error=error
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
) -> tuple[Stored, bool, list[str]]:
    connector = write_connector(integration, action)
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
    log = CreateLog.open(integration=integration, key=attempt.key, payload=payload)
    with calling_ats(integration):
        result = _run_create(
            integration=integration, connector=connector, action=action, payload=payload, attempt=attempt, log=log
        )
    warnings.extend(result.warnings)
    # The source read back before storing: the attribution is saved in the transaction that stores the records.
    attribution = attribution_outcome(
        integration=integration, decision=decision, application_remote_id=result.application.remote_id,
        candidate_remote_id=result.candidate.remote_id, candidate_existed=result.candidate_existed,
        connector=connector,
    )  # fmt: skip
    stored = store_found(
        integration, application=result.application, candidate=result.candidate, via=TrackedVia.CREATED,
        tracked_at=utcnow(), job=job,
        also=lambda stored: attribution_outcome_store(
            integration=integration, outcome=attribution, application_id=stored.application_id
        ),
    )  # fmt: skip
    return stored, bool(result.candidate.tags), warnings


def application_create(
    *, integration: Integration, job_id: str, body: Mapping[str, Any], attempt: Attempt
) -> WriteOutcome:
    """POST /ats/jobs/{job_id}/applications: the application in the §5.1 shape."""
    stored, tagged, warnings = _create(
        integration=integration, action=WriteAction.CREATE_APPLICATION, job_id=job_id, job_field="job_id",
        stage_id=body.get("stage_id"), stage_field="stage_id", body=body, attempt=attempt,
    )  # fmt: skip
    data = presenters.created_application_data(
        integration=integration, application_id=stored.application_id, tagged=tagged
    )
    return WriteOutcome(data=data, warnings=warnings)


def candidate_create(*, integration: Integration, body: Mapping[str, Any], attempt: Attempt) -> WriteOutcome:
    """POST /ats/candidates (legacy): a candidate and its application to `application.job_id`; the candidate."""
    target = body["application"]
    stored, _, warnings = _create(
        integration=integration, action=WriteAction.CREATE_CANDIDATE, job_id=target["job_id"],
        job_field="application.job_id", stage_id=target.get("stage_id"), stage_field="application.stage_id",
        body=body, attempt=attempt,
    )  # fmt: skip
    return WriteOutcome(
        data=presenters.candidate_data(integration=integration, candidate_id=stored.candidate_id), warnings=warnings
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
    connector = write_connector(integration, WriteAction.IMPORT_TRACKED_APPLICATION)
    key, ids = _import_ids(connector, body)
    with calling_ats(integration):
        found: TrackedApplication = connector.find_tracked_application(key=key, ids=ids)
        job = None
        if found.application.job_remote_id:
            job = job_for_write(
                integration=integration,
                connector=connector,
                job_id=REMOTE_PREFIX + found.application.job_remote_id,
                field="job",
            )
    stored = store_found(
        integration, application=found.application, candidate=found.candidate, via=TrackedVia.IMPORTED,
        tracked_at=tracked_at or utcnow(), job=job,
    )  # fmt: skip
    return WriteOutcome(
        data={
            "id": stored.application_id,
            "tracked_at": format_datetime(stored.tracked_at),
            "imported_id": {key: dict(body[key])},
        }
    )
