"""Scale benchmark: 100,000 registrations and 100,000 signatures.

Prints how long the admin changelists take (median of 5, with filters,
search and the date hierarchy), and the peak memory of a process that
exports 10,000 and 100,000 rows as CSV (streamed). It is not a test.

Usage: .venv/bin/python bench/scale.py [--rows 100000] [--database-url URL]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def setup_django(database_url, static_root):
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "forum_site.settings",
            "DEBUG": "False",
            "SECRET_KEY": "scale-bench-" + "z" * 50,
            "ALLOWED_HOSTS": "testserver",
            "DATABASE_URL": database_url,
            "SECURE_SSL_REDIRECT": "False",
            "SITE_URL": "http://testserver",
            "EMAIL_URL": "smtp://127.0.0.1:9",
            "STATIC_ROOT": static_root,
            "KEY_DIR": str(Path(static_root).parent / "keys"),
            "LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def staff_client():
    from django.contrib.auth.models import User
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = User.objects.filter(username="scale").first() or User.objects.create_superuser("scale", password="x" * 20)
    device = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})[0]
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def fill(rows):
    from datetime import timedelta

    from django.utils import timezone

    from events.models import Event
    from registrations.mailbox import email_digest
    from registrations.models import Declaration, MediaRegistration, Signature

    now = timezone.now()
    small = Event.objects.create(title_en="Ten thousand", slug="ten", start=now, end=now + timedelta(hours=2))
    large = Event.objects.create(title_en="The rest", slug="rest", start=now, end=now + timedelta(hours=2))
    countries = ["BY", "LT", "PL", "DE", "UA", "GE", "LV", "CZ"]
    statuses = ["pending", "approved", "rejected", "waitlisted"]
    roles = ["journalist", "photographer", "camera", "editor", "blogger", "other"]
    registrations = [
        MediaRegistration(
            event=small if i < rows // 10 else large,
            status=statuses[i % 4],
            name=f"Журналіст {i}",
            outlet=f"Outlet {i % 500}",
            role=roles[i % 6],
            country=countries[i % 8],
            email=f"reporter{i}@example.org",
            email_digest=email_digest(f"reporter{i}@example.org"),
            work_url="https://example.org/w",
            languages=["ru"],
            mail_language="be",
            consent_at=now,
            created_at=now - timedelta(minutes=i),
            confirmed_at=now,
        )
        for i in range(rows)
    ]
    MediaRegistration.objects.bulk_create(registrations, batch_size=5000)  # sealed as save() seals
    words_fill(registrations)
    declarations = [Declaration.objects.create(event=e, title_en="D", text_en="T") for e in (small, large)]
    signatures = [
        Signature(
            declaration=declarations[0] if i < rows // 10 else declarations[1],
            status="confirmed",
            name=f"Падпісант {i}",
            country=countries[i % 8],
            email=f"signatory{i}@example.org",
            email_digest=email_digest(f"signatory{i}@example.org"),
            name_accepted_at=now,
            visibility=["full", "initials", "hidden"][i % 3],
            mail_language="ru",
            consent_at=now,
            created_at=now - timedelta(minutes=i),
            confirmed_at=now,
        )
        for i in range(rows)
    ]
    Signature.objects.bulk_create(signatures, batch_size=5000)
    words_fill(signatures)
    return small.pk


def words_fill(people):
    """The word digests of the admin's search, as save() stores them (bulk_create does not)."""
    from registrations.models import name_words, word_digest

    model = type(people[0])
    digests = {}
    rows = []
    for person in people:
        key_name = person.seal_key_name()
        for word in name_words(person.name):
            digest = digests.get((key_name, word))
            if digest is None:
                digest = digests[key_name, word] = word_digest(key_name, word)
            rows.append(model.word_model(person_id=person.pk, digest=digest))
    model.word_model.objects.bulk_create(rows, batch_size=5000)


def time_changelists(client):
    from django.urls import reverse

    registrations = reverse("admin:registrations_mediaregistration_changelist")
    signatures = reverse("admin:registrations_signature_changelist")
    cases = [
        ("registrations", registrations, {}),
        ("registrations, status filter", registrations, {"status__exact": "approved"}),
        ("registrations, country filter", registrations, {"country": "BY"}),
        ("registrations, search by address", registrations, {"q": "reporter4242@example.org"}),
        ("registrations, search by whole words", registrations, {"q": "Журналіст 4242"}),
        ("registrations, date hierarchy", registrations, {"created_at__year": time.gmtime().tm_year}),
        ("signatures", signatures, {}),
        ("signatures, visibility filter", signatures, {"visibility__exact": "initials"}),
        ("signatures, search by whole words", signatures, {"q": "Падпісант 99"}),
        ("outgoing mail", reverse("admin:registrations_outgoingmail_changelist"), {}),
    ]
    print("| changelist | median ms | max ms |")
    print("|---|---|---|")
    for name, times, _response in timed_gets(client, cases):
        print(f"| {name} | {statistics.median(times):.0f} | {max(times):.0f} |", flush=True)


def timed_gets(client, cases, repeats=5):
    """Each (name, url, query) got `repeats` times: (name, times in ms, last response)."""
    for name, url, query in cases:
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            response = client.get(url, query)
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{name}: {response.status_code}")
        yield name, times, response


def export_peak(filter_query):
    """Run in a child process: export, stream to nowhere, report peak RSS."""
    import resource

    from django.urls import reverse

    client = staff_client()
    from registrations.models import MediaRegistration

    first = MediaRegistration.objects.values_list("pk", flat=True).first()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    url = reverse("admin:registrations_mediaregistration_changelist")
    if filter_query:
        url += "?" + filter_query
    started = time.perf_counter()
    response = client.post(
        url, {"action": "export_csv", "select_across": "1", "index": "0", "_selected_action": [first]}
    )
    lines = 0
    size = 0
    for chunk in response.streaming_content:
        lines += chunk.count(b"\n")
        size += len(chunk)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps({"rows": lines - 1, "bytes": size, "seconds": elapsed, "rss_before_kb": before, "rss_peak_kb": peak})
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url")
    parser.add_argument("--export-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_child is not None:
        setup_django(os.environ["SCALE_DATABASE_URL"], os.environ["SCALE_STATIC_ROOT"])
        export_peak(args.export_child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        database_url = args.database_url or f"sqlite:///{tmp}/scale.sqlite3"
        static_root = f"{tmp}/static"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "STATIC_ROOT": static_root,
            "KEY_DIR": f"{tmp}/keys",
            "DEBUG": "False",
            "SECRET_KEY": "scale-bench-" + "z" * 50,
            "ALLOWED_HOSTS": "testserver",
            "LOG_LEVEL": "WARNING",
            "SECURE_SSL_REDIRECT": "False",
            "SITE_URL": "http://testserver",
            "EMAIL_URL": "smtp://127.0.0.1:9",
        }
        for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
            subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
        setup_django(database_url, static_root)
        from django.test.utils import setup_test_environment

        setup_test_environment()
        started = time.perf_counter()
        small = fill(args.rows)
        vendor = "PostgreSQL" if "postgres" in database_url else "SQLite"
        print(f"# Scale: {args.rows} registrations and {args.rows} signatures on {vendor}")
        filled = time.perf_counter() - started
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        print(f"# {stamp}, {os.cpu_count()} cores; filled in {filled:.0f} s")
        print()
        time_changelists(staff_client())
        print()
        print("| CSV export (streamed) | rows | MB | seconds | RSS before MB | peak RSS MB |")
        print("|---|---|---|---|---|---|")
        child_env = {**env, "SCALE_DATABASE_URL": database_url, "SCALE_STATIC_ROOT": static_root}
        for label, query in (
            (f"{args.rows // 10} rows (one event)", f"event__id__exact={small}"),
            (f"{args.rows} rows (all)", ""),
        ):
            out = subprocess.run(
                [PYTHON, __file__, "--export-child", query],
                cwd=ROOT,
                env=child_env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            result = json.loads(out.strip().splitlines()[-1])
            print(
                f"| {label} | {result['rows']} | {result['bytes'] / 1e6:.1f} | {result['seconds']:.1f} | "
                f"{result['rss_before_kb'] / 1024:.0f} | {result['rss_peak_kb'] / 1024:.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
