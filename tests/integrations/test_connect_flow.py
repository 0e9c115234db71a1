"""The connection flow's pages, driven with Django's test client against the fake ATS (tests/fakes/fake_ats.py)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from apps.attribution.models import SourceMapping
from apps.core.timeutils import utcnow
from apps.integrations.connect_services import (
    connect_link_create,
    connect_link_create_relink,
    connect_link_create_setup,
)
from apps.integrations.models import (
    ActivationToken,
    ConnectionFlowFailure,
    ConnectLink,
    Environment,
    Integration,
    OAuthState,
)
from apps.integrations.selectors import integration_credentials
from tests.fakes.fake_ats import FakeAts, custom_source

BASE = "http://testserver"


def _path(url: str) -> str:
    return urlsplit(url).path


def _new_link(environment: Environment, **kwargs: object) -> str:
    issued = connect_link_create(
        environment=environment,
        end_user_email="hr@globex.example.com",
        end_user_organization_name="Globex",
        base_url=BASE,
        **kwargs,  # type: ignore[arg-type]
    )
    return _path(issued.url)


def _connect_with_key(client: Client, link: str, key: str) -> None:
    response = client.post(f"{link}connect", {"mode": "API_KEY", "api_key": key})
    assert response.status_code == 302
    assert response["Location"] == f"{link}checks"


def test_full_flow_with_api_key_and_source_step(client: Client, environment: Environment, fake_ats: type) -> None:
    # given a fake ATS where the key has every permission, and no source yet
    FakeAts.state.api_keys["good-key"] = {"jobs_read", "candidates_create"}
    link = _new_link(environment)

    # when the end user opens the link, picks the tool and reads the guide
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"] == f"{link}tools"
    page = client.get(f"{link}tools").content.decode()
    assert 'data-tool="fakeats"' in page
    assert 'data-tool="sandbox"' in page
    assert client.post(f"{link}tools", {"tool": "fakeats"})["Location"] == f"{link}connect"
    page = client.get(f"{link}connect").content.decode()
    assert "<strong>Settings → API</strong>" in page  # the connector's Markdown guide, rendered
    assert 'name="api_key"' in page
    assert 'type="password"' in page
    assert "https://fake-ats.example.com/settings/api" in page

    # then the credentials are checked live, permission by permission
    _connect_with_key(client, link, "good-key")
    page = client.get(f"{link}checks").content.decode()
    assert 'data-check="credentials" data-ok="true"' in page
    assert 'data-check="jobs_read" data-ok="true"' in page
    assert 'data-check="candidates_create" data-ok="true"' in page
    integration = Integration.objects.get(tool="fakeats")
    assert integration.setup_status == Integration.SetupStatus.INCOMPLETE
    assert integration_credentials(integration) == {"api_key": "good-key"}
    assert integration.end_user_organization_name == "Globex"

    # and the source step first fails because the source does not exist, then passes once it does
    page = client.get(f"{link}source").content.decode()
    assert '<output id="source-name">Acme Jobs</output>' in page
    assert "Add a custom source named <strong>Acme Jobs</strong>" in page
    assert 'data-status="PENDING_SETUP"' in page
    page = client.post(f"{link}source", {"action": "check"}).content.decode()
    assert "We could not find a source named exactly" in page
    FakeAts.state.sources.append(custom_source("Acme Jobs", "src-42"))
    page = client.post(f"{link}source", {"action": "check"}).content.decode()
    assert 'data-status="CONFIGURED"' in page
    mapping = SourceMapping.objects.get(integration=integration)
    assert (mapping.status, mapping.remote_id, mapping.remote_label, mapping.remote_type) == (
        SourceMapping.Status.CONFIGURED,
        "src-42",
        "Acme Jobs",
        "custom",
    )

    # finally the done page hands out a single-use activation token
    response = client.post(f"{link}finish")
    assert response.status_code == 200
    token = response.context["activation_token"]
    assert f'<script id="activation-token" type="application/json">"{token}"</script>' in response.content.decode()
    assert ActivationToken.objects.get().integration == integration
    integration.refresh_from_db()
    assert integration.setup_status == Integration.SetupStatus.COMPLETED
    assert list(ConnectionFlowFailure.objects.values_list("step", flat=True)) == ["SOURCE"]
    # the link is used up
    assert client.get(link).status_code == 410
    assert "already been used" in client.get(f"{link}connect").content.decode()


def test_wrong_key_and_missing_permission_show_what_to_fix(
    client: Client, environment: Environment, fake_ats: type
) -> None:
    FakeAts.state.api_keys["narrow-key"] = {"jobs_read"}
    link = _new_link(environment, integration_tool="fakeats")

    _connect_with_key(client, link, "wrong-key")
    page = client.get(f"{link}checks").content.decode()
    assert 'data-check="credentials" data-ok="false"' in page
    assert "Invalid API key." in page
    assert 'data-check="jobs_read" data-ok="skipped"' in page

    _connect_with_key(client, link, "narrow-key")
    page = client.get(f"{link}checks").content.decode()
    assert 'data-check="jobs_read" data-ok="true"' in page
    assert 'data-check="candidates_create" data-ok="false"' in page
    assert "Give the key “Candidates: create”." in page
    assert 'id="retry"' in page

    # nothing was stored, and both failures were recorded
    assert not Integration.objects.filter(tool="fakeats").exists()
    failures = list(ConnectionFlowFailure.objects.order_by("created_at").values_list("step", "reason"))
    assert failures == [
        ("CREDENTIALS", "Credentials: Invalid API key."),
        ("SCOPE_TESTS", "Create candidates: Missing permission candidates_create."),
    ]


def test_required_fields_are_checked_before_calling_the_ats(
    client: Client, environment: Environment, fake_ats: type
) -> None:
    link = _new_link(environment, integration_tool="fakeats")
    response = client.post(f"{link}connect", {"mode": "API_KEY", "api_key": " "})
    assert response.status_code == 200
    page = response.content.decode()
    assert '<div class="error-text" id="error-api_key">This field is required.</div>' in page
    # screen readers announce the error with the field
    assert 'aria-invalid="true"\n           aria-describedby="error-api_key help-api_key">' in page
    assert '<div class="help" id="help-api_key">Settings → API → New key</div>' in page
    assert FakeAts.state.calls == []


def test_sandbox_flow_creates_its_source_through_the_api(client: Client, environment: Environment) -> None:
    # given a link preset to the sandbox, whose source strategy is CREATABLE
    link = _new_link(environment, integration_tool="sandbox")
    assert client.get(link)["Location"] == f"{link}connect"
    assert client.post(f"{link}connect", {"mode": "NONE"})["Location"] == f"{link}checks"
    page = client.get(f"{link}checks").content.decode()
    assert 'data-check="credentials" data-ok="true"' in page
    assert f'href="{link}source"' in page

    # when the source step lists the sandbox's sources live and the user lets Tributary create ours
    page = client.get(f"{link}source").content.decode()
    assert '<option value="src-1">LinkedIn</option>' in page
    assert "Create “Acme Jobs” in Sandbox" in page
    assert client.post(f"{link}source", {"action": "create"})["Location"] == f"{link}source"
    assert 'data-status="CONFIGURED"' in client.get(f"{link}source").content.decode()

    # then the integration is complete and its mapping points at the new sandbox source
    assert client.post(f"{link}finish").status_code == 200
    integration = Integration.objects.get(tool="sandbox", connect_links__isnull=False)
    assert integration.id == ConnectLink.objects.get().pending_integration_id
    assert integration.setup_status == Integration.SetupStatus.COMPLETED
    mapping = SourceMapping.objects.get(integration=integration)
    assert (mapping.strategy, mapping.status, mapping.remote_id, mapping.remote_label) == (
        "CREATABLE",
        "CONFIGURED",
        "src-7",
        "Acme Jobs",
    )
    assert ConnectionFlowFailure.objects.count() == 0


def test_no_source_step_when_writing_is_off(client: Client, environment: Environment) -> None:
    environment.automatic_source_writing = False
    environment.save()
    link = _new_link(environment, integration_tool="sandbox")
    client.post(f"{link}connect", {"mode": "NONE"})
    page = client.get(f"{link}checks").content.decode()
    assert f'action="{link}finish"' in page
    assert client.post(f"{link}finish").status_code == 200
    integration = Integration.objects.get(tool="sandbox", connect_links__isnull=False)
    assert integration.setup_status == Integration.SetupStatus.COMPLETED


def test_expired_link_is_refused_and_recorded_once(client: Client, environment: Environment) -> None:
    link = _new_link(environment, integration_tool="sandbox")
    ConnectLink.objects.update(expires_at=utcnow() - timedelta(seconds=1))
    for _ in range(2):
        response = client.get(f"{link}connect")
        assert response.status_code == 410
        assert "This link has expired" in response.content.decode()
    assert list(ConnectionFlowFailure.objects.values_list("step", flat=True)) == ["LINK"]
    assert client.get("/connect/not-a-token/").status_code == 404


@pytest.mark.parametrize(
    ("_case", "link_type", "lifetime"),
    [("embedded", "EMBEDDED", timedelta(hours=1)), ("magic link", "MAGIC_LINK", timedelta(days=365))],
)
def test_link_lifetimes(environment: Environment, _case: str, link_type: str, lifetime: timedelta) -> None:
    before = utcnow()
    connect_link_create(
        environment=environment,
        end_user_email="a@b.example.com",
        end_user_organization_name="B",
        integration_tool="sandbox",
        link_type=link_type,
        base_url=BASE,
    )
    link = ConnectLink.objects.get()
    assert before + lifetime <= link.expires_at <= utcnow() + lifetime


def test_german_pages(client: Client, environment: Environment, fake_ats: type) -> None:
    link = _new_link(environment, language="de")
    page = client.get(f"{link}tools").content.decode()
    assert '<html lang="de">' in page
    assert "Welches Bewerbermanagementsystem nutzen Sie?" in page


def test_relink_keeps_the_integration_id_and_replaces_credentials(
    client: Client, environment: Environment, fake_ats: type
) -> None:
    FakeAts.state.api_keys.update({"old-key": set(), "new-key": {"jobs_read", "candidates_create"}})
    FakeAts.state.sources.append(custom_source("Acme Jobs"))
    first = _new_link(environment, integration_tool="fakeats")
    FakeAts.state.api_keys["old-key"] = {"jobs_read", "candidates_create"}
    _connect_with_key(client, first, "old-key")
    integration = Integration.objects.get(tool="fakeats")
    Integration.objects.filter(pk=integration.pk).update(state=Integration.State.INVALID)

    relink = _path(connect_link_create_relink(integration=integration, base_url=BASE).url)
    assert client.get(relink)["Location"] == f"{relink}connect"
    assert "Your existing connection stays the same." in client.get(f"{relink}connect").content.decode()
    _connect_with_key(client, relink, "new-key")
    # the source was found live, so the checks lead straight to the finish
    assert client.get(f"{relink}source").status_code == 200
    response = client.post(f"{relink}finish")
    assert response.status_code == 200

    assert Integration.objects.filter(tool="fakeats").count() == 1
    integration.refresh_from_db()
    assert integration.state == Integration.State.ACTIVE
    assert integration_credentials(integration) == {"api_key": "new-key"}
    assert ActivationToken.objects.get(link__kind="RELINK").integration_id == integration.id


def test_setup_link_reopens_the_source_step(client: Client, environment: Environment, fake_ats: type) -> None:
    FakeAts.state.api_keys["key"] = {"jobs_read", "candidates_create"}
    first = _new_link(environment, integration_tool="fakeats")
    _connect_with_key(client, first, "key")
    client.post(f"{first}source", {"action": "skip"})  # skipped: the integration stays INCOMPLETE
    integration = Integration.objects.get(tool="fakeats")
    assert integration.setup_status == Integration.SetupStatus.INCOMPLETE

    setup = _path(connect_link_create_setup(integration=integration, link_type="EMBEDDED", base_url=BASE).url)
    assert client.get(setup)["Location"] == f"{setup}source"
    FakeAts.state.sources.extend([custom_source("LinkedIn", "src-1"), custom_source("Acme Careers", "src-2")])
    page = client.get(f"{setup}source").content.decode()
    assert '<option value="src-2">Acme Careers (custom)</option>' in page
    assert client.post(f"{setup}source", {"action": "select", "remote_id": "src-2"})["Location"] == f"{setup}source"
    assert client.post(f"{setup}finish").status_code == 200
    integration.refresh_from_db()
    assert integration.setup_status == Integration.SetupStatus.COMPLETED
    mapping = SourceMapping.objects.get(integration=integration)
    assert (mapping.status, mapping.remote_id, mapping.remote_label) == ("CONFIGURED", "src-2", "Acme Careers")


def test_oauth_authorization_code_with_verified_state(client: Client, environment: Environment, fake_ats: type) -> None:
    FakeAts.state.api_keys["oauth-access"] = {"jobs_read", "candidates_create"}
    FakeAts.state.codes["code-1"] = "oauth-access"
    link = _new_link(environment, integration_tool="fakeats")
    page = client.get(f"{link}connect?mode=OAUTH2_AUTHORIZATION_CODE").content.decode()
    assert f'href="{link}oauth"' in page

    # the start redirects to the ATS's authorize page with a fresh state
    response = client.get(f"{link}oauth")
    location = urlsplit(response["Location"])
    assert (location.scheme, location.netloc, location.path) == (
        "https",
        "fake-ats.example.com",
        "/oauth/authorize.html",
    )
    query = parse_qs(location.query)
    assert query["client_id"] == ["tributary-test"]
    assert query["redirect_uri"] == ["http://testserver/connect/oauth/callback"]
    assert query["scope"] == ["jobs_read candidates_create"]
    state = query["state"][0]

    # a forged state is refused; the real one continues the flow once
    forged = client.get("/connect/oauth/callback", {"state": "forged", "code": "code-1"})
    assert forged.status_code == 400
    assert not Integration.objects.filter(tool="fakeats").exists()
    callback = client.get("/connect/oauth/callback", {"state": state, "code": "code-1"})
    assert callback.status_code == 302
    assert callback["Location"] == f"{link}checks"
    integration = Integration.objects.get(tool="fakeats")
    assert integration.auth_kind == "OAUTH2_AUTHORIZATION_CODE"
    assert integration_credentials(integration) == {
        "access_token": "oauth-access",
        "refresh_token": "refresh-oauth-access",
    }
    assert client.get("/connect/oauth/callback", {"state": state, "code": "code-1"}).status_code == 400
    assert OAuthState.objects.get().used_at is not None


def test_a_used_oauth_state_answers_in_the_links_language_without_its_token(
    client: Client, environment: Environment, fake_ats: type
) -> None:
    FakeAts.state.api_keys["oauth-access"] = {"jobs_read", "candidates_create"}
    FakeAts.state.codes["code-1"] = "oauth-access"
    link = _new_link(environment, integration_tool="fakeats", language="de")
    state = parse_qs(urlsplit(client.get(f"{link}oauth")["Location"]).query)["state"][0]
    assert client.get("/connect/oauth/callback", {"state": state, "code": "code-1"})["Location"] == f"{link}checks"

    # the browser's back button (or a reload) brings the end user to the callback again
    again = client.get("/connect/oauth/callback", {"state": state, "code": "code-1"})

    page = again.content.decode()
    assert (again.status_code, again["Content-Language"]) == (400, "de")
    assert '<h1 id="page-title">Die Anmeldung konnte nicht bestätigt werden</h1>' in page
    assert link.strip("/").split("/")[-1] not in page  # the state went to the ATS: it must not reveal the link


def test_oauth_denied_is_shown_and_recorded(client: Client, environment: Environment, fake_ats: type) -> None:
    link = _new_link(environment, integration_tool="fakeats")
    state = parse_qs(urlsplit(client.get(f"{link}oauth")["Location"]).query)["state"][0]
    response = client.get("/connect/oauth/callback", {"state": state, "error": "access_denied"})
    assert response["Location"] == f"{link}checks"
    page = client.get(f"{link}checks").content.decode()
    assert 'data-check="credentials" data-ok="false"' in page
    assert "access_denied" in page
    assert list(ConnectionFlowFailure.objects.values_list("step", "reason")) == [
        ("OAUTH", "Authorization denied: access_denied")
    ]


def test_flow_pages_can_be_framed_and_leak_no_referrer(client: Client, environment: Environment) -> None:
    link = _new_link(environment, integration_tool="sandbox")
    response = client.get(f"{link}connect")
    assert "X-Frame-Options" not in response
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cross-Origin-Opener-Policy"] == "unsafe-none"  # the OAuth popup reports to its opener
    assert response.cookies == {}


def test_german_page_shows_the_platforms_fix_hint_in_german(
    client: Client, environment: Environment, fake_ats: type
) -> None:
    link = _new_link(environment, integration_tool="fakeats", language="de")
    _connect_with_key(client, link, "wrong-key")
    page = client.get(f"{link}checks").content.decode()
    assert "Prüfen Sie, ob die Zugangsdaten vollständig und noch gültig sind" in page
    assert "Check that the credentials are complete" not in page
    # the failure record for the operator keeps the English original
    assert ConnectLink.objects.get().scope_results[0]["fix_hint"] == (
        "Check that the credentials are complete and still valid, then try again."
    )


def test_unexpected_error_shows_a_page_in_the_links_language_and_is_recorded(
    client: Client, environment: Environment
) -> None:
    # given a link whose integration cannot be created (an e-mail address the Integration model refuses)
    issued = connect_link_create(
        environment=environment,
        end_user_email="hr@globex",
        end_user_organization_name="Globex",
        integration_tool="sandbox",
        language="de",
        base_url=BASE,
    )
    link = _path(issued.url)

    # when the end user connects
    response = client.post(f"{link}connect", {"mode": "NONE"})

    # then they see a page in German that offers a way on, not Django's bare "Server Error (500)"
    page = response.content.decode()
    assert response.status_code == 500
    assert response["Content-Language"] == "de"
    assert '<h1 id="page-title">Bei uns ist etwas schiefgelaufen</h1>' in page
    assert f'id="retry-flow" href="{link}"' in page
    assert "ValidationError" not in page
    assert list(ConnectionFlowFailure.objects.values_list("step", "reason")) == [
        ("CREDENTIALS", "Unexpected error (ValidationError); see the server log.")
    ]


def test_other_addresses_under_a_link_lead_to_its_current_step(client: Client, environment: Environment) -> None:
    link = _new_link(environment, integration_tool="sandbox", language="de")
    # a mistyped or truncated page, a GET of the finish step (back/forward), a POST to the link itself
    for response in (client.get(f"{link}chec"), client.get(f"{link}finish"), client.post(link)):
        assert (response.status_code, response["Location"]) == (302, f"{link}connect")
    assert not ConnectLink.objects.filter(completed_at__isnull=False).exists()

    # once used, every address under the link says so, in the link's language
    assert client.post(f"{link}connect", {"mode": "NONE"})["Location"] == f"{link}checks"
    client.post(f"{link}source", {"action": "create"})
    assert client.post(f"{link}finish").status_code == 200
    for response in (client.get(f"{link}finish"), client.get(f"{link}anything/else")):
        assert response.status_code == 410
        assert "Dieser Link wurde bereits verwendet" in response.content.decode()

    # /connect/ without a token is the invalid-link page, not Django's "Not Found"
    response = client.get("/connect/")
    assert response.status_code == 404
    assert '<h1 id="page-title">This link is not valid</h1>' in response.content.decode()


def test_a_form_for_a_tool_switched_in_another_window_sends_nothing(
    client: Client, environment: Environment, fake_ats: type
) -> None:
    FakeAts.state.api_keys["good-key"] = {"jobs_read", "candidates_create"}
    link = _new_link(environment, language="de")
    client.post(f"{link}tools", {"tool": "fakeats"})
    page = client.get(f"{link}connect").content.decode()
    assert '<input type="hidden" name="tool" value="fakeats">' in page

    # another window switches to the sandbox; the first window's Fake ATS form is submitted afterwards
    client.post(f"{link}tools", {"tool": "sandbox"})
    response = client.post(f"{link}connect", {"tool": "fakeats", "mode": "API_KEY", "api_key": "good-key"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Das System wurde in einem anderen Fenster geändert. Es wurde nichts gesendet" in page
    assert '<input type="hidden" name="tool" value="sandbox">' in page
    link_row = ConnectLink.objects.get()
    assert (link_row.scope_results, link_row.verified_at) == ([], None)
    assert not Integration.objects.filter(connect_links=link_row).exists()
    assert FakeAts.state.calls == []


def test_unexpected_error_after_the_oauth_sign_in_shows_the_error_page(
    client: Client, environment: Environment, fake_ats: type
) -> None:
    FakeAts.state.api_keys["oauth-access"] = {"jobs_read", "candidates_create"}
    FakeAts.state.codes["code-1"] = "oauth-access"
    issued = connect_link_create(
        environment=environment,
        end_user_email="hr@globex",  # the Integration model refuses it: creating the integration fails
        end_user_organization_name="Globex",
        integration_tool="fakeats",
        language="de",
        base_url=BASE,
    )
    link = _path(issued.url)
    state = parse_qs(urlsplit(client.get(f"{link}oauth")["Location"]).query)["state"][0]

    response = client.get("/connect/oauth/callback", {"state": state, "code": "code-1"})

    assert response.status_code == 500
    page = response.content.decode()
    assert '<h1 id="page-title">Bei uns ist etwas schiefgelaufen</h1>' in page
    assert f'id="retry-flow" href="{link}"' in page
    assert list(ConnectionFlowFailure.objects.values_list("step", "reason")) == [
        ("OAUTH", "Unexpected error (ValidationError); see the server log.")
    ]


def test_a_source_name_is_shown_literally_in_the_markdown_guide(
    client: Client, environment: Environment, fake_ats: type
) -> None:
    environment.source_name = "[Jobs](javascript:alert(1)) *Acme* <b>x</b> C++"
    environment.save(update_fields=["source_name"])
    FakeAts.state.api_keys["good-key"] = {"jobs_read", "candidates_create"}
    link = _new_link(environment, integration_tool="fakeats")
    _connect_with_key(client, link, "good-key")

    page = client.get(f"{link}source").content.decode()

    assert (
        "Add a custom source named <strong>[Jobs](javascript:alert(1)) *Acme* &lt;b&gt;x&lt;/b&gt; C++</strong>" in page
    )
    assert 'href="javascript' not in page


def test_a_free_text_source_is_confirmed_by_name_without_a_setup_step(
    client: Client, environment: Environment, fake_ats: type, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a tool that takes any source name as written (Lever, Teamtailor, Workable)
    from apps.connectors.catalog import SourceStrategy

    monkeypatch.setattr(FakeAts, "source_strategy", SourceStrategy.FREE_TEXT)
    FakeAts.state.api_keys["good-key"] = {"jobs_read", "candidates_create"}
    link = _new_link(environment, integration_tool="fakeats")
    _connect_with_key(client, link, "good-key")

    # the checks lead straight to the finish, and say which source every create carries
    page = client.get(f"{link}checks").content.decode()
    assert f'action="{link}finish"' in page
    assert f'href="{link}source"' not in page
    assert (
        '<p class="help" id="free-text-source">Every candidate Acme Jobs creates in Fake ATS carries the source '
        "“Acme Jobs”. There is nothing to set up for it.</p>"
    ) in page
    done = client.post(f"{link}finish").content.decode()
    assert (
        '<p class="help" id="done-source">Candidates created this way show the source “Acme Jobs” in Fake ATS.</p>'
        in done
    )
    mapping = SourceMapping.objects.get(integration__tool="fakeats")
    assert (mapping.strategy, mapping.source_name) == ("FREE_TEXT", "Acme Jobs")
