"""A static copy of the public site, for readers where it is blocked (P8).

`mirror_export(directory=…)` renders every public page in every language
through the same views, templates and middleware as the live site, starting
from the live sitemap and following every link, and writes files that work
from any static host under any path:

- links between pages and to static files become relative, and a link to a
  directory names its `index.html` (hosts without directory indexes);
- what must name the primary address stays absolute: canonical, hreflang,
  `og:url`, JSON-LD, the sitemap and robots.txt;
- a page with a form (media registration, signing) becomes a page that says
  where to fill it in: the primary address and the onion address;
- the Declaration shows its text and count, never signatories' names (they
  could not be erased from hosts we do not control);
- the webcal link becomes a link to the copied `.ics` (a feed on a mirror
  would ask a host that may move);
- the Atom feed is copied with its links made relative, as a page's are, so
  a reader of the mirror's feed is led into the mirror.

The same content and clock give the same bytes. The copy is written into a
new directory beside `directory`, which is then a symbolic link swapped to it
in one rename, so a web server never serves a half-written mirror.

With MIRROR_EXPORT_DIR set, `mirror_export_schedule()` (called wherever public
content or a public count changes) has the task worker re-export, at most once
every MIRROR_EXPORT_SECONDS: a burst of changes is one export, and the last
change of a burst is always in one. With several hosts, one export runs at a
time on all of them (a PostgreSQL advisory lock, plumbing.mirror_lock), and
the host that exported publishes the copy (MIRROR_PUBLISH_COMMAND).

What a page shows also changes by itself in time (a session starts or ends).
The roof names, in settings.MIRROR_BOUNDARIES, a function returning the
instants at which that happens (this floor imports nothing above it); on
every change, the worker is given those still ahead, each as an export due
then (`run_after`), planned again whenever they move. A boundary's export is
not held back by MIRROR_EXPORT_SECONDS. Every page of a copy says the time
it describes: the later of the last content change and the last boundary
passed, so two exports of the same moment stay byte-identical.
"""

import errno
import fcntl
import html
import logging
import os
import posixpath
import re
import shutil
import stat
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core import checks
from django.core.exceptions import DisallowedHost, SuspiciousFileOperation
from django.core.handlers.base import BaseHandler
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.views.defaults import page_not_found
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task, task_backends
from django_tasks.backends.immediate import ImmediateBackend

from plumbing.mirror_lock import export_lock, publish
from plumbing.pagecache import MIRROR_EXPORT_KEY

# In the WSGI environ of an export's requests: the time the copy describes (ISO 8601).
MIRROR_DESCRIBES_KEY = "forum_site.mirror_describes"
# At most this many boundaries ahead are given to the worker at once (a forum has a few dozen).
BOUNDARIES_AHEAD = 200

logger = logging.getLogger(__name__)

_TAG = re.compile(r"<(?P<name>[a-zA-Z][a-zA-Z0-9]*)(?P<attrs>\s[^>]*)?>")
_LINK_ATTR = re.compile(r'(?P<before>\s(?:href|src|action)=)"(?P<value>[^"]*)"')
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(?P<value>[^'")]+)\1\s*\)""")
_SITEMAP_LOC = re.compile(r"<loc>([^<]+)</loc>")
_LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
NOT_FOUND_FILE = "404.html"
_REWRITTEN_TYPES = ("text/html", "application/atom+xml")


class MirrorExportError(Exception):
    """The export cannot run as configured; the message says what to change."""


def is_mirror_request(request):
    """Whether this request renders a page for the static copy."""
    return bool(request.META.get(MIRROR_EXPORT_KEY))


def mirror_export(*, directory):
    """Write the static copy into `directory` (swapped in whole). Returns
    (files written, bytes written)."""
    files = _Crawl(settings.SITE_URL, describes=described_time()).run()
    _swap_in(Path(directory), files)
    return len(files), sum(len(body) for body in files.values())


class _Crawl:
    def __init__(self, origin, *, describes=None):
        parts = urlsplit(origin)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.netloc = parts.netloc
        self.secure = parts.scheme == "https"
        environ = {MIRROR_EXPORT_KEY: "1", MIRROR_DESCRIBES_KEY: describes.isoformat() if describes else ""}
        self.factory = RequestFactory(HTTP_HOST=parts.netloc, **environ)
        self.handler = BaseHandler()
        self.handler.load_middleware()
        self.static_url = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL

    def run(self):
        try:
            self.factory.get("/", secure=self.secure).get_host()
        except DisallowedHost:
            raise MirrorExportError(
                f"SITE_URL's host {self.netloc!r} is not in ALLOWED_HOSTS: the copy is rendered "
                "as that host, so add it to ALLOWED_HOSTS (or set SITE_URL to an allowed host)."
            ) from None
        with translation.override(settings.LANGUAGE_CODE):
            return self._run()

    def _run(self):
        rendered = {}  # live path -> (file in the copy, body, is html)
        sitemap = self._get("/sitemap.xml").content
        rendered["/sitemap.xml"] = ("sitemap.xml", sitemap, False)
        rendered["/robots.txt"] = ("robots.txt", self._get("/robots.txt").content, False)
        queue = [self._internal(url)[0] for url in _SITEMAP_LOC.findall(sitemap.decode())]
        queue.append(f"/{settings.LANGUAGE_CODE}/")
        while queue:
            path = queue.pop(0)
            if path is None or path in rendered or path.startswith(self.static_url):
                continue
            page = self._render(path)
            if page is None:
                continue
            rendered[path] = page
            if page[2]:
                queue.extend(self._internal(value)[0] for _tag, _attrs, value in _links(page[1].decode()))
        not_found = f"/{settings.LANGUAGE_CODE}/{NOT_FOUND_FILE}"
        rendered[not_found] = (NOT_FOUND_FILE, self._not_found(not_found), True)
        home = rendered[f"/{settings.LANGUAGE_CODE}/"]
        rendered["/"] = ("index.html", home[1], True)  # a static host cannot choose by Accept-Language

        targets = {path: name for path, (name, _body, _html) in rendered.items()}
        files, static = {}, set()
        for name, body, is_html in rendered.values():
            if is_html:
                body = self._relative_links(body.decode(), here=name, targets=targets, static=static).encode()
            files[name] = body
        files.update(self._static_files(static))
        return files

    def _get(self, path):
        return self.handler.get_response(self.factory.get(path, secure=self.secure))

    def _render(self, path):
        """(file name, body, is html) for a live path, or None if no page is there."""
        language = path.split("/")[1]
        if language not in _LANGUAGE_CODES:
            return None
        with translation.override(language):
            try:
                view = resolve(path).func
            except Resolver404:
                return None
        name = path.lstrip("/") + ("index.html" if path.endswith("/") else "")
        if not getattr(view, "is_public_page", False):
            return name, self._form_elsewhere(path, language), True
        response = self._get(path)
        if response.status_code != 200:
            return None
        # The Atom feed's links are rewritten as a page's are: its copy leads into the mirror.
        return name, response.content, response.get("Content-Type", "").startswith(_REWRITTEN_TYPES)

    def _not_found(self, path):
        """The live 404 page (Django's view and our template), without a
        "Not Found" line in the log for every export."""
        request = self.factory.get(path, secure=self.secure)
        with translation.override(settings.LANGUAGE_CODE):
            return page_not_found(request, Resolver404()).content

    def _form_elsewhere(self, path, language):
        request = self.factory.get(path, secure=self.secure)
        request.LANGUAGE_CODE = language
        context = {
            "primary_url": settings.SITE_URL + path,
            "onion_page_url": settings.ONION_URL + path if settings.ONION_URL else "",
        }
        with translation.override(language):
            return render_to_string("mirror/form_elsewhere.html", context, request=request).encode()

    def _internal(self, value):
        """(path, fragment) of a link to this site, or (None, None)."""
        parts = urlsplit(html.unescape(value))
        if parts.scheme in ("http", "https", "webcal") and parts.netloc == self.netloc:
            return parts.path or "/", parts.fragment
        if not parts.scheme and not parts.netloc and parts.path.startswith("/"):
            return parts.path, parts.fragment
        return None, None

    def _relative_links(self, page, *, here, targets, static):
        base = posixpath.dirname(here) or "."

        def link(match):
            path, fragment = self._internal(match["value"])
            if path is None:
                return match[0]
            if path.startswith(self.static_url):
                name = path[len(self.static_url) :]
                static.add(name)
                target = "static/" + name
            elif path in targets:
                target = targets[path]
            else:
                return f'{match["before"]}"{html.escape(self.origin + path)}"'
            relative = posixpath.relpath(target, base) + (f"#{fragment}" if fragment else "")
            return f'{match["before"]}"{html.escape(relative)}"'

        def tag(match):
            attrs = match["attrs"] or ""
            if _keeps_primary_address(match["name"], attrs):
                return match[0]
            return f"<{match['name']}{_LINK_ATTR.sub(link, attrs)}>"

        return _TAG.sub(tag, page)

    def _static_files(self, names):
        """The static files the pages use, and what their stylesheets use."""
        files, queue = {}, sorted(names)
        while queue:
            name = queue.pop(0)
            if "static/" + name in files:
                continue
            body = _static_bytes(name)
            if body is None:
                logger.warning("mirror: static file %s not found", name)
                continue
            files["static/" + name] = body
            if name.endswith(".css"):
                for value in _css_urls(body):
                    queue.append(posixpath.normpath(posixpath.join(posixpath.dirname(name), value)))
        return files


def _links(page):
    """(tag, attributes, value) of every href, src and action in a page."""
    for match in _TAG.finditer(page):
        attrs = match["attrs"] or ""
        if _keeps_primary_address(match["name"], attrs):
            continue
        for attr in _LINK_ATTR.finditer(attrs):
            yield match["name"], attrs, attr["value"]


def _keeps_primary_address(tag, attrs):
    """The canonical address and the hreflang alternates name the primary
    site, and so do links marked rel="external" (where a form is)."""
    tag = tag.lower()
    return (tag == "link" and ('rel="canonical"' in attrs or "hreflang=" in attrs)) or (
        tag == "a" and 'rel="external' in attrs
    )


def _css_urls(body):
    for match in _CSS_URL.finditer(body.decode("utf-8", "replace")):
        value = match["value"].split("#")[0].split("?")[0]
        if value and not value.startswith(("data:", "http:", "https:", "//", "/")):
            yield value


def _static_bytes(name):
    try:
        with staticfiles_storage.open(name) as handle:
            return handle.read()
    except SuspiciousFileOperation:
        return None  # a link such as /static/../x (typed by an editor) names no static file
    except (OSError, ValueError):
        found = finders.find(name)
        return Path(found).read_bytes() if found else None


def _swap_in(directory, files):
    """Write `files` into a new directory beside `directory`, then point the
    symbolic link `directory` at it with one rename. The previous copy stays
    until the next export (a reader or an rsync may be in it)."""
    parent, name = directory.parent, directory.name
    parent.mkdir(parents=True, exist_ok=True)
    # One export at a time into one directory (the worker's and a cron's, say):
    # otherwise one could clear the other's half-written copy and swap it in.
    with _lock_file(parent / f".{name}.lock") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _swap_in_locked(directory, files)


def _lock_file(path):
    """The lock, opened without following a link and without truncating:
    a symbolic link planted in the parent must not make the export write
    through it, and anything but a regular file is refused."""
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        descriptor = os.open(path, flags, 0o600)
    except OSError as error:
        if error.errno == errno.ELOOP:
            message = f"The lock {path} is a symbolic link: remove it, the export makes its own."
            raise MirrorExportError(message) from None
        raise
    lock = os.fdopen(descriptor, "rb")
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        lock.close()
        raise MirrorExportError(f"The lock {path} is not a regular file: remove it, the export makes its own.")
    return lock


def _swap_in_locked(directory, files):
    parent, name = directory.parent, directory.name
    fresh = parent / f".{name}-{time.time_ns()}"
    for relative, body in files.items():
        path = fresh / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    if directory.exists() and not directory.is_symlink():
        # A plain directory from before (the first export into it): moved aside once.
        directory.rename(parent / f".{name}-{time.time_ns()}")
    previous = os.readlink(directory) if directory.is_symlink() else None
    link = parent / f".{name}-link"
    link.unlink(missing_ok=True)
    link.symlink_to(fresh.name)
    os.replace(link, directory)
    for old in parent.glob(f".{name}-[0-9]*"):
        if old.name not in (fresh.name, previous):
            shutil.rmtree(old, ignore_errors=True)


# --- Fresh after every edit ----------------------------------------------------------
# A queued export that has not started this long after it was due is taken for lost
# (a worker stopped): the next change queues another.
_LOST_AFTER = timedelta(minutes=10)


def mirror_export_schedule(**_signal):
    """Public content or a public count changed: once this transaction
    commits, have the task worker re-export the mirror (never within a
    visitor's request). Cheap to call on every change: at most one export is
    queued at a time, due MIRROR_EXPORT_SECONDS after the last one started.
    Also a signal receiver (its arguments are ignored)."""
    if settings.MIRROR_EXPORT_DIR:
        transaction.on_commit(_mirror_export_queue)


def _mirror_export_queue():
    from .models import MirrorExport

    if _tasks_run_in_requests():
        logger.warning("mirror: MIRROR_EXPORT_DIR needs the database task backend; not exported")
        return
    now = timezone.now()
    interval = timedelta(seconds=settings.MIRROR_EXPORT_SECONDS)
    try:
        with transaction.atomic():
            MirrorExport.objects.get_or_create(pk=1)
    except IntegrityError:
        pass  # created by a concurrent caller
    with transaction.atomic():
        claimed = (
            MirrorExport.objects.filter(pk=1)
            .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=now - interval - _LOST_AFTER))
            .update(queued_at=now)
        )
        if not claimed:
            _boundaries_plan(now)
            return  # an export is queued and has not started: it will see this change
        started_at = MirrorExport.objects.values_list("started_at", flat=True).get(pk=1)
        run_after = max(now, started_at + interval) if started_at else now
        mirror_export_task.using(run_after=run_after).enqueue(queued=now.isoformat())
    _boundaries_plan(now)


def boundaries():
    """Every instant at which a public page changes by itself, sorted (the
    function settings.MIRROR_BOUNDARIES names; none without one)."""
    name = getattr(settings, "MIRROR_BOUNDARIES", "")
    return sorted(import_string(name)()) if name else []


def described_time(now=None):
    """The moment a copy exported now describes: the later of the last change
    of public content and the last boundary passed (None before either)."""
    from .models import ContentVersion

    now = now or timezone.now()
    changed = ContentVersion.objects.filter(pk=1).values_list("changed_at", flat=True).first()
    passed = [instant for instant in boundaries() if instant <= now]
    candidates = [t for t in (changed, passed[-1] if passed else None) if t is not None]
    return max(candidates).replace(microsecond=0) if candidates else None


def _boundaries_plan(now):
    """Give the worker an export at each boundary ahead, unless the ones it
    was given are still these. A plan given before is dropped whole: its
    exports find the plan number moved on and do nothing."""
    from .models import MirrorExport

    ahead = [instant for instant in boundaries() if instant > now][:BOUNDARIES_AHEAD]
    with transaction.atomic():
        row = MirrorExport.objects.select_for_update().get(pk=1)
        planned = [t for t in row.boundaries_planned.split() if datetime.fromisoformat(t) > now]
        wanted = [instant.astimezone(UTC).isoformat() for instant in ahead]
        if planned == wanted:
            return
        row.plan += 1
        row.boundaries_planned = " ".join(wanted)
        row.save(update_fields=["plan", "boundaries_planned"])
        for instant, text in zip(ahead, wanted, strict=True):
            mirror_boundary_export_task.using(run_after=instant).enqueue(plan=row.plan, boundary=text)


def _tasks_run_in_requests():
    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], ImmediateBackend)


# A task that finds another host's export running tries again this much later.
BUSY_RETRY = timedelta(seconds=5)


@task()
def mirror_export_task(*, queued=None):
    """The task worker's export. Changes committed from the moment it starts
    queue the next one. One export runs at a time on every host together
    (plumbing.mirror_lock): a task that finds one running runs again once it
    is done, unless an export that started after this task was queued (the
    moment `queued`) already shows all it would."""
    from .models import MirrorExport

    with export_lock(wait=False) as held:
        if not held:
            mirror_export_task.using(run_after=timezone.now() + BUSY_RETRY).enqueue(queued=queued)
            logger.info("mirror export running on another worker: this one runs after it")
            return
        started_at = MirrorExport.objects.filter(pk=1).values_list("started_at", flat=True).first()
        if queued and started_at and started_at >= datetime.fromisoformat(queued):
            return
        MirrorExport.objects.filter(pk=1).update(queued_at=None, started_at=timezone.now())
        started = time.monotonic()
        count, size = mirror_export(directory=settings.MIRROR_EXPORT_DIR)
        logger.info("mirror exported: %s files, %s KB in %.1f s", count, size // 1024, time.monotonic() - started)
        publish()


@task()
def mirror_boundary_export_task(*, plan, boundary):
    """The export due at a boundary (ISO 8601), unless its plan was replaced
    since; never held back by MIRROR_EXPORT_SECONDS."""
    from .models import MirrorExport

    if not MirrorExport.objects.filter(pk=1, plan=plan).exists():
        return
    with export_lock(wait=True):
        started = time.monotonic()
        count, size = mirror_export(directory=settings.MIRROR_EXPORT_DIR)
        seconds = time.monotonic() - started
        logger.info("mirror exported at boundary %s: %s files, %s KB in %.1f s", boundary, count, size // 1024, seconds)
        publish()


@checks.register(checks.Tags.compatibility)
def check_mirror_export_backend(app_configs=None, **kwargs):
    if settings.MIRROR_EXPORT_DIR and _tasks_run_in_requests():
        return [
            checks.Warning(
                "MIRROR_EXPORT_DIR is set, but tasks run within requests (the immediate backend): "
                "the mirror is never re-exported.",
                hint="Set TASKS_BACKEND=django_tasks_db.DatabaseBackend and run `manage.py db_worker`.",
                id="plumbing.W001",
            )
        ]
    return []
