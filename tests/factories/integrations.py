from __future__ import annotations

import factory

from apps.connectors.catalog import AuthKind
from apps.integrations.models import ApiKey, Environment, Integration
from apps.integrations.services import api_key_create, integration_create


class EnvironmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Environment
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"customer-{n}")
    display_name = factory.Faker("company")


class ApiKeyFactory(factory.django.DjangoModelFactory):
    """Creates through the service; the plaintext is left on the instance as `raw_key` for tests."""

    class Meta:
        model = ApiKey

    environment = factory.SubFactory(EnvironmentFactory)
    name = "test key"

    @classmethod
    def _create(cls, model_class: type[ApiKey], *args: object, **kwargs: object) -> ApiKey:
        api_key, raw_key = api_key_create(environment=kwargs["environment"], name=kwargs["name"])  # type: ignore[arg-type]
        api_key.raw_key = raw_key  # type: ignore[attr-defined]
        return api_key


class IntegrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Integration

    environment = factory.SubFactory(EnvironmentFactory)
    tool = "sandbox"
    end_user_organization_name = factory.Faker("company")
    end_user_email = factory.Faker("company_email")
    end_user_origin_id = factory.Sequence(lambda n: f"origin-{n}")
    auth_kind = AuthKind.NONE
    credentials: dict[str, str] = {}
    base_url = ""
    setup_status = Integration.SetupStatus.COMPLETED

    @classmethod
    def _create(cls, model_class: type[Integration], *args: object, **kwargs: object) -> Integration:
        return integration_create(**kwargs)  # type: ignore[arg-type]
