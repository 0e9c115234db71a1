"""The Greenhouse Harvest v3 emulator: auth modes, cursor paging, limits, error bodies, source rules."""

from __future__ import annotations

import base64

import requests

from apps.connectors.emulation.clock import ManualClock
from apps.connectors.greenhouse.emulator import ADMIN_USER_ID, DEFAULT_API_KEY, GreenhouseEmulator
from tests.connectors.greenhouse.conftest import GH


def test_client_credentials_with_sub_gives_an_hour_long_bearer_token(greenhouse_server) -> None:
    answer = GH(greenhouse_server.url).token(str(ADMIN_USER_ID))

    assert answer.status_code == 200
    assert answer.json()["token_type"] == "Bearer"
    assert answer.json()["expires_in"] == 3600
    assert "refresh_token" not in answer.json()


def test_wrong_client_secret_and_unknown_sub_are_refused(greenhouse_server) -> None:
    gh = GH(greenhouse_server.url)

    wrong = gh.token(client=("emulator-client", "nope"))
    unknown = gh.token(sub="999999")

    assert (wrong.status_code, wrong.json()["error"]) == (401, "invalid_client")
    assert (unknown.status_code, unknown.json()["error"]) == (400, "invalid_request")


def test_v1_key_transition_token_needs_sub(greenhouse_server) -> None:
    url = f"{greenhouse_server.url}/auth/token"

    good = requests.post(url, json={"sub": ADMIN_USER_ID}, auth=(DEFAULT_API_KEY, ""), timeout=10)
    no_sub = requests.post(url, json={}, auth=(DEFAULT_API_KEY, ""), timeout=10)
    bad_key = requests.post(url, json={"sub": ADMIN_USER_ID}, auth=("wrong", ""), timeout=10)

    assert good.status_code == 200
    assert set(good.json()) == {"token_type", "access_token", "expires"}
    jobs = requests.get(
        f"{greenhouse_server.url}/v3/jobs",
        headers={"Authorization": f"Bearer {good.json()['access_token']}"},
        timeout=10,
    )
    assert jobs.status_code == 200
    assert no_sub.status_code == 422
    assert no_sub.json()["errors"] == [{"message": "is required", "field": "sub"}]
    assert bad_key.status_code == 401


def test_no_token_is_401_and_non_site_admin_lists_are_403(greenhouse_server) -> None:
    gh = GH(greenhouse_server.url)

    assert gh.req("GET", "/v3/candidates").status_code == 401
    assert GH(greenhouse_server.url, "made-up").req("GET", "/v3/candidates").status_code == 401
    recruiter = gh.as_user("1002").req("GET", "/v3/candidates")
    assert recruiter.status_code == 403
    assert recruiter.json() == {"message": "Only Site Admins may use list endpoints"}


def test_a_missing_scope_is_403(greenhouse_server) -> None:
    gh = GH(greenhouse_server.url)
    body = {"clientId": "narrow", "clientSecret": "s", "scopes": ["harvest:jobs:list"]}
    assert gh.control("POST", "/oauth/clients", json=body).status_code == 201

    narrow = GH(gh.url, gh.token(client=("narrow", "s")).json()["access_token"])

    assert narrow.req("GET", "/v3/jobs").status_code == 200
    assert narrow.req("GET", "/v3/candidates").status_code == 403


def test_partner_clients_cannot_use_client_credentials(greenhouse_server) -> None:
    gh = GH(greenhouse_server.url)
    gh.control("POST", "/oauth/clients", json={"clientId": "partner", "clientSecret": "p", "partner": True})

    answer = gh.token(client=("partner", "p"))

    assert (answer.status_code, answer.json()["error"]) == (400, "unauthorized_client")


def test_cursor_paging_follows_link_next_and_refuses_other_params(gh: GH) -> None:
    gh.control("POST", "/seed", json={"candidates": 7})
    seen: list[int] = []
    first = gh.req("GET", "/v3/candidates", params={"per_page": 3})
    page = first
    pages = 0
    while True:
        pages += 1
        seen.extend(item["id"] for item in page.json())
        link = page.headers.get("Link")
        if not link:
            break
        assert link.endswith('>; rel="next"')
        assert "prev" not in link
        assert "last" not in link
        page = gh.session.get(link[1 : link.index(">")], timeout=10)

    assert pages == 3
    assert len(seen) == 7 == len(set(seen))
    cursor_url = first.headers["Link"][1 : first.headers["Link"].index(">")]
    mixed = gh.session.get(cursor_url + "&per_page=3", timeout=10)
    assert mixed.status_code == 422
    assert mixed.json()["errors"] == [
        {"message": "no other parameter is allowed together with cursor", "field": "per_page"}
    ]


def test_per_page_and_ids_limits(gh: GH) -> None:
    assert gh.req("GET", "/v3/jobs", params={"per_page": 501}).status_code == 422
    assert gh.req("GET", "/v3/jobs", params={"per_page": 0}).status_code == 422
    many = ",".join(str(n) for n in range(1, 52))
    assert gh.req("GET", "/v3/jobs", params={"ids": many}).json()["errors"][0] == {
        "message": "at most 50 ids",
        "field": "ids",
    }


def test_updated_at_filter_is_pipe_delimited(gh: GH, greenhouse_clock: ManualClock) -> None:
    [first, *_] = [c["id"] for c in gh.req("GET", "/v3/candidates").json()]
    greenhouse_clock.advance(60)
    since = greenhouse_clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    greenhouse_clock.advance(1)
    gh.control("PATCH", f"/candidates/{first}", json={"title": "CTO"})

    changed = gh.req("GET", "/v3/candidates", params={"updated_at": f"gte|{since}"}).json()

    assert [c["id"] for c in changed] == [first]
    assert gh.req("GET", "/v3/candidates", params={"updated_at": f"after|{since}"}).status_code == 422


def test_rate_limit_is_429_with_retry_after_and_reset(gh: GH, greenhouse_app: GreenhouseEmulator) -> None:
    greenhouse_app.limiter.enabled = True
    statuses = [gh.req("GET", "/v3/jobs").status_code for _ in range(76)]

    assert statuses[:75] == [200] * 75
    last = gh.req("GET", "/v3/jobs")
    assert last.status_code == 429
    assert last.json() == {"message": "Rate limit exceeded"}
    assert int(last.headers["Retry-After"]) >= 1
    assert last.headers["X-RateLimit-Remaining"] == "0"
    assert int(last.headers["X-RateLimit-Reset"]) > 0


def test_sources_are_read_only_and_an_unknown_source_id_is_422(gh: GH) -> None:
    assert gh.req("POST", "/v3/sources", json={"name": "Ours"}).status_code == 405
    made = gh.control("POST", "/_emulator/sources".removeprefix("/_emulator"), json={"name": "Tributary Board"})
    assert made.status_code == 201
    source_id = made.json()["id"]
    job = gh.req("GET", "/v3/jobs", params={"status": "open"}).json()[0]
    candidate = gh.req("POST", "/v3/candidates", json={"first_name": "A", "last_name": "B"}).json()

    ok = gh.req(
        "POST", "/v3/applications", json={"candidate_id": candidate["id"], "job_id": job["id"], "source_id": source_id}
    )
    gh.control("DELETE", f"/sources/{source_id}")
    other = gh.req("POST", "/v3/candidates", json={"first_name": "C", "last_name": "D"}).json()
    refused = gh.req(
        "POST", "/v3/applications", json={"candidate_id": other["id"], "job_id": job["id"], "source_id": source_id}
    )

    assert ok.status_code == 201
    assert ok.json()["source_id"] == source_id
    assert ok.json()["status"] == "in_process"
    assert refused.status_code == 422
    assert refused.json() == {
        "message": "Validation error",
        "errors": [{"message": "Source does not exist", "field": "source_id"}],
    }


def test_move_reject_and_attachments_follow_v3_rules(gh: GH) -> None:
    job = gh.req("GET", "/v3/jobs", params={"status": "open"}).json()[0]
    stages = gh.req("GET", "/v3/job_interview_stages", params={"job_ids": str(job["id"])}).json()
    candidate = gh.req("POST", "/v3/candidates", json={"first_name": "A", "last_name": "B"}).json()
    app = gh.req("POST", "/v3/applications", json={"candidate_id": candidate["id"], "job_id": job["id"]}).json()
    reason = gh.req("GET", "/v3/rejection_reasons").json()[0]
    pdf = base64.b64encode(b"%PDF").decode()

    moved = gh.req(
        "POST",
        f"/v3/applications/{app['id']}/move",
        json={"from_stage_id": stages[0]["id"], "to_stage_id": stages[2]["id"]},
    )
    cv1 = gh.req(
        "POST",
        "/v3/attachments",
        json={
            "application_id": app["id"],
            "filename": "a.pdf",
            "type": "resume",
            "content": pdf,
            "content_type": "application/pdf",
        },
    )
    cv2 = gh.req(
        "POST",
        "/v3/attachments",
        json={"application_id": app["id"], "filename": "b.pdf", "type": "resume", "url": "https://files.example/b.pdf"},
    )
    no_type = gh.req(
        "POST",
        "/v3/attachments",
        json={"application_id": app["id"], "filename": "c.pdf", "type": "resume", "content": pdf},
    )
    rejected = gh.req("POST", f"/v3/applications/{app['id']}/reject", json={"rejection_reason_id": reason["id"]})
    again = gh.req("POST", f"/v3/applications/{app['id']}/move", json={"from_stage_id": stages[2]["id"]})

    assert (moved.status_code, cv1.status_code, cv2.status_code, rejected.status_code) == (204, 201, 201, 204)
    assert no_type.status_code == 422
    assert no_type.json()["errors"][0]["field"] == "content_type"
    assert again.status_code == 422
    state = gh.state()
    [stored] = [a for a in state["applications"] if a["id"] == app["id"]]
    assert (stored["status"], stored["stage_id"], stored["rejection_reason_id"]) == (
        "rejected",
        stages[2]["id"],
        reason["id"],
    )
    assert sorted((a["filename"], a["type"]) for a in state["attachments"] if a["application_id"] == app["id"]) == [
        ("a.pdf", "other"),
        ("b.pdf", "resume"),
    ]
