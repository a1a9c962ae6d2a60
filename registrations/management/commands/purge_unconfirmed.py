from django.core.management.base import BaseCommand

from registrations.services import registrations_purge_unconfirmed


class Command(BaseCommand):
    help = "Erase registrations whose confirmation link has expired unconfirmed. Safe to run daily from cron."

    def handle(self, *args, **options):
        count = registrations_purge_unconfirmed()
        self.stdout.write(f"{count} unconfirmed registrations erased")
