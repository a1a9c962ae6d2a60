"""The files in deploy/: what nginx sends on every https answer."""

import re
from pathlib import Path

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
