from django.conf import settings
from django.core.management.base import BaseCommand

from plumbing.mirror import mirror_export_schedule


class Command(BaseCommand):
    help = (
        "Have the task worker export the static mirror (MIRROR_EXPORT_DIR) with the current settings, "
        "at most once every MIRROR_EXPORT_SECONDS. The worker's unit runs this as it starts, so a changed "
        "ONION_URL or MIRROR_URLS reaches the mirror without waiting for a content change."
    )

    def handle(self, *args, **options):
        if not settings.MIRROR_EXPORT_DIR:
            self.stdout.write("MIRROR_EXPORT_DIR is empty: no mirror to export.")
            return
        mirror_export_schedule()  # outside a transaction: queued now
        self.stdout.write(f"Mirror export queued for the task worker: {settings.MIRROR_EXPORT_DIR}")
