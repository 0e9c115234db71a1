"""No plaintext credential or API key reaches the database: read the raw columns."""

from __future__ import annotations

from django.db import connection

from apps.connectors.catalog import AuthKind
from apps.integrations.models import Environment
from apps.integrations.selectors import integration_credentials
from apps.integrations.services import integration_set_credentials
from tests.factories.integrations import ApiKeyFactory, IntegrationFactory

SECRET_TOKEN = "DCRA1-4f0c9d2b7e3a41c8b5d6e7f8a9b0c1d2"
CLIENT_SECRET = "cs_live_9a8b7c6d5e4f3a2b1c0d"


def _all_text_in_table(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names are ours
        return repr(cursor.fetchall())


def test_credentials_are_stored_encrypted(environment: Environment) -> None:
    integration = IntegrationFactory(
        environment=environment,
        auth_kind=AuthKind.API_KEY,
        credentials={"api_key": SECRET_TOKEN, "client_secret": CLIENT_SECRET},
    )

    raw = _all_text_in_table("integrations_integration")

    assert SECRET_TOKEN not in raw
    assert CLIENT_SECRET not in raw
    assert integration_credentials(integration) == {"api_key": SECRET_TOKEN, "client_secret": CLIENT_SECRET}


def test_replaced_credentials_are_encrypted_with_the_current_key(environment: Environment) -> None:
    integration = IntegrationFactory(environment=environment)

    integration_set_credentials(integration=integration, credentials={"api_key": SECRET_TOKEN})
    integration.refresh_from_db()

    assert SECRET_TOKEN not in _all_text_in_table("integrations_integration")
    assert integration.credentials_key_id == integration.credentials["api_key"].split(".")[0]


def test_api_keys_are_stored_as_hashes(environment: Environment) -> None:
    api_key = ApiKeyFactory(environment=environment)

    raw = _all_text_in_table("integrations_apikey")

    assert api_key.raw_key not in raw
    assert api_key.raw_key[12:] not in raw  # not even the part after the visible prefix
    assert api_key.prefix == api_key.raw_key[:12]
