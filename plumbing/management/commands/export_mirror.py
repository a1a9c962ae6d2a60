import time

from django.core.management.base import BaseCommand, CommandError

from plumbing.mirror import MirrorExportError, mirror_export
from plumbing.mirror_lock import export_lock


class Command(BaseCommand):
    help = (
        "Write a static copy of every public page in every language into DIR (a symbolic link, "
        "swapped to the new copy once it is complete)."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR")

    def handle(self, *args, directory, **options):
        started = time.monotonic()
        try:
            # After any export running now on any host (PostgreSQL), never beside it.
            with export_lock(wait=True):
                count, size = mirror_export(directory=directory)
        except MirrorExportError as error:
            raise CommandError(str(error)) from None
        seconds = time.monotonic() - started
        self.stdout.write(f"{count} files, {size // 1024} KB in {seconds:.1f} s: {directory}")
