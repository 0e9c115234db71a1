"""Workable reads of interviews (`GET /events`), offers (`GET /candidates/:id/offer`), notes (the `comment`
activities) and attachments (`GET /candidates/:id/files`), and `rejected_at` / answers of a candidate read by id,
against the emulator's seeded account (candidates 1 and 5 have an interview and an accepted offer)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from apps.connectors.catalog import ReadModel
from apps.connectors.dtos import RemoteAttachment, RemoteInterview, RemoteNote, RemoteOffer, RemoteRole, RoleAssignment
from apps.connectors.workable.emulator import MEMBER_ID
from tests.connectors.workable.conftest import WK
from tests.connectors.workable.harness import workable_connector


def test_interviews_are_the_events_with_their_members_and_cancelled_ones(wk: WK) -> None:
    seeded = sorted(wk.app.state.events.values(), key=lambda e: e["id"])
    first = wk.app.state.candidates[seeded[0]["candidate_id"]]
    made = wk.control("POST", f"/candidates/{first.id}/events",
                      json={"title": "Cancelled call", "type": "CallEvent", "cancelled": True,
                            "starts_at": "2024-03-01T10:00:00Z", "ends_at": "2024-03-01T10:30:00Z"})  # fmt: skip
    connector = workable_connector(wk.url, page_size=1)

    items, cursor = [], None
    while True:
        page = connector.read(ReadModel.INTERVIEWS, cursor=cursor)
        items.extend(page.items)
        if (cursor := page.next_cursor) is None:
            break

    assert len(seeded) == 2
    assert items[0] == RemoteInterview(
        remote_id=seeded[0]["id"], application_remote_id=first.id, title=f"Interview with {first.firstname}",
        starting_at=datetime(2024, 2, 9, 9, 1, tzinfo=UTC), ending_at=datetime(2024, 2, 9, 10, 1, tzinfo=UTC),
        video_conferencing_url=f"https://zoom.example/j/{first.id}", canceled=False, user_remote_ids=(MEMBER_ID,),
        remote_data=items[0].remote_data,
    )  # fmt: skip
    assert items[0].remote_data["type"] == "InterviewEvent"
    assert [(i.remote_id, i.canceled) for i in items] == [
        (seeded[0]["id"], False), (seeded[1]["id"], False), (made.json()["id"], True),
    ]  # fmt: skip
    assert "cancelled" not in {e["title"] for e in wk.get("/events").json()["events"]}  # only with include_cancelled


def test_offers_notes_and_files_are_read_per_candidate(wk: WK) -> None:
    with_offer = next(c for c in wk.app.state.candidates.values() if c.offer)
    without = next(c for c in wk.app.state.candidates.values() if not c.offer)
    gif = base64.b64encode(b"GIF89a").decode()
    body = {"body": "See the portfolio", "attachment": {"name": "work.gif", "data": gif}}
    comment = wk.post(f"/candidates/{with_offer.id}/comments", json={"member_id": MEMBER_ID, "comment": body})
    connector = workable_connector(wk.url)
    parents = [with_offer.id, without.id]

    offers = connector.read(ReadModel.OFFERS, parent_remote_ids=parents).items
    notes = connector.read(ReadModel.NOTES, parent_remote_ids=parents).items
    files = connector.read(ReadModel.ATTACHMENTS, parent_remote_ids=parents).items

    assert offers == [
        RemoteOffer(
            remote_id=f"{with_offer.id}:offer", application_remote_id=with_offer.id, status="ACCEPTED",
            employment_start_date=datetime(2024, 6, 1, tzinfo=UTC),
            remote_created_at=datetime(2024, 2, 12, 9, 1, tzinfo=UTC), remote_data=offers[0].remote_data,
        )
    ]  # fmt: skip
    assert notes == [
        RemoteNote(
            remote_id=comment.json()["id"], candidate_remote_id=with_offer.id, application_remote_id=with_offer.id,
            author_remote_id=MEMBER_ID, content_html="See the portfolio", remote_created_at=notes[0].remote_created_at,
            remote_data=notes[0].remote_data,
        )
    ]  # fmt: skip
    assert files == [
        RemoteAttachment(
            remote_id=f"{with_offer.id}:work.gif", candidate_remote_id=with_offer.id,
            application_remote_id=with_offer.id, file_name="work.gif", type="OTHER",
            remote_data={"name": "work.gif", "source": "comment", "kind": "attachment"},
        )
    ]  # fmt: skip


def test_rejected_at_and_answers_come_with_a_candidate_read_by_id_and_lists_fetch_the_disqualified(wk: WK) -> None:
    disqualified = next(c for c in wk.app.state.candidates.values() if c.disqualified)
    connector = workable_connector(wk.url)

    [tracked] = connector.read(ReadModel.APPLICATIONS, remote_ids=[disqualified.id]).items
    listed = {a.remote_id: a for a in connector.read(ReadModel.APPLICATIONS).items}

    assert (tracked.outcome, tracked.rejected_at) == ("DECLINED", disqualified.disqualified_at)
    assert [(a.question_title, a.type, a.value) for a in tracked.screening_question_answers] == [
        ("Explain one aspect of this role", "TEXT", "Planning")
    ]
    assert listed[disqualified.id].rejected_at == disqualified.disqualified_at
    assert all(a.rejected_at is None for a in listed.values() if a.outcome != "DECLINED")


def test_application_stages_are_the_accounts_stages_by_slug(wk: WK) -> None:
    stages = workable_connector(wk.url).read(ReadModel.APPLICATION_STAGES).items

    assert [(s.remote_id, s.name) for s in stages] == [
        ("sourced", "Sourced"), ("applied", "Applied"), ("phone-screen", "Phone Screen"), ("interview", "Interview"),
        ("offer", "Offer"), ("hired", "Hired"),
    ]  # fmt: skip


def test_roles_are_the_members_account_roles_and_users_carry_theirs(wk: WK) -> None:
    connector = workable_connector(wk.url)

    roles = connector.read(ReadModel.ROLES).items
    users = connector.read(ReadModel.USERS).items

    assert roles == [
        RemoteRole(remote_id="admin", remote_label="Admin", scope="SYSTEM", unified_type="ADMIN",
                   remote_data={"role": "admin"}),
        RemoteRole(remote_id="recruiter", remote_label="Recruiter", scope="SYSTEM", unified_type="RECRUITER",
                   remote_data={"role": "recruiter"}),
    ]  # fmt: skip
    assert [(u.remote_id, u.system_roles) for u in users] == [
        (MEMBER_ID, (RoleAssignment(remote_id="admin", remote_label="Admin", unified_type="ADMIN"),)),
        ("1f3961", (RoleAssignment(remote_id="recruiter", remote_label="Recruiter", unified_type="RECRUITER"),)),
    ]
    assert [r.remote_id for r in connector.read(ReadModel.ROLES, remote_ids=["recruiter"]).items] == ["recruiter"]


def test_tags_come_with_a_candidate_read_by_id(wk: WK) -> None:
    candidate = next(iter(wk.app.state.candidates.values()))
    assert wk.request("PUT", f"/candidates/{candidate.id}/tags", json={"tags": ["python", "berlin"]}).status_code == 200

    [read] = workable_connector(wk.url).read(ReadModel.CANDIDATES, remote_ids=[candidate.id]).items

    assert [(t.remote_id, t.name) for t in read.tags] == [("python", "python"), ("berlin", "berlin")]
    assert not workable_connector(wk.url).covers(ReadModel.TAGS)  # no tag list endpoint (reference A3/A5)
