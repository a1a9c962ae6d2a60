"""The static mirror (`manage.py export_mirror DIR`): every public page in
every language, served by a plain web server under any path, with no broken
link, no link back to the origin but the forms' and no signatory's name."""

import gzip
import io
import re
from datetime import timedelta
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urljoin, urlsplit
from urllib.request import urlopen

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.utils import timezone

from plumbing.mirror import mirror_export
from tests.factories import make_accreditation, make_signature
from tests.html import text

pytestmark = pytest.mark.django_db

ONION = "http://" + ("belarusforum" * 5)[:56] + ".onion"
MIRROR = "https://mirror.example.net/m/"
SLUG = "new-belarus-against-torture"
FORM_PAGES = (f"/events/{SLUG}/media/index.html", f"/events/{SLUG}/declaration/sign/index.html")
SECRET_NAME = "Alena Listed-Signatory"


@pytest.fixture
def content(demo_event, settings):
    """The demo forum with media registration open and one accepted name on
    the Declaration's public list."""
    settings.ONION_URL = ONION
    settings.MIRROR_URLS = [MIRROR]
    make_accreditation(demo_event, closes_at=timezone.now() + timedelta(days=30))
    make_signature(
        demo_event.declaration,
        name=SECRET_NAME,
        visibility="full",
        name_accepted_at=timezone.now(),
    )
    return demo_event


def _files(directory):
    paths = sorted(path for path in directory.rglob("*") if path.is_file())
    return {str(path.relative_to(directory)): path.read_bytes() for path in paths}


def _links(url, body):
    """(tag, absolute target) of every link a browser would follow or load;
    the canonical and hreflang links name the primary address by design."""
    page = BeautifulSoup(body, "html.parser")
    for tag in page.find_all(["a", "link", "script", "img", "form", "iframe", "source"]):
        rel = tag.get("rel") or []
        if tag.name == "link" and ("canonical" in rel or tag.get("hreflang")):
            continue
        for attr in ("href", "src", "action"):
            if tag.get(attr):
                yield tag.name, urljoin(url, tag[attr])


def _crawl(start):
    """Every page and file reachable from `start`: {url: (content type, body)},
    broken links, and links to the origin (testserver) by page."""
    host = urlsplit(start).netloc
    base = start.rsplit("/", 1)[0] + "/"
    found, broken, origin = {}, [], {}
    queue = [start]
    while queue:
        url = queue.pop(0).split("#")[0]
        if url in found:
            continue
        try:
            with urlopen(url) as response:  # noqa: S310 (a loopback test server)
                found[url] = (response.headers["Content-Type"], response.read())
        except HTTPError as error:
            broken.append((url, error.code))
            continue
        kind, body = found[url]
        targets = []
        if kind.startswith("text/html"):
            targets = [target for _tag, target in _links(url, body.decode())]
        elif kind.startswith("text/css"):
            targets = [
                urljoin(url, value)
                for value in re.findall(r"url\(['\"]?([^'\")]+)['\"]?\)", body.decode())
                if not value.startswith("data:")
            ]
        for target in targets:
            parts = urlsplit(target)
            if parts.netloc == host:
                assert target.startswith(base), f"{url} leaves the mirror's path: {target}"
                queue.append(target)
            elif parts.netloc == "testserver":
                origin.setdefault(url[len(base) - 1 :], set()).add(target)
    return found, broken, origin


@pytest.mark.parametrize("under", ["m/", "mirrors/forum/", ""])
def test_mirror_served_under_any_path_has_no_broken_link(content, static_host, under):
    root, server = static_host
    directory = root / under.rstrip("/") if under else root / "site"
    call_command("export_mirror", str(directory), stdout=io.StringIO())
    start = f"{server}/{under or 'site/'}index.html"

    found, broken, origin = _crawl(start)

    assert broken == []
    paths = {url[len(start) - len("index.html") - 1 :] for url in found}
    for lang in ("en", "ru", "be"):
        assert f"/{lang}/events/{SLUG}/index.html" in paths
        assert f"/{lang}/events/{SLUG}/declaration/index.html" in paths
        assert f"/{lang}/events/{SLUG}/calendar.ics" in paths
        assert f"/{lang}/privacy/index.html" in paths
    assert "/static/vendor/bootstrap/bootstrap.site.min.css" in {re.sub(r"\.[0-9a-f]{12}\.", ".", p) for p in paths}
    # Only the pages standing for a form link to the origin: the form itself, there and on the onion.
    assert {page.split("/", 2)[2] for page in origin} == {p.lstrip("/") for p in FORM_PAGES}
    for page, targets in origin.items():
        assert targets == {f"http://testserver{page.removesuffix('index.html')}"}
        body = found[start.removesuffix("index.html") + page.lstrip("/")][1].decode()
        assert f'href="{ONION}{page.removesuffix("index.html")}"' in body


def test_mirror_holds_every_url_of_the_live_sitemap_in_every_language(client, content, tmp_path):
    mirror_export(directory=tmp_path / "m")
    files = _files(tmp_path / "m")
    locs = re.findall(r"<loc>http://testserver(/[^<]*)</loc>", client.get("/sitemap.xml").content.decode())
    assert len(locs) == 9  # home, the forum, its Declaration; in three languages
    for path in locs:
        name = path.lstrip("/") + ("index.html" if path.endswith("/") else "")
        assert name in files, name
        page = BeautifulSoup(files[name], "html.parser")
        assert page.html["lang"] == path.split("/")[1]
    assert files["sitemap.xml"] == client.get("/sitemap.xml").content
    assert files["robots.txt"] == client.get("/robots.txt").content
    assert "Page not found" in text(BeautifulSoup(files["404.html"], "html.parser").h1)
    assert files["index.html"].startswith(b"<!doctype html>")


def _without_links(html):
    """The page without its links' targets, without the line under the
    signature count (the site says it follows signing; a copy, when it was
    taken), and without the copy's line saying the time it describes."""
    html = re.sub(r'(<p class="signature-count-note[^"]*">)[^<]*</p>', r"\1</p>", html)
    html = re.sub(r'\n *<p class="mirror-describes[^"]*">[^<]*</p>', "", html)
    return re.sub(r'(\s(?:href|src|action)=)"[^"]*"', r'\1""', html)


@pytest.mark.parametrize("lang", ["en", "ru", "be"])
def test_mirrored_page_is_the_live_page_but_for_links(client, content, tmp_path, lang):
    mirror_export(directory=tmp_path / "m")
    live = client.get(f"/{lang}/events/{SLUG}/").content.decode()
    mirrored = (tmp_path / "m" / lang / "events" / SLUG / "index.html").read_text()
    assert mirrored != live
    assert _without_links(mirrored) == _without_links(live)
    # What must name the primary address still does.
    page = BeautifulSoup(mirrored, "html.parser")
    assert page.select_one("link[rel=canonical]")["href"] == f"http://testserver/{lang}/events/{SLUG}/"
    assert page.select_one("meta[property='og:url']")["content"] == f"http://testserver/{lang}/events/{SLUG}/"
    assert [link["href"] for link in page.select("link[hreflang]")] == [
        *(f"http://testserver/{code}/events/{SLUG}/" for code in ("en", "ru", "be")),
        f"http://testserver/events/{SLUG}/",
    ]
    # Plain relative links: the switcher, the calendars (the webcal feed too), the Declaration.
    assert [a["href"] for a in page.select("nav.language-switcher a")] == [
        "index.html" if code == lang else f"../../../{code}/events/{SLUG}/index.html" for code in ("en", "ru", "be")
    ]
    assert [a["href"] for a in page.select(".calendar-links a")][:2] == ["calendar.ics", "calendar.ics"]
    assert page.select_one(".calls-to-action a")["href"] == "declaration/index.html"


def test_mirrored_declaration_has_text_and_count_but_no_name(client, content, tmp_path):
    live = client.get(f"/be/events/{SLUG}/declaration/").content.decode()
    assert SECRET_NAME in live
    mirror_export(directory=tmp_path / "m")
    mirrored = (tmp_path / "m" / "be" / "events" / SLUG / "declaration" / "index.html").read_text()
    names = re.compile(r'(<section class="mt-5" aria-labelledby="signatories-title">).*?</section>', re.S)
    assert _without_links(names.sub(r"\1", mirrored)) == _without_links(names.sub(r"\1", live))
    page = BeautifulSoup(mirrored, "html.parser")
    assert text(page.select_one(".signature-count")) == "1 подпіс"
    assert text(page.select_one(".names-not-mirrored")) == (
        "Копіі гэтага сайта (люстэркі) ніколі не паказваюць імёнаў падпісантаў: спіс — на самім сайце."
    )
    for name, body in _files(tmp_path / "m").items():
        assert SECRET_NAME.encode() not in body, name
        assert b"Listed-Signatory" not in body, name


def test_mirrored_form_page_says_where_to_fill_it_in(content, tmp_path):
    mirror_export(directory=tmp_path / "m")
    page = BeautifulSoup((tmp_path / "m" / "be" / "events" / SLUG / "media" / "index.html").read_bytes(), "html.parser")
    assert text(page.h1) == "Гэтая форма — на самім сайце"
    assert [a["href"] for a in page.select("main a")] == [
        f"http://testserver/be/events/{SLUG}/media/",
        f"{ONION}/be/events/{SLUG}/media/",
    ]
    assert page.select("form") == []
    assert page.select("input") == []


def test_two_exports_of_unchanged_content_are_byte_identical(content, tmp_path):
    mirror_export(directory=tmp_path / "one")
    mirror_export(directory=tmp_path / "two")
    one, two = _files(tmp_path / "one"), _files(tmp_path / "two")
    assert len(one) > 40
    assert one == two


def test_export_swaps_the_new_copy_in_whole(content, tmp_path):
    directory = tmp_path / "m"
    directory.mkdir()
    (directory / "stale.html").write_text("from before")
    mirror_export(directory=directory)
    first = directory.resolve()
    assert directory.is_symlink()
    assert not (directory / "stale.html").exists()
    content.title_en = "New Belarus against Torture, edited"
    content.save()
    mirror_export(directory=directory)
    second = directory.resolve()
    assert second != first
    assert "edited" in (directory / "en" / "index.html").read_text()
    # The previous copy stays until the next export (a reader or an rsync may be in it), no older one;
    # beside them, the lock that makes two exports into one directory take turns.
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["m", first.name, second.name, ".m.lock"])
    mirror_export(directory=directory)
    assert first.name not in [p.name for p in tmp_path.iterdir()]


def _first_load(body_of, page_url):
    """Requests, bytes and gzip-compressed bytes of a page's first load (the
    page, its stylesheets, scripts, icon and images)."""
    body = body_of(page_url)
    loads = [page_url] + [
        target
        for tag, target in _links(page_url, body.decode())
        if tag in ("script", "img") or (tag == "link" and not target.endswith(".ics"))
    ]
    bodies = [body_of(url) for url in loads]
    return len(loads), sum(map(len, bodies)), sum(len(gzip.compress(b, mtime=0)) for b in bodies)


def test_mirrored_page_weighs_no_more_than_the_live_one(client, content, static_host):
    root, server = static_host
    mirror_export(directory=root / "m")
    page = f"/be/events/{SLUG}/"

    def mirror_body(url):
        with urlopen(url) as response:  # noqa: S310 (a loopback test server)
            return response.read()

    def live_body(url):
        response = client.get(urlsplit(url).path)
        return b"".join(response.streaming_content) if response.streaming else response.content

    mirror_requests, mirror_bytes, mirror_gzip = _first_load(mirror_body, f"{server}/m{page}index.html")
    live_requests, live_bytes, live_gzip = _first_load(live_body, f"http://testserver{page}")
    assert mirror_requests == live_requests <= 6
    assert mirror_bytes <= live_bytes
    # Compressed, the relative paths to static files ("../../../static/") cost
    # a few bytes more than "/static/" (testserver's absolute links are short).
    assert mirror_gzip <= live_gzip + 64
    assert mirror_gzip <= 60 * 1024


def test_sample_mirror_host_sends_the_live_sites_policies(settings):
    """deploy/nginx-mirror-headers.conf: the live Content-Security-Policy (no forms on a
    mirror) and Permissions-Policy, word for word."""
    conf = (Path(settings.BASE_DIR) / "deploy" / "nginx-mirror-headers.conf").read_text()
    csp = re.search(r'add_header Content-Security-Policy "([^"]+)" always;', conf)[1]
    directives = {k: list(v) for k, v in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"].items()}
    directives["form-action"] = ["'none'"]
    assert csp == "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())
    permissions = re.search(r"add_header Permissions-Policy '([^']+)' always;", conf)[1]
    assert permissions == settings.PERMISSIONS_POLICY
    for header in ("X-Content-Type-Options nosniff", "X-Frame-Options DENY", "Referrer-Policy same-origin"):
        assert f"add_header {header} always;" in conf


def test_a_static_link_that_climbs_out_does_not_stop_the_export(content, tmp_path):
    from tests.factories import make_organisation

    make_organisation(content, url="http://testserver/static/../../../../etc/passwd")
    mirror_export(directory=tmp_path / "m")
    assert (tmp_path / "m" / "en" / "index.html").exists()
    assert not list(tmp_path.rglob("*passwd*"))


def test_an_export_waits_for_another_into_the_same_directory(content, tmp_path):
    """Two exports into one directory take turns: neither can clear the
    other's half-written copy and swap it in."""
    import fcntl
    import threading

    directory = tmp_path / "m"
    mirror_export(directory=directory)
    first = directory.resolve()
    with open(tmp_path / ".m.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as another export would hold it
        done = threading.Event()
        files = mirror_files_for_test()
        worker = threading.Thread(target=lambda: (_swap(directory, files), done.set()))
        worker.start()
        assert not done.wait(0.5)
        assert directory.resolve() == first
    worker.join(5)
    assert done.is_set()
    assert directory.resolve() != first


def mirror_files_for_test():
    return {"en/index.html": b"<!doctype html><title>copy</title>"}


def _swap(directory, files):
    from plumbing.mirror import _swap_in

    _swap_in(directory, files)


def test_a_lock_symlinked_elsewhere_is_refused_and_its_target_untouched(content, tmp_path):
    """A symbolic link planted where the lock goes, pointing at a file the
    exporting account may write: the file keeps its bytes, the export stops
    with an error naming the lock, and no copy is swapped in."""
    from django.core.management.base import CommandError

    victim = tmp_path / "elsewhere" / "precious.db"
    victim.parent.mkdir()
    victim.write_bytes(b"precious bytes")
    parent = tmp_path / "site"
    parent.mkdir()
    (parent / ".m.lock").symlink_to(victim)
    with pytest.raises(CommandError, match=r"\.m\.lock is a symbolic link"):
        call_command("export_mirror", str(parent / "m"), stdout=io.StringIO())
    assert victim.read_bytes() == b"precious bytes"
    assert not (parent / "m").exists()


def test_a_lock_that_is_not_a_regular_file_is_refused(content, tmp_path):
    import os

    from plumbing.mirror import MirrorExportError

    os.mkfifo(tmp_path / ".m.lock")
    with pytest.raises(MirrorExportError, match="not a regular file"):
        mirror_export(directory=tmp_path / "m")
    assert not (tmp_path / "m").exists()


def test_an_existing_lock_file_keeps_its_bytes(content, tmp_path):
    (tmp_path / ".m.lock").write_bytes(b"kept")
    mirror_export(directory=tmp_path / "m")
    assert (tmp_path / ".m.lock").read_bytes() == b"kept"
    assert (tmp_path / "m" / "en" / "index.html").exists()


def test_a_site_url_outside_allowed_hosts_is_named(content, settings, tmp_path):
    from django.core.management.base import CommandError

    settings.SITE_URL = "https://forum.example.org"
    settings.ALLOWED_HOSTS = ["testserver"]
    with pytest.raises(CommandError) as raised:
        call_command("export_mirror", str(tmp_path / "m"), stdout=io.StringIO())
    assert str(raised.value) == (
        "SITE_URL's host 'forum.example.org' is not in ALLOWED_HOSTS: the copy is rendered as that host, "
        "so add it to ALLOWED_HOSTS (or set SITE_URL to an allowed host)."
    )
    assert not (tmp_path / "m").exists()
