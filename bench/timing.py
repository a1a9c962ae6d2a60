"""Timing of a sign POST by what its address is (issue 21, "small timing
signals"): a new address, a known one (unconfirmed, its last mail over a day
ago), one over its mailbox's allowance (a mail went out within the day) and
a confirmed one. Each POST goes through the whole stack in one process
(Django's test client, production settings: the submission waits for the
database worker, which stores each case's first submission untimed),
the four cases interleaved, on SQLite and PostgreSQL; prints the median and
the 90th percentile of each, and each median's difference from a new
address's. Preparing a case (its first submission, the day that passes) is
not timed.

Usage: python bench/timing.py [--n 300] [--databases sqlite,postgres]
       [--postgres-url postgres://postgres@127.0.0.1:5432/forum_site_bench]
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from signing import PYTHON, ROOT, SIGN, django_env, fresh_database, manage, setup_django

CASES = ["new address", "known address", "over its allowance", "confirmed address"]


def measure(n):
    from datetime import timedelta

    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from registrations.mailbox import email_digest
    from registrations.models import MailboxSend, Signature
    from registrations.services import submissions_store

    setup_test_environment()
    client = Client()
    page = client.get(SIGN).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def post(email, i):
        data = {"csrfmiddlewaretoken": token, "name": f"Timed {i}", "country": "BY", "visibility": "full"}
        data.update({"email": email, "mail_language": "en", "consent": "on", "organisation": ""})
        started = time.perf_counter()
        response = client.post(SIGN, data)
        elapsed = time.perf_counter() - started
        if response.status_code != 302:
            raise RuntimeError(f"sign POST answered {response.status_code}")
        return elapsed

    def prepare(case, email, i):
        if case == "new address":
            return
        post(email, i)
        submissions_store()  # as the worker would have by the next submission (untimed)
        if case == "known address":
            MailboxSend.objects.filter(digest=email_digest(email)).update(sent_at=timezone.now() - timedelta(hours=25))
        elif case == "confirmed address":
            Signature.objects.filter(email=email).update(status="confirmed", confirmed_at=timezone.now())

    for i in range(20):  # what a process reads once is read
        post(f"warm-{i}@example.org", i)
    times = {case: [] for case in CASES}
    for i in range(n):
        order = CASES[i % 4 :] + CASES[: i % 4]
        for case in order:
            email = f"{case.split()[0]}-{i}@example.org"
            prepare(case, email, i)
            times[case].append(post(email, i))
    new = statistics.median(times["new address"])
    print(f"| case ({n} POSTs each, interleaved) | median ms | p90 ms | median − new address's, ms |")
    print("|---|---|---|---|")
    for case in CASES:
        median = statistics.median(times[case])
        p90 = statistics.quantiles(times[case], n=10)[-1]
        print(f"| {case} | {median * 1000:.2f} | {p90 * 1000:.2f} | {(median - new) * 1000:+.2f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/forum_site_bench")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        setup_django()
        measure(args.n)
        return 0
    print("# A sign POST's time by what its address is (Django's test client, the whole stack, one process)")
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores shared with other work")
    with tempfile.TemporaryDirectory() as tmp:
        manage(django_env(f"sqlite:///{tmp}/collect.sqlite3", tmp), "collectstatic", "--noinput")
        for kind in args.databases.split(","):
            env = django_env(fresh_database(kind, tmp, args.postgres_url), tmp)
            env["ALLOWED_HOSTS"] = "testserver"
            manage(env, "migrate", "--noinput")
            manage(env, "load_demo")
            print()
            print(f"## {'SQLite' if kind == 'sqlite' else 'PostgreSQL'}")
            print()
            command = [PYTHON, __file__, "--child", "--n", str(args.n)]
            out = subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.PIPE, text=True).stdout
            print(out.strip(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
