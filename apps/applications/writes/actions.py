"""Actions on stored applications and candidates, and their attachments read live from the ATS."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from apps.applications.models import (
    Application,
    Candidate,
    RejectionReason,
)
from apps.applications.services import records_upsert
from apps.applications.writes import presenters
from apps.applications.writes.common import (
    MESSAGE_NOT_RESENT,
    calling_ats,
    job_stage_remote_id,
    not_found,
    own_remote_fields,
    retry_on_conflict,
    split_remote,
    supported,
    writable,
    write_connector,
)
from apps.applications.writes.downloads import attachment_download_ticket
from apps.applications.writes.errors import WriteUncertainError
from apps.applications.writes.idempotency import Attempt, WriteOutcome
from apps.connectors.base import Connector
from apps.connectors.catalog import ReadModel, WriteAction
from apps.connectors.dtos import (
    ApplicationRef,
    DownloadedFile,
    ResultLinkInput,
    WriteResult,
)
from apps.core.api.errors import ApiError, ErrorCode
from apps.core.timeutils import utcnow
from apps.integrations.connectors import connector_for
from apps.integrations.files import attachment_from
from apps.integrations.models import Integration
from apps.integrations.webhook_services import announce_records_written

# -- actions on stored applications and candidates -------------------------------------------------------


def _application(integration: Integration, application_id: str) -> tuple[Application, ApplicationRef]:
    application = (
        Application.objects.filter(integration=integration, id=application_id, remote_deleted_at__isnull=True)
        .select_related("candidate", "job")
        .first()
    )
    if application is None or not application.remote_id:
        raise not_found("application_id", "application", application_id)
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
        raise not_found("candidate_id", "candidate", candidate_id)
    return candidate


def _store(integration: Integration, model: ReadModel, record: Any, now: datetime) -> None:
    result = records_upsert(integration=integration, model=model, records=[record], now=now)
    announce_records_written(integration=integration, results={model: result})


def _refresh(integration: Integration, result: WriteResult) -> None:
    """Keep our copy in step with what the connector says the record is now."""
    now = utcnow()
    if result.candidate is not None:
        candidate = result.candidate
        retry_on_conflict(lambda: _store(integration, ReadModel.CANDIDATES, candidate, now))
    if result.application is not None:
        application = result.application
        retry_on_conflict(lambda: _store(integration, ReadModel.APPLICATIONS, application, now))


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
    with calling_ats(integration):
        attempt.sent = True
        result = write()
    _refresh(integration, result)
    return WriteOutcome(data={}, warnings=[*warnings, *result.warnings])


def application_move_stage(
    *, integration: Integration, application_id: str, body: Mapping[str, Any], attempt: Attempt
) -> WriteOutcome:
    action = WriteAction.MOVE_APPLICATION_STAGE
    connector = write_connector(integration, action)
    application, ref = _application(integration, application_id)
    warnings: list[str] = []
    stage = job_stage_remote_id(
        integration=integration, job=application.job, stage_id=body["stage_id"], field="stage_id"
    )
    fields = own_remote_fields(integration, connector, action, body.get("remote_fields"), warnings)
    return _act(
        integration, connector, attempt,
        lambda: connector.move_application_stage(ref, stage_remote_id=stage, remote_fields=fields),
        repeatable=True, warnings=warnings,
    )  # fmt: skip


def application_reject(
    *, integration: Integration, application_id: str, body: Mapping[str, Any], attempt: Attempt
) -> WriteOutcome:
    action = WriteAction.REJECT_APPLICATION
    connector = write_connector(integration, action)
    _, ref = _application(integration, application_id)
    warnings: list[str] = []
    our_id, reason_remote_id = split_remote(body["rejection_reason_id"])
    if reason_remote_id is None:
        reason = RejectionReason.objects.filter(
            integration=integration, id=our_id, remote_deleted_at__isnull=True
        ).first()
        if reason is None:
            raise not_found("rejection_reason_id", "rejection reason", body["rejection_reason_id"])
        reason_remote_id = reason.remote_id
    note = body.get("note") or None
    if note and not supported(connector, action, "note", warnings):
        note = None
    fields = own_remote_fields(integration, connector, action, body.get("remote_fields"), warnings)
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
    connector = write_connector(integration, action)
    _, ref = _application(integration, application_id)
    warnings: list[str] = []
    fields = own_remote_fields(integration, connector, action, body.get("remote_fields"), warnings)
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
    connector = write_connector(integration, action)
    _, ref = _application(integration, application_id)
    warnings: list[str] = []
    fields = own_remote_fields(integration, connector, action, body.get("remote_fields"), warnings)
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
    if details and not supported(connector, action, "details", warnings):
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
    connector = write_connector(integration, action)
    _, ref = _application(integration, application_id)
    warnings: list[str] = []
    link = _result_link(connector, action, body, warnings)
    fields = own_remote_fields(integration, connector, action, body.get("remote_fields"), warnings)
    return _act(
        integration, connector, attempt,
        lambda: connector.add_application_result_link(ref, link=link, remote_fields=fields),
        repeatable=False, warnings=warnings,
    )  # fmt: skip


def candidate_add_attachment(
    *, integration: Integration, candidate_id: str, body: Mapping[str, Any], attempt: Attempt
) -> WriteOutcome:
    action = WriteAction.ADD_CANDIDATE_ATTACHMENT
    connector = write_connector(integration, action)
    candidate = _candidate(integration, candidate_id)
    warnings: list[str] = []
    fields = own_remote_fields(integration, connector, action, body.get("remote_fields"), warnings)
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
    connector = write_connector(integration, action)
    candidate = _candidate(integration, candidate_id)
    warnings: list[str] = []
    link = _result_link(connector, action, body, warnings)
    fields = own_remote_fields(integration, connector, action, body.get("remote_fields"), warnings)
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
    connector = write_connector(integration, action)
    candidate = _candidate(integration, candidate_id)
    warnings: list[str] = []
    fields = own_remote_fields(integration, connector, action, body.get("remote_fields"), warnings)
    name = body["tag"]["name"]
    method = connector.remove_candidate_tag if remove else connector.add_candidate_tag
    return _act(
        integration, connector, attempt, lambda: method(candidate.remote_id, name=name, remote_fields=fields),
        repeatable=True, warnings=warnings,
    )  # fmt: skip


# -- attachments read live ---------------------------------------------------------------------------------


def application_attachments(*, integration: Integration, application_id: str, base_url: str) -> WriteOutcome:
    """GET /ats/applications/{id}/attachments, live from the ATS."""
    connector = write_connector(integration, WriteAction.GET_APPLICATION_ATTACHMENTS)
    _, ref = _application(integration, application_id)
    with calling_ats(integration):
        listing = connector.list_application_attachments(ref)
    results = presenters.live_attachments_data(
        integration=integration, attachments=listing.attachments, base_url=base_url
    )
    return WriteOutcome(data={"results": results}, warnings=list(listing.warnings))


def candidate_attachments(*, integration: Integration, candidate_id: str, base_url: str) -> WriteOutcome:
    """GET /ats/candidates/{id}/attachments, live from the ATS."""
    connector = write_connector(integration, WriteAction.GET_CANDIDATE_ATTACHMENTS)
    candidate = _candidate(integration, candidate_id)
    with calling_ats(integration):
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
    writable(integration)
    connector = connector_for(integration)
    with calling_ats(integration):
        file = connector.download_attachment(ticket.attachment)
    return file, file.file_name or ticket.file_name, file.content_type or ticket.content_type
