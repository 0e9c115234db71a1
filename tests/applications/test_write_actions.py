"""Every write action on a created application and candidate, through the official SDK, checked in the sandbox."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import requests
from kombo import Kombo, errors

from apps.applications.enums import TrackedVia
from apps.applications.models import Application, Candidate, RejectionReason
from apps.applications.services import records_upsert
from apps.connectors.catalog import ReadModel
from apps.core.timeutils import utcnow
from apps.integrations.connectors import connector_for
from apps.integrations.models import ApiKey, Integration
from tests.applications.writing import b64, candidate, required_answers, sandbox, stored_job


@pytest.fixture
def created(kombo: Kombo, integration: Integration) -> Any:
    """An application created through the API (with a CV), as the SDK returned it."""
    job = stored_job(integration)
    cv = {"name": "cv.pdf", "type": "CV", "data": b64(b"%PDF ada"), "content_type": "application/pdf"}
    return kombo.ats.create_application(
        job_id=job.id, candidate=candidate(), screening_question_answers=required_answers(job), attachments=[cv]
    ).data


def test_move_stage_then_reject_with_a_note(kombo: Kombo, integration: Integration, created: Any) -> None:
    # given
    page = connector_for(integration).read(ReadModel.REJECTION_REASONS)
    records_upsert(integration=integration, model=ReadModel.REJECTION_REASONS, records=page.items, now=utcnow())
    reason = RejectionReason.objects.get(integration=integration, remote_id="rr-02")
    interview = Application.objects.get(id=created.id).job.job_stages.get(index=2).stage  # type: ignore[union-attr]

    # when
    moved = kombo.ats.move_application_to_stage(application_id=created.id, stage_id=interview.id)
    rejected = kombo.ats.reject_application(application_id=created.id, rejection_reason_id=reason.id, note="Sorry!")

    # then: the ATS has the stage, the rejection and the note
    assert (moved.warnings, rejected.warnings) == ([], [])
    written = sandbox(integration).get("applications", created.remote_id)
    assert written is not None
    assert (written["stage_id"], written["status"], written["rejection_reason_id"]) == (
        "stage-000001-2", "rejected", "rr-02",
    )  # fmt: skip
    notes = sandbox(integration).list("notes", limit=10, parent_ids=[created.remote_id]).docs
    assert [(note["title"], note["content_html"]) for note in notes] == [("Rejection", "<p>Sorry!</p>")]
    # and our copy followed at once
    listed = kombo.ats.get_applications(ids=[created.id]).result.data.results[0]
    assert (listed.outcome, listed.rejection_reason_name, listed.current_stage.id) == (
        "DECLINED", reason.name, interview.id,
    )  # fmt: skip


def test_notes_result_links_and_attachments_of_an_application(
    kombo: Kombo, integration: Integration, created: Any
) -> None:
    kombo.ats.add_application_note(
        application_id=created.id, content="Strong candidate.\nCall back.", content_type="PLAIN_TEXT"
    )
    kombo.ats.add_application_result_link(
        application_id=created.id, label="Assessment", url="https://assess.example/r/1",
        details={"custom_field_name_prefix": "assessment_", "attributes": [{"key": "score", "value": "92"}]},
    )  # fmt: skip
    kombo.ats.add_application_attachment(
        application_id=created.id,
        attachment={"name": "test.txt", "type": "OTHER", "data": b64(b"results"), "content_type": "text/plain"},
    )

    store = sandbox(integration)
    [note] = store.list("notes", limit=10, parent_ids=[created.remote_id]).docs
    assert note["content_html"] == "<p>Strong candidate.</p><p>Call back.</p>"
    [link] = store.list("result_links", limit=10, parent_ids=[created.remote_id]).docs
    assert (link["label"], link["url"], link["application_id"]) == (
        "Assessment", "https://assess.example/r/1", created.remote_id,
    )  # fmt: skip
    assert link["details"] == {
        "custom_field_name_prefix": "assessment_",
        "attributes": [{"key": "score", "value": "92"}],
    }
    files = store.attachments(application_id=created.remote_id)
    assert [(doc["file_name"], doc["type"], doc["content_type"]) for doc in files] == [
        ("cv.pdf", "CV", "application/pdf"),
        ("test.txt", "OTHER", "text/plain"),
    ]
    assert store.blob(files[1]["id"]) == b"results"


def test_attachments_result_links_and_tags_of_a_candidate(kombo: Kombo, integration: Integration, created: Any) -> None:
    candidate_id, candidate_remote_id = created.candidate.id, created.candidate.remote_id

    kombo.ats.add_candidate_attachment(
        candidate_id=candidate_id,
        attachment={"name": "letter.txt", "type": "COVER_LETTER", "data": b64(b"Hello"), "content_type": "text/plain"},
    )
    kombo.ats.add_candidate_result_link(candidate_id=candidate_id, label="Profile", url="https://profile.example/ada")
    kombo.ats.add_candidate_tag(candidate_id=candidate_id, tag={"name": "Python"})
    kombo.ats.add_candidate_tag(candidate_id=candidate_id, tag={"name": "Rust"})
    tagged = [tag.name for tag in kombo.ats.get_candidates(ids=[candidate_id]).result.data.results[0].tags]
    kombo.ats.remove_candidate_tag(candidate_id=candidate_id, tag={"name": "python"})

    store = sandbox(integration)
    letter = next(doc for doc in store.attachments(candidate_id=candidate_remote_id) if doc["type"] == "COVER_LETTER")
    assert (letter["file_name"], letter["application_id"], store.blob(letter["id"])) == ("letter.txt", None, b"Hello")
    [link] = store.list("result_links", limit=10, parent_ids=[candidate_remote_id]).docs
    assert (link["label"], link["application_id"]) == ("Profile", None)
    assert [tag["name"] for tag in store.get("candidates", candidate_remote_id)["tags"]] == ["Rust"]  # type: ignore[index]
    assert tagged == ["Python", "Rust"]
    listed = kombo.ats.get_candidates(ids=[candidate_id]).result.data.results[0]
    assert [tag.name for tag in listed.tags] == ["Rust"]


def test_attachments_are_listed_live_with_signed_download_urls(
    kombo: Kombo, integration: Integration, created: Any, api_base_url: str
) -> None:
    # given: a file added in the ATS directly (not through us)
    kombo.ats.add_candidate_attachment(
        candidate_id=created.candidate.id,
        attachment={"name": "notes.txt", "type": "OTHER", "data": b64(b"side"), "content_type": "text/plain"},
    )

    # when
    of_application = kombo.ats.get_application_attachments(application_id=created.id)
    of_candidate = kombo.ats.get_candidate_attachments(candidate_id=created.candidate.id)

    # then
    assert of_application.warnings == []
    [cv] = of_application.data.results
    assert (cv.type, cv.file_name, cv.content_type) == ("CV", "cv.pdf", "application/pdf")
    assert cv.data_url.startswith(f"{api_base_url}/ats/attachment-downloads/")
    assert [(a.file_name, a.application_id, a.candidate_id) for a in of_candidate.data.results] == [
        ("cv.pdf", created.id, created.candidate.id),
        ("notes.txt", None, created.candidate.id),
    ]
    # the URL streams the file from the ATS, without an API key
    download = requests.get(cv.data_url, timeout=10)
    assert (download.status_code, download.content, download.headers["Content-Type"]) == (
        200, b"%PDF ada", "application/pdf",
    )  # fmt: skip
    assert download.headers["Content-Disposition"] == 'attachment; filename="cv.pdf"'
    # a tampered URL is refused
    forged = requests.get(cv.data_url[:-2] + ("AA" if not cv.data_url.endswith("AA") else "BB"), timeout=10)
    assert (forged.status_code, forged.json()["error"]["message"]) == (404, "This download link is invalid.")


def test_download_links_expire(kombo: Kombo, created: Any, settings: Any) -> None:
    url = kombo.ats.get_application_attachments(application_id=created.id).data.results[0].data_url
    settings.WRITE_DOWNLOAD_URL_SECONDS = -1

    expired = requests.get(url, timeout=10)

    assert (expired.status_code, expired.json()["error"]["message"]) == (
        404,
        "This download link has expired; list the attachments again for a fresh one.",
    )


def test_import_tracked_application_by_each_key_the_sandbox_accepts(
    kombo: Kombo, integration: Integration, api_base_url: str, api_key: ApiKey
) -> None:
    # given: applications that exist in the ATS but were not created through us
    store = sandbox(integration)
    first, second = (store.get("applications", remote_id) for remote_id in store.ids("applications")[:2])
    assert first is not None
    assert second is not None
    tracked_at = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)

    # when: the SDK sends the smartrecruiters key (candidate × job); a plain client the sandbox's own key
    imported = kombo.ats.import_tracked_application(
        tracked_at=tracked_at,
        smartrecruiters={"candidate_remote_id": first["candidate_id"], "job_remote_id": first["job_id"]},
    )
    raw = requests.post(
        f"{api_base_url}/ats/import-tracked-application",
        json={"tracked_at": None, "sandbox": {"application_remote_id": second["id"]}},
        headers={"Authorization": f"Bearer {api_key.raw_key}", "X-Integration-Id": integration.id},
        timeout=10,
    ).json()

    # then: both are stored as tracked (IMPORTED), with their candidates and jobs
    application = Application.objects.get(id=imported.data.id)
    assert (application.remote_id, application.tracked_via, application.tracked_at) == (
        first["id"], TrackedVia.IMPORTED, tracked_at,
    )  # fmt: skip
    assert imported.data.tracked_at == tracked_at
    assert imported.warnings == []
    assert Candidate.objects.get(id=application.candidate_id).tracked_via == TrackedVia.IMPORTED
    assert application.job is not None
    assert application.job.remote_id == first["job_id"]
    assert raw["data"]["imported_id"] == {"sandbox": {"application_remote_id": second["id"]}}
    assert Application.objects.get(id=raw["data"]["id"]).remote_id == second["id"]
    listed = kombo.ats.get_applications(ids=[imported.data.id]).result.data.results
    assert [entry.remote_id for entry in listed] == [first["id"]]


def test_import_refusals(kombo: Kombo) -> None:
    with pytest.raises(errors.KomboAtsError) as no_key:
        kombo.ats.import_tracked_application(tracked_at=None)
    with pytest.raises(errors.KomboAtsError) as unknown:
        kombo.ats.import_tracked_application(tracked_at=None, successfactors={"application_remote_id": "app-nope"})

    assert str(no_key.value) == (
        "Send the IDs of the application under one of these keys: sandbox, successfactors, smartrecruiters."
    )
    assert (unknown.value.data.error.code, unknown.value.status_code) == ("REMOTE.INPUT_INVALID", 404)
    assert str(unknown.value) == "Application app-nope does not exist. The ATS said: Application not found."
