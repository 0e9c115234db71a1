"""Issues of the environment: IntegrationIssue gets an environment (filled from its integration), an optional
integration and a subject (e.g. the disabled webhook endpoint)."""

import django.db.models.deletion
from django.db import migrations, models


def fill_environment(apps, schema_editor):
    IntegrationIssue = apps.get_model("integrations", "IntegrationIssue")
    for issue in IntegrationIssue.objects.select_related("integration").iterator():
        issue.environment_id = issue.integration.environment_id
        issue.save(update_fields=["environment"])


class Migration(migrations.Migration):
    dependencies = [("integrations", "0006_integration_fields_custom_fields_and_issues")]

    operations = [
        migrations.AddField(
            model_name="integrationissue",
            name="environment",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="issues",
                to="integrations.environment",
            ),
        ),
        migrations.RunPython(fill_environment, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="integrationissue",
            name="environment",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="issues", to="integrations.environment"
            ),
        ),
        migrations.AddField(
            model_name="integrationissue",
            name="subject",
            field=models.CharField(blank=True, help_text="What an environment issue is about (an id).", max_length=40),
        ),
        migrations.AlterField(
            model_name="integrationissue",
            name="integration",
            field=models.ForeignKey(
                blank=True, help_text="Null: an issue of the environment (e.g. a disabled webhook endpoint).",
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="issues",
                to="integrations.integration",
            ),
        ),
        migrations.AlterField(
            model_name="integrationissue",
            name="type",
            field=models.CharField(
                choices=[
                    ("integration.authentication_failed", "Credentials rejected"),
                    ("integration.permission_missing", "Permission missing"),
                    ("integration.source_missing", "Configured source gone or of the wrong type"),
                    ("integration.ats_unreachable", "ATS unreachable"),
                    ("integration.ats_rate_limited", "ATS rate-limiting"),
                    ("integration.syncs_failing", "Syncs failing repeatedly"),
                    ("environment.webhook_endpoint_disabled", "Webhook endpoint disabled"),
                ],
                max_length=60,
            ),
        ),
        migrations.AddConstraint(
            model_name="integrationissue",
            constraint=models.UniqueConstraint(
                condition=models.Q(("integration__isnull", True)), fields=("environment", "type", "subject"),
                name="one_environment_issue_per_type_and_subject",
            ),
        ),
    ]
