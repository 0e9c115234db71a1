"""Steps every write action shares: checks before calling the ATS, connector errors, ids, storing results."""

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
)
from apps.applications.services import records_upsert, written_application_store
from apps.applications.writes.errors import api_error_for
from apps.applications.writes.timing import TimedConnector
from apps.connectors.base import Connector
from apps.connectors.catalog import WRITE_ACTION_LABELS, CoverageStatus, ReadModel, WriteAction
from apps.connectors.dtos import (
    RemoteApplication,
    RemoteCandidate,
    RemoteJob,
)
from apps.connectors.errors import ConnectorError
from apps.connectors.registry import get_connector_class
from apps.core.api.errors import ApiError, ErrorCode, input_invalid
from apps.core.compiled import CompiledValues
from apps.core.timeutils import utcnow
from apps.integrations.connectors import connector_for
from apps.integrations.enabled import ensure_enabled
from apps.integrations.models import Integration
from apps.integrations.webhook_services import announce_records_written

T = TypeVar("T")
REMOTE_PREFIX = "remote:"

MESSAGE_INVALID = "The integration's credentials were rejected by the ATS; relink the integration first."
MESSAGE_ACTION = "{tool} does not support this action ({action})."
MESSAGE_NOT_FOUND = "{field}: no {what} with ID {value!r} exists in this integration."
MESSAGE_JOB_NOT_IN_ATS = "{field}: the ATS has no job with remote ID {value!r}."
MESSAGE_JOB_NOT_READABLE = (
    "{field}: job {value!r} is not synced yet, and {tool} cannot read single jobs; sync the jobs first."
)
MESSAGE_STAGE = "{field}: {value!r} is not a stage of this application's job."
MESSAGE_REMOTE_FIELDS = "remote_fields.{tool}: expected an object."
MESSAGE_NOT_RESENT = (
    "An earlier request with this Idempotency-Key may already have written this to the ATS, and {tool} cannot "
    "tell; it was not sent again. Check the ATS, and use a new key to send it anyway."
)
WARNING_UNSUPPORTED = "{field}: {tool} cannot write this ({status}); it was not sent."
WARNING_OTHER_TOOL = "remote_fields.{key}: these fields are for {key}, not {tool}; ignored."


# -- shared steps --------------------------------------------------------------------------------------------


def writable(integration: Integration) -> None:
    ensure_enabled(integration)
    if integration.state == Integration.State.INVALID:
        raise ApiError(ErrorCode.INTEGRATION_AUTHENTICATION_INVALID, MESSAGE_INVALID)


def write_connector(integration: Integration, action: WriteAction) -> Connector:
    """The integration's connector (its ATS calls timed), after checking it can do `action` at all."""
    writable(integration)
    connector_class = get_connector_class(integration.tool)
    if not connector_class.can(action):
        raise ApiError(
            ErrorCode.INTEGRATION_ACTION_NOT_AVAILABLE,
            MESSAGE_ACTION.format(tool=connector_class.label, action=WRITE_ACTION_LABELS[action]),
        )
    return cast(Connector, TimedConnector(connector_for(integration)))


@contextmanager
def calling_ats(integration: Integration) -> Iterator[None]:
    """Connector errors inside the block become the contract's API errors."""
    try:
        yield
    except ConnectorError as error:
        raise api_error_for(error, integration=integration) from None


def field_status(connector: Connector, action: WriteAction, name: str) -> CoverageStatus:
    return connector.field_status(action, name)


def supported(connector: Connector, action: WriteAction, name: str, warnings: list[str]) -> bool:
    """Whether the connector writes `name`; when not, a warning says it was dropped."""
    status = field_status(connector, action, name)
    if status == CoverageStatus.SUPPORTED:
        return True
    warnings.append(WARNING_UNSUPPORTED.format(field=name, tool=connector.label, status=status.value))
    return False


def own_remote_fields(
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
    if own and not supported(connector, action, "remote_fields", warnings):
        return {}
    return own


def split_remote(value: str) -> tuple[str | None, str | None]:
    """(our id, None) or (None, remote id) from an id that may be `remote:<id>`."""
    if value.startswith(REMOTE_PREFIX):
        return None, value[len(REMOTE_PREFIX) :]
    return value, None


def not_found(field: str, what: str, value: str) -> ApiError:
    return ApiError(
        ErrorCode.PLATFORM_INPUT_INVALID, MESSAGE_NOT_FOUND.format(field=field, what=what, value=value), status=404
    )


def retry_on_conflict(write: Callable[[], T]) -> T:
    """Run a storing step in a transaction; a concurrent insert of the same record wins, and we read it then."""
    try:
        with transaction.atomic():
            return write()
    except IntegrityError:
        with transaction.atomic():
            return write()


# -- jobs, stages, users ---------------------------------------------------------------------------------

# A create's job: only what the write needs (the rest loads on access). Compiled once (apps.core.compiled).
_JOB_FIELDS = ("id", "integration_id", "remote_id", "name")
_LIVE_JOB_BY_ID = CompiledValues(
    lambda integration_id, job_id: Job.objects.filter(
        integration_id=integration_id, remote_deleted_at__isnull=True, id=job_id
    ).values(*_JOB_FIELDS)[:1],
    arity=2,
)
_LIVE_JOB_BY_REMOTE_ID = CompiledValues(
    lambda integration_id, remote_id: (
        Job.objects.filter(integration_id=integration_id, remote_deleted_at__isnull=True, remote_id=remote_id)
        .order_by("id")
        .values(*_JOB_FIELDS)[:1]
    ),
    arity=2,
)


def job_for_write(*, integration: Integration, connector: Connector, job_id: str, field: str) -> Job:
    """The job of a create call: our id, or `remote:<id>`. A job we have not synced is read live and stored."""
    our_id, remote_id = split_remote(job_id)
    if our_id is not None:
        found = _LIVE_JOB_BY_ID.instances(Job, integration.id, our_id)
        if not found:
            raise not_found(field, "job", job_id)
        return found[0]
    if not remote_id:
        raise input_invalid(f"{field}: `remote:` must be followed by the job's remote ID.")
    found = _LIVE_JOB_BY_REMOTE_ID.instances(Job, integration.id, remote_id)
    if found:
        return found[0]
    coverage = connector.coverage_for(ReadModel.JOBS)
    if coverage is None or not coverage.supports_remote_ids:
        raise ApiError(
            ErrorCode.PLATFORM_INPUT_INVALID,
            MESSAGE_JOB_NOT_READABLE.format(field=field, value=job_id, tool=connector.label),
            status=404,
        )
    with calling_ats(integration):
        page = connector.read(ReadModel.JOBS, remote_ids=[remote_id])
    found = [item for item in page.items if isinstance(item, RemoteJob) and item.remote_id == remote_id]
    if not found:
        raise ApiError(
            ErrorCode.REMOTE_INPUT_INVALID, MESSAGE_JOB_NOT_IN_ATS.format(field=field, value=remote_id), status=404
        )
    retry_on_conflict(
        lambda: records_upsert(integration=integration, model=ReadModel.JOBS, records=found[:1], now=utcnow())
    )
    return Job.objects.get(integration=integration, remote_id=remote_id)


def job_stage_remote_id(*, integration: Integration, job: Job | None, stage_id: str, field: str) -> str:
    """The remote id of `stage_id` (ours or `remote:<id>`), which must be one of the job's stages."""
    our_id, remote_id = split_remote(stage_id)
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
        raise not_found(field, "stage", stage_id)
    return stage.remote_id


def user_remote_id(integration: Integration, user_id: str, field: str) -> str:
    our_id, remote_id = split_remote(user_id)
    if remote_id:
        return remote_id
    user = AtsUser.objects.filter(integration=integration, id=our_id, remote_deleted_at__isnull=True).first()
    if user is None or not user.remote_id:
        raise not_found(field, "user", user_id)
    return user.remote_id


@dataclasses.dataclass(frozen=True)
class Stored:
    """Our ids of an application and its candidate just stored, and when the application is tracked since."""

    application_id: str
    candidate_id: str
    tracked_at: datetime | None


def store_found(
    integration: Integration,
    *,
    application: RemoteApplication,
    candidate: RemoteCandidate,
    via: TrackedVia,
    tracked_at: datetime,
    job: Job | None = None,
    also: Callable[[Stored], object] | None = None,
) -> Stored:
    """Store an application and its candidate and mark both tracked (an earlier tracking is kept).

    `job`: the application's job as the caller holds it (not looked up again). `also` runs in the same transaction
    with the stored ids (e.g. the create's attribution), so a retry on a conflict repeats it too.
    """
    if application.outcome is None:
        application = dataclasses.replace(application, outcome=Outcome.PENDING.value)
    job_ids = {job.remote_id: job.id} if job is not None and job.remote_id else {}

    def write() -> Stored:
        pair = written_application_store(
            integration=integration, candidate=candidate, application=application, now=utcnow(), job_ids=job_ids,
            on_insert={"tracked_at": tracked_at, "tracked_via": via},
        )  # fmt: skip
        announce_records_written(
            integration=integration,
            results={ReadModel.CANDIDATES: pair.candidate, ReadModel.APPLICATIONS: pair.application},
        )
        # Rows inserted now were inserted tracked; rows stored before (a sync, an earlier write) are marked now.
        for model, pk, result in ((Candidate, pair.candidate_id, pair.candidate),
                                  (Application, pair.application_id, pair.application)):  # fmt: skip
            if not result.created:
                model.objects.filter(id=pk, tracked_at__isnull=True).update(tracked_at=tracked_at, tracked_via=via)  # type: ignore[attr-defined]
        if pair.application.created and pair.application_candidate_id is not None:
            stored = Stored(
                application_id=pair.application_id, candidate_id=pair.application_candidate_id, tracked_at=tracked_at
            )
        else:
            application_id, candidate_id, since = Application.objects.filter(id=pair.application_id).values_list(
                "id", "candidate_id", "tracked_at"
            )[0]
            stored = Stored(application_id=application_id, candidate_id=candidate_id, tracked_at=since)
        if also is not None:
            also(stored)
        return stored

    return retry_on_conflict(write)
