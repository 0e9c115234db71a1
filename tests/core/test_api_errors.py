"""Every /v1 failure answers with the contract's error body, never HTML."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.integrations.models import ApiKey


def _assert_error_body(response: object, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status  # type: ignore[attr-defined]
    assert response["Content-Type"].startswith("application/json")  # type: ignore[index]
    body = response.json()  # type: ignore[attr-defined]
    assert body["status"] == "error"
    assert set(body["error"]) == {"code", "title", "message", "log_url"}
    assert body["error"]["code"] == code
    return body


@pytest.fixture
def client_with_key(client: Client, api_key: ApiKey) -> Client:
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {api_key.raw_key}"
    return client


def test_unknown_route(client_with_key: Client) -> None:
    body = _assert_error_body(client_with_key.get("/v1/no/such/route"), 404, "PLATFORM.INPUT_INVALID")

    assert body["error"]["message"] == "No API route matches GET /v1/no/such/route."


def test_wrong_method(client_with_key: Client) -> None:
    body = _assert_error_body(client_with_key.post("/v1/check-api-key"), 405, "PLATFORM.INPUT_INVALID")

    assert body["error"]["message"] == 'Method "POST" not allowed.'


def test_malformed_json(client_with_key: Client, integration: object) -> None:
    response = client_with_key.put(
        f"/v1/integrations/{integration.id}/enabled",
        data="{not json",
        content_type="application/json",  # type: ignore[attr-defined]
    )

    body = _assert_error_body(response, 400, "PLATFORM.INPUT_INVALID")
    assert str(body["error"]["message"]).startswith("Malformed request body: JSON parse error")


def test_validation_error_names_the_field(client_with_key: Client, integration: object) -> None:
    response = client_with_key.put(
        f"/v1/integrations/{integration.id}/enabled",
        data={"value": "maybe"},
        content_type="application/json",  # type: ignore[attr-defined]
    )

    body = _assert_error_body(response, 400, "PLATFORM.INPUT_INVALID")
    assert body["error"]["message"] == "value: Must be a valid boolean."


def test_missing_api_key(client: Client, db: None) -> None:
    body = _assert_error_body(client.get("/v1/check-api-key"), 401, "PLATFORM.AUTHENTICATION_INVALID")

    assert body["error"]["message"] == "Missing API key: send the header `Authorization: Bearer <API key>`."


def test_unknown_tool_category(client_with_key: Client) -> None:
    body = _assert_error_body(client_with_key.get("/v1/tools/crm"), 400, "PLATFORM.INPUT_INVALID")

    assert body["error"]["message"] == "category: must be one of hris, ats, assessment, lms, got 'crm'."


@pytest.mark.urls("tests.core.urls")
@pytest.mark.parametrize("path", ["/v1/_test/crash", "/v1/_test/plain-crash"])
def test_unhandled_exception_is_a_json_500_without_internals(db: None, path: str) -> None:
    client = Client(raise_request_exception=False)

    body = _assert_error_body(client.get(path), 500, "PLATFORM.UNKNOWN_ERROR")

    assert body["error"]["message"] == "An unexpected error occurred."


def test_admin_stays_html(client: Client, db: None) -> None:
    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/v1/ats/jobs?ids=a%00b", "ids: must not contain NUL (0x00) characters."),
        ("/v1/ats/applications?current_stage_ids=%00", "current_stage_ids: must not contain NUL (0x00) characters."),
        ("/v1/ats/applications/a%00b/attachments", "application_id: must not contain NUL (0x00) characters."),
        ("/v1/integrations/remote:%00", "integration_id: must not contain NUL (0x00) characters."),
    ],
)
def test_nul_characters_in_the_url_name_their_parameter(
    client_with_key: Client, integration: object, path: str, message: str
) -> None:
    response = client_with_key.get(path, HTTP_X_INTEGRATION_ID=integration.id)  # type: ignore[attr-defined]

    body = _assert_error_body(response, 400, "PLATFORM.INPUT_INVALID")
    assert body["error"]["message"] == message


@pytest.mark.parametrize("depth", [65, 5000])
def test_deeply_nested_json_is_refused(client_with_key: Client, integration: object, depth: int) -> None:
    response = client_with_key.put(
        f"/v1/integrations/{integration.id}/enabled",  # type: ignore[attr-defined]
        data='{"value": ' + "[" * depth + "]" * depth + "}",
        content_type="application/json",
    )

    body = _assert_error_body(response, 400, "PLATFORM.INPUT_INVALID")
    assert body["error"]["message"] == "Malformed request body: JSON nested deeper than 64 levels."


def test_json_nested_64_levels_is_parsed(client_with_key: Client, integration: object) -> None:
    response = client_with_key.put(
        f"/v1/integrations/{integration.id}/enabled",  # type: ignore[attr-defined]
        data='{"value": ' + "[" * 63 + "]" * 63 + "}",
        content_type="application/json",
    )

    body = _assert_error_body(response, 400, "PLATFORM.INPUT_INVALID")
    assert body["error"]["message"] == "value: Must be a valid boolean."


def test_options_answers_the_contract_error(client_with_key: Client) -> None:
    body = _assert_error_body(client_with_key.options("/v1/ats/jobs"), 405, "PLATFORM.INPUT_INVALID")

    assert body["error"]["message"] == 'Method "OPTIONS" not allowed.'


def test_nul_characters_in_a_header_name_the_header(client_with_key: Client, integration: object) -> None:
    response = client_with_key.get("/v1/ats/jobs", HTTP_X_INTEGRATION_ID=f"{integration.id}\x00")  # type: ignore[attr-defined]

    body = _assert_error_body(response, 400, "PLATFORM.INPUT_INVALID")
    assert body["error"]["message"] == "X-Integration-Id: must not contain NUL (0x00) characters."


def test_a_body_over_the_upload_limit_is_a_413(client_with_key: Client, integration: object, settings: object) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100  # type: ignore[attr-defined]

    response = client_with_key.put(
        f"/v1/integrations/{integration.id}/enabled",  # type: ignore[attr-defined]
        data='{"value": true, "padding": "' + "x" * 100 + '"}',
        content_type="application/json",
    )

    body = _assert_error_body(response, 413, "PLATFORM.INPUT_INVALID")
    assert body["error"]["message"] == "Request body too large: at most 100 bytes are accepted."


def test_too_many_query_parameters_is_a_400(client_with_key: Client, integration: object) -> None:
    query = "&".join(f"p{index}=1" for index in range(1001))

    response = client_with_key.get(f"/v1/ats/jobs?{query}", HTTP_X_INTEGRATION_ID=integration.id)  # type: ignore[attr-defined]

    body = _assert_error_body(response, 400, "PLATFORM.INPUT_INVALID")
    assert body["error"]["message"] == "Too many query parameters: at most 1000 are accepted."
