"""Surge benchmark: public pages from the app alone, behind the nginx
micro-cache, and from nginx serving the same bytes as static files.

Prints a table (req/s, ratios, p50, p99, bytes) from `wrk -c50 -d15s` on
loopback, all in one run on this machine; then the page weight of the event
page's first load in headless Chromium. It is not a test.

Needs Debian's nginx and wrk (apt-get install nginx wrk) and the project's
.venv. Usage: .venv/bin/python bench/surge.py [--duration 15] [--connections 50]
"""

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
SLUG = "new-belarus-against-torture"
URLS = [
    ("home", "/en/"),
    ("event page", f"/en/events/{SLUG}/"),
    ("Declaration", f"/en/events/{SLUG}/declaration/"),
    ("event .ics", f"/en/events/{SLUG}/calendar.ics"),
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            return urllib.request.urlopen(url, timeout=2).read()
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def wrk(url, duration, connections):
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-H", "Accept-Encoding: gzip", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def ms(label):
        match = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": ms("50%"), "p99": ms("99%"), "errors": int(errors.group(1)) if errors else 0}


NGINX_CONF = """
worker_processes 2;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    types {{ text/calendar ics; }}
    access_log off;
    sendfile on;
    keepalive_requests 100000;
    gzip on;
    gzip_vary on;
    gzip_proxied any;
    gzip_types text/css application/javascript text/calendar application/json application/xml image/svg+xml;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    proxy_cache_path {tmp}/cache levels=1:2 keys_zone=forum_pages:10m max_size=200m inactive=10m use_temp_path=off;

    # The same response bytes, as static files.
    server {{
        listen 127.0.0.1:{static_port};
        root {tmp}/static;
        location ~ \\.ics$ {{ default_type text/calendar; }}
        location / {{ default_type text/html; try_files $uri $uri/index.html =404; }}
    }}

    upstream app {{ server 127.0.0.1:{app_port}; keepalive 32; }}

    # The production proxy: deploy/nginx-microcache.conf in front of the app.
    server {{
        listen 127.0.0.1:{proxy_port};
        location / {{
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            include {root}/deploy/nginx-microcache.conf;
        }}
    }}
}}
"""


def ensure_tools():
    """Debian's nginx and wrk, installed if missing (root, as here and in CI)."""
    missing = [
        name for name in ("nginx", "wrk") if shutil.which(name) is None and not Path(f"/usr/sbin/{name}").exists()
    ]
    if missing:
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", *missing],
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )


def no_leak_through_the_proxy(proxy):
    """Two visitors open the signature form through the proxy: each gets a
    fresh token, nothing is served from the cache; a public page is."""
    import http.cookiejar

    tokens, statuses = [], []
    for _visitor in range(2):
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        with opener.open(f"{proxy}/en/events/{SLUG}/declaration/sign/") as response:
            page = response.read().decode()
            statuses.append(response.headers.get("X-Cache-Status"))
            tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1))
    urllib.request.urlopen(f"{proxy}/en/events/{SLUG}/").read()
    with urllib.request.urlopen(f"{proxy}/en/events/{SLUG}/") as response:
        public_status = response.headers.get("X-Cache-Status")
    print()
    print("## The proxy's cache and private pages")
    print()
    print(
        f"- signature form, two visitors: X-Cache-Status {statuses[0]} and {statuses[1]}; "
        f"tokens {'differ' if tokens[0] != tokens[1] else 'ARE THE SAME'}"
    )
    print(f"- event page, second request: X-Cache-Status {public_status}")


def main():
    ensure_tools()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        tmp.chmod(0o755)  # nginx's workers run as an unprivileged user
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
        env.update(
            {
                "DEBUG": "False",
                "SECRET_KEY": "surge-bench-" + "y" * 50,
                "ALLOWED_HOSTS": "127.0.0.1",
                "DATABASE_URL": f"sqlite:///{tmp}/surge.sqlite3",
                # Plain http on loopback, as a benchmark needs; mail settings the site requires.
                "SECURE_SSL_REDIRECT": "False",
                "SITE_URL": "http://127.0.0.1",
                "EMAIL_URL": "smtp://127.0.0.1:9",
                "STATIC_ROOT": str(tmp / "collected"),
                "LOG_LEVEL": "WARNING",
                "GUNICORN_ACCESS_LOG": "",
            }
        )
        for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"], ["load_demo"]):
            subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
        app_port, static_port, proxy_port = free_port(), free_port(), free_port()
        env["GUNICORN_BIND"] = f"127.0.0.1:{app_port}"
        gunicorn = subprocess.Popen(
            [GUNICORN, "forum_site.wsgi", "-c", "gunicorn.conf.py"], cwd=ROOT, env=env, stderr=subprocess.DEVNULL
        )
        nginx = None
        try:
            app = f"http://127.0.0.1:{app_port}"
            wait_for(app + "/healthz")
            for _name, path in URLS:
                body = wait_for(app + path)
                target = tmp / "static" / path.lstrip("/")
                if path.endswith("/"):
                    target = target / "index.html"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(body)
            conf = tmp / "nginx.conf"
            conf.write_text(
                NGINX_CONF.format(tmp=tmp, root=ROOT, app_port=app_port, static_port=static_port, proxy_port=proxy_port)
            )
            nginx = subprocess.Popen(["nginx", "-c", str(conf), "-g", "daemon off;"], stderr=subprocess.DEVNULL)
            wait_for(f"http://127.0.0.1:{static_port}/en/")
            wait_for(f"http://127.0.0.1:{proxy_port}/en/")

            print(f"# Surge: wrk -t2 -c{args.connections} -d{args.duration}s, Accept-Encoding: gzip, on loopback")
            print(
                f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores; "
                "gunicorn.conf.py as shipped"
            )
            print()
            print(
                "| URL | bytes | nginx static req/s | app req/s | app/static | app p50 ms | app p99 ms "
                "| proxy req/s | proxy/static | proxy p99 ms |"
            )
            print("|---|---|---|---|---|---|---|---|---|---|")
            for name, path in URLS:
                for base in (app, f"http://127.0.0.1:{proxy_port}"):
                    urllib.request.urlopen(base + path).read()  # warm: the first request renders
                static = wrk(f"http://127.0.0.1:{static_port}{path}", args.duration, args.connections)
                alone = wrk(f"{app}{path}", args.duration, args.connections)
                proxied = wrk(f"http://127.0.0.1:{proxy_port}{path}", args.duration, args.connections)
                size = len(urllib.request.urlopen(app + path).read())
                print(
                    f"| {name} `{path}` | {size} | {static['rps']:.0f} | {alone['rps']:.0f} | "
                    f"{alone['rps'] / static['rps']:.2f} | {alone['p50']:.1f} | {alone['p99']:.1f} | "
                    f"{proxied['rps']:.0f} | {proxied['rps'] / static['rps']:.2f} | {proxied['p99']:.1f} |",
                    flush=True,
                )
            no_leak_through_the_proxy(f"http://127.0.0.1:{proxy_port}")
            page_weight(f"http://127.0.0.1:{proxy_port}/en/events/{SLUG}/")
        finally:
            if nginx:
                nginx.send_signal(signal.SIGQUIT)
                nginx.wait(timeout=10)
            gunicorn.send_signal(signal.SIGTERM)
            gunicorn.wait(timeout=30)


def page_weight(url):
    """First load in headless Chromium: requests, bytes on the wire, other hosts."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        page = browser.new_context().new_page()
        responses = []
        page.on("requestfinished", lambda request: responses.append(request))
        page.goto(url, wait_until="networkidle")
        rows = []
        for request in responses:
            sizes = request.sizes()
            rows.append((request.url, sizes["responseBodySize"] + sizes["responseHeadersSize"]))
        browser.close()
    host = url.split("/")[2]
    print()
    print(f"## First load of {url.split(host)[1]} in headless Chromium")
    print()
    print("| resource | bytes transferred |")
    print("|---|---|")
    for resource, size in rows:
        print(f"| `{resource.split(host)[1]}` | {size} |")
    others = [r for r, _s in rows if r.split("/")[2] != host]
    print(f"| **{len(rows)} requests** | **{sum(s for _r, s in rows)} bytes** ({len(others)} to other hosts) |")


if __name__ == "__main__":
    sys.exit(main())
