"""The staff's second factors leave the database readable by nobody: recovery
codes (django-otp static tokens, in plaintext until now) become keyed digests
of their own model and the plaintext rows go; TOTP secrets are sealed under
the key store's staff key in the column that held them in hex
(plumbing.staff_secrets). Going back opens the TOTP secrets again; recovery
codes cannot come back (issue new ones)."""

import binascii

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from plumbing import keys


def _normalise(code):
    return "".join(code.split()).replace("-", "").lower()


def secrets_sealed(apps, schema_editor):
    from plumbing.staff_secrets import recovery_code_digest, totp_secret_seal

    StaticDevice = apps.get_model("otp_static", "StaticDevice")
    RecoveryCodeDevice = apps.get_model("plumbing", "RecoveryCodeDevice")
    RecoveryCode = apps.get_model("plumbing", "RecoveryCode")
    for static in StaticDevice.objects.order_by("pk"):
        device = RecoveryCodeDevice.objects.create(user_id=static.user_id, name=static.name, confirmed=static.confirmed)
        tokens = static.token_set.values_list("token", flat=True)
        RecoveryCode.objects.bulk_create(
            RecoveryCode(device=device, digest=recovery_code_digest(device.pk, _normalise(token))) for token in tokens
        )
        static.token_set.all().delete()
        static.delete()
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    for device in TOTPDevice.objects.order_by("pk"):
        if not keys.is_sealed(device.key):
            sealed = totp_secret_seal(binascii.unhexlify(device.key.encode()), device.user_id)
            TOTPDevice.objects.filter(pk=device.pk).update(key=sealed)


def secrets_opened(apps, schema_editor):
    from plumbing.staff_secrets import totp_secret_open

    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    for device in TOTPDevice.objects.order_by("pk"):
        if keys.is_sealed(device.key):
            secret = totp_secret_open(device.key, device.user_id)
            if secret is None:
                raise RuntimeError(f"TOTP device {device.pk}: the staff key is missing; its secret cannot be opened")
            TOTPDevice.objects.filter(pk=device.pk).update(key=secret.hex())


class Migration(migrations.Migration):

    dependencies = [
        ('plumbing', '0002_mirror_boundaries'),
        ('otp_static', '0003_add_timestamps'),
        ('otp_totp', '0003_add_timestamps'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='RecoveryCodeDevice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='The human-readable name of this device.', max_length=64)),
                ('confirmed', models.BooleanField(default=True, help_text='Is this device ready for use?')),
                ('created_at', models.DateTimeField(auto_now_add=True, help_text='The date and time when this device was initially created in the system.', null=True)),
                ('last_used_at', models.DateTimeField(blank=True, help_text='The most recent date and time this device was used.', null=True)),
                ('user', models.ForeignKey(help_text='The user that this device belongs to.', on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'recovery codes',
                'verbose_name_plural': 'recovery codes',
            },
        ),
        migrations.CreateModel(
            name='RecoveryCode',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('digest', models.CharField(max_length=64, verbose_name='digest')),
                ('device', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='codes', to='plumbing.recoverycodedevice')),
            ],
            options={
                'verbose_name': 'recovery code',
                'verbose_name_plural': 'recovery codes',
            },
        ),
        migrations.RunPython(secrets_sealed, secrets_opened),
    ]
