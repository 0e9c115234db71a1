from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("integrations", "0007_environment_issues")]

    operations = [
        migrations.AddField(
            model_name="integration",
            name="sync_tokens",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
    ]
