"""The files in deploy/: what nginx sends on every https answer."""

import collections
import io
import os
import re
import subprocess
from pathlib import Path

from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def _expand(text):
    """The configuration with our own include files pasted in, comments dropped."""
    text = re.sub(r"#[^\n]*", "", text)

    def paste(match):
        return _expand((DEPLOY / Path(match.group(1)).name).read_text())

    return re.sub(r"include\s+/srv/forum-site/deploy/([\w.-]+);", paste, text)


def _blocks(text, name):
    """The bodies of the blocks `name … { … }` in text (nested blocks kept inside)."""
    bodies = []
    for match in re.finditer(rf"\b{name}\b[^{{;]*{{", text):
        depth, start = 1, match.end()
        for end in range(start, len(text)):
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            if depth == 0:
                bodies.append(text[start:end])
                break
    return bodies


def _own_directives(body):
    """The directives of a block itself, not of the blocks nested in it."""
    flat, depth = [], 0
    for char in body:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0 and char != "}":
            flat.append(char)
    return [" ".join(d.split()) for d in "".join(flat).split(";") if d.strip()]


def test_nginx_sends_the_security_headers_always_on_every_https_answer_static_files_too():
    site = _expand((DEPLOY / "nginx-forum-site.conf").read_text())
    (https,) = [body for body in _blocks(site, "server") if "listen 443" in body]
    headers = _own_directives(_expand((DEPLOY / "nginx-security-headers.conf").read_text()))
    assert "add_header Strict-Transport-Security $forum_hsts always" in headers
    assert len(headers) == 8
    assert set(headers) <= set(_own_directives(https))
    locations = _blocks(https, "location")
    assert len(locations) == 3  # nginx's error pages, static files, the app
    for location in locations:
        directives = _own_directives(location)
        # nginx inherits the server's add_header only into a location without one of its own.
        if any(d.startswith("add_header") for d in directives):
            assert set(headers) <= set(directives), location
    # Each of nginx's values is empty when the app sent the header (none is sent twice).
    for header in headers:
        variable = header.split()[2]
        (mapping,) = re.finditer(rf"map (\$upstream_http_[a-z_]+) \{variable} {{([^}}]*)}}", site)
        assert mapping.group(1) == "$upstream_http_" + header.split()[1].lower().replace("-", "_")
        assert 'default "";' in " ".join(mapping.group(2).split())
    # Nginx's HSTS where the app sent none (static files, errors), a year with subdomains.
    assert '"" "max-age=31536000; includeSubDomains";' in " ".join(site.split())


def test_deploy_manage_runs_manage_py_with_the_environment_file(tmp_path):
    """deploy/manage, as the operator and cron call it (here with the suite's Python)."""
    env_file = tmp_path / "forum-site.env"
    env_file.write_text(
        "DEBUG=False\nSECRET_KEY=k7Qx9vT2mZ4rW8yB1nE6uP3sJ0aL5cH9fD2gK8pR4tV7wY1zX3bN6mQ0eS5uA2iO\n"
        "ALLOWED_HOSTS=forum.example.org\nSITE_URL=https://forum.example.org\n"
        "EMAIL_URL=smtp+tls://u:p@smtp.example.org:587\n"
        "# A comment on a line of its own\nSECURE_HSTS_PRELOAD=False\n"
        'OTP_TOTP_ISSUER="Forum site"\n'
        # systemd does not expand $: neither does deploy/manage.
        "SITE_NAME=Forum $HOME\n"
    )
    clean = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "HOME")}
    result = subprocess.run(  # noqa: S603
        [str(DEPLOY / "manage"), "check", "--deploy", "--fail-level", "WARNING"],
        cwd=tmp_path,
        env={**clean, "FORUM_SITE_ENV": str(env_file)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
    shell = subprocess.run(  # noqa: S603
        [
            str(DEPLOY / "manage"),
            "shell",
            "-c",
            "from django.conf import settings as s; print(s.SITE_NAME, s.OTP_TOTP_ISSUER)",
        ],
        cwd=tmp_path,
        env={**clean, "FORUM_SITE_ENV": str(env_file)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert shell.stdout.strip().splitlines()[-1] == "Forum $HOME Forum site", shell.stderr
    # The same file with a comment after a value: refused, by name.
    env_file.write_text(env_file.read_text().replace("DEBUG=False\n", "DEBUG=False  # never on\n"))
    result = subprocess.run(  # noqa: S603
        [str(DEPLOY / "manage"), "check"],
        cwd=tmp_path,
        env={**clean, "FORUM_SITE_ENV": str(env_file)},
        capture_output=True,
        text=True,
        check=False,
    )
    # Read as systemd reads it (a shell would drop the comment): refused, as the units would be.
    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG has a comment after its value" in result.stderr
    crontab = (DEPLOY / "crontab").read_text()
    assert crontab.count("/srv/forum-site/deploy/manage ") == 2
    assert 'MAILTO=""' in crontab


def test_nginx_error_pages_name_each_languages_ways_in_once(tmp_path, settings):
    """One page holds the three languages' sections, each with the footer's
    "If this site is blocked": every id stays unique on the page."""
    settings.ONION_URL = "http://" + "a" * 56 + ".onion"
    call_command("nginx_error_pages", str(tmp_path), stdout=io.StringIO())
    for name in ("404.html", "502.html"):
        page = (tmp_path / name).read_text()
        ids = collections.Counter(re.findall(r'\sid="([^"]+)"', page))
        assert [id_ for id_, count in ids.items() if count > 1] == []
        assert {"ways-in-title-en", "ways-in-title-ru", "ways-in-title-be"} <= set(ids)
