import io

import segno
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = (
        "Enrol a TOTP second factor for a staff user (required for the admin). Prints a QR code to scan with an "
        "authenticator app, and the otpauth:// address it holds; run it on the server, never paste its output "
        "anywhere."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--replace", action="store_true", help="remove the user's existing TOTP devices first")

    def handle(self, *args, username, replace, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        if not user.is_staff:
            raise CommandError(f"{username!r} is not staff: the second factor is for the admin")
        devices = TOTPDevice.objects.filter(user=user)
        if devices.exists() and not replace:
            raise CommandError(f"{username!r} already has a TOTP device; use --replace to enrol a new one")
        devices.delete()
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        # Unicode half blocks, light on dark (as terminals usually are); no colour codes.
        qr = io.StringIO()
        segno.make(device.config_url).terminal(out=qr, compact=True)
        self.stdout.write("Scan this QR code with an authenticator app:")
        self.stdout.write(qr.getvalue(), ending="")
        self.stdout.write("or add this address to it:")
        self.stdout.write(device.config_url)
