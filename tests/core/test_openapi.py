from __future__ import annotations

import jsonschema
import pycountry
import pytest
from django.test import Client

from apps.applications.writes.serializers import WriteAttachmentSerializer, WriteLocationSerializer


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


def test_the_schema_lists_exactly_the_country_codes_a_write_accepts(client: Client, db: None) -> None:
    """A fuzzer that sends what the schema allows gets no 400 for the country (CI found one when it was a string)."""
    schema = client.get("/v1/openapi.json").json()
    location = schema["components"]["schemas"]["WriteLocationRequest"]
    listed = location["properties"]["country"]["enum"]

    accepted = [code for code in listed if not _country_errors(code)]
    assert accepted == listed
    assert len(listed) == len(pycountry.countries)
    assert {"DE", "US", "GB", "CH"} <= set(listed)
    assert _country_errors("XX") != []
    assert _country_errors("de") != []


def _country_errors(code: str) -> list[str]:
    serializer = WriteLocationSerializer(data={"country": code})
    serializer.is_valid()
    return [str(error) for error in serializer.errors.get("country", [])]


ATTACHMENTS = [
    {"name": "cv.pdf", "type": "CV", "data": "JVBERg==", "content_type": "application/pdf"},
    {"name": "cv.pdf", "type": "CV", "data_url": "https://files.example.com/cv.pdf"},
    {"name": "cv.pdf", "type": "CV", "data": "JVBERg==", "content_type": "  "},
    {"name": "cv.pdf", "type": "CV", "data": "JVBERg=="},
    {
        "name": "cv.pdf",
        "type": "CV",
        "data": "JVBERg==",
        "content_type": "application/pdf",
        "data_url": "https://a.de/b",
    },
    {"name": "cv.pdf", "type": "CV"},
    {"name": "cv.pdf", "type": "CV", "data": "", "content_type": "text/plain"},
]


@pytest.mark.parametrize("attachment", ATTACHMENTS)
def test_the_attachment_schema_allows_exactly_what_the_serializer_takes(
    client: Client, db: None, attachment: dict[str, str]
) -> None:
    schema = client.get("/v1/openapi.json").json()["components"]["schemas"]["WriteAttachmentRequest"]

    allowed = jsonschema.Draft4Validator(schema).is_valid(attachment)

    assert allowed == WriteAttachmentSerializer(data=attachment).is_valid()
