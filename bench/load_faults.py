"""Load and fault benchmark: the site under gunicorn (4 workers) on loopback.

Prints figures; it is not a test. Scenarios, on SQLite and on PostgreSQL:

1. load: 2,000 registrations from 64 client threads -> rows, errors, latency.
2. mail down: the same with the SMTP server down while the mail worker runs;
   then the server comes back and the worker runs again -> mails sent, none lost.
3. kill: 2,000 registrations while one gunicorn worker is killed with SIGKILL
   -> rows equal the registrations that got a success page. A client whose
   request died with the worker submits again, as a person would; the
   duplicate collapses into the same row.

Usage: .venv/bin/python bench/load_faults.py [--databases sqlite,postgres] [--count 2000] [--threads 64]
Only loopback addresses are used. PostgreSQL: postgres@127.0.0.1:5432 (a
database forum_bench is created and dropped).
"""

import argparse
import http.cookiejar
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from surge import free_port

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
SLUG = "bench-forum"
SECRET = "bench-secret-key-" + "x" * 40


class Smtp:
    """A real SMTP server (aiosmtpd) that counts what it receives."""

    def __init__(self, port):
        self.port = port
        self.received = 0
        self._lock = threading.Lock()
        self._controller = None

    def start(self):
        from aiosmtpd.controller import Controller

        outer = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                with outer._lock:
                    outer.received += 1
                return "250 OK"

        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        if self._controller:
            self._controller.stop()
            self._controller = None


def manage(env, *args, check=True):
    return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=check)


def shell(env, code):
    lines = manage(env, "shell", "-v", "0", "-c", code).stdout.strip().splitlines()
    return lines[-1] if lines else ""


def environment(database_url, smtp_port, static_root):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
    env.update(
        {
            "DEBUG": "False",
            "SECRET_KEY": SECRET,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url,
            # Plain http on loopback, as a benchmark needs; mail settings the site requires.
            "SECURE_SSL_REDIRECT": "False",
            "SITE_URL": "http://127.0.0.1",
            "STATIC_ROOT": static_root,
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "EMAIL_TIMEOUT": "5",
            "MAIL_RETRY_DELAYS": "240,600,3600",  # the first retry 4 minutes after a failure
            "RATE_LIMIT_SUBMIT": "1000000/60",  # every submission comes from one address here
            "RATE_LIMIT_DIR": static_root,
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def prepare(env):
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    shell(
        env,
        "from datetime import timedelta; from django.utils import timezone; "
        "from events.models import Event; from registrations.models import MediaAccreditation, MediaRegistration, "
        "OutgoingMail; from django_tasks_db.models import DBTaskResult; "
        "MediaRegistration.objects.all().delete(); DBTaskResult.objects.all().delete(); "
        f"e, _ = Event.objects.update_or_create(slug='{SLUG}', defaults=dict(title_en='Bench forum', "
        "start=timezone.now() + timedelta(days=30), end=timezone.now() + timedelta(days=30, hours=3), "
        "is_published=True)); "
        "MediaAccreditation.objects.update_or_create(event=e, defaults=dict(is_open=True))",
    )


class Gunicorn:
    def __init__(self, env, port):
        self.port = port
        self.env = {**env, "GUNICORN_WORKERS": "4", "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_ACCESS_LOG": ""}
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(
            [GUNICORN, "forum_site.wsgi", "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2).read()
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def workers(self):
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True)
        return [int(pid) for pid in out.stdout.split()]

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def register(base, n, attempts=3):
    """One journalist: open the form, submit it; on a failed request, again.
    Returns (ok, seconds, tries)."""
    url = f"{base}/en/events/{SLUG}/media/"
    started = time.perf_counter()
    for attempt in range(1, attempts + 1):
        try:
            jar = http.cookiejar.CookieJar()
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
            form = opener.open(url, timeout=30).read().decode()
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
            data = urllib.parse.urlencode(
                {
                    "csrfmiddlewaretoken": token,
                    "name": f"Журналіст {n}",
                    "outlet": "Bench",
                    "role": "journalist",
                    "country": "LT",
                    "email": f"bench{n}@example.org",
                    "work_url": "https://example.org/w",
                    "mail_language": "be",
                    "consent": "on",
                }
            ).encode()
            request = urllib.request.Request(url, data=data, headers={"Referer": url})
            with opener.open(request, timeout=30) as response:
                if response.status == 200 and response.url.endswith("/media/check-your-mail/"):
                    return True, time.perf_counter() - started, attempt
        except (OSError, urllib.error.URLError, AttributeError):
            continue
    return False, time.perf_counter() - started, attempts


def load(base, count, threads, during=None):
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        futures = [pool.submit(register, base, n) for n in range(count)]
        if during:
            during()
        results = [f.result() for f in futures]
    elapsed = time.perf_counter() - started
    latencies = sorted(seconds for _ok, seconds, _tries in results)
    return {
        "ok": sum(ok for ok, _s, _t in results),
        "errors": sum(not ok for ok, _s, _t in results),
        "resubmitted": sum(tries > 1 for _ok, _s, tries in results),
        "seconds": elapsed,
        "per_second": count / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


def rows(env):
    return int(
        shell(
            env,
            "from registrations.models import MediaRegistration as M; "
            f"print(M.objects.filter(event__slug='{SLUG}').count())",
        )
    )


def mail_status(env):
    out = shell(
        env,
        "from collections import Counter; from registrations.models import OutgoingMail as O; "
        "c = Counter(O.objects.values_list('status', flat=True)); print(c.get('sent', 0), sum(c.values()))",
    )
    sent, total = out.split()
    return int(sent), int(total)


def run_worker(env):
    manage(env, "db_worker", "--batch", "--no-startup-delay", "--interval", "0.1")


def scenario(name, database_url, args):
    print(f"\n## {name}\n", flush=True)
    smtp = Smtp(free_port())
    with tempfile.TemporaryDirectory() as static_root:
        env = environment(database_url, smtp.port, static_root)
        prepare(env)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        print(
            "| scenario | registrations | success pages | errors | resubmitted | rows | registrations/s "
            "| p50 ms | p99 ms | mail sent / queued |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|")

        def line(label, result, mails=""):
            print(
                f"| {label} | {args.count} | {result['ok']} | {result['errors']} | {result['resubmitted']} "
                f"| {rows(env)} | "
                f"{result['per_second']:.0f} | {result['p50_ms']:.0f} | {result['p99_ms']:.0f} | {mails} |",
                flush=True,
            )

        with Gunicorn(env, port):
            # 1. Load, mail server up, worker run afterwards.
            smtp.start()
            result = load(base, args.count, args.threads)
            run_worker(env)
            sent, total = mail_status(env)
            line("load", result, f"{sent} / {total} (received {smtp.received})")

            # 2. Mail server down while registering and while the worker runs; then back.
            prepare(env)
            smtp.stop()
            smtp.received = 0
            result = load(base, args.count, args.threads)
            failed_at = time.time()
            run_worker(env)  # every attempt fails; each mail is rescheduled 4 minutes later
            down_sent, _ = mail_status(env)
            smtp.start()
            time.sleep(max(0.0, failed_at + 241 - time.time()))
            run_worker(env)
            manage(env, "send_queued_mail")
            sent, total = mail_status(env)
            line(
                "SMTP down, then up",
                result,
                f"{down_sent} while down; {sent} / {total} after (received {smtp.received})",
            )

        # 3. A worker killed with SIGKILL in the middle of the load.
        prepare(env)
        with Gunicorn(env, port) as server:

            def kill_one():
                time.sleep(2)
                victim = server.workers()[0]
                os.kill(victim, signal.SIGKILL)

            result = load(base, args.count, args.threads, during=kill_one)
            line("worker killed (SIGKILL)", result)
            smtp.stop()
        return rows(env)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=64)
    args = parser.parse_args()
    print(
        f"# Load and faults: {args.count} registrations, {args.threads} client threads, "
        "gunicorn with 4 workers (worker class and threads as gunicorn.conf.py sets them)"
    )
    print(
        f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for database in args.databases.split(","):
            if database == "sqlite":
                scenario("SQLite (WAL, IMMEDIATE transactions)", f"sqlite:///{tmp}/bench.sqlite3", args)
            elif database == "postgres":
                admin = "postgres://postgres@127.0.0.1:5432/postgres"
                import psycopg

                with psycopg.connect(admin.replace("postgres://", "postgresql://"), autocommit=True) as conn:
                    conn.execute("DROP DATABASE IF EXISTS forum_bench")
                    conn.execute("CREATE DATABASE forum_bench")
                try:
                    scenario("PostgreSQL", "postgres://postgres@127.0.0.1:5432/forum_bench", args)
                finally:
                    with psycopg.connect(admin.replace("postgres://", "postgresql://"), autocommit=True) as conn:
                        conn.execute("DROP DATABASE IF EXISTS forum_bench WITH (FORCE)")


if __name__ == "__main__":
    main()
