"""The organisers' workspace.

Roles: the "Organisers" group becomes "Reviewers" (its members stay), and an
"Editors" group is created. Each has exactly what its work needs; neither can
manage accounts or groups (only superusers can)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

# Registrations, signatures, mail (and the messages sent), the audit log.
REVIEWERS = [
    ("registrations", "view_mediaregistration"),
    ("registrations", "change_mediaregistration"),
    ("registrations", "view_signature"),
    ("registrations", "change_signature"),
    ("registrations", "view_outgoingmail"),
    ("registrations", "change_outgoingmail"),
    ("registrations", "view_auditentry"),
    ("registrations", "view_message"),
]
# Forums, sessions, speakers, organisations, Declarations, accreditation settings.
# Removing a forum, a Declaration or an accreditation stays with superusers.
EDITORS = [
    *[("events", f"{action}_event") for action in ("view", "add", "change")],
    *[
        ("events", f"{action}_{model}")
        for model in ("session", "speaker", "organisation", "eventorganisation")
        for action in ("view", "add", "change", "delete")
    ],
    *[
        ("registrations", f"{action}_{model}")
        for model in ("declaration", "mediaaccreditation")
        for action in ("view", "add", "change")
    ],
]


def _permissions(apps, pairs):
    Permission = apps.get_model("auth", "Permission")
    return [Permission.objects.get(content_type__app_label=app, codename=codename) for app, codename in pairs]


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    reviewers = Group.objects.filter(name="Organisers").first()
    if reviewers is None:
        reviewers, _ = Group.objects.get_or_create(name="Reviewers")
    else:
        reviewers.name = "Reviewers"
        reviewers.save(update_fields=["name"])
    reviewers.permissions.set(_permissions(apps, REVIEWERS))
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.set(_permissions(apps, EDITORS))


def carry_over_decisions(apps, schema_editor):
    """Decisions taken before the history existed: one entry each."""
    MediaRegistration = apps.get_model("registrations", "MediaRegistration")
    ReviewEntry = apps.get_model("registrations", "ReviewEntry")
    decided = MediaRegistration.objects.filter(decided_at__isnull=False).select_related("decided_by")
    ReviewEntry.objects.bulk_create(
        ReviewEntry(
            registration=registration,
            at=registration.decided_at,
            by=registration.decided_by,
            username=registration.decided_by.username if registration.decided_by else "",
            decision=registration.status,
            text=registration.decision_reason,
        )
        for registration in decided.iterator()
    )


def carry_over_invitations(apps, schema_editor):
    """Approved journalists hold the invitation of their forum as it is now."""
    MediaRegistration = apps.get_model("registrations", "MediaRegistration")
    for event_id, sequence in (
        MediaRegistration.objects.filter(status="approved").values_list("event_id", "event__sequence").distinct()
    ):
        MediaRegistration.objects.filter(event_id=event_id, status="approved").update(invitation_sequence=sequence)


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name="Editors").delete()
    Group.objects.filter(name="Reviewers").update(name="Organisers")


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0004_workspace"),
        ("registrations", "0011_stored_counts"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="mediaaccreditation",
            name="access_revision",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="access revision"),
        ),
        migrations.AddField(
            model_name="mediaaccreditation",
            name="capacity",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="How many journalists can be approved. Empty: no limit.",
                null=True,
                verbose_name="places",
            ),
        ),
        migrations.AddField(
            model_name="mediaregistration",
            name="invitation_sequence",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="invitation revision sent"),
        ),
        migrations.AddField(
            model_name="outgoingmail",
            name="event",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="events.event",
                verbose_name="event",
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="action",
            field=models.CharField(
                choices=[
                    ("view", "viewed"),
                    ("list", "listed"),
                    ("search", "searched"),
                    ("export", "exported"),
                    ("message", "wrote to"),
                ],
                max_length=16,
                verbose_name="action",
            ),
        ),
        migrations.AlterField(
            model_name="outgoingmail",
            name="kind",
            field=models.CharField(
                choices=[
                    ("confirm", "Please confirm"),
                    ("reminder", "Reminder of an existing registration"),
                    ("confirmed", "Confirmed"),
                    ("approved", "Approved, with access"),
                    ("rejected", "Not approved"),
                    ("waitlisted", "Waiting list"),
                    ("sign_confirm", "Please confirm your signature"),
                    ("sign_reminder", "Reminder of an existing signature"),
                    ("signed", "Signature confirmed"),
                    ("message", "Message from the organisers"),
                    ("update", "Updated invitation"),
                    ("cancel", "Cancellation"),
                    ("place_freed", "A place is free (to the forum's contact address)"),
                ],
                max_length=16,
                verbose_name="kind",
            ),
        ),
        migrations.CreateModel(
            name="Message",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("subject", models.CharField(max_length=200, verbose_name="subject")),
                ("subject_en", models.CharField(max_length=200, null=True, verbose_name="subject")),
                ("subject_ru", models.CharField(max_length=200, null=True, verbose_name="subject")),
                ("subject_be", models.CharField(max_length=200, null=True, verbose_name="subject")),
                ("body", models.TextField(max_length=10000, verbose_name="text")),
                ("body_en", models.TextField(max_length=10000, null=True, verbose_name="text")),
                ("body_ru", models.TextField(max_length=10000, null=True, verbose_name="text")),
                ("body_be", models.TextField(max_length=10000, null=True, verbose_name="text")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="sent")),
                ("username", models.CharField(blank=True, max_length=150, verbose_name="who")),
                ("recipients", models.PositiveIntegerField(default=0, verbose_name="recipients")),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="account",
                    ),
                ),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="events.event",
                        verbose_name="event",
                    ),
                ),
                (
                    "session",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="events.session",
                        verbose_name="session",
                    ),
                ),
            ],
            options={
                "verbose_name": "message",
                "verbose_name_plural": "messages",
                "ordering": ["-created_at", "-pk"],
            },
        ),
        migrations.AddField(
            model_name="outgoingmail",
            name="message",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="mails",
                to="registrations.message",
                verbose_name="message",
            ),
        ),
        migrations.CreateModel(
            name="ReviewEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="when")),
                ("username", models.CharField(blank=True, max_length=150, verbose_name="who")),
                (
                    "decision",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("unconfirmed", "Waiting for e-mail confirmation"),
                            ("pending", "Confirmed, waiting for review"),
                            ("approved", "Approved"),
                            ("rejected", "Not approved"),
                            ("waitlisted", "On the waiting list"),
                        ],
                        max_length=16,
                        verbose_name="decision",
                    ),
                ),
                ("text", models.TextField(blank=True, max_length=2000, verbose_name="reason or note")),
                (
                    "by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="account",
                    ),
                ),
                (
                    "registration",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="review_entries",
                        to="registrations.mediaregistration",
                        verbose_name="registration",
                    ),
                ),
            ],
            options={
                "verbose_name": "review entry",
                "verbose_name_plural": "history",
                "ordering": ["at", "pk"],
            },
        ),
        migrations.RunPython(carry_over_decisions, migrations.RunPython.noop),
        migrations.RunPython(carry_over_invitations, migrations.RunPython.noop),
        migrations.RunPython(create_roles, remove_roles),
    ]
