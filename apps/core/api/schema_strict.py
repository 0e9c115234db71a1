"""A drf-spectacular postprocessing hook: request schemas as strict as the validation behind them.

What a field class cannot say about itself is added here, so a request that matches the served schema is one the
API accepts (what schemathesis's positive-data checks hold us to; the rules no schema can state are listed in
tests/core/test_schemathesis.py):

- every string path and query parameter is free of NUL characters (the API middleware refuses them: PostgreSQL
  text cannot hold them), and so is every free-text string of a request body (DRF's CharField refuses them); one
  that may not be blank has a non-space character (DRF trims whitespace before its blank check);
- `cursor` has the shape of the signed cursors we hand out (`apps.core.api.cursors`: Django's `sign_object`,
  base64url payload, optionally `.`-prefixed when compressed, `:` and a base64url signature) or is blank;
- a file to upload (`WriteAttachmentRequest`) has exactly one of a non-empty `data` with its non-blank
  `content_type`, and a `data_url` (`_FileSerializer.validate`).
"""

from __future__ import annotations

from typing import Any

# The characters Python's `str.strip()` (DRF's trimming) and `re`'s `\s` take for space (every `str.isspace()`
# character; all are in the BMP), spelled out because `\s` differs between regex dialects: in a JSON Schema
# (ECMA-262) pattern it leaves out \x1c-\x1f and \x85, so a fuzzer sent the label "\x1e", which DRF trims to blank.
# tests/core/test_schema_strict.py holds this to DRF character by character.
SPACE = "\\u0009-\\u000d\\u001c-\\u0020\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028-\\u2029\\u202f\\u205f\\u3000"
NO_NUL = "^[^\\u0000]*$"
NON_BLANK = f"^[^\\u0000]*[^{SPACE}\\u0000][^\\u0000]*$"
CURSOR = "^(|\\.?[A-Za-z0-9_-]+:[A-Za-z0-9_-]+)$"
FILE_COMPONENTS = ("WriteAttachmentRequest",)
# the other source absent, null or "" in each branch, as `validate` reads it
FILE_SOURCES = [
    {
        "required": ["data", "content_type"],
        "properties": {
            "data": {"type": "string", "minLength": 1},
            "content_type": {"type": "string", "minLength": 1, "pattern": NON_BLANK},  # DRF trims it first
            "data_url": {"type": "string", "maxLength": 0, "nullable": True},
        },
    },
    {
        "required": ["data_url"],
        "properties": {
            "data_url": {"type": "string", "minLength": 1},
            "data": {"type": "string", "maxLength": 0, "nullable": True},
        },
    },
]


def _strict_parameter(parameter: dict[str, Any]) -> None:
    if parameter.get("in") not in ("path", "query"):
        return
    schema = parameter.get("schema") or {}
    if parameter.get("name") == "cursor" and schema.get("type") == "string":
        schema["pattern"] = CURSOR
        return
    target = schema.get("items") if schema.get("type") == "array" else schema
    if isinstance(target, dict) and target.get("type") == "string" and not {"enum", "pattern", "format"} & set(target):
        target["pattern"] = NO_NUL


def _strict_strings(schema: Any) -> None:
    """NUL-free (and non-blank where `minLength` ≥ 1) free-text strings, through properties, items and branches."""
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "string" and not {"enum", "pattern", "format"} & set(schema):
        schema["pattern"] = NON_BLANK if schema.get("minLength", 0) >= 1 else NO_NUL
    for child in (schema.get("properties") or {}).values():
        _strict_strings(child)
    for key in ("items", "additionalProperties"):
        _strict_strings(schema.get(key))
    for key in ("oneOf", "anyOf", "allOf"):
        for child in schema.get(key) or []:
            _strict_strings(child)


def strict_requests(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict):
                for parameter in operation.get("parameters", []):
                    _strict_parameter(parameter)
    schemas = result.get("components", {}).get("schemas", {})
    for name, schema in schemas.items():
        if name.endswith("Request"):  # COMPONENT_SPLIT_REQUEST: the request side of each component
            _strict_strings(schema)
    for name in FILE_COMPONENTS:
        if name in schemas:
            schemas[name]["oneOf"] = FILE_SOURCES
    return result
