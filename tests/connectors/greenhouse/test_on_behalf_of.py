"""`remote_fields.greenhouse.post_headers.On-Behalf-Of` (contract §5.3/§5.4) on Harvest v3, which replaced the header
with the token's `sub` (A1): honoured with a token minted for that user on client-credential connections (the
emulator records the acting user on the note), refused with a ConnectorInputError (the API's 400) naming the field
where it cannot be honoured: a partner OAuth connection, a non-numeric id, an unknown user."""

from __future__ import annotations

import pytest

from apps.connectors.catalog import AuthKind
from apps.connectors.dtos import ApplicationRef
from apps.connectors.errors import ConnectorInputError
from apps.connectors.greenhouse.emulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, GreenhouseEmulator
from tests.connectors.greenhouse.harness import greenhouse_connector

RITA = 1002  # the seeded recruiter (not a Site Admin: writes are fine, lists are not)


def _as(user: object) -> dict[str, object]:
    return {"post_headers": {"On-Behalf-Of": user}}


def _application(app: GreenhouseEmulator) -> ApplicationRef:
    raw = next(a for a in app.state.applications.values() if a["status"] == "in_process")
    return ApplicationRef(remote_id=str(raw["id"]), candidate_remote_id=str(raw["candidate_id"]))


def _notes(app: GreenhouseEmulator) -> list[dict]:
    return sorted(app.state.notes.values(), key=lambda n: n["id"])


def test_on_behalf_of_writes_as_that_user_and_keeps_the_connections_token(greenhouse_server, greenhouse_app) -> None:
    connector = greenhouse_connector(greenhouse_server.url)
    ref = _application(greenhouse_app)
    before = len(_notes(greenhouse_app))

    connector.add_application_note(ref, content="as Rita", content_type="PLAIN_TEXT", remote_fields=_as(str(RITA)))
    connector.add_application_note(ref, content="as Rita again", content_type="PLAIN_TEXT", remote_fields=_as(RITA))
    connector.add_application_note(ref, content="as the connection", content_type="PLAIN_TEXT", remote_fields={})

    notes = _notes(greenhouse_app)[before:]
    assert [(n["body"], n["user_id"]) for n in notes] == [
        ("as Rita", RITA),
        ("as Rita again", RITA),
        ("as the connection", 1001),
    ]
    assert connector.client.credentials["user_id"] == "1001"  # Rita's token was never stored as the connection's
    assert list(connector.client._acting) == [str(RITA)]  # one token for Rita, reused


def test_on_behalf_of_is_refused_naming_the_field_where_v3_cannot_honour_it(greenhouse_server, greenhouse_app) -> None:
    ref = _application(greenhouse_app)
    token = greenhouse_app.provider.issue_token(
        DEFAULT_CLIENT_ID, frozenset(greenhouse_app.known_scopes), subject="1001"
    )
    partner = greenhouse_connector(
        greenhouse_server.url, auth_kind=AuthKind.OAUTH2_AUTHORIZATION_CODE,
        credentials={"access_token": token["access_token"], "refresh_token": "unused", "expires_at": "9999999999",
                     "client_id": DEFAULT_CLIENT_ID, "client_secret": DEFAULT_CLIENT_SECRET},
    )  # fmt: skip
    connector = greenhouse_connector(greenhouse_server.url)
    before = len(_notes(greenhouse_app))

    with pytest.raises(ConnectorInputError, match="remote_fields.greenhouse.post_headers.On-Behalf-Of is not avail"):
        partner.add_application_note(ref, content="x", content_type="PLAIN_TEXT", remote_fields=_as(RITA))
    with pytest.raises(ConnectorInputError, match="On-Behalf-Of must be a numeric Greenhouse user id, not 'rita'"):
        connector.move_application_stage(ref, stage_remote_id="1", remote_fields=_as("rita"))
    with pytest.raises(ConnectorInputError, match="On-Behalf-Of: Greenhouse issues no token for user 999999"):
        connector.reject_application(ref, rejection_reason_remote_id="1", note=None, remote_fields=_as(999999))

    assert len(_notes(greenhouse_app)) == before
    assert greenhouse_app.state.applications[int(ref.remote_id)]["status"] == "in_process"
    # the partner connection itself still writes (as its approving user)
    partner.add_application_note(ref, content="partner", content_type="PLAIN_TEXT", remote_fields={})
    assert _notes(greenhouse_app)[-1]["user_id"] == 1001
