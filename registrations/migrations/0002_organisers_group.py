"""The Organisers group: exactly what reviewing media registrations needs.
View and change registrations (the decision actions), view and resend mail;
no content editing, no user administration."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Organisers"
PERMISSIONS = [
    ("registrations", "view_mediaregistration"),
    ("registrations", "change_mediaregistration"),
    ("registrations", "view_outgoingmail"),
    ("registrations", "change_outgoingmail"),
]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.set(
        [Permission.objects.get(content_type__app_label=app, codename=codename) for app, codename in PERMISSIONS]
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
