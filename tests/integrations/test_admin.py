from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from apps.integrations.models import ApiKey, Environment, Integration
from apps.integrations.selectors import api_key_for_token


@pytest.fixture
def admin_client_logged_in(client: Client, db: None) -> Client:
    User.objects.create_superuser("staff", "staff@example.com", "pw-for-tests")
    client.login(username="staff", password="pw-for-tests")
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/integrations/environment/",
        "/admin/integrations/environment/add/",
        "/admin/integrations/apikey/",
        "/admin/integrations/apikey/add/",
        "/admin/integrations/integration/",
    ],
)
def test_admin_pages_open(admin_client_logged_in: Client, integration: Integration, url: str) -> None:
    assert admin_client_logged_in.get(url).status_code == 200


def test_add_api_key_shows_the_key_once(admin_client_logged_in: Client, environment: Environment) -> None:
    response = admin_client_logged_in.post(
        "/admin/integrations/apikey/add/", {"environment": environment.pk, "name": "backend"}, follow=True
    )

    shown = re.findall(r"<code>(trib_[1-9A-HJ-NP-Za-km-z]{40})</code>", response.content.decode())
    assert len(shown) == 1
    api_key = api_key_for_token(shown[0])
    assert api_key is not None
    assert api_key.name == "backend"
    assert ApiKey.objects.filter(environment=environment).count() == 1
    change_page = admin_client_logged_in.get(f"/admin/integrations/apikey/{api_key.pk}/change/").content.decode()
    assert shown[0] not in change_page


def test_integration_page_masks_credentials(admin_client_logged_in: Client, environment: Environment) -> None:
    from tests.factories.integrations import IntegrationFactory

    integration = IntegrationFactory(environment=environment, credentials={"api_key": "super-secret-token"})

    page = admin_client_logged_in.get(f"/admin/integrations/integration/{integration.pk}/change/").content.decode()

    assert "super-secret-token" not in page
    assert "api_key: ••••••••" in page


@pytest.fixture
def viewer_client(db: None) -> Client:
    """A staff user who may look at everything but change nothing."""
    from django.contrib.auth.models import Permission

    viewer = User.objects.create_user("viewer", "viewer@example.com", "pw-for-tests", is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    client = Client()
    client.force_login(viewer)
    return client


def test_view_only_staff_can_neither_revoke_keys_nor_queue_syncs(
    viewer_client: Client, api_key: ApiKey, integration: Integration
) -> None:
    from apps.integrations.models import SyncRun

    page = viewer_client.get("/admin/integrations/apikey/").content.decode()
    assert "revoke_keys" not in page
    assert "sync_now" not in viewer_client.get("/admin/integrations/integration/").content.decode()

    viewer_client.post("/admin/integrations/apikey/", {"action": "revoke_keys", "_selected_action": [api_key.pk]})
    viewer_client.post("/admin/integrations/integration/", {"action": "sync_now", "_selected_action": [integration.pk]})
    viewer_client.post(
        "/admin/integrations/integration/", {"action": "full_sync_now", "_selected_action": [integration.pk]}
    )

    api_key.refresh_from_db()
    assert api_key.revoked_at is None
    assert SyncRun.objects.count() == 0


def test_staff_with_change_permission_revokes_keys(
    admin_client_logged_in: Client, api_key: ApiKey, integration: Integration
) -> None:
    page = admin_client_logged_in.get("/admin/integrations/apikey/").content.decode()
    assert 'value="revoke_keys"' in page
    admin_client_logged_in.post(
        "/admin/integrations/apikey/", {"action": "revoke_keys", "_selected_action": [api_key.pk]}
    )
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None


def test_a_revoked_key_cannot_be_revived_on_its_change_page(admin_client_logged_in: Client, api_key: ApiKey) -> None:
    from apps.integrations.services import api_key_revoke

    api_key_revoke(api_key=api_key)
    revoked_at = api_key.revoked_at

    response = admin_client_logged_in.post(
        f"/admin/integrations/apikey/{api_key.pk}/change/",
        {"name": "renamed", "revoked_at_0": "", "revoked_at_1": ""},
    )

    assert response.status_code == 302
    api_key.refresh_from_db()
    assert (api_key.name, api_key.revoked_at) == ("renamed", revoked_at)
    assert api_key_for_token(api_key.raw_key) is None  # type: ignore[attr-defined]


def test_deleting_an_environment_takes_its_synced_data_along_with_a_summary(
    admin_client_logged_in: Client, environment: Environment, integration: Integration, api_key: ApiKey
) -> None:
    from apps.applications.models import Application, Candidate
    from apps.integrations.connect_services import connect_link_create
    from apps.integrations.models import ConnectLink
    from tests.factories.applications import ApplicationFactory

    for _ in range(3):
        ApplicationFactory(integration=integration)
    link = connect_link_create(
        environment=environment,
        end_user_email="hr@globex.example.com",
        end_user_organization_name="G",
        base_url="http://t",
    ).link
    link.integration = integration  # reached from the environment and from the integration: counted once
    link.save()
    url = f"/admin/integrations/environment/{environment.pk}/delete/"

    page = admin_client_logged_in.get(url).content.decode()

    # a count per model, not one line per row, and no refusal for the read-only synced data
    for line in ("Integrations: 1", "API keys: 1", "Connect links: 1", "Jobs: 3", "Candidates: 3", "Applications: 3"):
        assert f"<li>{line}</li>" in page
    assert '<ul id="deleted-objects">\t<li>Acme Jobs</li></ul>' in page
    assert "permission to delete" not in page
    response = admin_client_logged_in.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Environment.objects.filter(pk=environment.pk).exists()
    assert (Application.objects.count(), Candidate.objects.count(), ConnectLink.objects.count()) == (0, 0, 0)
