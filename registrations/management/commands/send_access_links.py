from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from events.models import Event
from registrations import services


class Command(BaseCommand):
    help = (
        "Send every approved journalist of a forum not yet ended, who holds an older invitation, the updated "
        "one: since personal access links, it carries their own link instead of the meeting's address. "
        "Run it once after upgrading, then change the meeting's passcode."
    )

    def add_arguments(self, parser):
        parser.add_argument("--by", required=True, help="The staff username the audit log names as sender.")

    def handle(self, *args, by, **options):
        user = get_user_model().objects.filter(username=by, is_staff=True).first()
        if user is None:
            raise CommandError(f"no staff account named {by!r}")
        total = 0
        for event in Event.objects.filter(end__gt=timezone.now(), media_accreditation__isnull=False):
            total += services.invitation_update_send(event=event, by=user)
        self.stdout.write(f"{total} updated invitations queued")
