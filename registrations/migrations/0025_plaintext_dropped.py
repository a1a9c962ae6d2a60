"""Seal what is still plain text (what `manage.py seal_personal_data` has not
sealed yet: on a fresh database, nothing), then drop the plaintext name
column of the old prefix search and its indexes."""

from django.db import migrations


def seal_remaining(apps, schema_editor):
    from registrations.sealing import seal_all

    seal_all(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0024_sealed_personal_data"),
    ]

    operations = [
        migrations.RunPython(seal_remaining, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="mediaregistration", name="media_reg_name_search"),
        migrations.RemoveIndex(model_name="signature", name="signature_name_search"),
        migrations.RemoveField(model_name="mediaregistration", name="name_search"),
        migrations.RemoveField(model_name="signature", name="name_search"),
    ]
