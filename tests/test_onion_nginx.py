"""Through nginx as deployed for the onion (deploy/nginx-onion.conf), with each
connection opened as Tor opens it (HiddenServiceExportCircuitID haproxy: a PROXY
protocol header naming the circuit fc00:dead:beef:4dad::<circuit>): the app counts
each circuit as a client of its own."""

import io
import re
import signal
import socket
import subprocess
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from tests.test_nginx import DEPLOY, NGINX, _free_port, _main_conf, _nginx_test, _render

pytestmark = pytest.mark.slow

ONION = "exampleexampleexampleexampleexampleexampleexampleexample.onion"
SIGN = "/en/events/new-belarus-against-torture/declaration/sign/"


def circuit(number):
    return f"fc00:dead:beef:4dad::{number >> 16:x}:{number & 0xFFFF:x}"


@pytest.fixture
def onion_nginx(site_url, tmp_path, settings, monkeypatch):
    if not Path(NGINX).exists():
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    settings.BEHIND_PROXY = True
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ONION]
    settings.CSRF_TRUSTED_ORIGINS = [*settings.CSRF_TRUSTED_ORIGINS, f"http://{ONION}"]
    now = time.time()
    still = now - now % 600 + 330  # the limiter's windows: the middle of a minute and of ten
    monkeypatch.setattr("plumbing.ratelimit.time", SimpleNamespace(time=lambda: still))
    port = _free_port()
    site = _render(
        (DEPLOY / "nginx-onion.conf").read_text(),
        [
            (r"127\.0\.0\.1:8081", f"127.0.0.1:{port}"),
            (r"/srv/forum-site/deploy/", f"{DEPLOY}/"),
            (r"/srv/forum-site/staticfiles/", f"{tmp_path}/static/"),
            (r"/var/log/nginx/", f"{tmp_path}/logs/"),
        ],
    )
    app = site_url.removeprefix("http://")
    (tmp_path / "onion.conf").write_text(
        f"upstream forum_site {{ server {app}; keepalive 4; }}\n"
        f"proxy_cache_path {tmp_path}/cache levels=1:2 keys_zone=forum_pages:1m max_size=10m inactive=10m"
        " use_temp_path=off;\n" + site
    )
    conf = _main_conf(tmp_path, [tmp_path / "onion.conf"])
    _nginx_test(NGINX, conf, tmp_path)
    server = subprocess.Popen(  # noqa: S603
        [NGINX, "-p", str(tmp_path), "-c", str(conf), "-g", "daemon off;"], stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.02)
        yield port
    finally:
        server.send_signal(signal.SIGQUIT)
        server.wait(timeout=20)


def _as_tor(port, number, request):
    """One connection as Tor makes it: the PROXY header with the circuit, then HTTP."""
    header = f"PROXY TCP6 {circuit(number)} ::1 {40000 + number % 20000} 80\r\n".encode()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(header + request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), head.decode("latin-1"), body


def _get(port, number, path):
    request = f"GET {path} HTTP/1.1\r\nHost: {ONION}\r\nConnection: close\r\n\r\n".encode()
    return _as_tor(port, number, request)


def _post(port, number, path, form, cookie):
    body = "&".join(f"{key}={value}" for key, value in form.items()).encode()
    request = (
        f"POST {path} HTTP/1.1\r\nHost: {ONION}\r\nConnection: close\r\nOrigin: http://{ONION}\r\n"
        f"Cookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    return _as_tor(port, number, request)[0]


def test_through_nginx_each_tor_circuit_is_a_client_of_its_own(onion_nginx, settings):
    call_command("load_demo", stdout=io.StringIO())
    settings.RATE_LIMIT_CONFIRM = ((3, 60),)
    status, head, body = _get(onion_nginx, 1, SIGN)
    assert status == 200
    cookie = re.search(r"Set-Cookie: (csrftoken=[^;]+)", head, re.IGNORECASE).group(1)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    junk = {"csrfmiddlewaretoken": token, "t": "made-up"}

    # Junk confirmations from one circuit: that circuit reaches its limit...
    assert [_post(onion_nginx, 0x10001, "/en/declaration/confirm/", junk, cookie) for _ in range(4)] == [
        400,
        400,
        400,
        429,
    ]
    # ...and another circuit is not held up by it.
    assert _post(onion_nginx, 0x10002, "/en/declaration/confirm/", junk, cookie) == 400
    # A connection without the PROXY header is not served at all.
    with socket.create_connection(("127.0.0.1", onion_nginx), timeout=10) as plain:
        plain.sendall(f"GET / HTTP/1.1\r\nHost: {ONION}\r\nConnection: close\r\n\r\n".encode())
        assert not plain.recv(65536).startswith(b"HTTP/1.1 200")
