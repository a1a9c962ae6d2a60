from django.core.management.base import BaseCommand

from registrations.models import MediaRegistration, Signature
from registrations.services import unconfirmed_purge


class Command(BaseCommand):
    help = (
        "Erase registrations and signatures whose confirmation link expired unconfirmed. Safe to run daily from cron."
    )

    def handle(self, *args, **options):
        counts = unconfirmed_purge()
        self.stdout.write(
            f"{counts[MediaRegistration._meta.label]} unconfirmed registrations and "
            f"{counts[Signature._meta.label]} unconfirmed signatures erased"
        )
