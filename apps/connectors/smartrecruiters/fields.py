"""SmartRecruiters integration fields: the standard keys of its payloads (DEFAULT) and the company's own
properties (CUSTOM) from `GET /configuration/job-properties` and `GET /configuration/candidate-properties`.

Job properties travel inside JobDetails (`properties[] {id, label, value}`), so their values are read from the
synced job. Candidate properties are per application: the sync reads `GET /candidates/{id}/jobs/{jobId}/properties`
with each application, into its `remote_data["properties"]` (`[{id, label, type, value}]`, reads.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apps.connectors.catalog import ReadModel
from apps.connectors.dtos import RemoteFieldDefinition
from apps.connectors.errors import ConnectorPermissionError
from apps.connectors.fields import standard_fields

if TYPE_CHECKING:
    from apps.connectors.smartrecruiters.client import SmartRecruitersClient

JOBS = ReadModel.JOBS.value
CANDIDATES = ReadModel.CANDIDATES.value
APPLICATIONS = ReadModel.APPLICATIONS.value

# remote_data of a job is {"job": JobDetails, ...}, of an application {"application": Application, ...}, of a
# candidate the CandidateDetails itself (see mapping.py).
JOB_FIELDS = {
    "refNumber": "Reference number",
    "status": "Status",
    "postingStatus": "Posting status",
    "department.label": "Department",
    "industry.label": "Industry",
    "function.label": "Function",
    "typeOfEmployment.label": "Type of employment",
    "experienceLevel.label": "Experience level",
    "targetHiringDate": "Target hiring date",
    "compensation.min": "Compensation (min)",
    "compensation.max": "Compensation (max)",
    "compensation.currency": "Compensation currency",
}
CANDIDATE_FIELDS = {
    "internal": "Internal",
    "averageRating": "Average rating",
    "consent.status": "Consent status",
    "web.linkedin": "LinkedIn",
    "web.website": "Website",
    "location.city": "City",
}
APPLICATION_FIELDS = {"status": "Status", "subStatus": "Sub-status", "source": "Source", "startsOn": "Starts on"}


def _content(body: Any) -> list[dict[str, Any]]:
    items = body.get("content") if isinstance(body, dict) else None
    return [item for item in items or [] if isinstance(item, dict) and isinstance(item.get("id"), str)]


def list_fields(client: SmartRecruitersClient) -> list[RemoteFieldDefinition]:
    found = [
        *standard_fields(JOBS, JOB_FIELDS, prefix=("job",)),
        *standard_fields(CANDIDATES, CANDIDATE_FIELDS),
        *standard_fields(APPLICATIONS, APPLICATION_FIELDS, prefix=("application",)),
    ]
    try:
        job_properties = _content(client.get("/configuration/job-properties"))
        candidate_properties = _content(client.get("/configuration/candidate-properties"))
    except ConnectorPermissionError:  # no configuration_read: the standard fields only
        return found
    found.extend(
        RemoteFieldDefinition(
            model=JOBS, key=item["id"], label=item.get("label"), type="CUSTOM",
            path=("job", "properties", ("id", item["id"]), "value"),
        )
        for item in job_properties
    )  # fmt: skip
    found.extend(
        RemoteFieldDefinition(
            model=APPLICATIONS, key=item["id"], label=item.get("label"), type="CUSTOM",
            path=("properties", ("id", item["id"]), "value"),
        )
        for item in candidate_properties
    )  # fmt: skip
    return found
