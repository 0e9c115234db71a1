"""The served OpenAPI of import-tracked-application lists every key a registered connector reads, with its ids."""

from __future__ import annotations

from typing import Any

from django.test import Client

from apps.connectors.registry import connector_classes


def _component(schema: dict[str, Any], ref: dict[str, Any]) -> dict[str, Any]:
    target = ref["allOf"][0]["$ref"] if "allOf" in ref else ref["$ref"]
    return schema["components"]["schemas"][target.rsplit("/", 1)[1]]


def test_the_import_body_declares_every_registered_tools_key_and_its_required_ids(client: Client, db: None) -> None:
    schema = client.get("/v1/openapi.json").json()
    operation = schema["paths"]["/ats/import-tracked-application"]["post"]
    body = _component(schema, operation["requestBody"]["content"]["application/json"]["schema"])

    expected = {
        key: set(ids) for connector in connector_classes() for key, ids in connector.tracked_application_keys.items()
    }
    declared = {key: value for key, value in body["properties"].items() if key != "tracked_at"}
    assert set(declared) == set(expected)
    assert {"sandbox", "smartrecruiters", "successfactors"} <= set(expected)
    for key, ids in expected.items():
        block = _component(schema, declared[key])
        assert set(block["required"]) == ids, key
        assert ids <= set(block["properties"]), key
    # the contract's id_type values (§5.5) where it has one
    smartrecruiters = _component(schema, declared["smartrecruiters"])
    assert smartrecruiters["properties"]["id_type"]["enum"] == ["candidate_and_job_remote_ids"]
    assert "id_type" not in _component(schema, declared["sandbox"])["properties"]
