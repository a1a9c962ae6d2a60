"""The production server as the systemd unit starts it: gunicorn with gunicorn.conf.py."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _environment(tmp_path, **overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GUNICORN_", "XDG_"))}
    env.update(
        {
            "DEBUG": "False",
            "SECRET_KEY": "a-test-key-for-a-server-started-in-a-test-0123456789",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": "https://forum.example.org",
            "EMAIL_URL": "smtp://127.0.0.1:9",
            "SECURE_SSL_REDIRECT": "False",
            # No database is needed for what these tests ask; never the project's file.
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "GUNICORN_BIND": "127.0.0.1:0",
            "GUNICORN_WORKERS": "1",
            "GUNICORN_THREADS": "2",
            # A home nothing can be created in, as under the unit's ProtectSystem=strict.
            "HOME": str(ROOT / "gunicorn.conf.py"),
        }
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


@contextmanager
def _gunicorn(tmp_path, *args, **overrides):
    """Starts gunicorn; yields (process, port once a worker boots or None, output) where
    output() returns (stdout, stderr) so far."""
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "forum_site.wsgi", "-c", "gunicorn.conf.py", *args],
            cwd=ROOT,
            env=_environment(tmp_path, **overrides),
            stdout=stdout,
            stderr=stderr,
        )
    try:

        def output():
            return out.read_text(), err.read_text()

        port = None
        deadline = time.monotonic() + 20
        while port is None and process.poll() is None and time.monotonic() < deadline:
            found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", output()[1])
            booted = "Booting worker" in output()[1]
            if found and booted:
                port = int(found.group(1))
            else:
                time.sleep(0.05)
        yield process, port, output
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)  # quick shutdown
        process.wait(timeout=20)


def _raw_get(port, target):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize(
    ("email_url", "expected"),
    [(None, "Set EMAIL_URL"), ("", "Set EMAIL_URL"), ("consolemail://", "Set EMAIL_URL")],
    ids=["unset", "empty", "console"],
)
def test_gunicorn_refuses_to_start_with_debug_off_and_no_mail_server(tmp_path, email_url, expected):
    with _gunicorn(tmp_path, EMAIL_URL=email_url) as (process, _port, output):
        process.wait(timeout=20)
        stderr = output()[1]
    assert process.returncode != 0
    assert expected in stderr
    assert "Worker failed to boot" in stderr


def test_gunicorn_refuses_to_start_with_debug_off_and_no_site_url(tmp_path):
    with _gunicorn(tmp_path, SITE_URL=None) as (process, _port, output):
        process.wait(timeout=20)
        stderr = output()[1]
    assert process.returncode != 0
    assert "Set SITE_URL" in stderr


def test_access_log_keeps_a_path_with_a_line_break_or_a_quote_on_one_json_line(tmp_path, request):
    static_root = request.getfixturevalue("_collected_static")  # the 404 page links our stylesheet
    with _gunicorn(tmp_path, STATIC_ROOT=str(static_root)) as (_process, port, output):
        assert port, output()[1]
        answer = _raw_get(port, "/en/a%0Ab%22c%5C%0D%7D")
        assert answer.startswith(b"HTTP/1.1 404")
    stdout, _stderr = output()
    lines = stdout.splitlines()
    assert len(lines) == 1, stdout
    entry = json.loads(lines[0])
    assert entry["path"] == '/en/a\nb"c\\\r}'
    assert (entry["method"], entry["status"]) == ("GET", 404)
    assert entry["bytes"] > 0


def _wait_for(output, needle):
    deadline = time.monotonic() + 10
    while needle not in output()[1].lower() and time.monotonic() < deadline:
        time.sleep(0.05)


def test_gunicorn_needs_no_writable_home_for_its_control_socket(tmp_path):
    # At debug level the arbiter says what became of the control socket, once its workers run.
    with _gunicorn(tmp_path, "--log-level", "debug") as (_process, port, output):
        assert port, output()[1]
        _wait_for(output, "control s")  # "Control socket …" or "Control server error: …"
    lines = [line for line in output()[1].splitlines() if "control s" in line.lower()]
    assert [line.split("] ")[-1] for line in lines] == ["Control socket disabled"]


def test_gunicorn_control_socket_where_it_is_asked_for(tmp_path):
    path = tmp_path / "run" / "gunicorn.ctl"
    with _gunicorn(tmp_path, GUNICORN_CONTROL_SOCKET=str(path)) as (_process, port, output):
        assert port, output()[1]
        _wait_for(output, "control socket")  # the arbiter opens it once the workers run
        assert path.is_socket()
        assert oct(path.stat().st_mode & 0o777) == oct(0o600)


def test_health_answers_on_loopback_without_the_public_host_name(tmp_path, request):
    # As the unit runs it (ALLOWED_HOSTS is the public name), asked as a monitor on the host
    # asks (curl http://127.0.0.1:8000/healthz). The 400 page links our stylesheet.
    static_root = str(request.getfixturevalue("_collected_static"))
    with _gunicorn(tmp_path, ALLOWED_HOSTS="forum.example.org", STATIC_ROOT=static_root) as (_process, port, output):
        assert port, output()[1]
        answer = _raw_get(port, "/healthz")
        page = _raw_get(port, "/en/")
    assert answer.startswith(b"HTTP/1.1 200"), answer
    assert b'{"status": "ok"}' in answer
    assert page.startswith(b"HTTP/1.1 400")
