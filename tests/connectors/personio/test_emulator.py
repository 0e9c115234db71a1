"""The Personio emulator as its reference describes it: the auth API, v2 paging and filters, the v1 create without
an id and its reason codes, uploads, per-company limits, and the channels screen."""

from __future__ import annotations

import requests

from apps.connectors.emulation.clock import ManualClock
from apps.connectors.personio.emulator import PersonioEmulator
from tests.connectors.personio.conftest import PE, V1_HEADERS


def reasons(response: requests.Response) -> list[tuple[str, str]]:
    return [(item["field"], inner["reason"]) for item in response.json()["errors"] for inner in item["errors"]]


def test_the_token_takes_a_form_body_and_refuses_a_wrong_client(pe: PE) -> None:
    assert pe.token().json()["token_type"] == "Bearer"
    assert pe.token().json()["expires_in"] == 86400
    as_json = requests.post(
        f"{pe.url}/v2/auth/token", json={"grant_type": "client_credentials", "client_id": "x"}, timeout=10
    )
    wrong = pe.token(("papi-emulated-client", "nope"))

    assert (as_json.status_code, as_json.json()["error"]) == (400, "invalid_request")
    assert (wrong.status_code, wrong.json()) == (
        401,
        {"error": "invalid_client", "error_description": "Invalid Client"},
    )


def test_v2_needs_a_token_with_the_read_scope(pe: PE) -> None:
    missing = requests.get(f"{pe.url}/v2/recruiting/jobs", timeout=10)
    client = {"clientId": "webhooks-only", "clientSecret": "s", "scopes": ["personio:webhooks:read"]}
    assert pe.control("POST", "/oauth/clients", json=client).status_code == 201
    narrow = pe.token(("webhooks-only", "s")).json()["access_token"]
    forbidden = requests.get(f"{pe.url}/v2/recruiting/jobs", headers={"Authorization": f"Bearer {narrow}"}, timeout=10)

    assert missing.status_code == 401
    assert missing.json()["errors"][0]["type"] == "https://developer.personio.de/reference/errors#common.unauthorized"
    assert forbidden.status_code == 403
    assert "personio:recruiting:read" in forbidden.json()["errors"][0]["detail"]


def test_v2_lists_page_by_cursor_newest_updated_first_and_refuse_bad_parameters(pe: PE) -> None:
    first = pe.v2("/applications", params={"limit": 2}).json()
    second = requests.get(first["_meta"]["links"]["next"]["href"], headers=pe.session.headers, timeout=10).json()
    too_big = pe.v2("/applications", params={"limit": 201})
    both = pe.v2("/applications", params={"updated_at.gt": "2024-01-01T00:00:00Z", "updated_at.lt": "2030-01-01"})
    missing = pe.v2("/applications/1")

    ids = [row["id"] for row in first["_data"] + second["_data"]]
    stamps = [row["updated_at"]["date-time"] for row in first["_data"] + second["_data"]]
    assert len(ids) == len(set(ids)) == 3
    assert stamps == sorted(stamps, reverse=True)
    assert "next" not in second["_meta"]["links"]
    assert first["_data"][0]["updated_at"]["timezone"] == "Europe/Berlin"
    assert (too_big.status_code, both.status_code) == (400, 400)
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["title"] == "Resource not found"


def test_the_v1_create_answers_201_without_a_body_and_the_application_is_found_by_email(pe: PE) -> None:
    job = pe.published_job()
    channel = pe.control("POST", "/channels", json={"name": "Tributary"}).json()
    body = {"job_position_id": job["id"], "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
            "recruiting_channel_id": channel["id"], "tags": ["api"]}  # fmt: skip

    created = pe.v1(json=body)
    again = pe.v1(json=body)
    [found] = pe.v2("/applications", params={"candidate.email": "ADA@example.com"}).json()["_data"]

    assert (created.status_code, created.content) == (201, b"")
    assert reasons(again) == [("email", "errors.applicant-already-exists")]
    assert found["channel"] == {"id": str(channel["id"]), "name": "Tributary"}
    assert found["current_stage"] == {"id": "unassigned", "kind": "unassigned", "name": "Unassigned", "type": "system"}
    assert "tags" not in found  # v2 never returns tags (P-DEV)
    assert pe.state()["tags"] == ["api"]


def test_the_v1_create_lists_every_reason_and_needs_key_and_company(pe: PE) -> None:
    archived = next(job for job in pe.state()["jobs"] if job["status"] == "archived")
    refused = pe.v1(json={"job_position_id": archived["id"], "first_name": " ", "last_name": "X", "email": "x@",
                          "recruiting_channel_id": 4242, "application_date": "2999-01-01"})  # fmt: skip
    no_company = pe.v1(json={}, headers={"Authorization": V1_HEADERS["Authorization"]})

    assert refused.status_code == 400
    assert reasons(refused) == [
        ("first_name", "errors.attribute-validation.required-attribute"),
        ("email", "errors.attribute-validation.invalid-email-format"),
        ("job_position_id", "errors.job-position.not-published"),
        ("recruiting_channel_id", "errors.posting-validation.channel-not-found"),
        ("application_date", "errors.date-validation.date-in-the-future"),
    ]
    assert no_company.status_code == 401
    assert no_company.json()["errors"][0]["status"] == "401"


def test_uploads_are_multipart_only_with_the_allowed_types(pe: PE) -> None:
    ok = pe.v1("/documents", files={"file": ("My CV.pdf", b"%PDF-1.4", "application/pdf")})
    exe = pe.v1("/documents", files={"file": ("run.exe", b"MZ", "application/octet-stream")})
    base64 = pe.v1("/documents", json={"file": "JVBERi0="})

    assert ok.status_code == 200
    assert {k: v for k, v in ok.json().items() if k != "uuid"} == {
        "size": 8, "mimetype": "application/pdf", "original_filename": "My CV.pdf", "extension": "pdf",
    }  # fmt: skip
    assert reasons(exe) == [("file", "errors.invalid-file-type")]
    assert base64.json()["errors"][0]["detail"] == "Invalid multipart request body and/or headers supplied."


def test_v1_allows_20_requests_per_minute_per_company(
    pe: PE, personio_app: PersonioEmulator, personio_clock: ManualClock
) -> None:
    personio_app.limiter.enabled = True
    answers = [pe.v1(json={}).status_code for _ in range(21)]
    limited = pe.v1(json={})
    reads = pe.v2("/jobs")
    personio_clock.advance(61)
    after = pe.v1(json={})

    assert answers == [400] * 20 + [429]
    assert (limited.status_code, limited.content, limited.headers["Retry-After"]) == (429, b"", "60")
    assert reads.status_code == 200  # the v2 budget is separate (and larger)
    assert after.status_code == 400


def test_the_channels_screen_lists_adds_and_deletes(pe: PE) -> None:
    made = pe.control("POST", "/channels", json={"name": "Acme Jobs"}).json()
    listed = [c["name"] for c in pe.control("GET", "/channels").json()["channels"]]
    deleted = pe.control("DELETE", f"/channels/{made['id']}")
    body = {"job_position_id": pe.published_job()["id"], "first_name": "A", "last_name": "B", "email": "a@b.de",
            "recruiting_channel_id": made["id"]}  # fmt: skip

    assert listed == ["Personio career page", "LinkedIn", "Acme Jobs"]
    assert deleted.status_code == 200
    assert reasons(pe.v1(json=body)) == [("recruiting_channel_id", "errors.posting-validation.channel-not-found")]


def test_the_token_endpoint_allows_150_requests_per_minute(
    pe: PE, personio_app: PersonioEmulator, personio_clock: ManualClock
) -> None:
    personio_app.limiter.enabled = True
    answers = [pe.token().status_code for _ in range(150)]
    personio_clock.advance(61)

    assert answers == [200] * 149 + [429]  # the fixture's login was the first of the minute
    assert pe.token().status_code == 200
