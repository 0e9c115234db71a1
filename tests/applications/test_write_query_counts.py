"""Exact queries per create application on the sandbox (authentication and integration lookup included).

Run outside a test transaction, so the transactions are those of production (BEGIN and COMMIT count as queries).
The create's statements, in order:
API key, integration, job, its live screening questions, the source mapping, the create's step log (its own
commit: it must survive the request), BEGIN, existing candidate, candidate insert, the current stage's id,
existing application, application insert, the data-changed webhook event, its subscribed endpoints, the
attribution, COMMIT, the stored application for the response.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from apps.applications.models import Application
from apps.attribution.models import ApplicationAttribution
from apps.attribution.services import source_mapping_create_remote
from apps.integrations.models import ApiKey, Integration
from apps.integrations.webhook_models import WebhookEvent
from tests.applications.writing import b64, candidate, required_answers, stored_job

# The API key loads the X-Integration-Id integration in the same statement (apps.integrations.authentication).
QUERIES_PER_CREATE = 16
# A key adds its claim (one INSERT, committed on its own), the look-up of an earlier attempt's step log (a retry
# resumes it) and storing the response.
QUERIES_PER_CREATE_WITH_KEY = QUERIES_PER_CREATE + 3
# A replay: API key with its integration, the claim's INSERT refused, the stored response.
QUERIES_PER_REPLAY = 3

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def post(client: Client, api_key: ApiKey, integration: Integration) -> Any:
    source_mapping_create_remote(integration=integration)
    job = stored_job(integration)
    answers = required_answers(job)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_key.raw_key}", "HTTP_X_INTEGRATION_ID": integration.id}
    client.get("/v1/check-api-key", **headers)  # stamps the key's last use once, outside the counted requests

    def send(number: int, **extra: str) -> dict[str, Any]:
        body = {
            "candidate": candidate(f"ada.{number}@example.com", location={"country": "GB", "city": "London"}),
            "attachments": [{"name": "cv.pdf", "type": "CV", "content_type": "application/pdf", "data": b64(b"%PDF")}],
            "screening_question_answers": answers,
        }
        response = client.post(
            f"/v1/ats/jobs/{job.id}/applications", json.dumps(body), content_type="application/json", **headers,
            **extra,
        )  # fmt: skip
        assert response.status_code == 200, response.content
        return response.json()

    send(0)  # the first create of the process compiles the write path's fixed statements
    return send


def test_a_create_application_makes_a_fixed_number_of_queries(
    post: Any, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(QUERIES_PER_CREATE):
        first = post(1)
    with django_assert_num_queries(QUERIES_PER_CREATE):
        second = post(2)

    # what the statements wrote: both tracked, attributed and announced
    ids = [first["data"]["id"], second["data"]["id"]]
    assert Application.objects.filter(id__in=ids, tracked_via="CREATED").count() == 2
    assert sorted(ApplicationAttribution.objects.filter(application_id__in=ids).values_list("status", flat=True)) == [
        "CONFIRMED",
        "CONFIRMED",
    ]
    assert WebhookEvent.objects.filter(type="data-changed").count() == 3  # with the uncounted first create


def test_an_idempotency_key_adds_its_claim_and_a_replay_reads_the_stored_response(
    post: Any, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(QUERIES_PER_CREATE_WITH_KEY):
        first = post(1, HTTP_IDEMPOTENCY_KEY="key-1")
    with django_assert_num_queries(QUERIES_PER_REPLAY):
        replay = post(1, HTTP_IDEMPOTENCY_KEY="key-1")

    assert replay == first
    assert Application.objects.filter(id=first["data"]["id"]).count() == 1
