"""Mirror benchmark: how long `export_mirror` takes and what it writes.

Exports the demo forum, then the demo plus --forums more forums (each with a
programme and a Declaration), five times each, and prints the median time,
the files and bytes written, whether two exports were byte-identical, and
the first load of the mirrored forum page in Belarusian (requests, bytes and
gzip bytes). Then confirms 100 signatures in a burst with the database task
backend and counts the exports waiting for the worker. It is not a test.

Usage: .venv/bin/python bench/mirror.py [--forums 20] [--database-url URL]
"""

import argparse
import gzip
import io
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def environment(database_url, static_root):
    return {
        "DJANGO_SETTINGS_MODULE": "forum_site.settings",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": static_root,
        "DEBUG": "False",
        "SECRET_KEY": "mirror-bench-" + "z" * 50,
        "ALLOWED_HOSTS": "forum.example.org",
        "LOG_LEVEL": "WARNING",
        "SITE_URL": "https://forum.example.org",
        "ONION_URL": "http://" + "belarusforum" * 4 + "abcdefgh.onion",
        "MIRROR_URLS": "https://mirror.example.net/m/",
        "EMAIL_URL": "smtp://127.0.0.1:9",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }


def files_of(directory):
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def timed_exports(directory, runs=5):
    from plumbing.mirror import mirror_export

    times = []
    for _ in range(runs):
        started = time.perf_counter()
        count, size = mirror_export(directory=directory)
        times.append(time.perf_counter() - started)
    return statistics.median(times), count, size


def first_load(directory, page):
    body = (directory / page).read_bytes()
    loads = [body]
    for value in re.findall(r'<(?:link|script)[^>]*\s(?:href|src)="([^"]+)"', body.decode()):
        if value.startswith(("http:", "https:")) or value.endswith(".ics"):
            continue
        loads.append((directory / Path(page).parent / value).resolve().read_bytes())
    return len(loads), sum(map(len, loads)), sum(len(gzip.compress(b, mtime=0)) for b in loads)


def add_forums(count):
    from django.utils import timezone

    from events.models import Event, Session
    from registrations.models import Declaration

    start = timezone.now() + timedelta(days=30)
    for n in range(count):
        event = Event.objects.create(
            slug=f"forum-{n}",
            title_en=f"Forum {n}",
            title_ru=f"Форум {n}",
            title_be=f"Форум {n}",
            description_en="A forum of human rights defenders. " * 20,
            start=start,
            end=start + timedelta(hours=3),
            is_published=True,
        )
        for s in range(6):
            Session.objects.create(
                event=event,
                title_en=f"Session {s}",
                start=start + timedelta(minutes=30 * s),
                end=start + timedelta(minutes=30 * s + 30),
            )
        Declaration.objects.create(event=event, title_en=f"Declaration {n}", text_en="We declare. " * 50, is_open=True)


def burst(directory):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from events.models import Event
    from plumbing.mirror import mirror_export_task
    from registrations import services
    from registrations.models import Signature

    declaration = Event.objects.get(slug="new-belarus-against-torture").declaration
    pending = [
        Signature.objects.create(
            declaration=declaration,
            status=Signature.Status.UNCONFIRMED,
            name=f"Signatory {n}",
            country="BY",
            email=f"s{n}@example.org",
            visibility="full",
            mail_language="en",
            consent_at=timezone.now(),
        )
        for n in range(100)
    ]
    started = time.perf_counter()
    for signature in pending:
        services.person_confirm(person=signature)
    seconds = time.perf_counter() - started
    queued = DBTaskResult.objects.filter(task_path=mirror_export_task.module_path, status="READY").count()
    return queued, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--forums", type=int, default=20)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database_url = args.database_url or f"sqlite:///{tmp}/mirror.sqlite3"
        env = {**os.environ, **environment(database_url, f"{tmp}/static")}
        for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"], ["load_demo"]):
            subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
        os.environ.update(environment(database_url, f"{tmp}/static"))
        os.environ["MIRROR_EXPORT_DIR"] = f"{tmp}/worker-mirror"
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command

        call_command("export_mirror", f"{tmp}/warm", stdout=io.StringIO())  # first use loads templates
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
        print(f"# Mirror export ({engine}), {now}, {os.cpu_count()} cores, Python {platform.python_version()}")
        print()
        print("| content | median of 5 | files | KB written | two exports byte-identical |")
        print("|---|---|---|---|---|")
        rows = [("demo forum", 0), (f"demo + {args.forums} forums", args.forums)]
        for label, forums in rows:
            if forums:
                add_forums(forums)
            one, two = Path(tmp) / f"one-{forums}", Path(tmp) / f"two-{forums}"
            seconds, count, size = timed_exports(one)
            timed_exports(two, runs=1)
            same = "yes" if files_of(one) == files_of(two) else "NO"
            print(f"| {label} | {seconds:.2f} s | {count} | {size // 1024} | {same} |")
            if not forums:
                requests, plain, packed = first_load(one, "be/events/new-belarus-against-torture/index.html")
        print()
        print(
            f"First load of the mirrored forum page in Belarusian: {requests} requests, "
            f"{plain / 1024:.1f} KB ({packed / 1024:.1f} KB gzip)."
        )
        queued, seconds = burst(Path(tmp) / "worker-mirror")
        print(
            f"After a burst of 100 signature confirmations ({seconds:.2f} s), exports waiting for the worker: {queued}."
        )


if __name__ == "__main__":
    main()
