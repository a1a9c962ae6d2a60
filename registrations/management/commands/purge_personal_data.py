from django.core.management.base import BaseCommand

from registrations.services import personal_data_purge


class Command(BaseCommand):
    help = (
        "Erase the personal data of every event whose retention period (set per event, 90 days after its end "
        "by default) has passed: registrations, signatures, their mail and task results, audit entries about "
        "them; also expired sessions and unconfirmed rows. Only counts are kept. Safe to run daily from cron."
    )

    def handle(self, *args, **options):
        results = personal_data_purge()
        for slug, counts in results.items():
            summary = ", ".join(f"{count} {name}" for name, count in counts.items())
            self.stdout.write(f"{slug}: erased {summary}")
        self.stdout.write(f"{len(results)} events purged")
