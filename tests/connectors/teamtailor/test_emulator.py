"""The Teamtailor emulator over loopback: auth, version header, regions, JSON:API paging/include/errors, limits,
source fields, and the state changes of every write."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from apps.connectors.teamtailor.emulator import DEFAULT_NA_API_KEY, TeamtailorEmulator
from tests.connectors.teamtailor.conftest import JSONAPI, TT


def rel(kind: str, identifier: Any) -> dict[str, Any]:
    return {"data": {"id": str(identifier), "type": kind}}


def new_candidate(tt: TT, **attributes: Any) -> dict[str, Any]:
    body = {"data": {"type": "candidates", "attributes": {"first-name": "Jo", "last-name": "Ns", **attributes}}}
    response = tt.post("/candidates", json=body)
    assert response.status_code in (200, 201), response.text
    return response.json()["data"]


def first_job(tt: TT) -> dict[str, Any]:
    return tt.get("/jobs", params={"include": "stages,picked-questions,questions"}).json()


def test_token_auth_is_required_and_keys_belong_to_their_region(tt: TT) -> None:
    missing = requests.get(f"{tt.url}/eu/v1/jobs", headers={"X-Api-Version": "20240904"}, timeout=5)
    wrong = TT(tt.url, key="nope").get("/jobs")
    na_key_on_eu = TT(tt.url, key=DEFAULT_NA_API_KEY).get("/jobs")
    na = TT(tt.url, region="na", key=DEFAULT_NA_API_KEY).get("/jobs")

    assert missing.status_code == wrong.status_code == na_key_on_eu.status_code == 401
    assert wrong.json() == {"errors": [{"status": "401", "title": "Unauthorized", "detail": "Invalid API key"}]}
    assert na.status_code == 200
    assert na.json()["links"]["first"].startswith(f"{tt.url}/na/v1/jobs?")
    assert tt.control("GET", "/regions").json() == {"requests": {"eu": 3, "na": 1}}
    assert requests.get(f"{tt.url}/ap/v1/jobs", timeout=5).status_code == 404


def test_api_version_is_required_and_echoed(tt: TT) -> None:
    missing = TT(tt.url, version=None).get("/jobs")
    unknown = TT(tt.url, version="20990101").get("/jobs")
    good = tt.get("/jobs")

    assert (missing.status_code, unknown.status_code) == (406, 406)
    assert unknown.json()["errors"][0]["detail"] == "Invalid X-Api-Version: 20990101"
    assert good.headers["X-Api-Version"] == "20240904"
    assert good.headers["Content-Type"] == JSONAPI
    assert good.headers["X-Rate-Limit-Limit"] == "50"


def test_pages_follow_links_next_with_meta_and_a_size_limit(tt: TT) -> None:
    url: str | None = f"{tt.url}/eu/v1/candidates?page%5Bsize%5D=7"
    ids: list[str] = []
    pages = 0
    while url:
        body = tt.session.get(url, timeout=5).json()
        ids.extend(item["id"] for item in body["data"])
        url = body["links"].get("next")
        pages += 1
    default = tt.get("/candidates").json()
    too_big = tt.get("/candidates", params={"page[size]": 31})

    assert (len(ids), len(set(ids)), pages) == (20, 20, 3)
    assert body["meta"] == {"record-count": 20, "page-count": 3}
    assert len(default["data"]) == 10
    assert parse_qs(urlsplit(default["links"]["next"]).query)["page[number]"] == ["2"]
    assert too_big.status_code == 400
    assert too_big.json()["errors"][0]["source"] == {"parameter": "page[size]"}


def test_include_fills_included_and_relationship_data(tt: TT) -> None:
    body = first_job(tt)
    job = body["data"][0]
    stage_types = [item["attributes"]["stage-type"] for item in body["included"] if item["type"] == "stages"]
    plain = tt.get("/jobs").json()["data"][0]

    assert len(job["relationships"]["stages"]["data"]) == 4
    assert stage_types[:4] == ["Inbox", "In process", "In process", "Hired"]
    assert {item["type"] for item in body["included"]} == {"stages", "picked-questions", "questions"}
    assert "data" not in plain["relationships"]["stages"]
    assert plain["relationships"]["stages"]["links"]["related"] == f"{tt.url}/eu/v1/jobs/{plain['id']}/stages"
    assert tt.get("/jobs", params={"include": "nope"}).status_code == 400
    nested = tt.get("/jobs", params={"include": "picked-questions.question"}).json()
    picked = [item for item in nested["included"] if item["type"] == "picked-questions"]
    assert [item["relationships"]["question"]["data"]["type"] for item in picked[:2]] == ["questions", "questions"]
    assert "data" not in body["included"][0]["relationships"]["job"]  # a stage included without a nested path


def test_sparse_fieldsets_keep_only_the_asked_attributes(tt: TT) -> None:
    body = tt.get("/candidates", params={"fields[candidates]": "email,updated-at"}).json()

    assert set(body["data"][0]["attributes"]) == {"email", "updated-at"}
    assert "relationships" not in body["data"][0]


def test_updated_at_filter(tt: TT, tt_clock: Any) -> None:
    tt_clock.advance(5)
    since = tt_clock.now().isoformat()
    changed = new_candidate(tt, email="late@example.com")

    body = tt.get("/candidates", params={"filter[updated-at][from]": since}).json()

    assert [item["id"] for item in body["data"]] == [changed["id"]]


def test_candidate_email_rules_and_merge(tt: TT) -> None:
    created = new_candidate(tt, email="a@example.com", **{"referring-url": "http://se.indeed.com/visajobb?jk=1"})
    taken = tt.post("/candidates", json={"data": {"type": "candidates", "attributes": {"email": "a@example.com"}}})
    merged = tt.post(
        "/candidates",
        json={"data": {"type": "candidates", "attributes": {"email": "a@example.com", "merge": True, "phone": "+1"}}},
    )
    blank = tt.post("/candidates", json={"data": {"type": "candidates", "attributes": {"first-name": "X"}}})
    sourced = new_candidate(tt, sourced=True)

    assert created["attributes"]["referring-site"] == "Indeed Sweden"
    assert taken.status_code == 422
    assert taken.json() == {
        "errors": [
            {
                "status": "422",
                "title": "Unprocessable entity",
                "detail": "email - has already been taken",
                "source": {"pointer": "/data/attributes/email"},
            }
        ]
    }
    assert (merged.status_code, merged.json()["data"]["id"]) == (200, created["id"])
    assert merged.json()["data"]["attributes"]["phone"] == "+1"
    assert blank.status_code == 422
    assert sourced["attributes"]["sourced"] is True


def test_json_api_media_type_and_type_are_enforced(tt: TT) -> None:
    plain = tt.session.post(f"{tt.url}/eu/v1/candidates", json={"data": {"type": "candidates"}}, timeout=5)
    mismatch = tt.post("/candidates", json={"data": {"type": "jobs", "attributes": {}}})

    assert plain.status_code == 415
    assert mismatch.status_code == 409


def test_job_application_lifecycle_with_free_text_source(tt: TT, tt_app: TeamtailorEmulator) -> None:
    job = first_job(tt)["data"][0]
    stages = job["relationships"]["stages"]["data"]
    candidate = new_candidate(tt, email="apply@example.com")
    body = {
        "data": {
            "type": "job-applications",
            "attributes": {"referring-url": "https://jobs.tributary.example/j/1", "sourced": True},
            "relationships": {"candidate": rel("candidates", candidate["id"]), "job": rel("jobs", job["id"])},
        }
    }
    created = tt.post("/job-applications", json=body)
    again = tt.post("/job-applications", json=body)
    app_id = created.json()["data"]["id"]
    moved = tt.patch(
        f"/job-applications/{app_id}",
        json={
            "data": {
                "id": app_id,
                "type": "job-applications",
                "relationships": {"stage": rel("stages", stages[1]["id"])},
            }
        },
    )
    rejected = tt.patch(
        f"/job-applications/{app_id}",
        json={
            "data": {
                "id": app_id,
                "type": "job-applications",
                "attributes": {"rejected-at": "2025-03-01T12:00:00.000+00:00"},
                "relationships": {"reject-reason": rel("reject-reasons", 1)},
            }
        },
    )
    [stored] = [a for a in tt.state()["job_applications"] if str(a["id"]) == app_id]

    assert created.status_code == 201
    assert created.json()["data"]["attributes"]["referring-site"] == "jobs.tributary.example"
    assert again.status_code == 422
    assert moved.status_code == rejected.status_code == 200
    assert stored["stage_id"] == int(stages[1]["id"])
    assert (stored["reject_reason_id"], stored["rejected_at"]) == (1, "2025-03-01T12:00:00.000Z")
    assert stored["referring_site"] == "jobs.tributary.example"


def test_answers_upsert_and_refuse_video(tt: TT) -> None:
    job = first_job(tt)
    questions = {
        item["attributes"]["question-type"]: item["id"] for item in job["included"] if item["type"] == "questions"
    }
    candidate = new_candidate(tt, email="ans@example.com")

    def post(question: str, attributes: dict[str, Any]) -> requests.Response:
        return tt.post(
            "/answers",
            json={
                "data": {
                    "type": "answers",
                    "attributes": attributes,
                    "relationships": {
                        "candidate": rel("candidates", candidate["id"]),
                        "question": rel("questions", question),
                    },
                }
            },
        )

    first = post(questions["Text"], {"text": "Because"})
    second = post(questions["Text"], {"text": "Changed"})
    wrong = post(questions["Boolean"], {"boolean": "yes"})
    video = post(questions["Text"], {"video-token": "x"})

    assert first.status_code == second.status_code == 201
    assert first.json()["data"]["id"] == second.json()["data"]["id"]
    assert [a["text"] for a in tt.state()["answers"]] == ["Changed"]
    assert (wrong.status_code, video.status_code) == (422, 422)


def test_notes_uploads_and_tags(tt: TT) -> None:
    candidate = new_candidate(tt, email="n@example.com")
    cid = candidate["id"]
    note = tt.post(
        "/notes",
        json={
            "data": {
                "type": "notes",
                "attributes": {"note": "Hi"},
                "relationships": {"candidate": rel("candidates", cid), "user": rel("users", 1)},
            }
        },
    )
    upload = tt.post(
        "/uploads",
        json={
            "data": {
                "type": "uploads",
                "attributes": {"url": "https://files.example/cv.pdf", "file-name": "cv.pdf"},
                "relationships": {"candidate": rel("candidates", cid)},
            }
        },
    )
    base64 = tt.post(
        "/uploads",
        json={
            "data": {
                "type": "uploads",
                "attributes": {"url": "data:application/pdf;base64,"},
                "relationships": {"candidate": rel("candidates", cid)},
            }
        },
    )
    tagged = tt.patch(
        f"/candidates/{cid}", json={"data": {"id": cid, "type": "candidates", "attributes": {"tags": ["a", "b"]}}}
    )

    assert (note.status_code, upload.status_code, base64.status_code, tagged.status_code) == (201, 201, 422, 200)
    assert upload.json()["data"]["attributes"]["url"] == "https://files.example/cv.pdf?signature=emulated"
    assert tagged.json()["data"]["attributes"]["tags"] == ["a", "b"]
    assert tt.state()["notes"][0]["note"] == "Hi"


def test_public_scope_and_read_only_keys_are_refused(tt: TT) -> None:
    public = tt.control("POST", "/api-keys", json={"scope": "public", "access": "read"}).json()["key"]
    reader = tt.control("POST", "/api-keys", json={"scope": "admin", "access": "read"}).json()["key"]

    assert TT(tt.url, key=public).get("/jobs").status_code == 200
    assert TT(tt.url, key=public).get("/candidates").status_code == 403
    assert TT(tt.url, key=reader).get("/candidates").status_code == 200
    forbidden = TT(tt.url, key=reader).post("/candidates", json={"data": {"type": "candidates", "attributes": {}}})
    assert forbidden.status_code == 403
    assert forbidden.json()["errors"][0]["status"] == "403"


def test_rate_limit_answers_429_with_retry_after(tt: TT, tt_app: TeamtailorEmulator) -> None:
    tt_app.limiter.enabled = True
    statuses = [tt.get("/jobs").status_code for _ in range(51)]
    limited = tt.get("/jobs")

    assert statuses[:50] == [200] * 50
    assert statuses[50] == 429
    assert limited.json()["errors"][0] == {
        "status": "429",
        "title": "Too many requests",
        "detail": "Rate limit exceeded, retry later",
    }
    assert int(limited.headers["Retry-After"]) >= 1


def test_control_delete_removes_a_candidate(tt: TT) -> None:
    candidate = new_candidate(tt, email="gone@example.com")
    tt.control("DELETE", f"/records/candidates/{candidate['id']}")

    assert tt.get(f"/candidates/{candidate['id']}").status_code == 404
