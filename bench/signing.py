"""Signing benchmark (issue 12): the Declaration at 0, 100,000 and 1,000,000
confirmed signatures, on SQLite and PostgreSQL.

For each database and size, against gunicorn as gunicorn.conf.py ships it:
1. sign: wrk posts the real signature form (a CSRF pair taken from the form,
   each request a new address) at 50 connections for 10 s; mail is queued to
   the database (django_tasks_db), no worker runs. Prints signatures/s, p50,
   p99, answers that were not redirects, and rows saved (rows must equal the
   redirects).
2. surge: signing (wrk) and confirming (a second wrk posting the confirm
   links of the outbox's mail) together, while two more wrk read the
   Declaration page and the event page through nginx with the micro-cache
   of deploy/ in front of gunicorn, as deployed; prints confirmations/s, the reads as
   a ratio to nginx serving the same bytes (measured alone, before), their
   p99, and how far the count shown lagged behind the rows.

The submission and confirmation rate limits are raised by name
(RATE_LIMIT_SUBMIT, RATE_LIMIT_CONFIRM), as the output says. Needs Debian's
wrk and nginx (`apt-get install wrk nginx`); CI does not run benchmarks.

Usage: python bench/signing.py [--sizes 0,100000,1000000] [--databases sqlite,postgres]
       [--postgres-url postgres://postgres@127.0.0.1:5432/forum_site_bench] [--duration 10]
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from surge import free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
SLUG = "new-belarus-against-torture"
SIGN = f"/en/events/{SLUG}/declaration/sign/"
PAGES = [("Declaration", f"/en/events/{SLUG}/declaration/"), ("event page", f"/en/events/{SLUG}/")]
RAISED = {"RATE_LIMIT_SUBMIT": "1000000/60", "RATE_LIMIT_CONFIRM": "1000000/60"}

SIGN_LUA = """
local counter = 0
local started = 0
local threads = {}
function setup(thread)
  started = started + 1
  thread:set("id", started)
  table.insert(threads, thread)
end
function init(args)
  non_redirects = 0
  redirects = 0
end
request = function()
  counter = counter + 1
  local email = "bench-" .. RUN .. "-" .. id .. "-" .. counter .. "@example.org"
  local body = "csrfmiddlewaretoken=" .. TOKEN .. "&name=Bench+Signatory+" .. counter ..
    "&country=BY&organisation=&email=" .. email .. "&visibility=full&mail_language=en&consent=on"
  return wrk.format("POST", PATH, {["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = COOKIE, ["Referer"] = "http://127.0.0.1" .. PATH}, body)
end
response = function(status, headers, body)
  if status == 302 then redirects = redirects + 1 else non_redirects = non_redirects + 1 end
end
function done(summary, latency, requests)
  local r, n = 0, 0
  for _, t in ipairs(threads) do
    r = r + t:get("redirects")
    n = n + t:get("non_redirects")
  end
  io.write(string.format("RESULT %d %d\\n", r, n))
end
"""

CONFIRM_LUA = """
local tokens = {}
local threads = {}
local started = 0
function setup(thread)
  started = started + 1
  thread:set("id", started)
  table.insert(threads, thread)
end
function init(args)
  for line in io.lines(FILE) do table.insert(tokens, line) end
  position = id
  non_redirects = 0
  answered = 0
end
request = function()
  local token = tokens[position]
  position = position + THREADS
  if token == nil then token = "exhausted" end
  -- The button carries the version the page showed: each signature here was submitted once.
  local body = "csrfmiddlewaretoken=" .. CSRF .. "&t=" .. token .. "&version=1"
  return wrk.format("POST", "/en/declaration/confirm/", {["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = COOKIE, ["Referer"] = "http://127.0.0.1/en/declaration/confirm/"}, body)
end
response = function(status, headers, body)
  if status == 200 then answered = answered + 1 else non_redirects = non_redirects + 1 end
end
function done(summary, latency, requests)
  local a, n = 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("answered")
    n = n + t:get("non_redirects")
  end
  io.write(string.format("RESULT %d %d\\n", a, n))
end
"""

NGINX_CONF = """
worker_processes 2;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    keepalive_requests 100000;
    gzip on;
    gzip_types text/html;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {tmp}/static;
        location / {{ default_type text/html; try_files $uri $uri/index.html =404; }}
    }}
}}
"""


# The surge's readers come through nginx in front of gunicorn, with the
# micro-cache and headers exactly as deploy/ ships them (plain http here).
NGINX_PROXY_CONF = """
worker_processes 2;
pid {tmp}/nginx-proxy.pid;
error_log {tmp}/error-proxy.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    keepalive_requests 100000;
    gzip on;
    gzip_types text/html;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    proxy_cache_path {tmp}/microcache levels=1:2 keys_zone=forum_pages:10m max_size=200m inactive=10m use_temp_path=off;
    {maps}
    upstream forum_site {{ server 127.0.0.1:{app_port}; keepalive 32; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://forum_site;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            include {root}/deploy/nginx-microcache.conf;
            include {root}/deploy/nginx-security-headers.conf;
        }}
    }}
}}
"""


def parse_wrk(out):
    def ms(label):
        match = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "p50": ms("50%"), "p99": ms("99%")}
    counted = re.search(r"^RESULT (\d+) (\d+)$", out, re.M)
    if counted:
        result["ok"], result["other"] = int(counted.group(1)), int(counted.group(2))
    return result


def run_wrk(url, duration, connections, script=None, threads=2, headers=()):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", script]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    return parse_wrk(out)


def csrf_pair(url):
    """A CSRF cookie and its form token, as a browser gets them from the form."""
    with urllib.request.urlopen(url) as response:
        page = response.read().decode()
        cookie = next(v for k, v in response.headers.items() if k.lower() == "set-cookie" and "csrftoken=" in v)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return cookie.split(";")[0], token


def lua(template, **values):
    head = "".join(f"{name} = {json.dumps(value)}\n" for name, value in values.items())
    return head + template


# --- In the child process: Django set up on one database -------------------------


def django_env(database_url, tmp):
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))},
        "DEBUG": "False",
        "SECRET_KEY": "signing-bench-" + "s" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "SECURE_SSL_REDIRECT": "False",
        "SITE_URL": "http://127.0.0.1",
        "EMAIL_URL": "smtp://127.0.0.1:9",
        "STATIC_ROOT": str(Path(tmp) / "collected"),
        "LOG_LEVEL": "WARNING",
        "GUNICORN_ACCESS_LOG": "",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "RATE_LIMIT_DIR": str(Path(tmp) / "var"),
        "KEY_DIR": str(Path(tmp) / "keys"),
        **RAISED,
    }


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum_site.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# Filled names: a first name of 20 (each on n/20 rows: a common word to
# search) and a surname on 20 rows each.
FIRST_NAMES = [
    *("Алена", "Ганна", "Алесь", "Зміцер", "Сяргей", "Вольга", "Марыя", "Андрэй", "Тацяна", "Павел"),
    *("Ірына", "Віктар", "Наталля", "Юрый", "Святлана", "Максім", "Людміла", "Ігар", "Кацярына", "Міхаіл"),
]


def filled_name(i):
    return f"{FIRST_NAMES[i % 20]} Прозвішча{i // 20}"


def fill(n):
    """n confirmed, listed signatures of the demo Declaration, written in bulk
    (COPY on PostgreSQL), sealed under the forum's key with the word digests
    of the admin's search as the site writes them, and its stored count raised by n."""
    from datetime import timedelta

    from django.db import connection, transaction
    from django.utils import timezone

    from plumbing import keys
    from plumbing.sealed import associated_data
    from registrations import counts
    from registrations.mailbox import email_digest
    from registrations.models import Declaration, Signature, SignatureWord, name_words, new_link_key, new_seal_id
    from registrations.models import word_digest as keyed_word

    declaration = Declaration.objects.get(event__slug=SLUG)
    fields = [f for f in Signature._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    now = timezone.now()
    countries = ["BY", "LT", "PL", "DE", "UA", "GE", "LV", "CZ"]
    key_name = keys.forum_key_name(declaration.event_id)
    keys.create(key_name)  # read now: no query or file may be read during COPY
    label = Signature._meta.label

    # Each column's value made ready for the database once; per row only what differs.
    constant = {
        "declaration_id": declaration.pk,
        "status": "confirmed",
        "mail_language": "ru",
        "consent_at": now,
        "submitted_at": now,
        "version": 1,
        "organisation": "",
        "hidden_at": None,
        "hidden_by_id": None,
        "name_accepted_at": now,
        "name_accepted_by_id": None,
    }
    ready = {f.attname: f.get_db_prep_save(constant[f.attname], connection) for f in fields if f.attname in constant}
    adapt = connection.ops.adapt_datetimefield_value
    visibilities = ["full", "initials", "hidden"]

    def rows():
        for i in range(n):
            email = f"filled{i}@example.org"
            seal_id = new_seal_id()
            when = adapt(now - timedelta(seconds=i))
            values = {
                **ready,
                "name": keys.seal(key_name, filled_name(i), associated_data(label, "name", seal_id, None)),
                "country": countries[i % 8],
                "email": keys.seal(key_name, email, associated_data(label, "email", seal_id, None)),
                "email_digest": email_digest(email),
                "seal_id": seal_id,
                "confirmed_at": when,
                "created_at": when,
                "link_key": new_link_key(),
                "visibility": visibilities[i % 3],
            }
            yield [values[f.attname] for f in fields]

    digests = {}

    def words(ids):
        for i, pk in enumerate(ids):
            for word in name_words(filled_name(i)):
                digest = digests.get(word)
                if digest is None:
                    digest = digests[word] = keyed_word(key_name, word)
                yield [pk, digest]

    email_digest("")  # the digest key is read now: no query may run on the connection during COPY
    with transaction.atomic(), connection.cursor() as cursor:
        table = Signature._meta.db_table
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        before = cursor.fetchone()[0]
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows():
                    copy.write_row(row)
        else:
            marks = ", ".join("%s" for _ in columns)
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows())  # noqa: S608
        cursor.execute(f"SELECT id FROM {table} WHERE id > %s ORDER BY id", [before])  # noqa: S608
        ids = [row[0] for row in cursor.fetchall()]
        word_table = SignatureWord._meta.db_table
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {word_table} (person_id, digest) FROM STDIN") as copy:
                for row in words(ids):
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {word_table} (person_id, digest) VALUES (%s, %s)", words(ids))  # noqa: S608
        counts._add(*Signature(declaration=declaration).counter("counted"), delta=n)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def confirm_tokens(path):
    """The confirm links of every queued confirmation mail, one token a line."""
    from registrations import links
    from registrations.models import OutgoingMail

    mails = OutgoingMail.objects.filter(kind="sign_confirm", signature__status="unconfirmed").select_related(
        "signature"
    )
    tokens = [links.make_token(links.CONFIRM, mail.signature) for mail in mails]
    Path(path).write_text("\n".join(tokens) + "\n")
    return len(tokens)


def admin_times(size):
    """The Signatures and Media registrations changelists as staff open them:
    median and max of 5, in ms, with each filter and both searches."""
    import statistics

    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from scale import staff_client, timed_gets

    from registrations.models import Declaration

    setup_test_environment()
    client = staff_client()
    declaration = Declaration.objects.get(event__slug=SLUG)
    signatures = reverse("admin:registrations_signature_changelist")
    registrations = reverse("admin:registrations_mediaregistration_changelist")
    cases = [
        ("signatures", signatures, {}),
        ("signatures, Declaration filter", signatures, {"declaration__id__exact": declaration.pk}),
        ("signatures, awaiting name review", signatures, {"name_review": "awaiting"}),
        ("signatures, visibility filter", signatures, {"visibility__exact": "initials"}),
        ("signatures, country filter", signatures, {"country": "LT"}),
        ("signatures, hidden filter", signatures, {"hidden": "yes"}),
        ("signatures, date hierarchy", signatures, {"created_at__year": time.gmtime().tm_year}),
        # Whole words (names are sealed): a common first name (on 1 row in 20), a whole name.
        ("signatures, search by a common word", signatures, {"q": FIRST_NAMES[3]}),
        ("signatures, search by a whole name", signatures, {"q": filled_name(size // 2)}),
        ("signatures, search by a word found nowhere", signatures, {"q": "Nobody"}),
        ("signatures, search by address", signatures, {"q": f"filled{size // 3}@example.org"}),
        ("media registrations", registrations, {}),
        ("media registrations, search by a word", registrations, {"q": "Ales"}),
    ]
    print(f"| changelist at {size:,} signatures | median ms | max ms | rows shown |")
    print("|---|---|---|---|")
    for name, times, response in timed_gets(client, cases):
        shown = len(response.context["cl"].result_list)
        print(f"| {name} | {statistics.median(times):.0f} | {max(times):.0f} | {shown} |", flush=True)


MEDIA = f"/en/events/{SLUG}/media/"


def _media_data(i):
    data = {"name": f"Profiled {i}", "outlet": "Bench Radio", "role": "journalist", "country": "LT", "phone": ""}
    data.update({"work_url": "https://example.org/me", "email": f"profiled-media-{i}@example.org"})
    return {**data, "mail_language": "en", "consent": "on"}


def profile_sign(n=300, url=SIGN, what="sign POST", data=None):
    """Where a sign POST's (or, with `url` and `data`, another form POST's)
    time goes: n POSTs through the whole stack in this process (Django's
    test client, one thread), under cProfile; each part's cumulative time per
    POST, and the time spent in SQL."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    if data is None:

        def data(i):
            fields = {"name": f"Profiled {i}", "country": "BY", "visibility": "full"}
            return {**fields, "email": f"profiled-{i}@example.org", "mail_language": "en", "consent": "on"}

    from django.test import utils

    if not hasattr(utils._TestState, "saved_data"):  # the second form profiled in one process
        setup_test_environment()
    client = Client()
    page = client.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    sql = [0.0, 0]

    def timed(execute, query, params, many, context):
        started = time.perf_counter()
        try:
            return execute(query, params, many, context)
        finally:
            sql[0] += time.perf_counter() - started
            sql[1] += 1

    def post(i):
        response = client.post(url, {"csrfmiddlewaretoken": token, **data(i)})
        if response.status_code != 302:
            raise RuntimeError(f"{what} answered {response.status_code}")

    for i in range(20):
        post(i)
    started = time.perf_counter()
    with connection.execute_wrapper(timed):
        for i in range(20, 20 + n):
            post(i)
    plain = (time.perf_counter() - started) / n * 1000
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(20 + n, 20 + 2 * n):
        post(i)
    profiler.disable()
    if os.environ.get("PROFILE_TOP"):  # the functions themselves, for whoever cuts next
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(int(os.environ["PROFILE_TOP"]))
    stats = pstats.Stats(profiler).stats
    total = sum(v[3] for k, v in stats.items() if k[2] == "generic" and k[0].endswith("django/test/client.py")) / n
    parts = [
        ("whole request under the profiler", None),
        ("middleware and view (handler)", ("django/core/handlers/base.py", "_get_response")),
        ("the view: rate limit and submit", ("plumbing/ratelimit.py", "wrapped")),
        ("its forum (Declaration or accreditation, kept per content version)", ("plumbing/memo.py", "kept")),
        ("  content version (read once a second)", ("plumbing/pagecache.py", "current_version")),
        ("rate limit store (add)", ("plumbing/ratelimit.py", "add")),
        ("form validation", ("django/forms/forms.py", "full_clean")),
        ("person_submit (one transaction)", ("registrations/services/people.py", "person_submit")),
        ("  mailbox allowance", ("registrations/services/people.py", "mailbox_allowance_take")),
        ("  the row (one upsert)", ("registrations/services/people.py", "_upsert")),
        ("  its statement, before the transaction", ("registrations/services/people.py", "_upsert_statement")),
        ("  mail to the outbox", ("registrations/services/outbox.py", "mail_enqueue")),
        ("    its task (one a second)", ("registrations/services/outbox.py", "_deliver_soon")),
        ("  address digest", ("registrations/mailbox.py", "email_digest")),
        ("template rendering (none expected)", ("django/template/base.py", "render")),
    ]
    print(f"| part of a {what} ({connection.vendor}) | ms per POST, profiled | share |")
    print("|---|---|---|")
    for label, where in parts:
        if where is None:
            value = total
        else:
            value = sum(v[3] for k, v in stats.items() if k[0].endswith(where[0]) and k[2] == where[1]) / n
        print(f"| {label} | {value * 1000:.2f} | {value / total:.0%} |")
    print(f"| without the profiler: whole request | {plain:.2f} | |")
    print(f"| without the profiler: SQL ({sql[1] / n:.0f} statements) | {sql[0] / n * 1000:.2f} | |")


def child(args):
    setup_django()
    if args.child == "profile":
        profile_sign()
        print()
        from datetime import timedelta

        from django.utils import timezone

        from registrations.models import MediaAccreditation

        # The demo forum may be over by now: its accreditation is kept open for the profile.
        MediaAccreditation.objects.filter(event__slug=SLUG).update(closes_at=timezone.now() + timedelta(days=30))
        profile_sign(url=MEDIA, what="media registration POST", data=_media_data)
    elif args.child == "admin":
        admin_times(args.n)
    elif args.child == "fill":
        fill(args.n)
    elif args.child == "tokens":
        from registrations.services import submissions_store

        submissions_store()  # what the worker (not running in the benchmark) would have stored by now
        print(confirm_tokens(args.path))
    elif args.child == "rows":
        from registrations import counts
        from registrations.models import Declaration, Signature
        from registrations.services import submissions_store

        submissions_store()  # the load's submissions, as the worker stores them

        declaration = Declaration.objects.get(event__slug=SLUG)
        rows = Signature.objects.filter(declaration=declaration)
        print(
            json.dumps(
                {
                    "unconfirmed": rows.filter(status="unconfirmed").count(),
                    "counted": rows.counted().count(),
                    "stored": counts.declaration_counts([declaration.pk])[declaration.pk],
                    "max_id": rows.order_by("-pk").values_list("pk", flat=True).first() or 0,
                }
            )
        )


# --- The run ------------------------------------------------------------------------


def count_shown(url):
    page = urllib.request.urlopen(url).read().decode()
    return int(re.search(r'class="signature-count[^"]*"><strong>([\d,\s]+)', page).group(1).replace(",", ""))


def confirmed_since(database_url, first_id):
    """Signatures confirmed among those numbered from `first_id` on: a range
    of the primary key, cheap enough to ask while the surge runs."""
    sql = "SELECT COUNT(*) FROM registrations_signature WHERE id >= %s AND status = 'confirmed'"
    if database_url.startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=30) as conn:
            return conn.execute(sql.replace("%s", "?"), (first_id,)).fetchone()[0]
    import psycopg

    with psycopg.connect(database_url) as conn:
        return conn.execute(sql, (first_id,)).fetchone()[0]


def manage(env, *command):
    subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)


def run_child(env, *arguments):
    out = subprocess.run(
        [PYTHON, __file__, *arguments], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    return out.strip().splitlines()[-1] if out.strip() else ""


def fresh_database(kind, tmp, postgres_url):
    if kind == "sqlite":
        path = Path(tmp) / "signing.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    base, name = postgres_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return postgres_url


def header_maps():
    """The maps deploy/nginx-forum-site.conf defines for the security headers
    (deploy/nginx-security-headers.conf uses their variables), as deployed."""
    conf = (ROOT / "deploy" / "nginx-forum-site.conf").read_text()
    return "\n".join(re.findall(r"^map \$upstream_http_\w+ \$forum_\w+ \{.*?^\}", conf, re.M | re.S))


class MicroCache:
    """nginx with deploy/'s micro-cache in front of the app, while in a `with`."""

    def __init__(self, tmp, app_port):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # Its own directory each time: no case reads pages another case left.
        here = tempfile.mkdtemp(prefix="microcache-", dir=tmp)
        Path(here).chmod(0o755)
        conf = Path(here) / "nginx-proxy.conf"
        conf.write_text(
            NGINX_PROXY_CONF.format(tmp=here, port=self.port, app_port=app_port, root=ROOT, maps=header_maps())
        )
        self.conf = conf

    def __enter__(self):
        self.nginx = subprocess.Popen(["nginx", "-c", str(self.conf), "-g", "daemon off;"], stderr=subprocess.DEVNULL)
        wait_for(self.url + PAGES[0][1], timeout=60)
        return self

    def __exit__(self, *exc):
        self.nginx.send_signal(signal.SIGQUIT)
        self.nginx.wait(timeout=10)


def static_rates(tmp, app, duration, connections, headers=()):
    """nginx serving the bytes of each page as a static file (gzip), alone."""
    port = free_port()
    for _name, path in PAGES:
        target = Path(tmp) / "static" / path.lstrip("/") / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(urllib.request.urlopen(app + path).read())
    conf = Path(tmp) / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=tmp, port=port))
    nginx = subprocess.Popen(["nginx", "-c", str(conf), "-g", "daemon off;"], stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}{PAGES[0][1]}", timeout=60)
        return {
            name: run_wrk(f"http://127.0.0.1:{port}{path}", duration, connections, headers=headers)["rps"]
            for name, path in PAGES
        }
    finally:
        nginx.send_signal(signal.SIGQUIT)
        nginx.wait(timeout=10)


def one_case(kind, size, args, tmp, static):
    database_url = fresh_database(kind, tmp, args.postgres_url)
    env = django_env(database_url, tmp)
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo")
    started = time.perf_counter()
    if size:
        run_child(env, "--child", "fill", "--n", str(size))
    filled = time.perf_counter() - started
    port = free_port()
    env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    gunicorn = subprocess.Popen(
        [GUNICORN, "forum_site.wsgi", "-c", "gunicorn.conf.py"], cwd=ROOT, env=env, stderr=subprocess.DEVNULL
    )
    app = f"http://127.0.0.1:{port}"
    try:
        wait_for(app + "/healthz", timeout=60)
        for _name, path in PAGES:
            wait_for(app + path, timeout=60)
        if static is None:
            static = static_rates(tmp, app, args.duration, args.connections)
        # 1. Signing alone.
        cookie, token = csrf_pair(app + SIGN)
        script = Path(tmp) / "sign.lua"
        script.write_text(lua(SIGN_LUA, PATH=SIGN, TOKEN=token, COOKIE=cookie, RUN=f"{kind}{size}a"))
        first = json.loads(run_child(env, "--child", "rows"))
        sign = run_wrk(app + SIGN, args.duration, args.connections, script)
        rows = json.loads(run_child(env, "--child", "rows"))
        rows["unconfirmed"] -= first["unconfirmed"]
        # 2. The surge: sign, confirm the signatures just made, and read.
        tokens_file = Path(tmp) / "tokens.txt"
        confirmable = int(run_child(env, "--child", "tokens", "--path", str(tokens_file)))
        confirm_cookie, confirm_csrf = csrf_pair(app + SIGN)
        confirm_script = Path(tmp) / "confirm.lua"
        confirm_script.write_text(
            lua(CONFIRM_LUA, FILE=str(tokens_file), CSRF=confirm_csrf, COOKIE=confirm_cookie, THREADS=2)
        )
        surge_script = Path(tmp) / "sign2.lua"
        surge_script.write_text(lua(SIGN_LUA, PATH=SIGN, TOKEN=token, COOKIE=cookie, RUN=f"{kind}{size}b"))
        results, lags = {}, []
        before = json.loads(run_child(env, "--child", "rows"))

        def load(name, url, connections, script=None):
            results[name] = run_wrk(url, args.duration, connections, script)

        with MicroCache(tmp, port) as proxy:
            jobs = [
                threading.Thread(target=load, args=("sign", app + SIGN, 20, surge_script)),
                threading.Thread(target=load, args=("confirm", app + "/en/declaration/confirm/", 10, confirm_script)),
            ] + [threading.Thread(target=load, args=(name, proxy.url + path, 20)) for name, path in PAGES]
            for job in jobs:
                job.start()
            deadline = time.time() + args.duration
            while time.time() < deadline - 1:
                shown = count_shown(proxy.url + PAGES[0][1])
                lags.append(before["counted"] + confirmed_since(database_url, first["max_id"] + 1) - shown)
                time.sleep(0.25)
            for job in jobs:
                job.join()
            after = json.loads(run_child(env, "--child", "rows"))
            settle_started = time.time()
            while count_shown(proxy.url + PAGES[0][1]) != after["stored"] and time.time() - settle_started < 30:
                time.sleep(0.2)
            settled = time.time() - settle_started
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
    admin = ""
    if args.with_admin:
        admin = subprocess.run(
            [PYTHON, __file__, "--child", "admin", "--n", str(size)],
            cwd=ROOT,
            env={**env, "ALLOWED_HOSTS": "testserver"},
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout.strip()
    return {
        "admin": admin,
        "filled": filled,
        "sign": sign,
        "rows": rows,
        "surge": results,
        "confirmable": confirmable,
        "confirmed": after["counted"] - before["counted"],
        "lags": lags,
        "settled": settled,
        "exact": after["stored"] == after["counted"],
        "static": static,
    }


def in_process_main(args, title, child):
    """For each database and size: a fresh database, the demo, the fill, then
    `--child CHILD --n SIZE` in a process of its own, its output printed."""
    print(f"# {title}")
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores shared with other work")
    with tempfile.TemporaryDirectory() as tmp:
        manage(django_env(f"sqlite:///{tmp}/collect.sqlite3", tmp), "collectstatic", "--noinput")
        for kind in args.databases.split(","):
            for size in [int(s) for s in args.sizes.split(",")]:
                env = django_env(fresh_database(kind, tmp, args.postgres_url), tmp)
                env["ALLOWED_HOSTS"] = "testserver"
                manage(env, "migrate", "--noinput")
                manage(env, "load_demo")
                if size:
                    run_child(env, "--child", "fill", "--n", str(size))
                print()
                print(f"## {'SQLite' if kind == 'sqlite' else 'PostgreSQL'}, {size:,} signatures")
                print()
                command = [PYTHON, __file__, "--child", child, "--n", str(size)]
                out = subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.PIPE, text=True).stdout
                print(out.strip(), flush=True)
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="0,100000,1000000")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/forum_site_bench")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--admin", action="store_true", help="time the admin's changelists at each size instead")
    parser.add_argument("--profile", action="store_true", help="profile a sign POST at each size instead")
    parser.add_argument("--with-admin", action="store_true", help="time the changelists after each case too")
    args = parser.parse_args()
    if args.child:
        return child(args)
    if args.admin:
        title = "Admin changelists (Django test client, in process), each size filled in bulk"
        return in_process_main(args, title, "admin")
    if args.profile:
        title = "Where a sign POST's time goes (cProfile, one thread, Django's test client through the whole stack)"
        return in_process_main(args, title, "profile")
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"# Signing: wrk -c{args.connections} -d{args.duration}s posting the signature form, each a new address")
    print(
        f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores shared with other work; "
        "gunicorn.conf.py as shipped; mail queued to the database, no worker"
    )
    print(f"# Rate limits raised by name for this run: {', '.join(f'{k}={v}' for k, v in RAISED.items())}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        tmp_path.chmod(0o755)  # nginx's workers run as an unprivileged user
        manage(django_env(f"sqlite:///{tmp}/collect.sqlite3", tmp), "collectstatic", "--noinput")
        static = None
        for kind in args.databases.split(","):
            empty_rate = None
            for size in sizes:
                result = one_case(kind, size, args, tmp, static)
                static = result["static"]
                sign, surge, lags = result["sign"], result["surge"], result["lags"] or [0]
                empty_rate = empty_rate or sign["rps"]
                declaration, event = surge["Declaration"], surge["event page"]
                print()
                print(f"## {'SQLite' if kind == 'sqlite' else 'PostgreSQL'}, {size:,} signatures")
                print()
                print(f"Filled in {result['filled']:.0f} s.")
                print()
                print(
                    "| signing alone, 50 connections | sign/s | p50 ms | p99 ms | not redirects | redirects "
                    "| rows saved | in flight at the stop | rate / empty |"
                )
                print("|---|---|---|---|---|---|---|---|---|")
                print(
                    f"| {size:,} signatures | {sign['rps']:.0f} | {sign['p50']:.1f} | {sign['p99']:.1f} "
                    f"| {sign['other']} | {sign['ok']} | {result['rows']['unconfirmed']} "
                    f"| {result['rows']['unconfirmed'] - sign['ok']} | {sign['rps'] / empty_rate:.2f} |"
                )
                print()
                print(
                    "| surge: sign 20 conn., confirm 10, read each page 20 through the micro-cache "
                    "| sign/s | confirm/s | confirmed "
                    "| Declaration req/s | / nginx | p99 ms | event page req/s | / nginx | p99 ms "
                    "| count lag mean / max (signatures) | stored = rows after | shown exact after s |"
                )
                print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
                print(
                    f"| all at once | {surge['sign']['rps']:.0f} | {result['confirmed'] / args.duration:.0f} "
                    f"| {result['confirmed']} of {result['confirmable']} "
                    f"| {declaration['rps']:.0f} | {declaration['rps'] / static['Declaration']:.2f} "
                    f"| {declaration['p99']:.1f} | {event['rps']:.0f} | {event['rps'] / static['event page']:.2f} "
                    f"| {event['p99']:.1f} | {sum(lags) / len(lags):.0f} / {max(lags)} "
                    f"| {'yes' if result['exact'] else 'NO'} | {result['settled']:.1f} |"
                )
                if result["admin"]:
                    print()
                    print(result["admin"], flush=True)
        print()
        print(
            "Rows saved = redirects + the requests still in flight when wrk stopped (wrk does not count "
            f"those answers; at most {args.connections})."
        )
        print()
        print(
            "Readers come through nginx with deploy/nginx-microcache.conf in front of gunicorn (as deploy/ "
            "ships it); signing and confirming go to gunicorn directly. The count is read through nginx too."
        )
        print()
        print("nginx static, alone: " + ", ".join(f"{name} {rate:.0f} req/s" for name, rate in (static or {}).items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
