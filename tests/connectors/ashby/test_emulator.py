"""The Ashby emulator refuses what Ashby refuses and answers in Ashby's shapes (reference Part B)."""

from __future__ import annotations

import pytest

from tests.connectors.ashby.conftest import AB, PDF, required_answers


def test_every_operation_is_a_post_and_answers_with_a_request_id(ab: AB) -> None:
    get = __import__("requests").get(f"{ab.url}/job.list", auth=(ab.key, ""), timeout=10)
    response = ab.raw("job.list", json={})

    assert get.status_code == 405
    assert response.status_code == 200
    assert response.headers["x-ashby-request-id"].startswith("01")
    assert response.json()["success"] is True


def test_missing_key_is_401_wrong_key_403_and_a_missing_permission_403_by_module(ab: AB) -> None:
    ab.control("POST", "/api-keys", json={"key": "jobs-only", "permissions": ["jobsRead"]})

    missing = ab.as_key(None).raw("job.list", json={})
    wrong = ab.as_key("nope").raw("job.list", json={})
    allowed = ab.as_key("jobs-only").raw("job.list", json={})
    denied = ab.as_key("jobs-only").raw("candidate.list", json={})

    assert missing.status_code == 401
    assert (wrong.status_code, wrong.json()["errorInfo"]["code"]) == (403, "invalid_api_key")
    assert allowed.status_code == 200
    assert denied.status_code == 403
    assert denied.json()["success"] is False
    assert denied.json()["errorInfo"]["code"] == "missing_endpoint_permission"
    assert denied.json()["errorInfo"]["requestId"] == denied.headers["x-ashby-request-id"]


def test_business_errors_are_http_200_with_success_false(ab: AB) -> None:
    answer = ab.call("application.info", {"applicationId": "no-such-application"})

    assert answer["success"] is False
    assert answer["errors"] == ["application_not_found"]
    assert answer["errorInfo"]["code"] == "application_not_found"


def test_cursor_paging_then_a_sync_token_that_returns_only_changes(ab: AB) -> None:
    first = ab.call("candidate.list", {"limit": 4})
    second = ab.call("candidate.list", {"limit": 4, "cursor": first["nextCursor"]})
    candidate_id = first["results"][0]["id"]
    ab.ok("candidate.createNote", {"candidateId": candidate_id, "note": "unrelated"})
    tag = ab.ok("candidateTag.create", {"title": "vip"})
    ab.ok("candidate.addTag", {"candidateId": candidate_id, "tagId": tag["id"]})
    delta = ab.call("candidate.list", {"syncToken": second["syncToken"]})

    assert (first["moreDataAvailable"], "syncToken" in first) == (True, False)
    assert (second["moreDataAvailable"], len(second["results"])) == (False, 2)
    assert {c["id"] for c in first["results"] + second["results"]} == {c["id"] for c in ab.state()["candidates"]}
    assert [c["id"] for c in delta["results"]] == [candidate_id]
    assert delta["syncToken"] != second["syncToken"]


def test_bad_cursor_limit_and_expired_or_foreign_sync_tokens_are_refused(ab: AB) -> None:
    token = ab.call("job.list", {})["syncToken"]

    assert ab.call("job.list", {"cursor": "garbage"})["errorInfo"]["code"] == "invalid_next_cursor"
    assert ab.call("job.list", {"limit": 101})["errorInfo"]["code"] == "invalid_input"
    assert ab.call("candidate.list", {"syncToken": token})["errorInfo"]["code"] == "sync_token_invalid"
    ab.control("POST", "/sync-tokens/expire")
    assert ab.call("job.list", {"syncToken": token})["errorInfo"]["code"] == "sync_token_expired"


def test_sources_must_exist_and_only_the_admin_screen_creates_them(ab: AB) -> None:
    titles = [s["title"] for s in ab.ok("source.list")]
    absent = ab.raw("source.create", json={"title": "Tributary"})
    made = ab.control("POST", "/sources", json={"title": "Tributary", "sourceType": "Inbound"})
    listed = ab.call("source.list")
    candidate = ab.call("candidate.create", {"name": "Jo Bloggs", "sourceId": "unknown-source"})

    assert "Tributary" not in titles
    assert "LinkedIn" in titles
    assert absent.status_code == 404
    assert [s["sourceType"]["title"] for s in listed["results"] if s["id"] == made["id"]] == ["Inbound"]
    assert listed["moreDataAvailable"] is False
    assert candidate["errorInfo"]["code"] == "invalid_input"


def test_create_application_defaults_to_the_lead_stage_and_the_keys_default_source(ab: AB) -> None:
    default = ab.control("POST", "/sources", json={"title": "Default API", "sourceType": "Inbound"})
    ab.control("POST", "/api-keys", json={"key": "with-default", "defaultSourceId": default["id"]})
    job = ab.ok("job.list", {"status": ["Open"]})[0]
    keyed = ab.as_key("with-default")
    candidate = keyed.ok("candidate.create", {"name": "Jane Roe", "email": "jane.roe@example.com"})

    lead = keyed.ok("application.create", {"candidateId": candidate["id"], "jobId": job["id"]})
    again = keyed.call("application.create", {"candidateId": candidate["id"], "jobId": job["id"]})
    other = ab.ok("candidate.create", {"name": "Sam Poe"})
    screen = ab.ok(
        "application.create",
        {"candidateId": other["id"], "jobId": job["id"], "interviewStageId": "FirstPreInterviewScreen"},
    )

    assert (lead["status"], lead["currentInterviewStage"]["type"]) == ("Lead", "Lead")
    assert lead["source"]["id"] == default["id"]
    assert candidate["source"]["id"] == default["id"]
    assert again["errorInfo"]["code"] == "application_already_exists"
    assert (screen["status"], screen["currentInterviewStage"]["type"], screen["source"]) == (
        "Active",
        "PreInterviewScreen",
        None,
    )


def test_change_stage_needs_an_archive_reason_exactly_for_archived_stages(ab: AB) -> None:
    app = ab.state()["applications"][0]
    plan = ab.ok("jobInterviewPlan.info", {"jobId": app["job"]["id"]})
    stages = {s["type"]: s["id"] for s in plan["stages"]}
    reason = ab.ok("archiveReason.list")[0]

    no_reason = ab.call("application.changeStage", {"applicationId": app["id"], "interviewStageId": stages["Archived"]})
    extra = ab.call(
        "application.changeStage",
        {"applicationId": app["id"], "interviewStageId": stages["Active"], "archiveReasonId": reason["id"]},
    )
    archived = ab.ok(
        "application.changeStage",
        {"applicationId": app["id"], "interviewStageId": stages["Archived"], "archiveReasonId": reason["id"]},
    )
    hired = ab.ok("application.changeStage", {"applicationId": app["id"], "interviewStageId": stages["Hired"]})

    assert no_reason["errorInfo"]["code"] == extra["errorInfo"]["code"] == "invalid_input"
    assert (archived["status"], archived["archiveReason"]["text"]) == ("Archived", reason["text"])
    assert archived["archivedAt"] is not None
    assert (hired["status"], hired["archiveReason"], hired["archivedAt"]) == ("Hired", None, None)
    assert [h["title"] for h in hired["applicationHistory"]][-2:] == ["Archived", "Hired"]


def test_application_form_submit_validates_types_takes_no_source_and_change_source_sets_it(ab: AB) -> None:
    posting = ab.open_posting()
    source = ab.control("POST", "/sources", json={"title": "Tributary", "sourceType": "Inbound"})
    fields = required_answers(posting, "form@example.com")
    wrong_type = [*fields[:-1], {"path": fields[-1]["path"], "value": "yes"}]

    refused = ab.submit(posting["id"], wrong_type)
    missing = ab.submit(posting["id"], fields[:2])
    done = ab.submit(
        posting["id"],
        [*fields, {"path": "_systemfield_resume", "value": "resume_1"}],
        files={"resume_1": ("cv.pdf", PDF, "application/pdf")},
    )
    instance = done["results"]["submittedFormInstance"]["id"]
    app = ab.ok("application.info", {"submittedFormInstanceId": instance})
    changed = ab.ok("application.changeSource", {"applicationId": app["id"], "sourceId": source["id"]})

    assert refused["errorInfo"]["code"] == missing["errorInfo"]["code"] == "invalid_input"
    assert done["results"]["formMessages"] == {"blocked": False}
    assert app["source"] is None
    assert changed["source"]["title"] == "Tributary"
    [stored] = [a for a in ab.state()["applications"] if a["id"] == app["id"]]
    assert stored["source"]["id"] == source["id"]
    [candidate] = [c for c in ab.state()["candidates"] if c["id"] == app["candidate"]["id"]]
    assert candidate["resumeFileHandle"]["name"] == "cv.pdf"


def test_unpublished_postings_refuse_submissions(ab: AB) -> None:
    closed = ab.ok("job.list", {"status": ["Closed"]})[0]
    posting = ab.ok("jobPosting.info", {"jobPostingId": closed["jobPostingIds"][0]})

    answer = ab.submit(posting["id"], required_answers(posting, "late@example.com"))

    assert answer["errorInfo"]["code"] == "job_posting_not_published"


def test_notes_tags_and_files(ab: AB) -> None:
    candidate = ab.state()["candidates"][0]
    html = ab.ok(
        "candidate.createNote", {"candidateId": candidate["id"], "note": {"type": "text/html", "value": "<b>ok</b>"}}
    )
    bad = ab.call(
        "candidate.createNote", {"candidateId": candidate["id"], "note": {"type": "text/markdown", "value": "x"}}
    )
    upload = ab.raw(
        "candidate.uploadFile",
        data={"candidateId": candidate["id"]},
        files={"file": ("notes.txt", b"hello", "text/plain")},
    )
    handle = upload.json()["results"]["fileHandles"][-1]["handle"]

    assert html["content"] == "<b>ok</b>"
    assert bad["errorInfo"]["code"] == "invalid_input"
    assert ab.ok("file.info", {"fileHandle": handle})["url"].endswith("/notes.txt")
    assert [n["content"] for n in ab.ok("candidate.listNotes", {"candidateId": candidate["id"]})] == ["<b>ok</b>"]


@pytest.mark.parametrize("path", ["job.list", "candidate.list"])
def test_the_rate_limit_answers_429_with_ashby_body(ab: AB, path: str) -> None:
    ab.control("POST", "/limits", json={"enabled": True, "rate": 2})
    answers = [ab.raw(path, json={}) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json()["errorInfo"]["code"] == "rate_limit_exceeded"
    assert int(answers[2].headers["Retry-After"]) >= 1
