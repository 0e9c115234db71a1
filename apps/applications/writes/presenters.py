"""The write endpoints' response data, built from the stored records with the list selectors and presenters.

A created application is answered in the §5.1 shape (the application with its full candidate, no interviews or
offers); a created candidate in the §4.4 candidate shape (what GET /ats/candidates shows).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from apps.applications import selectors
from apps.applications.models import Application, Attachment, CandidateTag
from apps.applications.paging import current_stage_index, live
from apps.applications.presenter_values import TAG_ROW_COLUMNS
from apps.applications.presenters import CANDIDATE_COLUMNS, present_application, present_candidate
from apps.applications.query import ListQuery
from apps.applications.rows import values_queryset, wire_aliases
from apps.applications.writes.downloads import attachment_download_path
from apps.connectors.dtos import RemoteAttachment
from apps.core.compiled import CompiledValues
from apps.core.derived_ids import derived_id
from apps.core.timeutils import format_datetime
from apps.integrations.models import Integration

Json = dict[str, Any]

_APPLICATION_KEYS = (
    "id", "remote_id", "outcome", "rejection_reason_name", "rejected_at", "current_stage_id", "job_id",
    "candidate_id", "custom_fields", "integration_fields", "remote_url", "changed_at", "remote_deleted_at",
    "remote_created_at", "remote_updated_at", "job", "screening_question_answers",
)  # fmt: skip
_STAGE_KEYS = ("id", "name", "remote_id", "index")
DEFAULT_CONTENT_TYPE = "application/octet-stream"


def _one(rows: list[Json], what: str, record_id: str) -> Json:
    if len(rows) != 1:
        raise LookupError(f"{what} {record_id} is not stored")
    return rows[0]


def candidate_data(*, integration: Integration, candidate_id: str) -> Json:
    """The candidate as GET /ats/candidates shows it (with its applications and tags)."""
    page = selectors.candidate_list(integration=integration, query=ListQuery(ids=[candidate_id], page_size=1))
    return present_candidate(_one(page.results, "candidate", candidate_id))


def _created_application(integration_id: Any, application_id: Any) -> QuerySet[Any]:
    queryset = Application.objects.filter(integration_id=integration_id, id=application_id).annotate(
        current_stage_index=current_stage_index()
    )
    values, _ = values_queryset(queryset, selectors.CREATED_APPLICATION_COLUMNS)  # datetimes as the lists send them
    return values[:1]


# The application with its whole candidate (one row: the keys `present_application` reads plus every candidate
# column as `candidate__*`) and the candidate's tags; compiled once (see apps.core.compiled).
_CREATED_APPLICATION = CompiledValues(_created_application, arity=2)
_CANDIDATE_TAGS = CompiledValues(
    lambda candidate_id: (
        live(CandidateTag.objects)
        .filter(candidate_id=candidate_id, tag__remote_deleted_at__isnull=True)
        .order_by("id")
        .values(*TAG_ROW_COLUMNS)
    ),
    arity=1,
)


def _created_application_row(*, integration: Integration, application_id: str, tagged: bool) -> Json:
    rows = _CREATED_APPLICATION.rows(integration.id, application_id)
    if not rows:
        raise LookupError(f"application {application_id} is not stored")
    row = rows[0]
    for alias, column in wire_aliases(Application, selectors.CREATED_APPLICATION_COLUMNS).items():
        row[column] = row.pop(alias)
    row["tag_rows"] = _CANDIDATE_TAGS.rows(row["candidate_id"]) if tagged else []
    row["interview_rows"], row["offer_rows"] = [], []
    return row


def created_application_data(*, integration: Integration, application_id: str, tagged: bool = True) -> Json:
    """A created application in the shape of the create-application response (§5.1). `tagged=False` says the
    candidate has no tags (spares a query)."""
    row = _created_application_row(integration=integration, application_id=application_id, tagged=tagged)
    application = present_application(row)
    data = {key: application[key] for key in _APPLICATION_KEYS}
    stage = application["current_stage"]
    data["current_stage"] = {key: stage[key] for key in _STAGE_KEYS} if stage is not None else None
    data["candidate"] = None
    if row["candidate__id"] is not None:
        candidate_row = {column: row[f"candidate__{column}"] for column in CANDIDATE_COLUMNS}
        candidate_row.update(application_rows=[], tag_rows=row["tag_rows"])
        candidate = present_candidate(candidate_row)
        data["candidate"] = {key: value for key, value in candidate.items() if key != "applications"}
    return data


def live_attachments_data(
    *,
    integration: Integration,
    attachments: tuple[RemoteAttachment, ...],
    base_url: str,
    candidate_id: str | None = None,
) -> list[Json]:
    """The attachment GETs' results: our ids where we hold the record, a signed Tributary `data_url` each.

    With `candidate_id` (the candidate endpoint) each entry also carries `candidate_id` and `application_id`.
    """
    remote_ids = [attachment.remote_id for attachment in attachments]
    known = dict(
        Attachment.objects.filter(integration=integration, remote_id__in=remote_ids).values_list("remote_id", "id")
    )
    application_ids = dict(
        Application.objects.filter(
            integration=integration,
            remote_id__in={attachment.application_remote_id for attachment in attachments} - {None},
        ).values_list("remote_id", "id")
    )
    results = []
    for attachment in attachments:
        entry: Json = {
            "id": known.get(attachment.remote_id) or derived_id("attachment", integration.id, attachment.remote_id),
            "remote_id": attachment.remote_id,
            "type": attachment.type if attachment.type in ("CV", "COVER_LETTER", "OTHER") else "OTHER",
            "data_url": base_url + attachment_download_path(integration_id=integration.id, attachment=attachment),
            "file_name": attachment.file_name or attachment.remote_id,
            "content_type": attachment.content_type or DEFAULT_CONTENT_TYPE,
            "remote_created_at": format_datetime(attachment.remote_created_at),
            "remote_updated_at": format_datetime(attachment.remote_updated_at),
        }
        if candidate_id is not None:
            entry["candidate_id"] = candidate_id
            entry["application_id"] = application_ids.get(attachment.application_remote_id or "")
        results.append(entry)
    return results
