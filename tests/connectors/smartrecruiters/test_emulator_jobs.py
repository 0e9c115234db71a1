"""Jobs, hiring team, job ads, publications, public postings, users and configuration."""

from __future__ import annotations

from apps.connectors.emulation.clock import ManualClock
from tests.connectors.smartrecruiters.conftest import SR

SEEDED_TITLES = ["Backend Engineer", "Account Executive", "Product Designer", "Data Analyst"]


def test_jobs_page_with_page_id_until_the_end(sr: SR) -> None:
    first = sr.get("/jobs", params={"limit": 3}).json()
    second = sr.get("/jobs", params={"limit": 3, "pageId": first["nextPageId"]}).json()

    assert [job["title"] for job in first["content"]] == SEEDED_TITLES[:3]
    assert (first["limit"], first["offset"], first["totalFound"]) == (3, 0, 4)
    assert [job["title"] for job in second["content"]] == SEEDED_TITLES[3:]
    assert (second["offset"], second["nextPageId"]) == (3, None)


def test_jobs_deprecated_offset_paging_still_works(sr: SR) -> None:
    page = sr.get("/jobs", params={"limit": 2, "offset": 1}).json()

    assert [job["title"] for job in page["content"]] == SEEDED_TITLES[1:3]
    assert page["offset"] == 1
    assert page["nextPageId"] is not None


def test_job_summary_shape(sr: SR) -> None:
    job = sr.get("/jobs", params={"limit": 1}).json()["content"][0]

    assert set(job) == {
        "id",
        "title",
        "refNumber",
        "createdOn",
        "updatedOn",
        "lastActivityOn",
        "department",
        "location",
        "status",
        "postingStatus",
        "language",
        "actions",
    }
    assert (job["refNumber"], job["status"], job["postingStatus"]) == ("REF-1000", "SOURCING", "PUBLIC")
    assert job["department"] == {"id": "48111", "label": "Engineering"}
    assert job["createdOn"] == "2024-01-08T09:00:00.000Z"
    assert job["actions"]["details"] == {"url": f"{sr.url}/jobs/{job['id']}", "method": "GET"}


def test_jobs_filters(sr: SR) -> None:
    def titles(**params: str) -> list[str]:
        return [job["title"] for job in sr.get("/jobs", params=params).json()["content"]]

    assert titles(status="FILLED") == ["Data Analyst"]
    assert titles(postingStatus="INTERNAL") == ["Product Designer"]
    assert titles(department="Sales") == ["Account Executive"]
    assert titles(city="Berlin") == ["Account Executive"]
    assert titles(q="engineer") == ["Backend Engineer"]
    bad = sr.get("/jobs", params={"status": "OPEN"})
    assert (bad.status_code, bad.json()["errors"][0]["message"]) == (
        400,
        "status: must be one of CREATED, SOURCING, FILLED, INTERVIEW, OFFER, CANCELLED, ON_HOLD, OTHER",
    )


def test_job_status_change_moves_updated_after_and_history(sr: SR, sr_clock: ManualClock) -> None:
    job_id = sr.get("/jobs", params={"limit": 1}).json()["content"][0]["id"]

    changed = sr.put(f"/jobs/{job_id}/status", json={"status": "ON_HOLD"})
    delta = sr.get("/jobs", params={"updatedAfter": "2024-12-31T00:00:00.000Z"}).json()
    details = sr.get(f"/jobs/{job_id}").json()
    history = sr.get(f"/jobs/{job_id}/status/history").json()
    invalid = sr.put(f"/jobs/{job_id}/status", json={"status": "OTHER"})

    assert changed.status_code == 204
    assert [job["id"] for job in delta["content"]] == [job_id]
    assert (details["status"], details["updatedOn"]) == ("ON_HOLD", "2025-03-01T12:00:00.000Z")
    assert history == {
        "totalFound": 3,
        "content": [
            {"changedOn": "2024-01-08T09:00:00.000Z", "status": "CREATED"},
            {"changedOn": "2024-01-09T09:00:00.000Z", "status": "SOURCING"},
            {"changedOn": "2025-03-01T12:00:00.000Z", "status": "ON_HOLD"},
        ],
    }
    assert invalid.status_code == 400


def test_job_details_shape(sr: SR) -> None:
    job_id = sr.get("/jobs", params={"limit": 1}).json()["content"][0]["id"]

    details = sr.get(f"/jobs/{job_id}").json()
    missing = sr.get("/jobs/does-not-exist")

    assert details["industry"] == {"id": "computer_software", "label": "Computer Software"}
    assert details["typeOfEmployment"] == {"id": "permanent", "label": "Full-time"}
    assert details["compensation"] == {"min": 40000, "max": 60000, "currency": "EUR"}
    assert sorted(details["jobAd"]["sections"]) == [
        "additionalInformation",
        "companyDescription",
        "jobDescription",
        "qualifications",
    ]
    assert details["creator"]["firstName"] == "Ana"
    assert (missing.status_code, missing.json()) == (
        404,
        {
            "message": "Job with id does-not-exist not found",
            "errors": [{"code": "NOT_FOUND", "message": "Job with id does-not-exist not found"}],
        },
    )


def test_hiring_team_read_add_remove(sr: SR) -> None:
    state = sr.state()
    job = state["jobs"][0]
    newcomer = state["users"][4]["id"]

    team = sr.get(f"/jobs/{job['id']}/hiring-team").json()
    added = sr.post(f"/jobs/{job['id']}/hiring-team", json={"id": newcomer, "role": "COORDINATOR"})
    bad_role = sr.post(f"/jobs/{job['id']}/hiring-team", json={"id": newcomer, "role": "BOSS"})
    removed = sr.delete(f"/jobs/{job['id']}/hiring-team/{newcomer}")
    after = sr.get(f"/jobs/{job['id']}/hiring-team").json()

    users = [user["id"] for user in state["users"]]
    assert team == {
        "totalFound": 3,
        "content": [
            {"id": users[0], "role": "HIRING_MANAGER"},
            {"id": users[1], "role": "RECRUITER"},
            {"id": users[2], "role": "INTERVIEW_TEAM"},
        ],
    }
    assert (added.status_code, added.json()) == (201, {"id": newcomer, "role": "COORDINATOR"})
    assert bad_role.status_code == 400
    assert removed.status_code == 204
    assert after == team


def test_job_ads_publications_and_publish_cycle(sr: SR) -> None:
    job = sr.state()["jobs"][3]  # Data Analyst: not published
    ads = sr.get(f"/jobs/{job['id']}/jobads").json()
    ad_id = ads["content"][0]["id"]

    published = sr.post(f"/jobs/{job['id']}/publication", json={"visibility": "PUBLIC"})
    active = sr.get(f"/jobs/{job['id']}/publication", params={"activeOnly": "true"}).json()
    postings = sr.get(f"/jobs/{job['id']}/jobads/{ad_id}/postings").json()
    public = sr.as_({}).get("/v1/companies/acme/postings").json()
    unpublished = sr.delete(f"/jobs/{job['id']}/publication")
    still_listed = sr.get(f"/jobs/{job['id']}/publication").json()

    assert (ads["totalFound"], ads["content"][0]["postingStatus"]) == (1, "NOT_PUBLISHED")
    assert published.status_code == 204
    assert [(p["sourceName"], p["type"], p["unpublishedOn"]) for p in active["content"]] == [
        ("Career Page", "PUBLIC", None)
    ]
    assert [p["uuid"] for p in postings["content"]] == [job["posting"]["uuid"]]
    assert public["totalFound"] == 3
    assert unpublished.status_code == 204
    assert still_listed["content"][0]["unpublishedOn"] == "2025-03-01T12:00:00.000Z"
    assert sr.get(f"/postings/{job['posting']['uuid']}/configuration").status_code == 404


def test_public_postings_offset_paging_and_shape(sr: SR) -> None:
    anonymous = sr.as_({})

    first = anonymous.get("/v1/companies/acme/postings", params={"limit": 1}).json()
    second = anonymous.get("/v1/companies/acme/postings", params={"limit": 1, "offset": 1}).json()
    internal = anonymous.get("/v1/companies/acme/postings", params={"destination": "INTERNAL_OR_PUBLIC"}).json()
    detail = anonymous.get(f"/v1/companies/acme/postings/{first['content'][0]['id']}").json()
    wrong_company = anonymous.get("/v1/companies/globex/postings")

    assert (first["offset"], first["limit"], first["totalFound"]) == (0, 1, 2)
    assert [p["name"] for p in first["content"] + second["content"]] == ["Backend Engineer", "Account Executive"]
    assert internal["totalFound"] == 3
    posting = first["content"][0]
    assert posting["company"] == {"identifier": "acme", "name": "Acme Corp"}
    assert posting["location"] == {
        "city": "Barcelona",
        "region": "CT",
        "country": "es",
        "remote": False,
        "fullLocation": "Barcelona, Catalonia, Spain",
    }
    assert posting["releasedDate"] == "2024-01-09T09:00:00.000Z"
    assert detail["uuid"] == posting["uuid"]
    assert detail["applyUrl"].endswith(f"/oneclick-ui/company/acme/publication/{posting['uuid']}")
    assert wrong_company.status_code == 404


def test_users_paging_me_and_details(sr: SR, sr_clock: ManualClock) -> None:
    state = sr.state()

    first = sr.get("/users", params={"limit": 4}).json()
    second = sr.get("/users", params={"limit": 4, "pageId": first["nextPageId"]}).json()
    me = sr.get("/users/me").json()
    one = sr.get(f"/users/{state['users'][2]['id']}").json()
    recent = sr.get("/users", params={"updatedAfter": "2023-07-15T00:00:00.000Z"}).json()

    assert set(first) == {"limit", "nextPageId", "content"}
    assert [u["id"] for u in first["content"] + second["content"]] == [u["id"] for u in state["users"]]
    assert second["nextPageId"] is None
    assert (me["id"], me["systemRole"], me["email"]) == (
        state["ownerUserId"],
        {"id": "ADMINISTRATOR"},
        "ana.ruiz0@acme.example",
    )
    assert (one["firstName"], one["lastName"], one["ssoLoginMode"]) == ("Chloe", "Rossi", "PASSWORD")
    assert [u["email"] for u in recent["content"]] == ["elif.costa4@acme.example", "farid.kowalski5@acme.example"]


def test_configuration_endpoints(sr: SR) -> None:
    processes = sr.get("/configuration/hiring-processes").json()
    default = sr.get(f"/configuration/hiring-processes/{processes['content'][0]['id']}").json()
    rejections = sr.get("/configuration/rejection-reasons").json()
    withdrawals = sr.get("/configuration/withdrawal-reasons").json()

    assert [(p["name"], p["active"]) for p in processes["content"]] == [
        ("Default hiring process", True),
        ("Engineering hiring process", True),
        ("Legacy process", False),
    ]
    assert default["subStatuses"] == {
        "IN_REVIEW": ["Screening call", "Hiring manager review"],
        "INTERVIEW": ["1st interview", "Technical test", "Final interview"],
        "OFFERED": ["Offer prepared", "Offer sent"],
    }
    assert [r["label"] for r in rejections["content"]] == [
        "Not enough experience",
        "Position filled",
        "Salary expectations too high",
        "Failed assessment",
        "Not a culture fit",
    ]
    assert withdrawals["totalFound"] == 4


def test_three_level_source_configuration(sr: SR) -> None:
    types = sr.get("/configuration/sources").json()
    paid = sr.get("/configuration/sources/paid/values", params={"sourceSubType": "job_board"}).json()
    paged = sr.get("/configuration/sources/organic/values", params={"limit": 2, "offset": 2}).json()
    linkedin = sr.get("/configuration/sources/paid/values/linkedin").json()
    definition = sr.get(f"/configuration/sources/{linkedin['sourceIdentifier']}").json()
    referrals = sr.get("/configuration/sources/referral/values").json()
    unknown_type = sr.get("/configuration/sources/nope/values")

    assert [t["id"] for t in types["content"]] == ["paid", "organic", "referral", "agency", "api", "other"]
    assert types["content"][0] == {
        "id": "paid",
        "label": "Paid",
        "subtypes": [{"id": "job_board"}, {"id": "social_media"}],
        "actions": {"values": {"url": f"{sr.url}/configuration/sources/paid/values", "method": "GET"}},
    }
    assert [v["label"] for v in paid["content"]] == ["LinkedIn", "Indeed", "StepStone"]
    assert (paid["totalFound"], paid["limit"], paid["offset"]) == (3, 100, 0)
    assert (paged["totalFound"], [v["id"] for v in paged["content"]]) == (8, ["glassdoor", "job_widget"])
    assert linkedin["sourceSubType"] == {"id": "job_board"}
    assert definition == {"label": "LinkedIn", "subType": "job_board", "type": "paid"}
    assert [v["label"] for v in referrals["content"]] == [
        "Ana Ruiz",
        "Ben Larsen",
        "Chloe Rossi",
        "Diego Schmidt",
        "Elif Costa",
        "Farid Kowalski",
    ]
    assert unknown_type.status_code == 404
