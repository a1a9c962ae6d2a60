"""Organisers also moderate signatures: view them and hide abuse."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = [("registrations", "view_signature"), ("registrations", "change_signature")]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("registrations")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Organisers")
    group.permissions.add(*[Permission.objects.get(content_type__app_label=a, codename=c) for a, c in PERMISSIONS])


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Organisers"):
        group.permissions.remove(*Permission.objects.filter(codename__in=[c for _a, c in PERMISSIONS]))


class Migration(migrations.Migration):
    dependencies = [("registrations", "0003_declaration")]

    operations = [migrations.RunPython(grant, revoke)]
