"""Editors enter a forum's public channels and its sessions' recordings, and
read its history of changes (written by the site, never typed)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = [
    *[
        ("events", f"{action}_{model}")
        for model in ("channel", "recording")
        for action in ("view", "add", "change", "delete")
    ],
    ("events", "view_changeentry"),
]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors = Group.objects.filter(name="Editors").first()
    if editors is not None:
        editors.permissions.add(
            *[Permission.objects.get(content_type__app_label=app, codename=codename) for app, codename in EDITORS]
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors = Group.objects.filter(name="Editors").first()
    if editors is not None:
        codenames = [codename for _app, codename in EDITORS]
        editors.permissions.remove(*Permission.objects.filter(content_type__app_label="events", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0009_channels_recordings_history"),
        ("registrations", "0016_message_without_session"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
