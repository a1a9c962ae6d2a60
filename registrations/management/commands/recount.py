from django.core.management.base import BaseCommand

from registrations.counts import recount


class Command(BaseCommand):
    help = (
        "Compare the stored counts (each Declaration's signatures, media registrations per status) with the rows "
        "and report any drift; with --fix, store what the rows say. Exits with status 1 on drift without --fix."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Store the counts the rows give.")

    def handle(self, *args, fix=False, **options):
        drift = recount(fix=fix)
        for what, stored, counted in drift:
            self.stdout.write(f"{what}: stored {stored}, rows say {counted}{' (fixed)' if fix else ''}")
        self.stdout.write(f"{len(drift)} stored counts drifted" if drift else "no drift: every stored count is exact")
        if drift and not fix:
            raise SystemExit(1)
