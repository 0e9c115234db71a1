"""API key authentication loads the key, its environment and the named integration in one statement, uncached."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.integrations.models import ApiKey, Environment, Integration
from apps.integrations.services import api_key_revoke
from tests.factories.integrations import ApiKeyFactory, IntegrationFactory

LIST = "/v1/ats/applications?page_size=1"


def _get(client: Client, key: str, integration_id: str | None) -> tuple[int, dict]:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    if integration_id is not None:
        headers["HTTP_X_INTEGRATION_ID"] = integration_id
    response = client.get(LIST, **headers)
    return response.status_code, response.json()


def test_a_key_revoked_between_two_requests_is_refused_on_the_second(
    client: Client, api_key: ApiKey, integration: Integration
) -> None:
    assert _get(client, api_key.raw_key, integration.id)[0] == 200

    api_key_revoke(api_key=api_key)
    status, body = _get(client, api_key.raw_key, integration.id)

    assert status == 401
    assert body["error"]["code"] == "PLATFORM.AUTHENTICATION_INVALID"
    assert body["error"]["message"] == "The API key is invalid or has been revoked."


def test_a_new_key_works_at_once_and_an_unknown_key_never(
    client: Client, environment: Environment, integration: Integration
) -> None:
    fresh = ApiKeyFactory(environment=environment)

    assert _get(client, fresh.raw_key, integration.id)[0] == 200
    assert _get(client, fresh.raw_key[:-1] + ("x" if fresh.raw_key[-1] != "x" else "y"), integration.id)[0] == 401


def test_an_integration_of_another_environment_answers_like_an_unknown_one(
    client: Client, api_key: ApiKey, other_environment: Environment
) -> None:
    foreign = IntegrationFactory(environment=other_environment)

    foreign_answer = _get(client, api_key.raw_key, foreign.id)
    unknown_answer = _get(client, api_key.raw_key, "sandbox:unknown")

    assert foreign_answer[0] == unknown_answer[0] == 404
    assert foreign_answer[1]["error"]["code"] == "PLATFORM.INTEGRATION_NOT_FOUND"
    assert foreign_answer[1]["error"]["message"] == f"No integration with ID {foreign.id!r} exists in this environment."
    assert _get(client, api_key.raw_key, None)[1]["error"]["message"] == (
        "The X-Integration-Id header is missing: send the ID of the integration to use."
    )


def test_the_key_environment_and_integration_come_from_one_statement(
    client: Client, api_key: ApiKey, integration: Integration
) -> None:
    _get(client, api_key.raw_key, integration.id)  # stamps the key's last use

    with CaptureQueriesContext(connection) as captured:
        status, body = _get(client, api_key.raw_key, f"  {integration.id} ")

    assert status == 200
    assert body["data"]["results"] == []
    assert len(captured) == 2  # the key with its environment and integration, then the (empty) page
    assert "integrations_integration" in captured[0]["sql"]
