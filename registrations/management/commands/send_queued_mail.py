from django.core.management.base import BaseCommand

from registrations.services import mail_send_due, submissions_store


class Command(BaseCommand):
    help = (
        "Send every queued mail whose time has come, retries included. The database worker "
        "(manage.py db_worker) does this as mail is queued; run this from cron as a safety net, "
        "or where no worker runs."
    )

    def handle(self, *args, **options):
        stored = submissions_store()
        sent = mail_send_due()
        self.stdout.write(f"{stored} submissions stored, {sent} mail sent")
