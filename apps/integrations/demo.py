"""The demo environment: idempotent seeding for `manage.py demo` and the README's run command."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from apps.integrations.models import Environment, Integration
from apps.integrations.services import api_key_create, environment_create, integration_create

DEMO_ENVIRONMENT_NAME = "demo"
DEMO_DISPLAY_NAME = "Tributary Demo"
DEMO_ADMIN_USERNAME = "admin"
DEMO_ORIGIN_ID = "demo-sandbox"


@dataclass
class DemoSeed:
    environment: Environment
    api_key: str
    admin_username: str
    admin_password: str
    integrations: list[Integration] = field(default_factory=list)


@transaction.atomic
def demo_seed() -> DemoSeed:
    """Create (once) the demo environment, admin user and sandbox integration; a fresh API key every call."""
    environment = Environment.objects.filter(name=DEMO_ENVIRONMENT_NAME).first() or environment_create(
        name=DEMO_ENVIRONMENT_NAME, display_name=DEMO_DISPLAY_NAME
    )
    _, raw_key = api_key_create(environment=environment, name="demo")

    password = secrets.token_urlsafe(12)
    user_model = get_user_model()
    admin_user = user_model.objects.filter(username=DEMO_ADMIN_USERNAME).first()
    if admin_user is None:
        admin_user = user_model.objects.create_superuser(DEMO_ADMIN_USERNAME, "admin@example.com", password)
    else:
        admin_user.set_password(password)
        admin_user.save(update_fields=["password"])

    sandbox = Integration.objects.filter(
        environment=environment, tool="sandbox", end_user_origin_id=DEMO_ORIGIN_ID
    ).first() or integration_create(
        environment=environment,
        tool="sandbox",
        end_user_organization_name="Sandbox Inc.",
        end_user_email="hr@sandbox.example.com",
        end_user_origin_id=DEMO_ORIGIN_ID,
        setup_status=Integration.SetupStatus.COMPLETED,
    )
    _demo_source_mapping(sandbox)
    return DemoSeed(
        environment=environment,
        api_key=raw_key,
        admin_username=DEMO_ADMIN_USERNAME,
        admin_password=password,
        integrations=[sandbox],
    )


def _demo_source_mapping(integration: Integration) -> None:
    """The seeded sandbox gets its source set up, as the connection flow's source step would do it."""
    from apps.attribution.models import SourceMapping
    from apps.attribution.services import source_mapping_create_remote, source_mapping_ensure

    if source_mapping_ensure(integration=integration).status != SourceMapping.Status.CONFIGURED:
        source_mapping_create_remote(integration=integration)
