"""The Lever emulator over loopback: Basic keys and permissions, OAuth with `audience`, offset paging, `{code,
message}` errors, the token bucket, `perform_as`, opportunities and contacts, free-text sources, the apply API."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from apps.connectors.emulation.vendor import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from apps.connectors.lever.emulator import ADMIN_ID
from apps.connectors.lever.emulator.app import AUDIENCE, DEFAULT_REDIRECT_URI
from tests.connectors.lever.conftest import LV
from tests.connectors.lever.harness import CLOSED_POSTING, FORM, NEW_APPLICANT, OPEN_POSTING

AS_ADMIN = {"perform_as": ADMIN_ID}


def test_missing_or_wrong_key_is_401_with_code_and_message(lv: LV) -> None:
    for client in (lv.with_key(None), lv.with_key("nope")):
        response = client.get("/postings")
        assert response.status_code == 401
        assert set(response.json()) == {"code", "message"}
        assert response.json()["code"] == "Unauthorized"


def test_permissions_are_checked_per_route(lv: LV) -> None:
    assert lv.control("POST", "/api-keys", json={"key": "jobs", "scopes": ["postings:read:admin"]}).status_code == 201
    jobs = lv.with_key("jobs")
    assert jobs.get("/postings").status_code == 200
    denied = jobs.get("/opportunities")
    assert denied.status_code == 403
    assert denied.json() == {"code": "Forbidden", "message": "This credential lacks the opportunities:read:admin "
                                                             "permission"}  # fmt: skip


def test_offset_paging_with_next_and_has_next_and_refuses_a_made_up_offset(lv: LV) -> None:
    lv.control("POST", "/seed", json={"opportunities": 7})
    seen: list[str] = []
    params: dict[str, Any] = {"limit": 3}
    pages = 0
    while True:
        body = lv.get("/opportunities", params=params).json()
        pages += 1
        seen += [o["id"] for o in body["data"]]
        if not body["hasNext"]:
            assert "next" not in body
            break
        params = {"limit": 3, "offset": body["next"]}
    assert (pages, len(seen), len(set(seen))) == (3, 7, 7)
    bad = lv.get("/opportunities", params={"offset": "garbage"})
    assert (bad.status_code, bad.json()["code"]) == (400, "BadRequest")
    assert lv.get("/opportunities", params={"limit": 101}).status_code == 400


def test_unknown_opportunity_is_404_resource_not_found(lv: LV) -> None:
    response = lv.get("/opportunities/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404
    missing = "opportunities 00000000-0000-0000-0000-000000000000 was not found"
    assert response.json() == {"code": "ResourceNotFound", "message": missing}


def test_create_needs_perform_as_and_at_most_one_posting(lv: LV) -> None:
    body = {"name": "Shane Smith", "emails": ["shane@example.com"], "postings": [OPEN_POSTING]}
    missing = lv.post("/opportunities", json=body)
    assert (missing.status_code, missing.json()["message"]) == (400, "perform_as is required for this request")
    two = lv.post("/opportunities", params=AS_ADMIN, json={**body, "postings": [OPEN_POSTING, CLOSED_POSTING]})
    assert two.status_code == 400
    assert lv.post("/opportunities", params={"perform_as": "nobody"}, json=body).status_code == 400
    created = lv.post("/opportunities", params=AS_ADMIN, json=body)
    assert created.status_code == 201
    assert created.json()["data"]["owner"] == ADMIN_ID


def test_a_known_email_joins_the_contact_and_new_sources_are_created(lv: LV) -> None:
    first = lv.post("/opportunities", params=AS_ADMIN, json={
        "name": "Shane Smith", "emails": ["shane@example.com"], "postings": [OPEN_POSTING], "sources": ["LinkedIn"],
        "origin": "sourced"}).json()["data"]  # fmt: skip
    second = lv.post("/opportunities", params=AS_ADMIN, json={
        "name": "S. Smith", "emails": ["SHANE@example.com"], "sources": ["Tributary"], "origin": "applied",
        "tags": ["Board"]}).json()["data"]  # fmt: skip
    assert second["contact"] == first["contact"]
    assert second["name"] == "Shane Smith"  # the existing contact's data wins
    assert (first["sources"], second["sources"]) == (["LinkedIn"], ["Tributary"])
    sources = {s["text"]: s["count"] for s in lv.get("/sources").json()["data"]}
    assert sources["Tributary"] == 1
    assert {"text": "Board", "count": 1} in lv.get("/tags").json()["data"]
    assert lv.post("/opportunities", params=AS_ADMIN, json={"name": "X", "origin": "web"}).status_code == 400


def test_multipart_create_takes_a_resume_file_and_arrays(lv: LV) -> None:
    response = lv.post(
        "/opportunities", params=AS_ADMIN,
        data=[("name", "Multi Part"), ("emails[]", "mp@example.com"), ("sources[]", "Tributary"),
              ("phones[0][value]", "+49 30 1"), ("postings[]", OPEN_POSTING), ("origin", "applied")],
        files=[("resumeFile", ("cv.pdf", b"%PDF-1.4", "application/pdf")),
               ("files[]", ("letter.txt", b"hello", "text/plain"))],
    )  # fmt: skip
    assert response.status_code == 201, response.text
    created = response.json()["data"]
    stored = next(o for o in lv.state()["opportunities"] if o["id"] == created["id"])
    assert (stored["sources"], stored["phones"], stored["origin"]) == (["Tributary"], [
        {"type": "other", "value": "+49 30 1"}], "applied")  # fmt: skip
    assert [r["file"]["name"] for r in stored["resumes"]] == ["cv.pdf"]
    assert [f["name"] for f in stored["files"]] == ["letter.txt"]


def _upload(lv: LV, name: str, content: bytes) -> str:
    response = lv.post("/uploads", files={"file": (name, content, "application/pdf")})
    assert response.status_code == 200, response.text
    return str(response.json()["data"]["uri"])


def test_apply_matches_answers_by_position_and_takes_uploads(lv: LV) -> None:
    form = lv.get(f"/postings/{OPEN_POSTING}/apply").json()["data"]
    assert [f["type"] for f in form["customQuestions"][0]["fields"]] == [
        "textarea", "text", "dropdown", "multiple-choice", "multiple-select", "university", "file-upload"]  # fmt: skip
    resume, portfolio = _upload(lv, "cv.pdf", b"%PDF cv"), _upload(lv, "p.pdf", b"%PDF p")
    body = {
        "personalInformation": [{"name": "fullName", "value": "Ann Apply"}, {"name": "email", "value": "ann@x.org"},
                                {"name": "resume", "value": resume}],
        "customQuestions": [{"id": FORM, "fields": [{"value": "Ten years"}, {"value": None}, {"value": "Late"},
                                                   {"value": "Over 5 years"}, {"value": ["Ruby", "Python"]},
                                                   {"value": "TU Berlin"}, {"value": portfolio}]}],
        "source": "Tributary", "origin": "applied",
    }  # fmt: skip
    answer = lv.post(f"/postings/{OPEN_POSTING}/apply", json=body)
    assert answer.status_code == 201, answer.text
    application_id = answer.json()["data"]["applicationId"]
    [stored] = [o for o in lv.state()["opportunities"] if o["applications"][0]["id"] == application_id]
    assert (stored["sources"], stored["origin"], stored["stage"]) == (["Tributary"], "applied", NEW_APPLICANT)
    values = [f["value"] for f in stored["applications"][0]["customQuestions"][0]["fields"]]
    assert values == ["Ten years", None, "Late", "Over 5 years", ["Ruby", "Python"], "TU Berlin",
                      {"uri": portfolio, "filename": "p.pdf"}]  # fmt: skip
    assert [r["file"]["name"] for r in stored["resumes"]] == ["cv.pdf"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ([{"value": None}], "is required"),
        ([{"value": "x"}, {"value": None}, {"value": "Night"}], "is not an option"),
    ],
)
def test_apply_refuses_missing_required_and_unknown_options(lv: LV, fields: list[Any], message: str) -> None:
    body = {"personalInformation": [{"name": "fullName", "value": "A B"}, {"name": "email", "value": "a@b.c"}],
            "customQuestions": [{"id": FORM, "fields": fields}]}  # fmt: skip
    response = lv.post(f"/postings/{OPEN_POSTING}/apply", json=body)
    assert response.status_code == 400
    assert message in response.json()["message"]


def test_apply_to_a_closed_posting_is_refused(lv: LV) -> None:
    body = {"personalInformation": [{"name": "fullName", "value": "A B"}, {"name": "email", "value": "a@b.c"}],
            "customQuestions": [{"id": FORM, "fields": [{"value": "x"}]}]}  # fmt: skip
    response = lv.post(f"/postings/{CLOSED_POSTING}/apply", json=body)
    assert (response.status_code, response.json()["code"]) == (400, "BadRequest")


def test_stage_archive_with_reason_unarchive_notes_and_tags(lv: LV) -> None:
    opportunity = lv.get("/opportunities").json()["data"][0]["id"]
    stage = lv.get("/stages").json()["data"][2]["id"]
    assert lv.put(f"/opportunities/{opportunity}/stage", json={"stage": stage}).status_code == 200
    reason = lv.get("/archive_reasons", params={"type": "hired"}).json()["data"][0]["id"]
    assert lv.put(f"/opportunities/{opportunity}/archived", json={"reason": reason}).json()["data"]["archived"][
        "reason"] == reason  # fmt: skip
    assert lv.put(f"/opportunities/{opportunity}/archived", json={"reason": None}).json()["data"]["archived"] is None
    note = lv.post(f"/opportunities/{opportunity}/notes", params=AS_ADMIN, json={"value": "Hi", "score": 3})
    assert note.status_code == 201
    assert lv.post(f"/opportunities/{opportunity}/notes", json={"value": "x", "score": 9}).status_code == 400
    lv.post(f"/opportunities/{opportunity}/addTags", json={"tags": ["a", "b"]})
    lv.post(f"/opportunities/{opportunity}/removeTags", json={"tags": ["a"]})
    stored = next(o for o in lv.state()["opportunities"] if o["id"] == opportunity)
    assert stored["stage"] == stage
    assert [n["text"] for n in stored["notes"]] == ["Hi"]
    assert "b" in stored["tags"]
    assert "a" not in stored["tags"]


def test_files_need_perform_as(lv: LV) -> None:
    opportunity = lv.get("/opportunities").json()["data"][0]["id"]
    file = {"file": ("x.pdf", b"%PDF", "application/pdf")}
    assert lv.post(f"/opportunities/{opportunity}/files", files=file).status_code == 400
    assert lv.post(f"/opportunities/{opportunity}/files", params=AS_ADMIN, files=file).status_code == 201


def test_the_token_bucket_answers_429_past_a_burst_of_20(lv: LV) -> None:
    lv.app.limiter.enabled = True
    statuses = [lv.get("/stages").status_code for _ in range(21)]
    assert statuses[:20] == [200] * 20
    assert statuses[20] == 429
    assert lv.get("/stages").json() == {"code": "TooManyRequests", "message": "Rate limit exceeded"}


def test_deleted_opportunities_are_listed(lv: LV) -> None:
    opportunity = lv.get("/opportunities").json()["data"][0]["id"]
    lv.control("DELETE", f"/opportunities/{opportunity}")
    assert [d["id"] for d in lv.get("/opportunities/deleted").json()["data"]] == [opportunity]


def _authorize(lv: LV, **query: str) -> requests.Response:
    params = {"client_id": DEFAULT_CLIENT_ID, "redirect_uri": DEFAULT_REDIRECT_URI, "response_type": "code",
              "state": "s1", "scope": "opportunities:read:admin offline_access", **query}  # fmt: skip
    return requests.get(f"{lv.url}/authorize", params=params, timeout=10)


def test_oauth_needs_the_audience_and_refresh_rotates(lv: LV) -> None:
    assert _authorize(lv).status_code == 400
    page = _authorize(lv, audience=AUDIENCE)
    assert page.status_code == 200
    assert "opportunities:read:admin" in page.text
    form = {"client_id": DEFAULT_CLIENT_ID, "redirect_uri": DEFAULT_REDIRECT_URI, "state": "s1", "decision": "allow",
            "scope": "opportunities:read:admin offline_access", "audience": AUDIENCE}  # fmt: skip
    redirect = requests.post(f"{lv.url}/authorize", data=form, allow_redirects=False, timeout=10)
    code = parse_qs(urlsplit(redirect.headers["Location"]).query)["code"][0]
    client = {"client_id": DEFAULT_CLIENT_ID, "client_secret": DEFAULT_CLIENT_SECRET}
    token = requests.post(f"{lv.url}/oauth/token", data={"grant_type": "authorization_code", "code": code,
                          "redirect_uri": DEFAULT_REDIRECT_URI, **client}, timeout=10).json()  # fmt: skip
    assert (token["token_type"], token["expires_in"]) == ("Bearer", 3600)
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    assert requests.get(f"{lv.url}/v1/opportunities", headers=bearer, timeout=10).status_code == 200
    assert requests.get(f"{lv.url}/v1/postings", headers=bearer, timeout=10).status_code == 403
    renewed = requests.post(f"{lv.url}/oauth/token", data={"grant_type": "refresh_token",
                            "refresh_token": token["refresh_token"], **client}, timeout=10).json()  # fmt: skip
    assert renewed["refresh_token"] != token["refresh_token"]
    reused = requests.post(f"{lv.url}/oauth/token", data={"grant_type": "refresh_token",
                           "refresh_token": token["refresh_token"], **client}, timeout=10)  # fmt: skip
    assert (reused.status_code, reused.json()["error"]) == (400, "invalid_grant")


def test_without_offline_access_no_refresh_token(lv: LV) -> None:
    form = {"client_id": DEFAULT_CLIENT_ID, "redirect_uri": DEFAULT_REDIRECT_URI, "state": "s", "decision": "allow",
            "scope": "opportunities:read:admin", "audience": AUDIENCE}  # fmt: skip
    redirect = requests.post(f"{lv.url}/authorize", data=form, allow_redirects=False, timeout=10)
    code = parse_qs(urlsplit(redirect.headers["Location"]).query)["code"][0]
    token = requests.post(f"{lv.url}/oauth/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": DEFAULT_REDIRECT_URI,
        "client_id": DEFAULT_CLIENT_ID, "client_secret": DEFAULT_CLIENT_SECRET}, timeout=10).json()  # fmt: skip
    assert "access_token" in token
    assert "refresh_token" not in token


def test_confidential_data_needs_the_confidential_permission(lv: LV) -> None:
    assert lv.get("/opportunities", params={"confidentiality": "all"}).status_code == 403
    scopes = ["opportunities:read:admin", "confidential:access:admin"]
    lv.control("POST", "/api-keys", json={"key": "confidential", "scopes": scopes})
    allowed = lv.with_key("confidential").get("/opportunities", params={"confidentiality": "all"})
    assert allowed.status_code == 200
    assert len(allowed.json()["data"]) == 6
