"""Queries per page are constant in page size and cursor depth (authentication and integration lookup included)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from apps.integrations.models import ApiKey, Integration
from tests.factories import applications as f

# The API key lookup (which loads the integration named by X-Integration-Id in the same statement) + the page + one
# query per nested list.
QUERIES = {
    "applications": 1 + 1 + 3,  # candidate tags, interviews, offers
    "jobs": 1 + 1 + 4,  # stages, screening questions, postings, hiring team
    "candidates": 1 + 1 + 2,  # applications, tags
    "users": 1 + 1 + 1,  # system roles
    "interviews": 1 + 1 + 1,  # interviewers
    "offers": 2,
    "notes": 2,
    "scorecards": 2,
    "attachments": 2,
    "tags": 2,
    "application-stages": 2,
    "roles": 2,
    "rejection-reasons": 2,
}


def _rich_application(integration: Integration) -> None:
    application = f.ApplicationFactory(integration=integration)
    f.CandidateTagFactory.create_batch(2, integration=integration, candidate=application.candidate)
    for _ in range(2):
        interview = f.InterviewFactory(integration=integration, application=application)
        f.InterviewUserFactory(integration=integration, interview=interview)
        f.ScorecardFactory(integration=integration, interview=interview)
    f.OfferFactory(integration=integration, application=application)
    f.NoteFactory(integration=integration, application=application)
    f.AttachmentFactory(integration=integration, application=application)
    f.UserRoleAssignmentFactory(integration=integration, user=f.AtsUserFactory(integration=integration))
    f.RejectionReasonFactory(integration=integration)
    job = application.job
    f.JobStageFactory(integration=integration, job=job, index=1)
    f.ScreeningQuestionFactory.create_batch(2, integration=integration, job=job)
    f.JobPostingFactory(integration=integration, job=job)
    f.HiringTeamMemberFactory(integration=integration, job=job)


@pytest.fixture
def api(client: Client, api_key: ApiKey, integration: Integration) -> Callable[[str], Any]:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_key.raw_key}", "HTTP_X_INTEGRATION_ID": integration.id}
    for _ in range(7):
        _rich_application(integration)
    client.get("/v1/check-api-key", **headers)  # stamps the key's last use once, outside the counted requests

    def get(url: str) -> Any:
        response = client.get(url, **headers)
        assert response.status_code == 200, response.content
        return response.json()["data"]

    return get


@pytest.mark.parametrize("endpoint", list(QUERIES))
def test_queries_per_page_do_not_grow_with_page_size_or_depth(
    api: Callable[[str], Any], django_assert_num_queries: DjangoAssertNumQueries, endpoint: str
) -> None:
    expected = QUERIES[endpoint]

    with django_assert_num_queries(expected):
        first_small = api(f"/v1/ats/{endpoint}?page_size=1")
    with django_assert_num_queries(expected):
        first_large = api(f"/v1/ats/{endpoint}?page_size=250")
    with django_assert_num_queries(expected):
        deeper = api(f"/v1/ats/{endpoint}?page_size=1&cursor={first_small['next']}")
    second = api(f"/v1/ats/{endpoint}?page_size=2")
    with django_assert_num_queries(expected):
        deepest = api(f"/v1/ats/{endpoint}?page_size=2&cursor={second['next']}")
    with django_assert_num_queries(expected):  # related-data rules are part of the page query
        changed = api(f"/v1/ats/{endpoint}?page_size=2&cursor={second['next']}&updated_after=2024-01-01T00:00:00Z")

    assert len(first_small["results"]) == 1
    assert len(first_large["results"]) >= 7
    assert first_large["next"] is None
    assert deeper["results"][0]["id"] == first_large["results"][1]["id"]
    assert [row["id"] for row in deepest["results"]] == [row["id"] for row in first_large["results"][2:4]]
    assert changed["results"] == deepest["results"]


@pytest.mark.parametrize(("endpoint", "model"), [("jobs", "ats_jobs"), ("candidates", "ats_candidates"),
                                                 ("applications", "ats_applications")])  # fmt: skip
def test_integration_fields_and_custom_fields_add_no_query(
    api: Callable[[str], Any],
    django_assert_num_queries: DjangoAssertNumQueries,
    integration: Integration,
    endpoint: str,
    model: str,
) -> None:
    from apps.applications.models import Application, Candidate, Job
    from apps.core.derived_ids import integration_field_id
    from apps.integrations.field_models import IntegrationField
    from apps.integrations.field_services import custom_field_create, custom_field_map, exposure_rebuild

    record_model = {"jobs": Job, "candidates": Candidate, "applications": Application}[endpoint]
    record_model.objects.filter(integration=integration).update(remote_data={"grade": "A", "extra": {"code": 7}})
    fields = [
        IntegrationField.objects.create(
            id=integration_field_id(integration.id, model, key), integration=integration, model=model, key=key,
            label=key, path=path, is_passthrough_enabled=True,
        )
        for key, path in (("grade", ["grade"]), ("extra.code", ["extra", "code"]))
    ]  # fmt: skip
    custom = custom_field_create(environment=integration.environment, model=model, key="level")
    custom_field_map(integration=integration, custom_field=custom, integration_field_id=fields[1].id)
    exposure_rebuild(integration=integration)

    with django_assert_num_queries(QUERIES[endpoint]):
        small = api(f"/v1/ats/{endpoint}?page_size=1")
    with django_assert_num_queries(QUERIES[endpoint]):
        large = api(f"/v1/ats/{endpoint}?page_size=250")

    assert len(small["results"]) == 1
    assert len(large["results"]) >= 7
    for record in large["results"]:
        assert record["integration_fields"] == [
            {"id": fields[1].id, "key": "extra.code", "type": "DEFAULT", "value": 7, "label": "extra.code"},
            {"id": fields[0].id, "key": "grade", "type": "DEFAULT", "value": "A", "label": "grade"},
        ]
        assert record["custom_fields"]["level"] == 7
