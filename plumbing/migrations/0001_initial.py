"""ContentVersion and MirrorExport moved here from `events`, keeping their
tables (`events_contentversion`, `events_mirrorexport`): this migration
changes Django's idea of where they live, not the database."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    # The tables are created by events' migrations 0003 and 0005.
    dependencies = [
        ("events", "0005_mirror"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ContentVersion",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("value", models.PositiveBigIntegerField(default=0, verbose_name="version")),
                    ],
                    options={
                        "verbose_name": "content version",
                        "verbose_name_plural": "content versions",
                        "db_table": "events_contentversion",
                    },
                ),
                migrations.CreateModel(
                    name="MirrorExport",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("queued_at", models.DateTimeField(blank=True, null=True, verbose_name="queued at")),
                        ("started_at", models.DateTimeField(blank=True, null=True, verbose_name="last started at")),
                    ],
                    options={
                        "verbose_name": "mirror export",
                        "verbose_name_plural": "mirror exports",
                        "db_table": "events_mirrorexport",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
