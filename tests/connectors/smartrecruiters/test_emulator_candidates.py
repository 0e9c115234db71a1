"""Candidates and applications: paging, delta filters, writes, status moves, sources, tags, files, notes, offers,
interviews."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from apps.connectors.emulation.clock import ManualClock
from tests.connectors.smartrecruiters.conftest import SR

NOW = "2025-03-01T12:00:00.000Z"


def _application(state: dict, *, status: str | None = None, value: str | None = None) -> dict:
    for application in state["applications"]:
        if (status is None or application["status"] == status) and (
            value is None or application["source"]["value"] == value
        ):
            return application
    raise AssertionError("no such seeded application")


def _error(response: Any) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body["errors"][0]["code"], body["errors"][0]["message"]


# -- listing ------------------------------------------------------------------------------------------
def test_candidates_page_id_walk_with_link_header(sr: SR) -> None:
    expected = [candidate["id"] for candidate in sr.state()["candidates"]]

    pages, page_id, links = [], None, []
    while True:
        response = sr.get("/candidates", params={"limit": 5, **({"pageId": page_id} if page_id else {})})
        body = response.json()
        pages.append(body)
        links.append(response.headers.get("Link"))
        page_id = body["nextPageId"]
        if not page_id:
            break

    assert [len(page["content"]) for page in pages] == [5, 5, 2]
    assert [page["offset"] for page in pages] == [0, 5, 10]
    assert {page["totalFound"] for page in pages} == {12}
    assert [c["id"] for page in pages for c in page["content"]] == expected
    assert links[0] == f'<{sr.url}/candidates?limit=5&pageId={pages[0]["nextPageId"]}>; rel="next"'
    assert links[2] is None


def test_page_id_is_stable_when_records_vanish_between_pages(sr: SR) -> None:
    expected = [candidate["id"] for candidate in sr.state()["candidates"]]
    first = sr.get("/candidates", params={"limit": 4}).json()

    sr.control("DELETE", f"/candidates/{expected[2]}")  # one already seen
    second = sr.get("/candidates", params={"limit": 4, "pageId": first["nextPageId"]}).json()

    assert [c["id"] for c in second["content"]] == expected[4:8]
    assert second["totalFound"] == 11


def test_bad_page_id_and_limit(sr: SR) -> None:
    assert _error(sr.get("/candidates", params={"pageId": "%%%"})) == (
        400,
        "INVALID_VALUE",
        "pageId: invalid page identifier",
    )
    assert _error(sr.get("/candidates", params={"limit": 101})) == (
        400,
        "INVALID_VALUE",
        "limit: must be between 1 and 100",
    )
    assert _error(sr.get("/candidates", params={"updatedAfter": "yesterday"})) == (
        400,
        "INVALID_VALUE",
        "updatedAfter: must be an ISO-8601 date-time, e.g. 2024-05-01T00:00:00.000Z",
    )


def test_candidate_filters(sr: SR) -> None:
    state = sr.state()
    hired = [a for a in state["applications"] if a["status"] == "HIRED"]
    job_id = state["jobs"][0]["id"]

    def ids(**params: Any) -> list[str]:
        return [c["id"] for c in sr.get("/candidates", params={"limit": 100, **params}).json()["content"]]

    def expected(predicate: Callable[[dict], bool]) -> list[str]:
        return [
            c["id"]
            for c in state["candidates"]
            if any(predicate(a) for a in state["applications"] if a["candidateId"] == c["id"])
        ]

    assert ids(status="HIRED") == expected(lambda a: a["status"] == "HIRED") != []
    assert len(hired) >= 1
    assert ids(jobId=job_id, status="REJECTED") == expected(
        lambda a: a["jobId"] == job_id and a["status"] == "REJECTED"
    )
    assert ids(status="OFFERED", subStatus="Offer sent") == expected(
        lambda a: a["status"] == "OFFERED" and a["subStatus"] == "Offer sent"
    )
    assert ids(sourceValueId="linkedin") == expected(lambda a: a["source"]["value"] == "linkedin")
    assert ids(sourceType="agency") == expected(lambda a: a["source"]["type"] == "agency")
    assert ids(tag="python") == [c["id"] for c in state["candidates"] if "python" in c["tags"]]
    assert ids(q="ines.silva") == [state["candidates"][1]["id"]]
    assert _error(sr.get("/candidates", params={"subStatus": "Offer sent"})) == (
        400,
        "INVALID_VALUE",
        "subStatus: requires the status filter",
    )


# -- updatedOn moves on every change ------------------------------------------------------------------
def _change_status(sr: SR, c: str, j: str) -> Any:
    return sr.put(f"/candidates/{c}/jobs/{j}/status", json={"status": "INTERVIEW", "subStatus": "Technical test"})


def _change_source(sr: SR, c: str, j: str) -> Any:
    return sr.put(f"/candidates/{c}/jobs/{j}/source", json={"sourceTypeId": "paid", "sourceId": "stepstone"})


CHANGES: list[tuple[str, Callable[[SR, str, str], Any]]] = [
    ("status", _change_status),
    ("source", _change_source),
    ("tags added", lambda sr, c, j: sr.post(f"/candidates/{c}/tags", json={"tags": ["new-tag"]})),
    ("tags replaced", lambda sr, c, j: sr.put(f"/candidates/{c}/tags", json={"tags": ["only"]})),
    ("tags removed", lambda sr, c, j: sr.delete(f"/candidates/{c}/tags")),
    ("attachment", lambda sr, c, j: sr.post(f"/candidates/{c}/attachments", files={"file": ("a.pdf", b"x")})),
    (
        "job attachment",
        lambda sr, c, j: sr.post(f"/candidates/{c}/jobs/{j}/attachments", files={"file": ("b.pdf", b"y")}),
    ),
    ("note", lambda sr, c, j: sr.post("/messages/shares", json={"content": f"Hi #[CANDIDATE:{c}]"})),
    ("personal details", lambda sr, c, j: sr.patch(f"/candidates/{c}", json={"phoneNumber": "+1555"})),
    (
        "interview",
        lambda sr, c, j: sr.post(
            "/interviews",
            json={
                "candidate": {"id": c},
                "jobId": j,
                "organizerId": sr.state()["ownerUserId"],
                "timezone": "UTC",
                "timeslots": [
                    {"startsOn": "2025-03-02T09:00:00Z", "endsOn": "2025-03-02T10:00:00Z", "interviewers": []}
                ],
            },
        ),
    ),
]


@pytest.mark.parametrize(("_case", "change"), CHANGES)
def test_every_change_moves_updated_on(sr: SR, sr_clock: ManualClock, _case: str, change: Callable) -> None:
    application = _application(sr.state(), status="IN_REVIEW")
    candidate_id, job_id = application["candidateId"], application["jobId"]
    before = sr.get("/candidates", params={"updatedAfter": "2024-12-31T23:59:59.999Z"}).json()

    answer = change(sr, candidate_id, job_id)
    after = sr.get("/candidates", params={"updatedAfter": "2024-12-31T23:59:59.999Z"}).json()
    unchanged_since = sr.get("/candidates", params={"updatedAfter": NOW}).json()

    assert answer.status_code in (200, 201, 204)
    assert before["totalFound"] == 0
    assert [(c["id"], c["updatedOn"]) for c in after["content"]] == [(candidate_id, NOW)]
    assert unchanged_since["totalFound"] == 0  # updatedAfter is strictly after


# -- reading one candidate and its applications -------------------------------------------------------
def test_candidate_details_assignments_and_reasons(sr: SR) -> None:
    state = sr.state()
    candidate = state["candidates"][0]
    applications = [a for a in state["applications"] if a["candidateId"] == candidate["id"]]
    jobs = {job["id"]: job["title"] for job in state["jobs"]}

    details = sr.get(f"/candidates/{candidate['id']}").json()

    primary, secondary = applications[-1], applications[:-1]
    assert details["primaryAssignment"]["job"] == {"id": primary["jobId"], "title": jobs[primary["jobId"]]}
    assert details["primaryAssignment"]["status"] == primary["status"]
    assert details["primaryAssignment"]["source"] == primary["source"]["label"]
    assert [a["job"]["id"] for a in details["secondaryAssignments"]] == [a["jobId"] for a in secondary]
    assert (details["email"], details["phoneNumber"]) == (candidate["email"], "+34600000000")
    assert details["web"] == {"linkedin": "https://www.linkedin.com/in/diego-schmidt-0"}
    assert details["actions"]["attachments"]["url"] == f"{sr.url}/candidates/{candidate['id']}/attachments"


def test_application_job_application_and_history(sr: SR) -> None:
    state = sr.state()
    rejected = _application(state, status="REJECTED")
    reason = {r["id"]: r["label"] for r in state["rejectionReasons"]}[rejected["rejectionReasonId"]]
    path = f"/candidates/{rejected['candidateId']}/jobs/{rejected['jobId']}"

    application = sr.get(path).json()
    job_application = sr.get(f"/job-applications/{rejected['id']}").json()
    history = sr.get(f"{path}/status/history").json()

    assert application["id"] == rejected["id"]
    assert (application["status"], application["subStatus"]) == ("REJECTED", None)
    assert application["reasonOfRejection"] == {"id": rejected["rejectionReasonId"], "label": reason}
    assert application["source"] == rejected["source"]["label"]
    assert job_application == {
        "id": rejected["id"],
        "status": "REJECTED",
        "subStatus": None,
        "sourceIdentifier": rejected["source"]["sourceIdentifier"],
        "createDate": rejected["createdOn"],
        "profileId": rejected["candidateId"],
        "jobId": rejected["jobId"],
    }
    assert history["totalFound"] == len(rejected["history"])
    assert history["content"][0] == {"changedOn": rejected["createdOn"], "status": "NEW"}
    assert history["content"][-1]["status"] == "REJECTED"


def test_status_moves_substatus_hire_reject_withdraw(sr: SR, sr_clock: ManualClock) -> None:
    state = sr.state()
    application = _application(state, status="IN_REVIEW")
    path = f"/candidates/{application['candidateId']}/jobs/{application['jobId']}"
    rejection = state["rejectionReasons"][1]
    withdrawal = state["withdrawalReasons"][0]

    moved = sr.put(f"{path}/status", json={"status": "INTERVIEW", "subStatus": "1st interview"})
    sr_clock.advance(60)
    hired = sr.put(f"{path}/status", json={"status": "HIRED", "startsOn": "2025-04-01T00:00:00.000Z"})
    hired_view = sr.get(path).json()
    sr_clock.advance(60)
    rejected = sr.put(f"{path}/status", json={"status": "REJECTED", "reason": rejection["id"]})
    rejected_view = sr.get(path).json()
    sr_clock.advance(60)
    withdrawn = sr.put(f"{path}/status", json={"status": "WITHDRAWN", "reason": withdrawal["id"]})
    withdrawn_view = sr.get(path).json()
    history = sr.get(f"{path}/status/history").json()["content"]

    assert [moved.status_code, hired.status_code, rejected.status_code, withdrawn.status_code] == [204] * 4
    assert (hired_view["status"], hired_view["startsOn"]) == ("HIRED", "2025-04-01T00:00:00.000Z")
    assert rejected_view["reasonOfRejection"] == {"id": rejection["id"], "label": rejection["label"]}
    assert rejected_view["startsOn"] is None
    assert withdrawn_view["reasonOfRejection"] is None
    assert withdrawn_view["reasonOfWithdrawal"] == {"id": withdrawal["id"], "label": withdrawal["label"]}
    assert history[-4:] == [
        {"changedOn": "2025-03-01T12:00:00.000Z", "status": "INTERVIEW", "subStatus": "1st interview"},
        {"changedOn": "2025-03-01T12:01:00.000Z", "status": "HIRED"},
        {"changedOn": "2025-03-01T12:02:00.000Z", "status": "REJECTED"},
        {"changedOn": "2025-03-01T12:03:00.000Z", "status": "WITHDRAWN"},
    ]


@pytest.mark.parametrize(
    ("_case", "body", "message"),
    [
        ("no status", {"subStatus": "x"}, "status: must not be null"),
        (
            "unknown status",
            {"status": "DONE"},
            "status: must be one of LEAD, NEW, IN_REVIEW, INTERVIEW, OFFERED, HIRED, REJECTED, WITHDRAWN, TRANSFERRED",
        ),
        ("system status", {"status": "TRANSFERRED"}, "status: TRANSFERRED cannot be set through the API"),
        (
            "substatus on hired",
            {"status": "HIRED", "subStatus": "x"},
            "subStatus: only allowed with status IN_REVIEW, INTERVIEW, OFFERED",
        ),
        (
            "unknown substatus",
            {"status": "INTERVIEW", "subStatus": "Dance-off"},
            "subStatus: Dance-off is not a sub-status of INTERVIEW in the hiring process",
        ),
        (
            "inactive process substatus",
            {"status": "IN_REVIEW", "subStatus": "Old screening"},
            "subStatus: Old screening is not a sub-status of IN_REVIEW in the hiring process",
        ),
        (
            "bad rejection reason",
            {"status": "REJECTED", "reason": "nope"},
            "reason: rejection reason nope does not exist",
        ),
        (
            "reason on interview",
            {"status": "INTERVIEW", "reason": "x"},
            "reason: only allowed with status REJECTED or WITHDRAWN",
        ),
        ("startsOn not hired", {"status": "NEW", "startsOn": "2025-01-01"}, "startsOn: only allowed with status HIRED"),
    ],
)
def test_status_validation(sr: SR, _case: str, body: dict, message: str) -> None:
    application = _application(sr.state(), status="IN_REVIEW")
    path = f"/candidates/{application['candidateId']}/jobs/{application['jobId']}/status"

    response = sr.put(path, json=body)

    assert _error(response) == (400, "INVALID_VALUE", message)
    assert response.json()["message"] == "Validation failed"
    assert next(a for a in sr.state()["applications"] if a["id"] == application["id"]) == application


def test_unknown_application_is_404(sr: SR) -> None:
    candidate = sr.state()["candidates"][0]["id"]

    response = sr.get(f"/candidates/{candidate}/jobs/no-such-job")

    assert response.status_code == 404


# -- creating candidates and the source rules ---------------------------------------------------------
def test_create_on_job_with_source_details(sr: SR) -> None:
    job_id = sr.state()["jobs"][0]["id"]

    created = sr.post(
        f"/jobs/{job_id}/candidates",
        json={
            "firstName": "Jane",
            "lastName": "Doe",
            "email": "jane.doe@example.com",
            "web": {"linkedIn": "https://www.linkedin.com/in/janedoe"},
            "tags": ["imported"],
            "sourceDetails": {"sourceTypeId": "paid", "sourceSubTypeId": "job_board", "sourceId": "indeed"},
        },
    )
    body = created.json()
    dumped = next(a for a in sr.state()["applications"] if a["candidateId"] == body["id"])

    assert created.status_code == 201
    assert (body["firstName"], body["tags"], body["createdOn"]) == ("Jane", ["imported"], NOW)
    assert body["web"] == {"linkedin": "https://www.linkedin.com/in/janedoe"}
    assert body["primaryAssignment"]["status"] == "NEW"
    assert body["primaryAssignment"]["source"] == "Indeed"
    assert dumped["source"]["type"] == "paid"
    assert dumped["source"]["subtype"] == "job_board"
    assert dumped["source"]["value"] == "indeed"
    assert dumped["source"]["label"] == "Indeed"
    assert dumped["history"] == [{"changedOn": NOW, "status": "NEW", "subStatus": None}]


def test_no_source_defaults_to_the_api_source(sr: SR) -> None:
    job_id = sr.state()["jobs"][1]["id"]

    body = sr.post(
        f"/jobs/{job_id}/candidates", json={"firstName": "A", "lastName": "B", "email": "ab@example.com"}
    ).json()
    dumped = next(a for a in sr.state()["applications"] if a["candidateId"] == body["id"])

    assert body["primaryAssignment"]["source"] == "API"
    assert (dumped["source"]["type"], dumped["source"]["value"]) == ("api", "api")


@pytest.mark.parametrize(
    ("_case", "source", "code", "message"),
    [
        ("no type", {"sourceId": "indeed"}, "INVALID_VALUE", "sourceDetails.sourceTypeId: must not be null"),
        ("no value", {"sourceTypeId": "paid"}, "INVALID_VALUE", "sourceDetails.sourceId: must not be null"),
        (
            "unknown type",
            {"sourceTypeId": "magic", "sourceId": "x"},
            "SOURCE_TYPE_NOT_FOUND",
            "Source type magic does not exist",
        ),
        (
            "unknown subtype",
            {"sourceTypeId": "paid", "sourceSubTypeId": "tv", "sourceId": "indeed"},
            "SOURCE_SUBTYPE_NOT_FOUND",
            "Source subtype tv does not exist for type paid",
        ),
        (
            "unknown value",
            {"sourceTypeId": "paid", "sourceId": "Tributary"},
            "SOURCE_NOT_FOUND",
            "Source Tributary of type paid does not exist",
        ),
        (
            "value of another subtype",
            {"sourceTypeId": "paid", "sourceSubTypeId": "social_media", "sourceId": "indeed"},
            "SOURCE_NOT_FOUND",
            "Source indeed is not of subtype social_media",
        ),
    ],
)
def test_invalid_source_is_refused_and_nothing_is_written(
    sr: SR, _case: str, source: dict, code: str, message: str
) -> None:
    job_id = sr.state()["jobs"][0]["id"]

    response = sr.post(
        f"/jobs/{job_id}/candidates",
        json={"firstName": "A", "lastName": "B", "email": "new@example.com", "sourceDetails": source},
    )

    assert _error(response) == (400, code, message)
    assert sr.state()["counts"]["candidates"] == 12


def test_custom_source_exists_only_after_the_settings_page_creates_it(sr: SR) -> None:
    job_id = sr.state()["jobs"][0]["id"]
    details = {"sourceTypeId": "other", "sourceId": None}
    listed_before = sr.get("/configuration/sources/other/values").json()

    api_create = sr.post("/configuration/sources/other/values", json={"label": "Tributary"})
    created = sr.control("POST", "/sources", json={"label": "Tributary", "type": "other"}).json()
    duplicate = sr.control("POST", "/sources", json={"label": "tributary", "type": "other"})
    details["sourceId"] = created["id"]
    listed_after = sr.get("/configuration/sources/other/values").json()
    applied = sr.post(
        f"/jobs/{job_id}/candidates",
        json={"firstName": "C", "lastName": "D", "email": "cd@example.com", "sourceDetails": details},
    ).json()

    assert [v["label"] for v in listed_before["content"]] == ["Career Fair"]
    assert api_create.status_code == 405  # the API can only read sources
    assert (created["label"], created["type"], created["subtype"], created["custom"]) == (
        "Tributary",
        "other",
        None,
        True,
    )
    assert (duplicate.status_code, duplicate.json()) == (
        409,
        {"error": "A source named tributary already exists in type other"},
    )
    assert [v["label"] for v in listed_after["content"]] == ["Career Fair", "Tributary"]
    assert applied["primaryAssignment"]["source"] == "Tributary"


def test_deleted_custom_source_is_unlisted_unusable_but_resolvable(sr: SR) -> None:
    created = sr.control("POST", "/sources", json={"label": "Old Fair", "type": "other", "subtype": "events"}).json()
    application = _application(sr.state(), status="IN_REVIEW")
    path = f"/candidates/{application['candidateId']}/jobs/{application['jobId']}"
    sr.put(f"{path}/source", json={"sourceTypeId": "other", "sourceId": created["id"]})

    deleted = sr.control("DELETE", f"/sources/{created['sourceIdentifier']}")
    listed = sr.get("/configuration/sources/other/values").json()
    reuse = sr.put(f"{path}/source", json={"sourceTypeId": "other", "sourceId": created["id"]})
    definition = sr.get(f"/configuration/sources/{created['sourceIdentifier']}").json()

    assert deleted.json()["deleted"] is True
    assert [v["label"] for v in listed["content"]] == ["Career Fair"]
    assert reuse.status_code == 400
    assert definition == {"label": "Old Fair", "subType": "events", "type": "other"}
    assert sr.get(path).json()["source"] == "Old Fair"  # history keeps its label


def test_put_source_on_an_application(sr: SR) -> None:
    application = _application(sr.state(), value="linkedin")
    path = f"/candidates/{application['candidateId']}/jobs/{application['jobId']}"

    changed = sr.put(
        f"{path}/source", json={"sourceTypeId": "organic", "sourceSubTypeId": "internal", "sourceId": "direct_link"}
    )
    view = sr.get(path).json()
    dumped = next(a for a in sr.state()["applications"] if a["id"] == application["id"])

    assert changed.status_code == 204
    assert view["source"] == "Direct Link"
    assert view["actions"]["sourceDetails"]["url"] == (
        f"{sr.url}/configuration/sources/organic/values/direct_link?sourceSubType=internal"
    )
    assert dumped["source"]["label"] == "Direct Link"


def test_talent_pool_candidate_and_email_reuse(sr: SR) -> None:
    jobs = sr.state()["jobs"]
    person = {"firstName": "Pool", "lastName": "Person", "email": "Pool.Person@example.com", "phoneNumber": "+1"}

    pooled = sr.post("/candidates", json=person)
    applied = sr.post(
        f"/jobs/{jobs[0]['id']}/candidates",
        json={**person, "email": "pool.person@example.com", "phoneNumber": "+2", "tags": ["x"]},
    )
    again = sr.post(f"/jobs/{jobs[0]['id']}/candidates", json=person)
    missing_name = sr.post("/candidates", json={"lastName": "X", "email": "x@example.com"})
    bad_email = sr.post("/candidates", json={"firstName": "X", "lastName": "X", "email": "nope"})

    assert pooled.status_code == 201
    assert pooled.json()["primaryAssignment"] is None
    assert applied.status_code == 201
    assert applied.json()["id"] == pooled.json()["id"]
    assert applied.json()["phoneNumber"] == "+1"  # never overwritten
    assert applied.json()["tags"] == ["x"]
    assert applied.json()["primaryAssignment"]["job"]["id"] == jobs[0]["id"]
    assert _error(again) == (409, "CANDIDATE_ALREADY_APPLIED", "Candidate has already applied to this job")
    assert _error(missing_name) == (400, "INVALID_VALUE", "firstName: must not be empty")
    assert _error(bad_email) == (400, "INVALID_VALUE", "email: must be a well-formed email address")


def test_patch_and_delete_candidate(sr: SR) -> None:
    candidate = sr.state()["candidates"][3]

    patched = sr.patch(f"/candidates/{candidate['id']}", json={"firstName": "Renamed", "location": {"city": "Oslo"}})
    deleted = sr.delete(f"/candidates/{candidate['id']}")
    gone = sr.get(f"/candidates/{candidate['id']}")
    state = sr.state()

    assert (patched.json()["firstName"], patched.json()["location"], patched.json()["lastName"]) == (
        "Renamed",
        {"city": "Oslo"},
        candidate["lastName"],
    )
    assert deleted.status_code == 204
    assert gone.status_code == 404
    assert candidate["id"] not in [c["id"] for c in state["candidates"]]
    assert [a for a in state["applications"] if a["candidateId"] == candidate["id"]] == []
    assert [a for a in state["attachments"] if a["candidateId"] == candidate["id"]] == []
    assert sr.get("/candidates", params={"limit": 100}).json()["totalFound"] == 11


# -- tags, attachments, notes -------------------------------------------------------------------------
def test_tags_add_replace_delete(sr: SR) -> None:
    candidate = sr.state()["candidates"][2]  # seeded tags: senior, relocation
    path = f"/candidates/{candidate['id']}/tags"

    initial = sr.get(path).json()
    added = sr.post(path, json={"tags": ["python", "senior"]}).json()
    replaced = sr.put(path, json={"tags": ["a", "b", "a"]}).json()
    deleted = sr.delete(path)
    empty = sr.get(path).json()
    invalid = sr.post(path, json={"tags": [""]})

    assert initial == {"tags": ["senior", "relocation"]}
    assert added == {"tags": ["senior", "relocation", "python"]}
    assert replaced == {"tags": ["a", "b"]}
    assert deleted.status_code == 204
    assert empty == {"tags": []}
    assert _error(invalid) == (400, "INVALID_VALUE", "tags: must be an array of non-empty strings")


def test_attachments_upload_list_download_delete(sr: SR) -> None:
    application = _application(sr.state(), status="IN_REVIEW")
    candidate_id, job_id = application["candidateId"], application["jobId"]
    content = b"%PDF-1.7\n" + bytes(range(256))

    profile_file = sr.post(
        f"/candidates/{candidate_id}/attachments",
        files={"file": ("cover.pdf", content, "application/pdf")},
        data={"attachmentType": "COVER_LETTER"},
    )
    job_file = sr.post(
        f"/candidates/{candidate_id}/jobs/{job_id}/attachments", files={"file": ("notes.txt", b"hello", "text/plain")}
    )
    all_files = sr.get(f"/candidates/{candidate_id}/attachments").json()
    job_files = sr.get(f"/candidates/{candidate_id}/jobs/{job_id}/attachments").json()
    downloaded = sr.get(f"/candidates/{candidate_id}/attachments/{profile_file.json()['id']}")
    via_global = sr.get(f"/candidates/attachments/{job_file.json()['id']}")
    removed = sr.delete(f"/candidates/attachments/{job_file.json()['id']}")
    no_file = sr.post(
        f"/candidates/{candidate_id}/attachments", data={"attachmentType": "RESUME"}, files={"other": ("x", b"x")}
    )
    bad_type = sr.post(
        f"/candidates/{candidate_id}/attachments", data={"attachmentType": "PHOTO"}, files={"file": ("x", b"x")}
    )

    assert profile_file.status_code == 201
    assert {k: profile_file.json()[k] for k in ("name", "type", "contentType")} == {
        "name": "cover.pdf",
        "type": "COVER_LETTER",
        "contentType": "application/pdf",
    }
    assert profile_file.json()["actions"]["download"]["url"] == (
        f"{sr.url}/candidates/{candidate_id}/attachments/{profile_file.json()['id']}"
    )
    assert job_file.json()["type"] == "GENERIC_FILE"
    assert job_file.json()["actions"]["remove"]["method"] == "DELETE"
    assert [a["name"] for a in all_files["content"]][-2:] == ["cover.pdf", "notes.txt"]
    assert [a["name"] for a in job_files["content"]][-1] == "notes.txt"
    assert "cover.pdf" not in [a["name"] for a in job_files["content"]]
    assert (downloaded.content, downloaded.headers["Content-Type"]) == (content, "application/pdf")
    assert downloaded.headers["Content-Disposition"] == 'attachment; filename="cover.pdf"'
    assert via_global.content == b"hello"
    assert removed.status_code == 204
    assert sr.get(f"/candidates/attachments/{job_file.json()['id']}").status_code == 404
    assert _error(no_file) == (400, "INVALID_VALUE", "file: must not be null")
    assert _error(bad_type) == (
        400,
        "INVALID_VALUE",
        "attachmentType: must be one of GENERIC_FILE, RESUME, COVER_LETTER",
    )


def test_notes_share_and_fetch(sr: SR) -> None:
    state = sr.state()
    candidate_id = state["candidates"][5]["id"]
    user_id = state["users"][1]["id"]
    job_id = state["jobs"][0]["id"]

    shared = sr.post(
        "/messages/shares",
        json={
            "content": f"Strong Python #[CANDIDATE:{candidate_id}] cc @[USER:{user_id}]",
            "correlationId": "ext-1",
            "shareWith": {"users": [user_id], "hiringTeamOf": [job_id], "openNote": True},
        },
    )
    private = sr.post("/messages/shares", json={"content": f"Private #[CANDIDATE:{candidate_id}]"})
    listed = sr.get("/messages", params={"candidateId": candidate_id}).json()
    for_job = sr.get("/messages", params={"candidateId": candidate_id, "jobId": job_id}).json()
    unknown_user = sr.post("/messages/shares", json={"content": "hi @[USER:nobody]"})
    unknown_candidate = sr.post("/messages/shares", json={"content": "hi #[CANDIDATE:nobody]"})
    no_candidate = sr.get("/messages")
    deleted = sr.delete(f"/messages/shares/{private.json()['id']}")

    assert shared.status_code == 201
    assert shared.json()["shareRequired"] is False
    assert private.json()["shareRequired"] is True
    assert [(m["content"], m["visibility"], m["authorId"]) for m in listed["content"]][-2:] == [
        (f"Strong Python #[CANDIDATE:{candidate_id}] cc @[USER:{user_id}]", "OPEN_NOTE", state["ownerUserId"]),
        (f"Private #[CANDIDATE:{candidate_id}]", "RESTRICTED", state["ownerUserId"]),
    ]
    assert listed["content"][-1]["createdOn"] == NOW
    assert [m["context"]["jobIds"] for m in for_job["content"]][-1] == [job_id]
    assert _error(unknown_user) == (400, "USER_NOT_FOUND", "User nobody does not exist")
    assert _error(unknown_candidate) == (400, "CANDIDATE_NOT_FOUND", "Candidate nobody does not exist")
    assert _error(no_candidate) == (400, "INVALID_VALUE", "candidateId: must not be null")
    assert deleted.status_code == 204
    assert (
        len(sr.get("/messages", params={"candidateId": candidate_id}).json()["content"]) == len(listed["content"]) - 1
    )


# -- offers, interviews, screening answers ------------------------------------------------------------
def test_offers_per_application_and_global_offset_paging(sr: SR) -> None:
    state = sr.state()
    offers = sorted(state["offers"], key=lambda o: (o["createdOn"], o["id"]))
    first = offers[0]

    mine = sr.get(f"/candidates/{first['candidateId']}/jobs/{first['jobId']}/offers").json()
    one = sr.get(f"/candidates/{first['candidateId']}/jobs/{first['jobId']}/offers/{first['id']}").json()
    page = sr.get("/offers", params={"limit": 3, "offset": 2}).json()
    accepted = sr.get("/offers", params={"status": "ACCEPTED"}).json()

    assert [o["id"] for o in mine["content"]] == [first["id"]]
    assert (one["status"], one["createdOn"]) == (first["status"], first["createdOn"])
    assert one["actions"]["details"]["url"] == (
        f"{sr.url}/candidates/{first['candidateId']}/jobs/{first['jobId']}/offers/{first['id']}"
    )
    assert (page["limit"], page["offset"], page["totalFound"]) == (3, 2, len(offers))
    assert [o["id"] for o in page["content"]] == [o["id"] for o in offers[2:5]]
    assert [o["id"] for o in accepted["content"]] == [o["id"] for o in offers if o["status"] == "ACCEPTED"]


def test_interviews_list_create_get_delete(sr: SR) -> None:
    state = sr.state()
    seeded = state["interviews"][0]
    application = _application(state, status="IN_REVIEW")
    users = [user["id"] for user in state["users"]]

    listed = sr.get("/interviews", params={"applicationId": seeded["applicationId"]}).json()
    created = sr.post(
        "/interviews",
        json={
            "candidate": {"id": application["candidateId"]},
            "jobId": application["jobId"],
            "organizerId": users[0],
            "timezone": "Europe/Madrid",
            "location": "Office",
            "timeslots": [
                {
                    "startsOn": "2025-03-10T09:00:00.000Z",
                    "endsOn": "2025-03-10T10:00:00.000Z",
                    "interviewers": [{"id": users[1], "status": "pending"}],
                    "title": "Tech",
                }
            ],
        },
    )
    fetched = sr.get(f"/interviews/{created.json()['id']}").json()
    by_application = sr.get("/interviews", params={"applicationId": application["id"]}).json()
    bad_user = sr.post("/interviews", json={**created.json(), "organizerId": "ghost"})
    no_application_id = sr.get("/interviews")
    removed = sr.delete(f"/interviews/{created.json()['id']}")

    assert [i["id"] for i in listed["content"]] == [seeded["id"]]
    assert (
        sorted({iv["id"] for slot in listed["content"][0]["timeslots"] for iv in slot["interviewers"]})
        == (seeded["interviewers"])
    )
    assert created.status_code == 201
    assert fetched["timeslots"][0]["interviewers"] == [{"id": users[1], "status": "pending"}]
    assert (fetched["candidate"], fetched["jobId"], fetched["createdOn"]) == (
        {"id": application["candidateId"]},
        application["jobId"],
        NOW,
    )
    assert [i["id"] for i in by_application["content"]] == [created.json()["id"]]
    assert _error(bad_user) == (400, "INVALID_VALUE", "organizerId: user ghost does not exist")
    assert _error(no_application_id) == (400, "INVALID_VALUE", "applicationId: must not be null")
    assert removed.status_code == 204


def test_seeded_screening_answers(sr: SR) -> None:
    application = next(a for a in sr.state()["applications"] if a["answers"])
    path = f"/candidates/{application['candidateId']}/jobs/{application['jobId']}/screening-answers"

    answers = sr.get(path).json()

    assert answers["totalFound"] == 2
    permit = answers["content"][0]
    assert (permit["id"], permit["type"], permit["name"]) == (application["answers"][0]["id"], "radio", "Work permit")
    assert permit["records"] == [
        {"fields": [{"id": "f-permit", "label": "", "values": [{"id": "yes", "label": "Yes"}]}]}
    ]
    years = answers["content"][1]["records"][0]["fields"][0]["values"][0]
    expected_years = application["answers"][1]["records"][0]["f-years"][0]
    assert years == {"id": expected_years, "label": expected_years}
