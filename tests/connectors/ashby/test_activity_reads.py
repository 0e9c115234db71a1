"""Ashby offers, interviews, notes (per candidate) and files read by the connector from its emulator, and the API
key's default source as the flow's source step reports it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from apps.connectors.ashby.emulator import AshbyEmulator
from apps.connectors.base import Connector
from apps.connectors.catalog import ReadModel
from apps.connectors.dtos import RemoteInterview, RemoteNote, RemoteOffer, RemoteRecord
from apps.connectors.emulation.clock import ManualClock
from apps.connectors.emulation.server import LoopbackServer
from apps.connectors.errors import ConnectorPermissionError
from tests.connectors.ashby.harness import AshbyHarness


@pytest.fixture
def harness(ashby_server: LoopbackServer, ashby_app: AshbyEmulator, ashby_clock: ManualClock) -> AshbyHarness:
    return AshbyHarness(ashby_server.url, ashby_clock)


def read_all(connector: Connector, model: ReadModel) -> list[RemoteRecord]:
    items: list[RemoteRecord] = []
    cursor: str | None = None
    while True:
        page = connector.read(model, cursor=cursor)
        items.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            return items


def applications(harness: AshbyHarness) -> list[str]:
    return [a["id"] for a in harness.state()["applications"]]


def test_offers_map_acceptance_first_then_how_far_the_offer_got(harness: AshbyHarness) -> None:
    first, second = applications(harness)
    for body in (
        {"applicationId": first, "acceptanceStatus": "Declined", "startDate": "2025-05-01"},
        {"applicationId": second, "acceptanceStatus": "Pending", "offerStatus": "WaitingOnOfferApproval"},
        {"applicationId": second, "acceptanceStatus": "Created", "offerStatus": "WaitingOnCandidateResponse"},
    ):
        harness.control("POST", "/offers", json=body)

    offers = read_all(harness.connector(), ReadModel.OFFERS)

    assert all(isinstance(offer, RemoteOffer) for offer in offers)
    assert [(o.application_remote_id, o.status) for o in offers] == [
        (first, "DECLINED"),
        (second, "DRAFT"),
        (second, "SENT"),
    ]
    assert offers[0].employment_start_date == datetime(2025, 5, 1, tzinfo=UTC)


def test_each_scheduled_event_is_one_interview(harness: AshbyHarness) -> None:
    first, _ = applications(harness)
    users = [u["id"] for u in harness.state()["users"]][:2]
    events = [
        {"title": "Phone screen", "startTime": "2025-03-03T09:00:00.000Z", "interviewerUserIds": users[:1]},
        {"title": "System design", "startTime": "2025-03-04T09:00:00.000Z", "endTime": "2025-03-04T10:00:00.000Z",
         "interviewerUserIds": users, "location": "Berlin office", "meetingLink": "https://meet.example.com/x"},
    ]  # fmt: skip
    harness.control("POST", "/interview-schedules", json={"applicationId": first, "events": events})
    harness.control("POST", "/interview-schedules", json={"applicationId": first, "status": "Cancelled",
                                                          "events": events[:1]})  # fmt: skip

    interviews = read_all(harness.connector(), ReadModel.INTERVIEWS)

    assert all(isinstance(interview, RemoteInterview) for interview in interviews)
    assert [(i.title, i.canceled, len(i.user_remote_ids)) for i in interviews] == [
        ("Phone screen", False, 1),
        ("System design", False, 2),
        ("Phone screen", True, 1),
    ]
    design = interviews[1]
    assert (design.location.raw, design.video_conferencing_url) == ("Berlin office", "https://meet.example.com/x")
    assert design.ending_at == datetime(2025, 3, 4, 10, 0, tzinfo=UTC)
    assert {i.application_remote_id for i in interviews} == {first}


def test_notes_are_read_per_candidate_a_batch_of_candidates_per_page(harness: AshbyHarness) -> None:
    connector = harness.connector(page_size=1)  # one note per Ashby page: the candidate's pages are followed
    connector.notes_batch = 2
    ada, grace = [c["id"] for c in harness.state()["candidates"]]
    for candidate, text in ((ada, "first"), (grace, "second"), (ada, "third")):
        assert connector.client.result("candidate.createNote", {"candidateId": candidate, "note": text})
    parents = [ada, "gone-candidate", grace]

    first = connector.read(ReadModel.NOTES, parent_remote_ids=parents)
    second = connector.read(ReadModel.NOTES, parent_remote_ids=parents, cursor=first.next_cursor)

    assert all(isinstance(note, RemoteNote) for note in [*first.items, *second.items])
    # ada's two notes, then a candidate Ashby no longer has; grace on the next page
    assert [(n.candidate_remote_id, n.content_html) for n in first.items] == [(ada, "first"), (ada, "third")]
    assert [(n.candidate_remote_id, n.content_html) for n in second.items] == [(grace, "second")]
    assert (first.next_cursor, second.next_cursor) == ("2", None)


def test_files_come_from_the_candidates_file_handles_the_resume_is_the_cv(harness: AshbyHarness) -> None:
    connector = harness.connector()
    ada = harness.state()["candidates"][0]["id"]
    files = {"resume": ("cv.pdf", b"%PDF-1.4", "application/pdf")}
    connector.client.call("candidate.uploadResume", files=files, data={"candidateId": ada})
    files = {"file": ("notes.txt", b"hello", "text/plain")}
    connector.client.call("candidate.uploadFile", files=files, data={"candidateId": ada})

    attachments = read_all(connector, ReadModel.ATTACHMENTS)

    assert [(a.candidate_remote_id, a.file_name, a.type) for a in attachments] == [
        (ada, "cv.pdf", "CV"),
        (ada, "notes.txt", "OTHER"),
    ]


def test_the_api_keys_default_source_is_read_and_needs_the_api_keys_permission(harness: AshbyHarness) -> None:
    linkedin = next(s for s in harness.state()["sources"] if s["title"] == "LinkedIn")
    assert harness.connector().default_source() is None

    harness.control("POST", f"/api-keys/{harness.key}", json={"defaultSourceId": linkedin["id"]})
    found = harness.connector().default_source()
    harness.control("POST", "/api-keys", json={"key": "no-key-read", "permissions": ["jobsRead"]})
    harness.key = "no-key-read"

    assert (found.remote_id, found.label, found.type) == (linkedin["id"], "LinkedIn", "Inbound")
    with pytest.raises(ConnectorPermissionError):
        harness.connector().default_source()


def test_a_notes_delta_asks_only_the_candidates_that_changed(harness: AshbyHarness) -> None:
    connector = harness.connector()
    parents = harness.seed(6)
    read_all(connector, ReadModel.CANDIDATES)  # this run's candidate read: its syncToken serves the notes too
    full = connector.read(ReadModel.NOTES, parent_remote_ids=parents)
    assert full.items == []
    assert connector.sync_token(ReadModel.NOTES) == connector.sync_token(ReadModel.CANDIDATES)
    since = harness.now()
    noted, changed = parents[1], parents[4]
    assert connector.client.result("candidate.createNote", {"candidateId": noted, "note": "after the sync"})
    tag = harness.api("candidateTag.create", {"title": "changed"})
    harness.api("candidate.addTag", {"candidateId": changed, "tagId": tag["id"]})
    harness.control("DELETE", "/stats")

    delta = connector.read(ReadModel.NOTES, parent_remote_ids=parents, updated_since=since)

    assert [(n.candidate_remote_id, n.content_html) for n in delta.items] == [(noted, "after the sync")]
    # one candidate.list with the notes' syncToken, then listNotes for the two changed candidates only (not six)
    assert harness.control("GET", "/stats")["totalRequests"] == 3
    assert connector.sync_token(ReadModel.NOTES) != connector.sync_token(ReadModel.CANDIDATES)
