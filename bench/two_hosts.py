"""Two hosts benchmark: the site on two application hosts behind one nginx,
all on this machine, sharing nothing but PostgreSQL and Redis (README, "More
than one host"). It is not a test; it prints figures.

- Two gunicorn instances, each in a directory of its own, on ports of their
  own, with the same DATABASE_URL and CACHE_URL (tests/twohosts.py); nginx
  (Debian's, as a non-root configuration in a temporary directory) in front,
  with deploy/nginx-upstream-two-hosts.conf as its upstream.
- Rate limits across hosts: confirmations (every answer counts, the
  shipped limit 30/60,100/600) from one client address, alternating hosts,
  until the first 429.
- Edit visibility: a forum's title saved in a process of host a; seconds
  until host b serves the new title (PAGE_CACHE_VERSION_SECONDS bounds it).
- The surge: signatures at --connections connections through nginx for
  --duration seconds (a new address each); host a is killed with SIGKILL
  (arbiter and workers) at --kill-at seconds. Prints requests, errors, error
  %, and the signatures answered with a redirect against the rows present.

Usage: .venv/bin/python bench/two_hosts.py [--duration 60] [--kill-at 20] [--connections 50]
PostgreSQL: postgres@127.0.0.1:5432 (a database forum_bench_two_hosts is made
and dropped); Redis: TWO_HOSTS_REDIS_URL (default redis://127.0.0.1:6379/14, flushed).
"""

import argparse
import asyncio
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.twohosts import (  # noqa: E402 (the project's root on the path first)
    EVENT_PAGE,
    SIGN,
    SLUG,
    TwoHosts,
    Visitor,
    drop_database,
    free_port,
    redis_url,
)

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
DATABASE = "postgres://postgres@127.0.0.1:5432/forum_bench_two_hosts"

NGINX_CONF = """
worker_processes 2;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log crit;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    keepalive_requests 100000;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/upstream.conf;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://forum_site;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_read_timeout 35s;
        }}
    }}
}}
"""


def nginx_start(tmp, ports):
    upstream = (ROOT / "deploy" / "nginx-upstream-two-hosts.conf").read_text()
    upstream = upstream.replace("10.0.0.11:8000", f"127.0.0.1:{ports[0]}").replace(
        "10.0.0.12:8000", f"127.0.0.1:{ports[1]}"
    )
    (tmp / "upstream.conf").write_text(upstream)
    port = free_port()
    conf = tmp / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=tmp, port=port))
    subprocess.run([NGINX, "-t", "-c", str(conf)], check=True, capture_output=True)
    process = subprocess.Popen([NGINX, "-c", str(conf), "-g", "daemon off;"], stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return process, port
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("nginx did not answer")


def rate_limit_across_hosts(site):
    """Invalid confirmation links from one address, alternating hosts: how many
    are answered before the first 429 (the limit counts every answer)."""
    visitor = Visitor("127.0.0.5")
    visitor.get(site.a.url + SIGN)
    answered = {"a": 0, "b": 0}
    for n in range(200):
        host = (site.a, site.b)[n % 2]
        status, _page = visitor.post(host.url + "/en/declaration/confirm/", {"t": f"not-a-token-{n}"})
        if status == 429:
            return n, answered
        answered[host.name] += 1
    return None, answered


def edit_visibility(site):
    reader = Visitor("127.0.0.6")
    for _ in range(2):
        reader.get(site.b.url + EVENT_PAGE)  # in host b's page cache
    site.a.retitle(SLUG, "Two hosts, second title")
    saved = time.monotonic()  # the save has committed: its process has exited
    while "Two hosts, second title" not in reader.get(site.b.url + EVENT_PAGE):
        if time.monotonic() - saved > 60:
            return None
        time.sleep(0.05)
    return time.monotonic() - saved


def csrf_pair(url):
    with urllib.request.urlopen(url) as response:
        page = response.read().decode()
        cookie = next(v for k, v in response.headers.items() if k.lower() == "set-cookie" and "csrftoken=" in v)
    return cookie.split(";")[0], re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


class Surge:
    """Closed-loop signing at `connections` keep-alive connections (asyncio,
    raw HTTP/1.1): every request's answer, per e-mail address."""

    def __init__(self, port, cookie, token, connections, duration):
        self.port, self.cookie, self.token = port, cookie, token
        self.connections, self.duration = connections, duration
        self.redirected, self.statuses, self.failures = [], {}, 0
        self.counter = 0

    def _request(self, email):
        body = (
            f"csrfmiddlewaretoken={self.token}&name=Surge+Signatory&country=BY&organisation=&email={email}"
            "&visibility=full&mail_language=en&consent=on"
        ).encode()
        head = (
            f"POST {SIGN} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {self.cookie}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        return head.encode() + body

    async def _one(self, deadline):
        reader = writer = None
        while time.monotonic() < deadline:
            self.counter += 1
            email = f"surge-{self.counter}%40example.org"
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.write(self._request(email))
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 15)
                status = int(head.split(b" ", 2)[1])
                length = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
                if length:
                    await asyncio.wait_for(reader.readexactly(int(length.group(1))), 15)
                self.statuses[status] = self.statuses.get(status, 0) + 1
                if status == 302:
                    self.redirected.append(email.replace("%40", "@"))
                if re.search(rb"(?i)\r\nconnection:\s*close", head):
                    writer.close()
                    reader = writer = None
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                self.failures += 1
                if writer is not None:
                    writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    async def run(self, on_kill, kill_at):
        deadline = time.monotonic() + self.duration
        loop = asyncio.get_running_loop()
        loop.call_later(kill_at, on_kill)
        await asyncio.gather(*(self._one(deadline) for _ in range(self.connections)))


def rows_present(database, host, emails, first_id):
    """How many of these addresses have their row, and how many rows the surge
    stored in all (rows after `first_id`). Addresses are sealed: the rows are
    found by their digests, which the host makes with its key store's key."""
    import psycopg

    with psycopg.connect(database) as connection:
        stored = {
            row[0]
            for row in connection.execute("SELECT email_digest FROM registrations_signature WHERE id > %s", (first_id,))
        }
    return sum(digest in stored for digest in host.digests(emails)), len(stored)


def last_signature_id(database):
    import psycopg

    with psycopg.connect(database) as connection:
        return connection.execute("SELECT coalesce(max(id), 0) FROM registrations_signature").fetchone()[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--kill-at", type=int, default=20)
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        tmp.chmod(0o755)  # nginx's workers run as an unprivileged user
        site = TwoHosts(
            tmp,
            database=DATABASE,
            cache=redis_url(),
            workers=None,  # gunicorn.conf.py as shipped: one worker per core, each host
            threads=None,
        )
        site.prepare()
        nginx = None
        try:
            site.start()
            limit_at, answered = rate_limit_across_hosts(site)
            seconds = edit_visibility(site)
            # The surge needs limits a crowd behind one address never reaches: restart with them raised.
            site.stop()
            for host in site.hosts.values():
                host.env["RATE_LIMIT_SUBMIT"] = "1000000/60"
            site.start()
            nginx, port = nginx_start(tmp, [site.a.port, site.b.port])
            cookie, token = csrf_pair(f"http://127.0.0.1:{port}{SIGN}")
            surge = Surge(port, cookie, token, args.connections, args.duration)
            killed = {}

            def kill():
                killed["at"] = time.monotonic()
                site.a.kill()

            first_id = last_signature_id(DATABASE)
            started = time.monotonic()
            asyncio.run(surge.run(kill, args.kill_at))
            elapsed = time.monotonic() - started
            # The surge's submissions wait for the worker (none runs here): stored first.
            site.b.manage("store_submissions")
            present, stored = rows_present(DATABASE, site.b, surge.redirected, first_id)
        finally:
            if nginx:
                nginx.send_signal(signal.SIGQUIT)
                nginx.wait(timeout=10)
            site.stop()
            drop_database(DATABASE)
            drop_database(site.key_store)

    answers = sum(surge.statuses.values())
    requests = answers + surge.failures
    errors = requests - surge.statuses.get(302, 0)
    print(f"# Two hosts: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, one machine")
    print("# two gunicorn (gunicorn.conf.py as shipped) on one PostgreSQL and one Redis, nginx in front")
    print()
    print("## Rate limits across hosts (confirmations, 30/60 per address, alternating hosts)")
    print()
    print(f"- answered before the first 429: {limit_at} (host a {answered['a']}, host b {answered['b']})")
    print()
    print("## An edit on host a, seen on host b")
    print()
    print(
        f"- seconds from the save's commit to host b serving it: {seconds:.2f} "
        "(PAGE_CACHE_VERSION_SECONDS=1, PAGE_CACHE_SECONDS=60)"
        if seconds is not None
        else "- NOT seen within 60 s"
    )
    print()
    print(f"## Signing surge: {args.connections} connections, {args.duration} s, host a SIGKILLed at {args.kill_at} s")
    print()
    print("| requests | sign/s | redirects (302) | errors | error % | answers by status | connection failures |")
    print("|---|---|---|---|---|---|---|")
    statuses = ", ".join(f"{status}: {count}" for status, count in sorted(surge.statuses.items()))
    print(
        f"| {requests} | {surge.statuses.get(302, 0) / elapsed:.0f} | {surge.statuses.get(302, 0)} | {errors} | "
        f"{100 * errors / max(requests, 1):.2f} | {statuses} | {surge.failures} |"
    )
    print()
    print(
        f"- signatures answered with a redirect: {len(surge.redirected)}; their rows present: {present} "
        f"({'all' if present == len(surge.redirected) else 'MISSING ' + str(len(surge.redirected) - present)}); "
        f"surge rows stored in all: {stored}"
    )


if __name__ == "__main__":
    sys.exit(main())
