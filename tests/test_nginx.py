"""The shipped nginx files, as nginx reads them: deploy/nginx-*.conf rendered for a
temporary prefix (paths, ports, a self-signed certificate), checked with `nginx -t`
and served through, on a configuration shaped like Debian 12's (its default
access log and error log stay on at the http level, as in /etc/nginx/nginx.conf)."""

import http.client
import io
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
TOKEN = "t0kenFromAPrivateLink-4f9c2a"
CLIENT = "127.0.0.2"  # the "visitor": an address that nothing else in the test uses
SECURITY_HEADERS = [
    "Strict-Transport-Security",
    "Content-Security-Policy",
    "Permissions-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Cross-Origin-Resource-Policy",
]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def nginx():
    if not Path(NGINX).exists():
        if os.environ.get("REQUIRE_NGINX"):
            pytest.fail("nginx is required here (apt-get install nginx-light)")
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    return NGINX


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _certificate(directory):
    directory.mkdir()
    subprocess.run(  # noqa: S603
        [
            *(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=forum.example.org",
            ),
            *("-keyout", str(directory / "privkey.pem"), "-out", str(directory / "fullchain.pem")),
        ],
        check=True,
        capture_output=True,
    )


def _main_conf(prefix, site_files):
    """/etc/nginx/nginx.conf as Debian 12 ships it, in the prefix."""
    for name in ("logs", "temp", "www"):
        (prefix / name).mkdir(exist_ok=True)
    user = "user root root;\n" if os.geteuid() == 0 else ""  # workers must read the pytest directory
    includes = "".join(f"    include {path};\n" for path in site_files)
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temp = "".join(f"    {kind}_temp_path {prefix / 'temp' / kind};\n" for kind in kinds)
    conf = prefix / "nginx.conf"
    conf.write_text(
        f"{user}worker_processes 1;\npid {prefix}/nginx.pid;\nerror_log {prefix}/logs/error.log;\n"
        "events { worker_connections 64; }\n"
        "http {\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
        f"    access_log {prefix}/logs/access.log;\n    gzip on;\n{temp}{includes}}}\n"
    )
    return conf


def _render(text, replacements):
    for old, new in replacements:
        text = re.sub(old, new, text)
    return text


def _site(prefix, static_root):
    """The site and onion files for this prefix; returns (main conf, https port, http port)."""
    https, http, onion, dead = _free_port(), _free_port(), _free_port(), _free_port()
    _certificate(prefix / "cert")
    common = [
        (r"listen \[::\]:\d+[^;]*;", ""),
        (r"/srv/forum-site/deploy/", f"{DEPLOY}/"),
        (r"/srv/forum-site/staticfiles/", f"{static_root}/"),
        (r"/var/log/nginx/", f"{prefix}/logs/"),
    ]
    site = _render(
        (DEPLOY / "nginx-forum-site.conf").read_text(),
        [
            *common,
            (r"listen 443 ", f"listen 127.0.0.1:{https} "),
            (r"listen 80 ", f"listen 127.0.0.1:{http} "),
            (r"/var/cache/nginx-forum-site ", f"{prefix}/cache-forum-site "),
            (r"/etc/letsencrypt/live/forum\.example\.org/", f"{prefix}/cert/"),
            (r"/var/www/html", f"{prefix}/www"),
            # The app is down: every proxied request is nginx's 502.
            (r"server 127\.0\.0\.1:8000;", f"server 127.0.0.1:{dead};"),
        ],
    )
    onion_site = _render(
        (DEPLOY / "nginx-onion.conf").read_text(), [*common, (r"127\.0\.0\.1:8081", f"127.0.0.1:{onion}")]
    )
    (prefix / "site.conf").write_text(site)
    (prefix / "onion.conf").write_text(onion_site)
    return _main_conf(prefix, [prefix / "site.conf", prefix / "onion.conf"]), https, http


def _nginx_test(nginx, conf, prefix):
    result = subprocess.run(  # noqa: S603
        [nginx, "-t", "-p", str(prefix), "-c", str(conf)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
    # nginx 1.25.1+ would add one warning: `listen … http2` is deprecated there (still valid).
    warnings = [line for line in result.stderr.splitlines() if "[warn]" in line and "http2" not in line]
    assert warnings == [], result.stderr


def _get(port, path, *, tls=True, host="forum.example.org"):
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, source_address=(CLIENT, 0))
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, source_address=(CLIENT, 0))
    connection.request("GET", path, headers={"Host": host})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def _directives(csp):
    return {" ".join(part.split()) for part in csp.split(";")}


@pytest.mark.django_db
def test_shipped_nginx_files_pass_nginx_t_serve_errors_with_the_headers_and_log_nothing(
    nginx, tmp_path, client, request
):
    call_command("nginx_error_pages", stdout=io.StringIO())
    app = client.get("/robots.txt", secure=True)  # the headers the app sends with its pages
    conf, https, http_port = _site(tmp_path, request.getfixturevalue("_collected_static"))
    _nginx_test(nginx, conf, tmp_path)
    server = subprocess.Popen(  # noqa: S603
        [nginx, "-p", str(tmp_path), "-c", str(conf), "-g", "daemon off;"],
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", https), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline
                assert server.poll() is None
                time.sleep(0.02)
        # The micro-cache's directory: nginx made it (its parent exists, as /var/cache does).
        assert (tmp_path / "cache-forum-site").is_dir()

        # The app is down (a restart): nginx's 502, branded and in three languages.
        down, body = _get(https, f"/en/media/status/?t={TOKEN}")
        assert down.status == 502
        page = body.decode()
        assert "The site is unavailable for a moment" in page
        assert "Сайт ненадолго недоступен" in page
        assert "Сайт ненадоўга недаступны" in page
        assert re.search(r'<link rel="stylesheet" href="/static/css/site\.[0-9a-f]+\.css">', page)
        assert down.getheader("Cache-Control") == "no-store"
        # A missing static file: nginx's 404.
        missing, body = _get(https, f"/static/css/nothing.css?t={TOKEN}")
        assert missing.status == 404
        assert "Page not found" in body.decode()
        assert "Страница не найдена" in body.decode()
        # A static file: one Cache-Control.
        static, _body = _get(https, f"/static/css/site.css?t={TOKEN}")
        assert static.status == 200
        assert static.headers.get_all("Cache-Control") == ["public, max-age=31536000, immutable"]
        for response in (down, missing, static):
            for name in SECURITY_HEADERS:
                assert response.headers.get_all(name) is not None, (response.status, name)
                assert len(response.headers.get_all(name)) == 1, (response.status, name)
                if name == "Content-Security-Policy":
                    assert _directives(response.getheader(name)) == _directives(app[name])
                else:
                    assert response.getheader(name) == app[name], (response.status, name)
        # The error pages are reached only as error pages.
        assert _get(https, "/_errors/502.html")[0].status == 404
        # Port 80 sends everyone to https, at the site's own name.
        redirect, _body = _get(http_port, f"/en/?t={TOKEN}", tls=False, host="whatever.example")
        assert redirect.status == 301
        assert redirect.getheader("Location") == f"https://forum.example.org/en/?t={TOKEN}"
        # Plain http to the https port, and a handshake that is not one.
        assert _get(https, f"/?t={TOKEN}", tls=False)[0].status == 400
        with socket.create_connection(("127.0.0.1", https), source_address=(CLIENT, 0)) as raw:
            raw.sendall(b"\x16\x03\x01\x00\x05garbage" + TOKEN.encode())
            raw.recv(1024)
    finally:
        server.send_signal(signal.SIGQUIT)  # graceful: logs are flushed and closed
        server.wait(timeout=20)
    logs = [path for path in (tmp_path / "logs").rglob("*") if path.is_file()]
    # Debian's default access log is open (the site's servers turn it off), and the error logs.
    assert {"access.log", "error.log", "forum-site.error.log"} <= {path.name for path in logs}
    for path in logs:
        text = path.read_bytes()
        assert TOKEN.encode() not in text, path.name
        assert CLIENT.encode() not in text, path.name


def test_mirror_host_nginx_file_passes_nginx_t(nginx, tmp_path):
    _certificate(tmp_path / "cert")
    mirror = _render(
        (DEPLOY / "nginx-mirror.conf").read_text(),
        [
            (r"listen \[::\]:\d+[^;]*;", ""),
            (r"listen 443 ", f"listen 127.0.0.1:{_free_port()} "),
            (r"listen 80;", f"listen 127.0.0.1:{_free_port()};"),
            (r"/etc/letsencrypt/live/mirror\.example\.net/", f"{tmp_path}/cert/"),
            (r"/etc/nginx/forum-mirror-headers\.conf", str(DEPLOY / "nginx-mirror-headers.conf")),
            (r"/srv/forum-mirror/", f"{tmp_path}/mirror/"),
            (r"/var/log/nginx/", f"{tmp_path}/logs/"),
        ],
    )
    (tmp_path / "mirror.conf").write_text(mirror)
    _nginx_test(nginx, _main_conf(tmp_path, [tmp_path / "mirror.conf"]), tmp_path)


class _Backend:
    """An app host: `answers` sends 200 naming itself; otherwise it reads each
    request and closes the connection unanswered, as a host killed under it."""

    def __init__(self, name, *, answers):
        self.name, self.answers, self.methods = name, answers, []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                connection, _address = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._one, args=(connection,), daemon=True).start()

    def _one(self, connection):
        with connection:
            data = b""
            while True:
                while b"\r\n\r\n" not in data:
                    chunk = connection.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                head, data = data.split(b"\r\n\r\n", 1)
                length = int(re.search(rb"(?im)^content-length:\s*(\d+)", head).group(1)) if b"ength:" in head else 0
                while len(data) < length:
                    data += connection.recv(65536)
                data = data[length:]
                self.methods.append(head.split(b" ", 1)[0].decode())
                if not self.answers:
                    return
                body = self.name.encode()
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nCache-Control: no-store\r\n"
                    + f"Content-Length: {len(body)}\r\n\r\n".encode()
                    + body
                )

    def close(self):
        self.listener.close()


def _request(port, method, path):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, source_address=(CLIENT, 0))
    body = "name=x" if method == "POST" else None
    headers = {"Host": "forum.example.org", "Content-Type": "application/x-www-form-urlencoded"}
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    answer = (response.status, response.read())
    connection.close()
    return answer


@pytest.mark.django_db
def test_two_hosts_upstream_retries_gets_never_a_post_a_host_received(nginx, tmp_path, request):
    """deploy/nginx-upstream-two-hosts.conf in place of the site file's upstream:
    `nginx -t` passes; one host drops every request it reads (killed under it):
    every GET is answered by the other, and a POST that reached the dying host
    is never sent to the other (a 502 instead), so no form is stored twice."""
    static_root = request.getfixturevalue("_collected_static")
    call_command("nginx_error_pages", stdout=io.StringIO())
    dying, alive = _Backend("dying", answers=False), _Backend("alive", answers=True)
    try:
        https = _free_port()
        _certificate(tmp_path / "cert")
        upstream = _render(
            (DEPLOY / "nginx-upstream-two-hosts.conf").read_text(),
            [(r"10\.0\.0\.11:8000", f"127.0.0.1:{dying.port}"), (r"10\.0\.0\.12:8000", f"127.0.0.1:{alive.port}")],
        )
        (tmp_path / "upstream.conf").write_text(upstream)
        site = _render(
            (DEPLOY / "nginx-forum-site.conf").read_text(),
            [
                (r"(?s)upstream forum_site \{.*?\n\}", f"include {tmp_path}/upstream.conf;"),
                (r"listen \[::\]:\d+[^;]*;", ""),
                (r"/srv/forum-site/deploy/", f"{DEPLOY}/"),
                (r"/srv/forum-site/staticfiles/", f"{static_root}/"),
                (r"/var/log/nginx/", f"{tmp_path}/logs/"),
                (r"listen 443 ", f"listen 127.0.0.1:{https} "),
                (r"listen 80 ", f"listen 127.0.0.1:{_free_port()} "),
                (r"/var/cache/nginx-forum-site ", f"{tmp_path}/cache-forum-site "),
                (r"/etc/letsencrypt/live/forum\.example\.org/", f"{tmp_path}/cert/"),
                (r"/var/www/html", f"{tmp_path}/www"),
            ],
        )
        assert "10.0.0." not in site + upstream
        (tmp_path / "site.conf").write_text(site)
        conf = _main_conf(tmp_path, [tmp_path / "site.conf"])
        _nginx_test(nginx, conf, tmp_path)
        server = subprocess.Popen(  # noqa: S603
            [nginx, "-p", str(tmp_path), "-c", str(conf), "-g", "daemon off;"], stderr=subprocess.DEVNULL
        )
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    socket.create_connection(("127.0.0.1", https), timeout=1).close()
                    break
                except OSError:
                    assert time.monotonic() < deadline
                    time.sleep(0.02)
            gets = [_request(https, "GET", f"/en/page-{n}/") for n in range(2)]
            assert gets == [(200, b"alive")] * 2
            assert dying.methods == ["GET"]  # it went to the dying host first, and was retried
            posts = [_request(https, "POST", f"/en/form-{n}/") for n in range(2)]
            assert sorted(status for status, _body in posts) == [200, 502]
            assert dying.methods.count("POST") == 1  # the one answered with 502 reached it, and only it
            assert alive.methods.count("POST") == 1
            # Three failures within fail_timeout: the dying host is left out, nothing more goes to it.
            assert dying.methods.count("GET") + dying.methods.count("POST") == 2
            _request(https, "GET", "/en/page-last-failure/")
            seen = len(dying.methods)
            later = [_request(https, "GET", f"/en/later-{n}/") for n in range(4)]
            assert later == [(200, b"alive")] * 4
            assert len(dying.methods) == seen
        finally:
            server.send_signal(signal.SIGQUIT)
            server.wait(timeout=20)
    finally:
        dying.close()
        alive.close()
