from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from plumbing.staff_login import recovery_codes_issue


class Command(BaseCommand):
    help = (
        "Issue new recovery codes for a staff user, replacing any earlier ones. Each code logs in once instead "
        "of the authenticator app's code. They are printed once: hand them to the user, keep no copy."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--count", type=int, default=10, help="how many codes (default 10)")

    def handle(self, *args, username, count, **options):
        if not 1 <= count <= 100:
            raise CommandError("--count must be between 1 and 100")
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        if not user.is_staff:
            raise CommandError(f"{username!r} is not staff: the second factor is for the admin")
        codes = recovery_codes_issue(user=user, count=count)
        self.stdout.write(f"Recovery codes for {username}, each good for one login (earlier codes no longer work):")
        for code in codes:
            self.stdout.write(code)
