"""The mailbox digest key leaves the database for the key store (the site key
"mailbox", plumbing.keys): the key the database held is copied there as it is,
so every stored digest still matches, then its table goes, so no dump of the
database holds it from now on. A fresh database has no such key: the key
store's is made on first use."""

from django.conf import settings
from django.db import migrations

from plumbing import keys


def key_to_key_store(apps, schema_editor):
    DigestKey = apps.get_model("registrations", "DigestKey")
    row = DigestKey.objects.order_by("pk").first()
    if row is None:
        return
    key = bytes.fromhex(row.key)
    stored = keys.put(keys.MAILBOX_KEY, key)
    if stored != key and not settings.EMAIL_DIGEST_KEY:
        # The digests in this database were made with the database's key.
        raise RuntimeError(
            "The key store already holds another 'mailbox' key than the database's address digest key. "
            "If nothing has used it yet, remove it from the key store and migrate again; otherwise run "
            "manage.py email_digests_recompute after this migration (README, Keys and backups)."
        )
    DigestKey.objects.all().delete()


def key_from_key_store(apps, schema_editor):
    key = keys.get(keys.MAILBOX_KEY)
    if key is not None:
        apps.get_model("registrations", "DigestKey").objects.create(pk=1, key=key.hex())


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0021_message_held"),
    ]

    operations = [
        migrations.RunPython(key_to_key_store, key_from_key_store),
        migrations.DeleteModel(name="DigestKey"),
    ]
