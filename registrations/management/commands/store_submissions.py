from django.core.management.base import BaseCommand

from registrations.services import submissions_store


class Command(BaseCommand):
    help = (
        "Store every submission of the public forms still waiting (each as its person's row and "
        "confirmation mail, the mail left queued). The database worker does this within a second "
        "of each submission; send_queued_mail does it too, then sends."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{submissions_store()} submissions stored")
