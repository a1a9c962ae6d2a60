"""One row per mailbox and thread: the allowance becomes one upsert (issue 23).
Of the rows a mailbox has in a thread, the latest is kept (the one the
24-hour window is counted from); the others are deleted, and so is every row
older than the window (they limit nothing; the daily purge deletes them too).
So code from before this migration, still answering while it runs, finds
the constraint in its way only for a mailbox whose mail turns a day old in
those seconds."""

from datetime import timedelta

from django.db import migrations, models
from django.utils import timezone


def keep_latest(apps, schema_editor):
    table = schema_editor.quote_name(apps.get_model("registrations", "MailboxSend")._meta.db_table)
    schema_editor.execute(
        f"DELETE FROM {table} WHERE EXISTS (SELECT 1 FROM {table} later "  # noqa: S608 (the model's table)
        f"WHERE later.digest = {table}.digest AND later.thread = {table}.thread "
        f"AND (later.sent_at > {table}.sent_at OR (later.sent_at = {table}.sent_at AND later.id > {table}.id)))"
    )
    day_ago = schema_editor.connection.ops.adapt_datetimefield_value(timezone.now() - timedelta(hours=24))
    schema_editor.execute(f"DELETE FROM {table} WHERE sent_at < %s", [day_ago])  # noqa: S608 (the model's table)


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0026_audit_erase"),
    ]

    operations = [
        migrations.RunPython(keep_latest, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="mailboxsend", name="mailbox_send_thread_at"),
        migrations.AddConstraint(
            model_name="mailboxsend",
            constraint=models.UniqueConstraint(fields=("digest", "thread"), name="mailbox_send_one_per_thread"),
        ),
    ]
