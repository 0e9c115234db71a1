"""Bad query input answers 400 PLATFORM.INPUT_INVALID naming the parameter (raw HTTP, in-process)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from apps.core.api.cursors import INVALID_CURSOR_MESSAGE, encode_cursor
from apps.integrations.models import ApiKey, Integration
from tests.factories import applications as f


@pytest.fixture
def api(client: Client, api_key: ApiKey, integration: Integration) -> Client:
    client.defaults.update(HTTP_AUTHORIZATION=f"Bearer {api_key.raw_key}", HTTP_X_INTEGRATION_ID=integration.id)
    return client


def _error(response: Any) -> tuple[int, str, str]:
    body = response.json()
    assert body["status"] == "error"
    assert set(body["error"]) == {"code", "title", "message", "log_url"}
    return response.status_code, body["error"]["code"], body["error"]["message"]


@pytest.mark.parametrize(
    ("_case", "url", "message"),
    [
        (
            "unknown outcome",
            "/v1/ats/applications?outcomes=PENDING,MAYBE",
            "outcomes: unknown value 'MAYBE'; expected a comma-separated list of PENDING, HIRED, DECLINED.",
        ),
        (
            "malformed updated_after",
            "/v1/ats/applications?updated_after=yesterday",
            "updated_after: expected an ISO-8601 datetime such as 2024-05-01T12:00:00.000Z.",
        ),
        (
            "page_size too large",
            "/v1/ats/applications?page_size=1000",
            "page_size: Ensure this value is less than or equal to 250.",
        ),
        (
            "page_size zero",
            "/v1/ats/jobs?page_size=0",
            "page_size: Ensure this value is greater than or equal to 1.",
        ),
        ("page_size not a number", "/v1/ats/tags?page_size=ten", "page_size: A valid integer is required."),
        ("garbage cursor", "/v1/ats/applications?cursor=garbage", INVALID_CURSOR_MESSAGE),
        (
            "include_deleted not a boolean",
            "/v1/ats/notes?include_deleted=maybe",
            "include_deleted: Must be a valid boolean.",
        ),
        (
            "unknown job status",
            "/v1/ats/jobs?statuses=OPEN,PAUSED",
            "statuses: unknown value 'PAUSED'; expected a comma-separated list of OPEN, CLOSED, DRAFT, ARCHIVED.",
        ),
        (
            "unknown role scope",
            "/v1/ats/roles?scopes=GLOBAL",
            "scopes: unknown value 'GLOBAL'; expected a comma-separated list of SYSTEM, JOB.",
        ),
        (
            "malformed remote_created_after",
            "/v1/ats/jobs?remote_created_after=2024-13-01",
            "remote_created_after: expected an ISO-8601 datetime such as 2024-05-01T12:00:00.000Z.",
        ),
    ],
)
def test_bad_query_input_is_a_400_naming_the_parameter(api: Client, _case: str, url: str, message: str) -> None:
    assert _error(api.get(url)) == (400, "PLATFORM.INPUT_INVALID", message)


def test_cursor_from_another_list_or_integration_is_refused(
    api: Client, integration: Integration, foreign_integration: Integration
) -> None:
    application = f.ApplicationFactory(integration=integration)
    from_jobs = encode_cursor(application.id, endpoint="jobs", integration_id=integration.id)
    from_elsewhere = encode_cursor(application.id, endpoint="applications", integration_id=foreign_integration.id)
    edited = encode_cursor(application.id, endpoint="applications", integration_id=integration.id)[:-2] + "xx"

    for cursor in (from_jobs, from_elsewhere, edited):
        assert _error(api.get("/v1/ats/applications", {"cursor": cursor})) == (
            400,
            "PLATFORM.INPUT_INVALID",
            INVALID_CURSOR_MESSAGE,
        )


def test_exploded_lists_and_blank_filters_are_accepted(api: Client, integration: Integration) -> None:
    first, second, third = f.TagFactory.create_batch(3, integration=integration)

    exploded = api.get(f"/v1/ats/tags?ids={first.id}&ids={third.id}&remote_ids=")

    assert exploded.status_code == 200
    assert [tag["id"] for tag in exploded.json()["data"]["results"]] == [first.id, third.id]


def test_missing_or_foreign_integration_is_a_404(api: Client, foreign_integration: Integration) -> None:
    missing = api.get("/v1/ats/applications", HTTP_X_INTEGRATION_ID="")
    foreign = api.get("/v1/ats/applications", HTTP_X_INTEGRATION_ID=foreign_integration.id)

    assert _error(missing)[:2] == (404, "PLATFORM.INTEGRATION_NOT_FOUND")
    assert _error(foreign) == (
        404,
        "PLATFORM.INTEGRATION_NOT_FOUND",
        f"No integration with ID {foreign_integration.id!r} exists in this environment.",
    )


def test_missing_api_key_is_a_401(client: Client, integration: Integration) -> None:
    response = client.get("/v1/ats/jobs", HTTP_X_INTEGRATION_ID=integration.id)

    assert _error(response)[:2] == (401, "PLATFORM.AUTHENTICATION_INVALID")


@pytest.mark.parametrize(
    ("params", "plain"),
    [
        ({}, True),
        ({"page_size": "100", "include_deleted": "false", "ignore_unsupported_filters": "false"}, True),
        ({"page_size": "250", "cursor": "eyJhZnRlciI6IjFwQiJ9:1pBjmc-Xy_z=", "include_deleted": "true"}, True),
        ({"page_size": "1", "ignore_unsupported_filters": "true"}, True),
        ({"page_size": "251"}, False),
        ({"page_size": "0"}, False),
        ({"page_size": "007"}, False),
        ({"page_size": " 100"}, False),
        ({"page_size": "100.0"}, False),
        ({"include_deleted": "True"}, False),
        ({"include_deleted": "1"}, False),
        ({"cursor": ""}, False),
        ({"cursor": " abc "}, False),
        ({"cursor": "x" * 2001}, False),
        ({"outcomes": "PENDING"}, False),
        ({"updated_after": "2024-05-01T12:00:00.000Z"}, False),
        ({"ids": "a,b"}, False),
        ({"unknown": "x"}, False),
    ],
)
def test_the_plain_paging_query_is_what_the_serializer_makes_of_it(params: dict[str, str], plain: bool) -> None:
    from apps.applications.apis import ApplicationsInput
    from apps.applications.query import list_query_from, plain_list_query

    fast = plain_list_query(params)
    serializer = ApplicationsInput(data=params)
    valid = serializer.is_valid()

    assert (fast is not None) == plain
    if fast is not None:
        assert valid
        assert fast == list_query_from(serializer.validated_data)
