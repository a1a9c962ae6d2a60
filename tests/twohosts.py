"""Two application hosts on one machine, sharing nothing but PostgreSQL and
Redis: each a gunicorn of its own, in a working directory of its own (its own
RATE_LIMIT_DIR, static files and logs), on a port of its own, with the same
DATABASE_URL, CACHE_URL and SECRET_KEY. Used by tests/test_two_hosts.py and
bench/two_hosts.py (which adds nginx in front)."""

import contextlib
import functools
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SECRET = "two-hosts-test-key-" + "h" * 48
SLUG = "two-hosts-forum"
SIGN = f"/en/events/{SLUG}/declaration/sign/"
EVENT_PAGE = f"/en/events/{SLUG}/"
STAFF = ("staffer", "a long staff password 123")

SEED = f"""
from django.contrib.auth.models import User
from tests.factories import make_declaration, make_event
event = make_event(slug={SLUG!r}, title_en="Two hosts, first title")
make_declaration(event)
User.objects.create_superuser({STAFF[0]!r}, password={STAFF[1]!r})
"""


def reachable(host, port):
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url():
    """A PostgreSQL database of these tests' own: beside DATABASE_URL's when it
    names PostgreSQL (CI's PostgreSQL leg), else on 127.0.0.1:5432 as postgres,
    named after this checkout so two checkouts never share one."""
    url = os.environ.get("TWO_HOSTS_DATABASE_URL", "")
    if url:
        return url
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(base)
        return parts._replace(path=parts.path.rstrip("/") + "_two_hosts").geturl()
    name = re.sub(r"[^a-z0-9]+", "_", ROOT.name.lower()).strip("_")
    return f"postgres://postgres@127.0.0.1:5432/forum_two_hosts_{name}"


def redis_url():
    return os.environ.get("TWO_HOSTS_REDIS_URL", "redis://127.0.0.1:6379/14")


def fresh_database(url):
    """Drop and create the database `url` names (its server must be up)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(url):
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def flush_redis(url):
    import redis

    redis.Redis.from_url(url).flushdb()


class Host:
    def __init__(self, name, directory, env):
        self.name, self.directory, self.env = name, directory, env
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def manage(self, *command, check=True, **kwargs):
        return subprocess.run(  # noqa: S603
            [PYTHON, str(ROOT / "manage.py"), *command],
            cwd=self.directory,
            env=self.env,
            capture_output=True,
            text=True,
            check=check,
            **kwargs,
        )

    def retitle(self, slug, title):
        """Staff save the forum `slug` with an English title, on this host
        (the admin's save: a model save, in a process of this host)."""
        self.manage(
            "shell",
            "-c",
            f"from events.models import Event\nevent = Event.objects.get(slug={slug!r})\n"
            f"event.title_en = {title!r}\nevent.save()\n",
        )

    def digests(self, addresses):
        """The stored digests of these addresses, made by this host (its key
        store holds the key): the rows hold no address to look up."""
        program = (
            "import json, sys; from registrations.mailbox import email_digest; "
            "print(json.dumps([email_digest(a) for a in json.load(sys.stdin)]))"
        )
        out = self.manage("shell", "-c", program, input=json.dumps(list(addresses))).stdout
        return json.loads(out.strip().splitlines()[-1])

    def popen_manage(self, *command):
        with (self.directory / f"{command[0]}.log").open("ab") as log:
            return subprocess.Popen(  # noqa: S603
                [PYTHON, str(ROOT / "manage.py"), *command],
                cwd=self.directory,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )

    def start(self):
        env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        with (self.directory / "gunicorn.log").open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                [PYTHON, "-m", "gunicorn", "forum_site.wsgi", "-c", str(ROOT / "gunicorn.conf.py")],
                cwd=self.directory,
                env={**env, "PYTHONPATH": str(ROOT)},
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"host {self.name} did not start:\n{self.log()}")
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=2).read()  # noqa: S310 (http only)
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"host {self.name} did not answer:\n{self.log()}")

    def log(self):
        return (self.directory / "gunicorn.log").read_text(errors="replace")[-3000:]

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self):
        """SIGKILL the arbiter and its workers, as a host that dies at once."""
        pid = self.process.pid
        workers = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        os.kill(pid, signal.SIGKILL)
        for worker in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(worker), signal.SIGKILL)
        self.process.wait()


class TwoHosts:
    """Two hosts `a` and `b` on one PostgreSQL database and one Redis database."""

    def __init__(self, tmp, *, database=None, cache=None, smtp_port=9, workers=1, threads=4, **settings):
        self.tmp = Path(tmp)
        self.database = database or database_url()
        self.cache = cache or redis_url()
        # The shared key store: a small PostgreSQL database of its own, beside the site's.
        self.key_store = self.database + "_keys"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_", "XDG_"))}
        env.update(
            {
                "DEBUG": "False",
                "SECRET_KEY": SECRET,
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "SITE_URL": "http://127.0.0.1",
                "SECURE_SSL_REDIRECT": "False",
                "SECURE_COOKIES": "False",
                "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
                "DATABASE_URL": self.database,
                "CACHE_URL": self.cache,
                "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
                "SITE_HOSTS": "2",
                "KEY_STORE_URL": self.key_store,
                "LOG_LEVEL": "WARNING",
                "GUNICORN_ACCESS_LOG": "",
                **({"GUNICORN_WORKERS": str(workers)} if workers else {}),
                **({"GUNICORN_THREADS": str(threads)} if threads else {}),
                **settings,
            }
        )
        self.hosts = {}
        for name in ("a", "b"):
            directory = self.tmp / f"host-{name}"
            (directory / "var").mkdir(parents=True, exist_ok=True)
            host_env = {
                **env,
                "RATE_LIMIT_DIR": str(directory / "var"),
                "STATIC_ROOT": str(directory / "static"),
                "HOME": str(directory),
            }
            self.hosts[name] = Host(name, directory, host_env)

    @property
    def a(self):
        return self.hosts["a"]

    @property
    def b(self):
        return self.hosts["b"]

    def prepare(self):
        """A fresh database, migrated and seeded from host a; static files collected on both."""
        fresh_database(self.database)
        fresh_database(self.key_store)
        flush_redis(self.cache)
        self.a.manage("migrate", "--noinput")
        self.a.manage("collectstatic", "--noinput")
        shutil.copytree(self.a.directory / "static", self.b.directory / "static")
        self.a.manage("shell", "-c", SEED)  # the factories of the project's tests package

    def start(self):
        for host in self.hosts.values():
            host.start()

    def stop(self):
        for host in self.hosts.values():
            host.stop()


class Visitor:
    """A browser: cookies, and the form's CSRF token from the page it opened."""

    def __init__(self, address="127.0.0.1"):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect(), _From(address)
        )
        self.token = None

    def get(self, url):
        with self.opener.open(url, timeout=30) as response:
            page = response.read().decode()
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if found:
            self.token = found.group(1)
        return page

    def post(self, url, data):
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.token, **data}).encode()
        request = urllib.request.Request(url, data=body, headers={"Referer": url})  # noqa: S310 (http only)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


class _From(urllib.request.HTTPHandler):
    """Connections from this loopback address: each address is a client of its own."""

    def __init__(self, address):
        super().__init__()
        self.address = address

    def http_open(self, request):
        return self.do_open(functools.partial(http.client.HTTPConnection, source_address=(self.address, 0)), request)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def signature(n, run="t"):
    return {
        "name": f"Two Hosts Signatory {n}",
        "country": "BY",
        "organisation": "",
        "email": f"two-hosts-{run}-{n}@example.org",
        "visibility": "full",
        "mail_language": "en",
        "consent": "on",
    }
