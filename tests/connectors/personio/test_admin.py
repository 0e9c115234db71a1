"""Staff edit a Personio integration's Channel ID in the admin: checked live against Personio on save."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client

from apps.attribution.models import SourceMapping
from apps.attribution.services import source_mapping_ensure
from apps.connectors.catalog import AuthKind
from apps.connectors.emulation.server import LoopbackServer
from apps.integrations.models import Environment, Integration
from apps.integrations.services import integration_create
from tests.connectors.personio.conftest import PE
from tests.connectors.personio.harness import CREDENTIALS


def test_staff_set_the_channel_id_and_a_wrong_one_is_not_saved(
    client: Client, environment: Environment, pe: PE, personio_server: LoopbackServer
) -> None:
    User.objects.create_superuser("staff", "staff@example.com", "pw-for-tests")
    client.login(username="staff", password="pw-for-tests")
    integration = integration_create(
        environment=environment, tool="personio", end_user_organization_name="Acme Corp",
        auth_kind=AuthKind.OAUTH2_CLIENT_CREDENTIALS, credentials=dict(CREDENTIALS), base_url=personio_server.url,
        setup_status=Integration.SetupStatus.COMPLETED,
    )  # fmt: skip
    mapping = source_mapping_ensure(integration=integration)
    channel = pe.control("POST", "/channels", json={"name": "Acme Jobs"}).json()
    form = {"status": "CONFIGURED", "source_name": "Acme Jobs", "remote_type": "", "remote_subtype": "",
            "remote_label": "Acme Jobs"}  # fmt: skip
    url = f"/admin/attribution/sourcemapping/{mapping.pk}/change/"

    wrong = client.post(url, {**form, "remote_id": "424242"})
    right = client.post(url, {**form, "remote_id": str(channel["id"])})

    assert "personio has no source with the id &#x27;424242&#x27;." in wrong.content.decode()
    assert right.status_code == 302
    mapping = SourceMapping.objects.get(pk=mapping.pk)
    assert (mapping.status, mapping.remote_id) == ("CONFIGURED", str(channel["id"]))
