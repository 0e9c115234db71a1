"""The Workable emulator over loopback: tokens and scopes, subdomain, paging, deltas, limits, errors, writes."""

from __future__ import annotations

import math

import pytest

from apps.connectors.workable.emulator import MEMBER_ID
from tests.connectors.workable.conftest import WK

OPEN_JOB = "9CD658E13F"
CLOSED_JOB = "9CD658E141"


def test_missing_or_wrong_token_is_401_not_authorized(wk: WK) -> None:
    for client in (wk.with_token(None), wk.with_token("nope")):
        response = client.get("/jobs")
        assert response.status_code == 401
        assert response.json() == {"error": "Not authorized"}


@pytest.mark.parametrize(
    ("scopes", "path", "allowed"),
    [
        (["r_jobs"], "/jobs", True),
        (["r_candidates"], "/jobs", False),
        (["r_candidates"], "/candidates", True),
        (["r_jobs"], "/candidates", False),
    ],
)
def test_read_scopes_are_checked_per_route(wk: WK, scopes: list[str], path: str, allowed: bool) -> None:
    assert wk.control("POST", "/api-keys", json={"key": "scoped", "scopes": scopes}).status_code == 201
    response = wk.with_token("scoped").get(path)
    assert response.status_code == (200 if allowed else 403)
    if not allowed:
        assert set(response.json()) == {"error"}


def test_write_scopes_w_candidates_and_w_comments(wk: WK) -> None:
    wk.control("POST", "/api-keys", json={"key": "reader", "scopes": ["r_candidates", "r_jobs"]})
    candidate_id = wk.get("/candidates").json()["candidates"][0]["id"]
    reader = wk.with_token("reader")
    assert reader.request("PUT", f"/candidates/{candidate_id}/tags", json={"tags": ["a"]}).status_code == 403
    body = {"member_id": MEMBER_ID, "comment": {"body": "hi"}}
    assert reader.post(f"/candidates/{candidate_id}/comments", json=body).status_code == 403
    wk.control("POST", "/api-keys", json={"key": "commenter", "scopes": ["w_comments"]})
    assert wk.with_token("commenter").post(f"/candidates/{candidate_id}/comments", json=body).status_code == 200


def test_unknown_subdomain_is_404(wk: WK) -> None:
    response = wk.session.get(f"{wk.url}/spi/v3/accounts/other/jobs", timeout=10)
    assert response.status_code == 404
    assert response.json() == {"error": "Not found"}


def test_since_id_paging_follows_paging_next_and_omits_it_on_the_last_page(wk: WK) -> None:
    wk.control("POST", "/seed", json={"candidates": 7})
    first = wk.get("/candidates", params={"limit": 3}).json()
    ids = [c["id"] for c in first["candidates"]]
    next_url = first["paging"]["next"]
    while next_url:
        page = wk.session.get(next_url, timeout=10).json()
        assert page["candidates"][0]["id"] == next_url.rsplit("since_id=", 1)[1]
        ids.extend(c["id"] for c in page["candidates"])
        next_url = page.get("paging", {}).get("next")
    assert ids == sorted(c["id"] for c in wk.state()["candidates"])
    assert len(ids) == 7


def test_limit_above_100_is_refused(wk: WK) -> None:
    assert wk.get("/candidates", params={"limit": 101}).status_code == 400
    assert wk.get("/candidates", params={"limit": 100}).status_code == 200


def test_updated_after_and_created_after_filter(wk: WK) -> None:
    candidates = wk.get("/candidates").json()["candidates"]
    wk.app.clock.advance(60)
    wk.request("PUT", f"/candidates/{candidates[1]['id']}/tags", json={"tags": ["x"]})
    since = candidates[-1]["updated_at"].replace("-", "").replace(":", "")
    changed = wk.get("/candidates", params={"updated_after": since}).json()["candidates"]
    assert [c["id"] for c in changed] == [candidates[1]["id"]]
    assert wk.get("/candidates", params={"created_after": since}).json()["candidates"] == []
    assert wk.get("/candidates", params={"updated_after": "yesterday"}).status_code == 422


def test_ten_requests_per_ten_seconds_then_429_with_workable_headers(wk: WK) -> None:
    wk.app.limiter.enabled = True
    answers = [wk.get("/members") for _ in range(11)]
    assert [a.status_code for a in answers] == [200] * 10 + [429]
    assert answers[0].headers["X-Rate-Limit-Limit"] == "10"
    assert answers[0].headers["X-Rate-Limit-Remaining"] == "9"
    assert answers[10].headers["X-Rate-Limit-Remaining"] == "0"
    assert int(answers[10].headers["X-Rate-Limit-Reset"]) == int(wk.app.clock.now().timestamp()) + 10
    # with requests left, the next interval is now (a request may go at once)
    assert int(answers[0].headers["X-Rate-Limit-Reset"]) == math.ceil(wk.app.clock.now().timestamp())
    assert "Retry-After" not in answers[10].headers
    assert answers[10].json() == {"error": "Rate limit exceeded"}
    wk.app.clock.advance(10)
    assert wk.get("/members").status_code == 200


def test_create_writes_the_free_text_source_to_domain_and_sourced_false_lands_in_applied(wk: WK) -> None:
    body = {
        "sourced": False,
        "candidate": {
            "firstname": "Jane", "lastname": "Doe", "email": "jane@example.com", "domain": "Tributary Board",
            "resume": {"name": "cv.pdf", "data": "JVBERi0="},
            "answers": [
                {"question_key": "2128d717", "body": "Planning"}, {"question_key": "3399e6cd", "choices": ["1e477229"]},
                {"question_key": "1d3f348f", "checked": True}, {"question_key": "6b01", "value": 4.5},
                {"question_key": "6b02", "date": "2025-05-01"}, {"question_key": "1d3f3490", "choices": ["5a2"]},
            ],
        },
    }  # fmt: skip
    created = wk.post(f"/jobs/{OPEN_JOB}/candidates", json=body).json()
    assert created["status"] == "created"
    assert created["candidate"]["domain"] == "Tributary Board"
    assert created["candidate"]["stage"] == "Applied"
    assert created["candidate"]["sourced"] is False
    stored = next(c for c in wk.state()["candidates"] if c["id"] == created["candidate"]["id"])
    assert stored["resume"] == {"name": "cv.pdf", "data": "JVBERi0="}
    assert len(stored["raw_answers"]) == 6
    default = {
        "candidate": {"name": "Max Mustermann", "email": "max@example.com", "answers": body["candidate"]["answers"][:1]}
    }
    assert wk.post(f"/jobs/{OPEN_JOB}/candidates", json=default).json()["candidate"]["stage"] == "Sourced"


@pytest.mark.parametrize(
    ("candidate", "field"),
    [
        ({"firstname": "A", "lastname": "B"}, "email"),
        ({"email": "a@b.c", "answers": [{"question_key": "2128d717", "body": "x"}]}, "name"),
        ({"firstname": "A", "lastname": "B", "email": "a@b.c"}, "answers"),
        ({"firstname": "A", "lastname": "B", "email": "a@b.c", "answers": [{"question_key": "2128d717", "body": "x"},
          {"question_key": "3399e6cd", "choices": ["3049114a", "1e477229"]}]}, "answers"),
    ],
)  # fmt: skip
def test_invalid_creates_are_422_with_validation_errors(wk: WK, candidate: dict, field: str) -> None:
    response = wk.post(f"/jobs/{OPEN_JOB}/candidates", json={"candidate": candidate})
    assert response.status_code == 422
    assert response.json()["error"] == "Validation failed"
    assert list(response.json()["validation_errors"]) == [field]


def test_a_closed_job_refuses_candidates_and_an_existing_email_is_refused(wk: WK) -> None:
    body = {
        "candidate": {"name": "A B", "email": "p1@cand.example", "answers": [{"question_key": "2128d717", "body": "x"}]}
    }
    assert wk.post(f"/jobs/{CLOSED_JOB}/candidates", json=body).json()["validation_errors"] == {
        "job": ["is not accepting candidates"]
    }
    existing = next(c for c in wk.state()["candidates"] if c["email"] == "p1@cand.example")
    again = wk.post(f"/jobs/{existing['job']['shortcode']}/candidates", json=body)
    assert again.json()["validation_errors"] == {"email": ["candidate already exists"]}


def test_move_disqualify_comment_tags_and_their_member_rule(wk: WK) -> None:
    cid = wk.get("/candidates").json()["candidates"][0]["id"]
    assert wk.post(f"/candidates/{cid}/move", json={"target_stage": "interview"}).json() == {
        "error": "Validation failed", "validation_errors": {"member_id": ["is required"]}}  # fmt: skip
    move = wk.post(f"/candidates/{cid}/move", json={"member_id": MEMBER_ID, "target_stage": "interview"})
    assert (move.status_code, move.text) == (200, "")
    assert (
        wk.post(
            f"/candidates/{cid}/disqualify", json={"member_id": MEMBER_ID, "disqualify_note": "x" * 257}
        ).status_code
        == 422
    )
    wk.post(f"/candidates/{cid}/disqualify", json={"member_id": MEMBER_ID, "disqualify_reason_id": "b29c63"})
    note = wk.post(f"/candidates/{cid}/comments", json={"member_id": MEMBER_ID, "comment": {"body": "Good"}}).json()
    assert wk.request("PUT", f"/candidates/{cid}/tags", json={"tags": ["a", "b"]}).json() == {"tags": ["a", "b"]}
    read = wk.get(f"/candidates/{cid}").json()["candidate"]
    assert (read["stage"], read["stage_kind"], read["disqualified"]) == ("Interview", "interview", True)
    assert read["disqualification_reason"] == "Doesn't have required qualifications"
    assert read["tags"] == ["a", "b"]
    activities = wk.get(f"/candidates/{cid}/activities").json()["activities"]
    assert [(a["id"], a["action"], a["body"]) for a in activities] == [(note["id"], "comment", "Good")]


def test_reads_of_jobs_stages_questions_reasons(wk: WK) -> None:
    jobs = wk.get("/jobs").json()["jobs"]
    assert [j["state"] for j in jobs] == ["published", "published", "closed"]
    assert [s["slug"] for s in wk.get(f"/jobs/{OPEN_JOB}/stages").json()["stages"]][-1] == "hired"
    types = {q["type"] for q in wk.get(f"/jobs/{OPEN_JOB}/questions").json()["questions"]}
    assert types == {"free_text", "short_text", "multiple_choice", "boolean", "dropdown", "numeric", "date", "file"}
    assert wk.get("/disqualification_reasons").json()[0]["id"] == "b29c63"
    assert wk.get("/jobs/NOPE").status_code == 404
