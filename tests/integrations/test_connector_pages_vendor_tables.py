"""The SmartRecruiters and Factorial pages, row by row against the coverage tables of the vendors' docs.

The rows are transcribed from ../shared/reference/ats-smartrecruiters-factorial.md: "A3. Endpoint map for a unified
ATS API" (SmartRecruiters) and "B3. Endpoint map" (Factorial), each with the vendor endpoint the reference names and
what the row means for the unified models and actions: SUPPORTED where the vendor has the endpoint, UNSUPPORTED
where the reference says NOT FOUND. Rows with no unified model or action (job writes, job status, positions,
candidate updates and deletes, create from CV, stage history, messages to candidates, webhooks) are left out. A
`model.field` key checks one field of a read model or write action.

Beyond the rows, a page may list only the Tributary-side actions named in EXTRAS: then a page lists nothing the
vendor's table does not back.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from tests.integrations.connector_pages import PageData, read_page

S = "SUPPORTED"
U = "UNSUPPORTED"


@dataclass(frozen=True)
class Row:
    operation: str  # the table's "Unified op"
    endpoint: str  # the vendor endpoint the table names (or its NOT FOUND)
    expected: dict[str, str]  # unified id (or id.field) -> the status the page must show


SMARTRECRUITERS_A3 = (
    Row("list jobs", "GET /jobs", {"ats_jobs": S}),
    Row("job ads / publications (postings)", "GET /jobs/{jobId}/publication", {"ats_jobs.job_postings": S}),
    Row("hiring team", "GET /jobs/{jobId}/hiring-team", {"ats_jobs.hiring_team": S}),
    Row("pipeline stages", "GET /configuration/hiring-processes", {"ats_application_stages": S}),
    Row("list candidates", "GET /candidates", {"ats_candidates": S}),
    Row("create candidate (talent pool)", "POST /candidates", {"ats_create_candidate": S}),
    Row("create candidate on job", "POST /jobs/{jobId}/candidates", {"ats_create_application": S}),
    Row(
        "apply with screening answers",
        "POST /postings/{uuid}/candidates",
        {"ats_create_application.screening_question_answers": S},
    ),
    Row("application (candidate×job)", "GET /candidates/{id}/jobs/{jobId}", {"ats_applications": S}),
    Row("move stage / status", "PUT /candidates/{id}/jobs/{jobId}/status", {"ats_move_application_stage": S}),
    Row(
        "reject with reason",
        'PUT …/status with status:"REJECTED"; GET /configuration/rejection-reasons',
        {"ats_reject_application": S, "ats_rejection_reasons": S},
    ),
    Row(
        "attachments",
        "GET/POST /candidates/{id}/attachments, GET/POST /candidates/{id}/jobs/{jobId}/attachments",
        {
            "ats_attachments": S,
            "ats_add_candidate_attachment": S,
            "ats_add_application_attachment": S,
            "ats_get_candidate_attachments": S,
            "ats_get_application_attachments": S,
        },
    ),
    # "no dedicated notes endpoint found": notes are messages, and so are result links (SmartRecruiters has none).
    Row(
        "notes",
        "POST /messages/shares, GET /messages?candidateId=",
        {
            "ats_notes": S,
            "ats_add_application_note": S,
            "ats_add_application_result_link": S,
            "ats_add_candidate_result_link": S,
        },
    ),
    Row(
        "tags",
        "GET/POST/PUT/DELETE /candidates/{id}/tags",
        {"ats_tags": S, "ats_candidates.tags": S, "ats_add_candidate_tag": S, "ats_remove_candidate_tag": S},
    ),
    Row("users", "GET /users", {"ats_users": S}),
    Row("offers", "GET /candidates/{id}/jobs/{jobId}/offers", {"ats_offers": S}),
    Row("interviews", "GET /interviews?applicationId=", {"ats_interviews": S}),
    Row(
        "screening answers",
        "GET /candidates/{id}/jobs/{jobId}/screening-answers",
        {"ats_applications.screening_question_answers": S},
    ),
    # Candidate properties are per application: its custom fields (read with each application, written on create).
    Row(
        "candidate properties",
        "GET/PUT /candidates/{id}/jobs/{jobId}/properties",
        {"ats_applications.custom_fields": S},
    ),
    # "read-only — see A4": custom sources are created in SmartRecruiters' settings only.
    Row("sources (config)", "GET /configuration/sources", {"source_strategy": "MUST_EXIST"}),
    Row("set source on application", "PUT /candidates/{id}/jobs/{jobId}/source", {"automatic_source_writing": S}),
)

FACTORIAL_B3 = (
    Row("list jobs / postings", "GET /ats/job_postings", {"ats_jobs": S}),
    Row("pipeline stages (per job)", "GET /ats/application_phases", {"ats_application_stages": S}),
    Row("list candidates", "GET /ats/candidates", {"ats_candidates": S}),
    Row("create candidate", "POST /ats/candidates", {"ats_create_candidate": S}),
    Row("create candidate + application in one call", "POST /ats/applications/apply", {"ats_create_application": S}),
    Row("list applications", "GET /ats/applications", {"ats_applications": S}),
    Row("move stage", "POST /ats/applications/move_to_phase", {"ats_move_application_stage": S}),
    Row(
        "reject with reason",
        "PUT /ats/applications/{id} with ats_rejection_reason_id; GET /ats/rejection_reasons",
        {"ats_reject_application": S, "ats_rejection_reasons": S},
    ),
    Row("screening questions", "GET /ats/questions", {"ats_jobs.screening_questions": S}),
    Row(
        "screening answers",
        "GET /ats/answers; or inline answers[] on apply/create",
        {"ats_applications.screening_question_answers": S, "ats_create_application.screening_question_answers": S},
    ),
    # "closest thing to notes": feedbacks are read as notes (not scorecards), and result links are written as them.
    Row(
        "notes / scorecards",
        "GET/POST /ats/feedbacks",
        {
            "ats_notes": S,
            "ats_add_application_note": S,
            "ats_add_application_result_link": S,
            "ats_add_candidate_result_link": S,
            "ats_scorecards": U,
        },
    ),
    # "CV exposed read-only as AtsApplication.cv; upload endpoint NOT FOUND": nothing is kept on a candidate. The
    # connector replaces an application's CV with `PUT /ats/applications/{id}` (`cv`), which the reference does not
    # document: the one place the page goes beyond the table (see apps/connectors/factorial/connector.py).
    Row(
        "attachments",
        "AtsApplication.cv (read-only); upload NOT FOUND",
        {
            "ats_attachments": S,
            "ats_get_application_attachments": S,
            "ats_get_candidate_attachments": S,
            "ats_add_candidate_attachment": U,
            "ats_add_application_attachment": S,
        },
    ),
    Row(
        "tags",
        "tag resource NOT FOUND",
        {"ats_tags": U, "ats_candidates.tags": U, "ats_add_candidate_tag": U, "ats_remove_candidate_tag": U},
    ),
    Row("users", "GET /employees/employees", {"ats_users": S}),
    Row("offers, interviews", "NOT FOUND in Factorial public API", {"ats_offers": U, "ats_interviews": U}),
    Row("sources", "GET /ats/candidate_sources (read-only)", {"source_strategy": "MUST_EXIST"}),
)

# Supported on a page without a row of the vendor's table: Tributary-side actions.
EXTRAS = {
    # import-tracked-application stores a known application as tracked: the contract's `smartrecruiters` key.
    "smartrecruiters": {"ats_import_tracked_application"},
    "factorial": set(),
}
TABLES = {"smartrecruiters": SMARTRECRUITERS_A3, "factorial": FACTORIAL_B3}


def _status_on_page(page: PageData, key: str) -> str:
    if key == "source_strategy":
        return page.source_strategy
    if key in page.features:
        return page.features[key]
    name, _, field = key.partition(".")
    listed = page.models.get(name, page.actions.get(name))
    if listed is None:
        assert name in page.missing_models + page.missing_actions, f"{name} is not on the page at all"
        return U
    return listed[field] if field else S


def _cases() -> list[tuple[str, Row]]:
    return [(tool, row) for tool, rows in TABLES.items() for row in rows]


@pytest.mark.parametrize(("tool", "row"), _cases(), ids=[f"{tool}: {row.operation}" for tool, row in _cases()])
def test_the_page_agrees_with_the_vendor_table_row(client: Client, tool: str, row: Row) -> None:
    page = read_page(client.get(f"/docs/connectors/{tool}/").content.decode())

    shown = {key: _status_on_page(page, key) for key in row.expected}

    assert shown == row.expected, f"{row.operation} ({row.endpoint})"


@pytest.mark.parametrize("tool", sorted(TABLES))
def test_the_page_lists_nothing_the_vendor_table_does_not_back(client: Client, tool: str) -> None:
    page = read_page(client.get(f"/docs/connectors/{tool}/").content.decode())
    backed = {key for row in TABLES[tool] for key, status in row.expected.items() if status == S and "." not in key}

    assert set(page.models) | set(page.actions) == (backed - set(page.features)) | EXTRAS[tool]
