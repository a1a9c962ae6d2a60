"""ContentVersion and MirrorExport now belong to `plumbing` (its 0001), with
the same tables: removed from this app's state only, nothing is dropped."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0005_mirror"),
        ("plumbing", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ContentVersion"),
                migrations.DeleteModel(name="MirrorExport"),
            ],
            database_operations=[],
        ),
    ]
