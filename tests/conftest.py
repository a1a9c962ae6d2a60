import functools
import io
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.test import override_settings
from django.utils import translation

from events.models import Event
from tests.mailserver import MailServer

DEMO_SLUG = "new-belarus-against-torture"


@pytest.fixture(scope="session", autouse=True)
def _collected_static(tmp_path_factory):
    """Tests run as production does: whitenoise's manifest storage over
    collected files, so every {% static %} in every template must resolve."""
    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield root


@pytest.fixture
def demo_event(db):
    call_command("load_demo", stdout=io.StringIO())
    return Event.objects.get(slug=DEMO_SLUG)


@pytest.fixture(autouse=True)
def _default_language():
    """A request to a /be/ page leaves Belarusian active in the thread; the
    next test starts in the default language whatever ran before it."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _version_read_every_request(settings):
    """Production trusts the content version it read for a second; tests
    read it on every request, so query counts do not depend on timing."""
    settings.PAGE_CACHE_VERSION_SECONDS = 0


@pytest.fixture(autouse=True)
def _a_task_per_mail(settings):
    """Production queues one delivery task per second of mail; tests that run
    the database worker at once queue one per mail (test_submit_path tests the batch)."""
    settings.MAIL_BATCH_SECONDS = 0


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached pages do not leak between tests."""
    from plumbing import memo
    from plumbing.pagecache import STORE

    cache.clear()
    STORE.clear()
    memo.clear()
    yield
    cache.clear()
    STORE.clear()
    memo.clear()


@pytest.fixture(autouse=True)
def _rate_limit_file(settings, tmp_path):
    """Each test counts in a rate-limit file of its own (the default store)."""
    settings.RATE_LIMIT_DIR = tmp_path / "ratelimit"


@pytest.fixture(autouse=True)
def _key_dir(settings, tmp_path_factory):
    """Each test keeps its keys in a directory of its own (the default store),
    outside the test's tmp_path, which tests list (made on first use: a
    digest or a sealed value)."""
    from plumbing import keys
    from registrations.models import media, signatures

    settings.KEY_DIR = tmp_path_factory.mktemp("keys") / "keys"
    settings.KEY_STORE_URL = ""
    keys.forget()
    signatures._declaration_events.clear()
    media._registration_events.clear()
    yield
    keys.forget()


def clear_rate_limits():
    """Forget every rate-limit count so far (within one test)."""
    from plumbing.ratelimit import store

    store().clear()


@pytest.fixture
def site_url_setting(settings):
    settings.SITE_URL = "http://testserver"
    return settings.SITE_URL


@pytest.fixture
def mail_server(settings, site_url_setting):
    """Mail goes through SMTP to a real server on a loopback port."""
    server = MailServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


class _Server(ThreadedWSGIServer):
    # Wait for every request thread on close: each closes its database
    # connection when it ends, so the test database can be dropped.
    daemon_threads = False
    block_on_close = True


@pytest.fixture
def site_url(transactional_db):
    """The site served as in production, on a loopback port: the WSGI app with
    whitenoise serving the collected, hashed static files. Data must be
    committed (transactional_db) for the server's threads to see it."""
    server = _Server(("127.0.0.1", 0), _QuietHandler, allow_reuse_address=False)
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def verified_client(user):
    """A client logged in as `user` who passed the second factor (TOTP)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
        user=user, name="test", confirmed=True
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def admin_client(admin_user):
    """Overrides pytest-django's: the admin requires a verified second factor."""
    return verified_client(admin_user)


def totp_code(device, *, steps_ahead=0):
    """The code `device`'s authenticator app shows now; `steps_ahead=1` for the next
    one, which the device also accepts (once a code is used, it is refused again)."""
    from django_otp.oath import totp

    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps_ahead)
    return f"{code:0{device.digits}d}"


class _NoIndexHandler(SimpleHTTPRequestHandler):
    """A static host without directory indexes: a directory is not found."""

    def send_head(self):
        if Path(self.translate_path(self.path)).is_dir():
            self.send_error(404)
            return None
        return super().send_head()

    def log_message(self, format, *args):
        pass


@pytest.fixture
def static_host(tmp_path):
    """(root, url): serves the directory `root` over http on a loopback port,
    as any plain static host would (the static mirror's tests)."""
    root = tmp_path / "www"
    root.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_NoIndexHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()
