from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from apps.integrations.models import Integration, SyncRun


@pytest.fixture
def superuser_client(client: Client, db: None) -> Client:
    client.force_login(User.objects.create_superuser("su", "su@example.com", "pw-for-tests"))
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/integrations/syncrun/?status__exact=%00",
        "/admin/integrations/syncrun/?integration__id__exact=a%00b",
        "/admin/applications/application/?q=%00",
        "/admin/integrations/integration/x%00y/change/",
        "/admin/applications/application/%00/change/",
    ],
)
def test_admin_addresses_with_nul_are_a_bad_request(
    superuser_client: Client, integration: Integration, url: str
) -> None:
    response = superuser_client.get(url)
    assert (response.status_code, response.content) == (400, b"Bad request: NUL characters are not allowed.")


def test_admin_action_on_an_id_with_nul_is_a_bad_request(superuser_client: Client, integration: Integration) -> None:
    response = superuser_client.post(
        "/admin/integrations/integration/", {"action": "sync_now", "_selected_action": [integration.pk, "\x00"]}
    )
    assert response.status_code == 400
    assert SyncRun.objects.count() == 0
    # the same action without the NUL still works
    superuser_client.post(
        "/admin/integrations/integration/", {"action": "sync_now", "_selected_action": [integration.pk]}
    )
    assert SyncRun.objects.count() == 1


def test_the_connection_flow_keeps_its_own_page_for_a_token_with_nul(client: Client, db: None) -> None:
    response = client.get("/connect/%00/")
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()
