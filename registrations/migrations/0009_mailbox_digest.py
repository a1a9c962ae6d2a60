"""Addresses are compared and indexed by a keyed digest of their mailbox, not
by a plaintext normalised copy: each row's digest is computed from its
address, and the plaintext column and its index go.

The key was once made here and kept in the table DigestKey; it now lives in
the key store (registrations.mailbox, migration 0022), so the digests are made
with the key store's key and the table stays empty until 0022 drops it."""

from django.db import migrations, models


def fill_digests(apps, schema_editor):
    from registrations.mailbox import email_digest

    for name in ("MediaRegistration", "Signature"):
        model = apps.get_model("registrations", name)
        for row in model.objects.only("pk", "email").iterator(chunk_size=2000):
            model.objects.filter(pk=row.pk).update(email_digest=email_digest(row.email))


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0008_outbox_for_at_most_one_person"),
    ]

    operations = [
        migrations.CreateModel(
            name="DigestKey",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=64)),
            ],
            options={"verbose_name": "address digest key", "verbose_name_plural": "address digest keys"},
        ),
        migrations.AddField(
            model_name="mediaregistration",
            name="email_digest",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="signature",
            name="email_digest",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(fill_digests, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="mediaregistration",
            name="one_media_registration_per_email_and_event",
        ),
        migrations.RemoveConstraint(
            model_name="signature",
            name="one_signature_per_email_and_declaration",
        ),
        migrations.RemoveField(model_name="mediaregistration", name="email_normalised"),
        migrations.RemoveField(model_name="signature", name="email_normalised"),
        migrations.AddConstraint(
            model_name="mediaregistration",
            constraint=models.UniqueConstraint(
                fields=("event", "email_digest"), name="one_media_registration_per_mailbox_and_event"
            ),
        ),
        migrations.AddConstraint(
            model_name="signature",
            constraint=models.UniqueConstraint(
                fields=("declaration", "email_digest"), name="one_signature_per_mailbox_and_declaration"
            ),
        ),
    ]
