from __future__ import annotations

from django.test import Client


def test_openapi_schema_is_served(client: Client, db: None) -> None:
    response = client.get("/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/check-api-key", "/tools/{category}", "/integrations/{integration_id}"} <= set(schema["paths"])


def test_swagger_ui_is_served(client: Client, db: None) -> None:
    response = client.get("/docs/")

    assert response.status_code == 200
    assert b"swagger-ui" in response.content
