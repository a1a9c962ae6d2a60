"""Recompute the stored mailbox digests of registrations and signatures, after
a change of how addresses are folded (registrations.mailbox.SUBADDRESSING).
In batches, each its own transaction, so it can be stopped and run again: a
rerun reads every row and changes none that is already right."""

from django.core.management.base import BaseCommand
from django.db import transaction

from plumbing.sealed import is_erased
from registrations.mailbox import email_digest
from registrations.models import MediaRegistration, Signature


class Command(BaseCommand):
    help = (
        "Recompute the mailbox digests of media registrations and signatures from their addresses, "
        "in batches; resumable (--after ID), and a rerun changes nothing. The daily mail allowances "
        "keep their digests: they hold no address, and end within a day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=2000, help="Rows per transaction (default 2000).")
        parser.add_argument("--after", type=int, default=0, help="Start after this row id (from a stopped run).")

    def handle(self, *args, batch, after, **options):
        for model in (MediaRegistration, Signature):
            read = changed = 0
            last = after
            while True:
                with transaction.atomic():
                    rows = list(
                        model.objects.filter(pk__gt=last)
                        .order_by("pk")
                        .only("pk", "email", "email_digest", "seal_id", model.parent_field)[:batch]
                    )
                    if not rows:
                        break
                    stale = []
                    for row in rows:
                        if is_erased(row.email):
                            continue  # its forum's key is gone: the purge erases the row
                        digest = email_digest(row.email)
                        if digest != row.email_digest:
                            row.email_digest = digest
                            stale.append(row)
                    model.objects.bulk_update(stale, ["email_digest"])
                read, changed, last = read + len(rows), changed + len(stale), rows[-1].pk
                self.stdout.write(f"{model._meta.model_name}: {read} read, {changed} changed, up to id {last}")
            self.stdout.write(f"{model._meta.model_name}: done, {read} read, {changed} changed")
