"""Greenhouse reads of offers, interviews, scorecards and application stages (GH-V3-SPEC components) against the
emulator's seeded company: every third application has an interview with its interviewer, a scorecard and an
offer; every job has four interview stages."""

from __future__ import annotations

from datetime import UTC, datetime

from apps.connectors.catalog import ReadModel
from apps.connectors.dtos import (
    Location,
    RemoteInterview,
    RemoteOffer,
    RemoteScorecard,
    RoleAssignment,
    ScorecardResponse,
)
from apps.connectors.greenhouse.emulator import GreenhouseEmulator
from tests.connectors.greenhouse.conftest import GH
from tests.connectors.greenhouse.harness import greenhouse_connector


def _all(url: str, model: ReadModel) -> list:
    connector = greenhouse_connector(url, page_size=2)  # several pages: the cursor path too
    items, cursor = [], None
    while True:
        page = connector.read(model, cursor=cursor)
        items.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            return items


def test_offers_interviews_and_scorecards_are_read_with_their_links(greenhouse_server, greenhouse_app) -> None:
    app: GreenhouseEmulator = greenhouse_app
    [raw_interview] = app.state.interviews.values()
    application = app.state.applications[raw_interview["application_id"]]
    [raw_offer] = app.state.offers.values()
    [raw_card] = app.state.scorecards.values()
    step = app.state.job_interviews[raw_interview["job_interview_id"]]
    questions = sorted(app.state.scorecard_questions.values(), key=lambda q: q["sort_order"])
    options = sorted(app.state.scorecard_question_options.values(), key=lambda o: o["sort_order"])

    [offer] = _all(greenhouse_server.url, ReadModel.OFFERS)
    [interview] = _all(greenhouse_server.url, ReadModel.INTERVIEWS)
    [card] = _all(greenhouse_server.url, ReadModel.SCORECARDS)

    assert offer == RemoteOffer(
        remote_id=str(raw_offer["id"]), application_remote_id=str(application["id"]), status="SENT",
        employment_start_date=datetime(2024, 2, 10, tzinfo=UTC),
        remote_created_at=datetime(2024, 1, 14, 9, 1, tzinfo=UTC),
        remote_updated_at=datetime(2024, 1, 14, 9, 1, tzinfo=UTC), remote_data=raw_offer,
    )  # fmt: skip
    assert interview == RemoteInterview(
        remote_id=str(raw_interview["id"]), application_remote_id=str(application["id"]),
        stage_remote_id=str(step["job_interview_stage_id"]), title="Recruiter Phone Screen interview",
        starting_at=datetime(2024, 1, 11, 9, 1, tzinfo=UTC), ending_at=datetime(2024, 1, 11, 10, 1, tzinfo=UTC),
        location=Location(raw="Berlin office, room 2"),
        video_conferencing_url=f"https://meet.example/gh-{application['id']}", canceled=False,
        user_remote_ids=("1002",), remote_created_at=datetime(2024, 1, 11, 9, 1, tzinfo=UTC),
        remote_updated_at=datetime(2024, 1, 11, 9, 1, tzinfo=UTC),
        remote_data={**raw_interview, "interviewers": list(app.state.interviewers.values())},
    )  # fmt: skip
    assert app.state.stages[step["job_interview_stage_id"]]["name"] == "Recruiter Phone Screen"
    assert card == RemoteScorecard(
        remote_id=str(raw_card["id"]), candidate_remote_id=str(application["candidate_id"]),
        application_remote_id=str(application["id"]), interview_remote_id=str(raw_interview["id"]),
        author_remote_id="1002",
        responses=(
            ScorecardResponse(
                type="SINGLE_SELECT", label="Overall recommendation", remote_id="candidate_rating",
                options=tuple((v, v) for v in ("definitely_not", "no", "yes", "strong_yes", "no_decision")),
                answer={"remote_id": "yes", "label": "yes"},
            ),
            ScorecardResponse(type="TEXT", label="Communication", remote_id=str(questions[0]["id"]), required=True,
                              answer="Explains trade-offs clearly."),
            ScorecardResponse(type="BOOLEAN", label="Would you work with them again?",
                              remote_id=str(questions[1]["id"]), required=True, answer=True),
            ScorecardResponse(type="SINGLE_SELECT", label="Seniority", remote_id=str(questions[2]["id"]),
                              required=False,
                              options=tuple((str(o["id"]), o["name"]) for o in options),
                              answer={"remote_id": str(options[2]["id"]), "label": "Senior"}),
            ScorecardResponse(type="TEXT", label="Notes", remote_id="notes", answer="Clear thinker."),
        ),
        remote_created_at=datetime(2024, 1, 11, 11, 1, tzinfo=UTC),
        remote_updated_at=datetime(2024, 1, 11, 11, 1, tzinfo=UTC), remote_data=raw_card,
    )  # fmt: skip


def test_offer_statuses_and_current_only(greenhouse_server, greenhouse_app) -> None:
    app: GreenhouseEmulator = greenhouse_app
    [first] = app.state.offers.values()
    first["status"] = "Deprecated"
    newer = app.state.add(app.state.offers, {**{k: v for k, v in first.items() if k != "id"}, "version": 2,
                                             "status": "Accepted"})  # fmt: skip
    draft = app.state.add(app.state.offers, {**{k: v for k, v in first.items() if k != "id"}, "version": 3,
                                             "application_id": 1, "status": "Created", "sent_on": None})  # fmt: skip

    statuses = {o.remote_id: o.status for o in _all(greenhouse_server.url, ReadModel.OFFERS)}
    current = GH(greenhouse_server.url).as_user().req("GET", "/v3/offers", params={"current_only": "true"}).json()

    assert statuses == {str(first["id"]): "ABANDONED", str(newer["id"]): "ACCEPTED", str(draft["id"]): "DRAFT"}
    assert sorted(o["id"] for o in current) == [newer["id"], draft["id"]]


def test_application_stages_are_every_jobs_interview_stages_and_moves_keep_a_history(
    greenhouse_server, greenhouse_app
) -> None:
    app: GreenhouseEmulator = greenhouse_app
    gh = GH(greenhouse_server.url).as_user()
    stages = _all(greenhouse_server.url, ReadModel.APPLICATION_STAGES)
    application = next(iter(app.state.applications.values()))
    target = app.state.stages_of(application["job_id"])[2]

    moved = gh.req("POST", f"/v3/applications/{application['id']}/move",
                   json={"from_stage_id": application["stage_id"], "to_stage_id": target["id"]})  # fmt: skip
    history = gh.req("GET", "/v3/application_stages", params={"application_ids": str(application["id"])}).json()

    assert [(s.remote_id, s.name, s.status) for s in stages] == [
        (str(s["id"]), s["name"], "ACTIVE") for s in sorted(app.state.stages.values(), key=lambda s: s["id"])
    ]
    assert len(stages) == 12  # three jobs (two open, one closed) × four stages
    assert moved.status_code == 204
    assert [(h["job_interview_stage_id"], h["current"], h["exited_at"] is None) for h in history] == [
        (app.state.stages_of(application["job_id"])[0]["id"], False, False),
        (target["id"], True, True),
    ]


def test_roles_are_the_user_roles_site_admin_system_wide_and_job_admin_per_job(greenhouse_server) -> None:
    roles = _all(greenhouse_server.url, ReadModel.ROLES)

    assert [(r.remote_label, r.scope, r.unified_type) for r in roles] == [
        ("Site Admin", "SYSTEM", "ADMIN"),
        ("Job Admin: Hiring Manager", "JOB", None),
        ("Job Admin: Recruiter", "JOB", None),
        ("Interviewer", "JOB", "INTERVIEWER"),
    ]


def test_users_carry_their_system_role_the_site_admin_user_role(greenhouse_server, greenhouse_app) -> None:
    users = _all(greenhouse_server.url, ReadModel.USERS)
    site_admin = next(r for r in greenhouse_app.state.user_roles.values() if r["role_type"] == "site_admin")

    assert [(u.remote_id, u.system_roles) for u in users] == [
        ("1001", (RoleAssignment(remote_id=str(site_admin["id"]), remote_label="Site Admin", unified_type="ADMIN"),)),
        ("1002", ()),  # not a Site Admin: her Job Admin roles are per job, not system roles
    ]
    [admin] = greenhouse_connector(greenhouse_server.url).read(ReadModel.USERS, remote_ids=["1001"]).items
    assert admin.system_roles == users[0].system_roles
