"""The sign POST's rate at this checkout against another commit's, interleaved.

Issue 22 asks that sealing people's data keep signing at no less than 0.9 of
the rate before it. This runs both sites side by side, each under gunicorn
with its own `gunicorn.conf.py`, each on a fresh database of its own (migrated
and loaded with the demo by its own code), and loads them one at a time, in
turns (before, after, before, after, ...): wrk -c50 for `--duration` seconds,
a new address each request (bench/signing.py's lua). It prints each round,
the medians and their ratio, after / before.

Usage:
    git worktree add /tmp/before <commit>
    python bench/before_after.py --before /tmp/before [--databases sqlite,postgres] [--rounds 3] [--duration 10]
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from floor import OPEN_ACCREDITATION, closed_loop, stop
from signing import GUNICORN, PYTHON, ROOT, SIGN, django_env, fresh_database
from surge import free_port, wait_for


def commit(directory):
    return subprocess.run(
        ["git", "-C", str(directory), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()


def prepare(directory, kind, tmp, postgres_url):
    """A fresh database for the checkout in `directory`, migrated and loaded by its own code."""
    database_url = fresh_database(kind, tmp, postgres_url)
    env = django_env(database_url, tmp)
    steps = (
        ("collectstatic", "--noinput"),
        ("migrate", "--noinput"),
        ("load_demo",),
        ("shell", "-c", OPEN_ACCREDITATION),
    )
    for command in steps:
        subprocess.run([PYTHON, "manage.py", *command], cwd=directory, env=env, check=True, capture_output=True)
    return env


def serve(directory, env):
    url = f"http://127.0.0.1:{free_port()}"
    command = [GUNICORN, "-c", "gunicorn.conf.py", "forum_site.wsgi"]
    process = subprocess.Popen(command, cwd=directory, env={**env, "GUNICORN_BIND": url[7:]}, stderr=subprocess.DEVNULL)
    wait_for(url + "/healthz", timeout=60)
    wait_for(url + SIGN, timeout=60)
    return process, url


def one_case(kind, args, before_dir):
    sites = {}
    processes = []
    temporaries = []
    try:
        for name, directory in (("before", before_dir), ("after", ROOT)):
            tmp = tempfile.mkdtemp(prefix=f"before-after-{name}-")
            temporaries.append(tmp)
            postgres_url = f"{args.postgres_url}_{name}"
            env = prepare(directory, kind, tmp, postgres_url)
            process, url = serve(directory, env)
            processes.append(process)
            sites[name] = (url, tmp)
        rounds = []
        for r in range(args.rounds):
            row = {}
            for name in ("before", "after"):
                url, tmp = sites[name]
                row[name] = closed_loop(url, SIGN, args, tmp, f"{kind}{name}{r}")
            rounds.append(row)
    finally:
        for process in processes:
            stop(process)
        for tmp in temporaries:
            shutil.rmtree(tmp, ignore_errors=True)
    return rounds


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", required=True, help="a checkout of the commit to compare with")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/forum_site_before_after")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    before_dir = Path(args.before).resolve()
    print(f"# The sign POST, before ({commit(before_dir)}) and after ({commit(ROOT)}), interleaved")
    print(
        f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; wrk -c{args.connections} -d{args.duration}s, "
        f"{args.rounds} rounds; gunicorn.conf.py as shipped; mail queued to the database, no worker"
    )
    for kind in args.databases.split(","):
        rounds = one_case(kind, args, before_dir)
        print(f"\n## {'SQLite' if kind == 'sqlite' else 'PostgreSQL'}\n")
        print("| round | before sign/s | p99 ms | after sign/s | p99 ms | after / before |")
        print("|---|---|---|---|---|---|")
        for r, row in enumerate(rounds, 1):
            before, after = row["before"], row["after"]
            print(
                f"| {r} | {before['rps']:.0f} | {before['p99']:.0f} | {after['rps']:.0f} | {after['p99']:.0f} "
                f"| {after['rps'] / before['rps']:.2f} |"
            )
        before_median = statistics.median(row["before"]["rps"] for row in rounds)
        after_median = statistics.median(row["after"]["rps"] for row in rounds)
        ratios = [row["after"]["rps"] / row["before"]["rps"] for row in rounds]
        print(
            f"\nMedians: before {before_median:.0f}/s, after {after_median:.0f}/s: "
            f"after / before = {after_median / before_median:.2f}; "
            f"median of the rounds' ratios (each pair run back to back) = {statistics.median(ratios):.2f}"
        )


if __name__ == "__main__":
    main()
