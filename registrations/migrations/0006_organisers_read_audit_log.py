"""Organisers can read the audit log (nobody can change it)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    app_config = apps.get_app_config("registrations")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Organisers")
    group.permissions.add(Permission.objects.get(content_type__app_label="registrations", codename="view_auditentry"))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name="Organisers"):
        group.permissions.remove(*Permission.objects.filter(codename="view_auditentry"))


class Migration(migrations.Migration):
    dependencies = [("registrations", "0005_audit_and_erased_counts")]

    operations = [migrations.RunPython(grant, revoke)]
