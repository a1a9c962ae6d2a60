"""A forum's status (scheduled, rescheduled, postponed, cancelled) replaces
the cancelled tick: forums already cancelled are cancelled by status, then the
tick goes. A session keeps where it was when it moves."""

from django.db import migrations, models


def cancelled_by_status(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    Event.objects.filter(is_cancelled=True).update(status="cancelled")


def cancelled_by_tick(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    Event.objects.filter(status="cancelled").update(is_cancelled=True)


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0007_organisers_language'),
    ]

    operations = [
        migrations.AddField(
            model_name='event',
            name='previous_start',
            field=models.DateTimeField(blank=True, editable=False, help_text='Where a rescheduled forum was.', null=True, verbose_name='previous start'),
        ),
        migrations.AddField(
            model_name='event',
            name='status',
            field=models.CharField(choices=[('scheduled', 'Scheduled'), ('rescheduled', 'Rescheduled'), ('postponed', 'Postponed: new date to be announced'), ('cancelled', 'Cancelled')], default='scheduled', help_text="Moving the start before the forum's day makes it rescheduled by itself. Postponed keeps the dates but withholds the access until a new date is set; cancelled closes media registration. Approved journalists can then be sent the change for their calendars.", max_length=16, verbose_name='status'),
        ),
        migrations.AddField(
            model_name='event',
            name='status_note',
            field=models.TextField(blank=True, help_text='Shown with the status on every page, e.g. why the forum was moved or cancelled.', max_length=1000, verbose_name='note on the status'),
        ),
        migrations.AddField(
            model_name='event',
            name='status_note_be',
            field=models.TextField(blank=True, help_text='Shown with the status on every page, e.g. why the forum was moved or cancelled.', max_length=1000, null=True, verbose_name='note on the status'),
        ),
        migrations.AddField(
            model_name='event',
            name='status_note_en',
            field=models.TextField(blank=True, help_text='Shown with the status on every page, e.g. why the forum was moved or cancelled.', max_length=1000, null=True, verbose_name='note on the status'),
        ),
        migrations.AddField(
            model_name='event',
            name='status_note_ru',
            field=models.TextField(blank=True, help_text='Shown with the status on every page, e.g. why the forum was moved or cancelled.', max_length=1000, null=True, verbose_name='note on the status'),
        ),
        migrations.AddField(
            model_name='session',
            name='previous_start',
            field=models.DateTimeField(blank=True, editable=False, help_text='Where a moved session was.', null=True, verbose_name='previous start'),
        ),
        migrations.RunPython(cancelled_by_status, cancelled_by_tick),
        migrations.RemoveField(
            model_name='event',
            name='is_cancelled',
        ),
    ]
