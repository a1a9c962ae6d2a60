"""Seal the personal values stored before they were sealed (registrations.sealing):
for a large site, in batches before the migration that drops the plaintext
columns, which otherwise does it in one go. Each batch is its own
transaction, so it can be stopped and run again; a rerun changes nothing."""

from django.apps import apps
from django.core.management.base import BaseCommand

from registrations.sealing import SEALED_MODELS, seal_rows


class Command(BaseCommand):
    help = (
        "Encrypt the personal values still stored in plain text under their forum's key, in batches, "
        "with progress printed; resumable (--model, --after), and a rerun changes nothing. Run it "
        "after `migrate registrations 0024` and before the rest of `migrate`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=1000, help="Rows per transaction (default 1000).")
        parser.add_argument("--model", choices=[name for name, *_ in SEALED_MODELS], help="Only this model.")
        parser.add_argument("--after", type=int, default=0, help="Start after this row id (from a stopped run).")

    def handle(self, *args, batch, model, after, **options):
        total = 0
        for name, forum_path, word_name in SEALED_MODELS:
            if model and name != model:
                continue
            word_model = apps.get_model("registrations", word_name) if word_name else None

            def progress(last, changed, name=name):
                self.stdout.write(f"{name}: up to id {last}, {changed} rows sealed")

            changed = seal_rows(
                apps.get_model("registrations", name),
                forum_path,
                word_model,
                batch=batch,
                after=after if model else 0,
                progress=progress,
            )
            self.stdout.write(f"{name}: done, {changed} rows sealed")
            total += changed
        self.stdout.write(self.style.SUCCESS(f"{total} rows sealed"))
