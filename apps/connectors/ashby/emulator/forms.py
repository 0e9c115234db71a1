"""`applicationForm.submit` (reference B5): field submissions validated against the posting's form by type."""

from __future__ import annotations

import json
import re
from typing import Any

from apps.connectors.ashby.emulator import operations
from apps.connectors.ashby.emulator.state import JsonDict, Refused, State
from apps.connectors.emulation.http import UploadedFile

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def form_fields(posting: JsonDict) -> list[JsonDict]:
    return [entry for section in posting["applicationFormDefinition"]["sections"] for entry in section["fields"]]


def _check(kind: str, field: JsonDict, value: Any, files: dict[str, list[UploadedFile]]) -> Any:
    path = field["path"]
    bad = Refused("invalid_input", f"{path}: not a valid {kind} value")
    if kind in ("String", "Email", "Phone", "LongText", "Url"):
        if not isinstance(value, str) or not value.strip():
            raise bad
        if kind == "Email" and "@" not in value:
            raise bad
        return value
    if kind == "Boolean":
        if not isinstance(value, bool):
            raise bad
        return value
    if kind == "Number":
        if not isinstance(value, int) or isinstance(value, bool):
            raise bad
        return value
    if kind == "Date":
        if not isinstance(value, str) or not DATE.match(value):
            raise bad
        return value
    if kind == "RichText":
        if not isinstance(value, dict) or value.get("type") != "PlainText" or not isinstance(value.get("value"), str):
            raise bad
        return value
    if kind == "Score":
        if not isinstance(value, dict) or value.get("score") not in (1, 2, 3, 4):
            raise bad
        return value
    allowed = {option["value"] for option in field.get("selectableValues", [])}
    if kind == "ValueSelect":
        if value not in allowed:
            raise bad
        return value
    if kind == "MultiValueSelect":
        if not isinstance(value, list) or not value or any(item not in allowed for item in value):
            raise bad
        return value
    if kind == "File":
        if not isinstance(value, str) or not files.get(value):
            raise Refused("invalid_input", f"{path}: no file part named {value!r}")
        return files[value][0]
    raise bad


def submit(
    state: State, form: dict[str, list[str]], files: dict[str, list[UploadedFile]], *, default_source_id: str | None
) -> JsonDict:
    posting = state.get("postings", (form.get("jobPostingId") or [None])[0], "job_posting_not_found")
    allow = (form.get("allowSubmissionForUnpublishedJobPosting") or ["true"])[0].lower() != "false"
    if not posting["isListed"] and not allow:
        raise Refused("job_posting_not_published", "The job posting is not published")
    try:
        submitted = json.loads((form.get("applicationForm") or ["{}"])[0])
    except ValueError:
        raise Refused("invalid_input", "applicationForm must be JSON") from None
    entries = submitted.get("fieldSubmissions") if isinstance(submitted, dict) else None
    if not isinstance(entries, list):
        raise Refused("invalid_input", "applicationForm.fieldSubmissions is required")
    by_path = {entry["field"]["path"]: entry for entry in form_fields(posting)}
    values: JsonDict = {}
    uploads: list[tuple[str, UploadedFile]] = []
    for item in entries:
        if not isinstance(item, dict) or item.get("path") not in by_path:
            raise Refused(
                "invalid_input", f"Unknown field path {item.get('path') if isinstance(item, dict) else item!r}"
            )
        field = by_path[item["path"]]["field"]
        checked = _check(field["type"], field, item.get("value"), files)
        if isinstance(checked, UploadedFile):
            uploads.append((field["path"], checked))
            values[field["path"]] = item["value"]
        else:
            values[field["path"]] = checked
    missing = [path for path, entry in by_path.items() if entry["isRequired"] and path not in values]
    if missing:
        raise Refused("invalid_input", f"Missing required fields: {', '.join(missing)}")
    job = state.jobs[posting["jobId"]]
    email = values["_systemfield_email"]
    existing = next(
        (c for c in state.candidates.values() if (c["primaryEmailAddress"] or {}).get("value") == email), None
    )
    # assumed: a submission with a known e-mail joins that candidate (Ashby de-duplicates by e-mail)
    candidate = existing or operations.create_candidate(
        state,
        {"name": values["_systemfield_name"], "email": email, "phoneNumber": values.get("_systemfield_phone")},
        default_source_id=default_source_id,
    )
    application = operations.create_application(
        state,
        {
            "candidateId": candidate["id"],
            "jobId": job["id"],
            "interviewStageId": "FirstPreInterviewScreen",
            "_postingId": posting["id"],
        },
        default_source_id=default_source_id,
    )
    for path, upload in uploads:
        operations.add_file(
            state,
            candidate["id"],
            upload.filename or "file",
            upload.content,
            upload.content_type,
            resume=path == "_systemfield_resume",
        )
    instance = {
        "id": state.new_id("fi"),
        "formDefinition": posting["applicationFormDefinition"],
        "submittedValues": values,
    }
    state.form_instances[instance["id"]] = application["id"]
    state.form_values[instance["id"]] = values
    return {"submittedFormInstance": instance, "formMessages": {"blocked": False}}
