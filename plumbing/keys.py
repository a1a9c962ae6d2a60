"""Keys kept outside the database, and values sealed under them.

A key is 32 random bytes with a name: one per forum (`forum_key_name`), whose
destruction makes every copy of that forum's people unreadable (crypto-
shredding), and a few for the site (`SITE_KEYS`). They live in a key store
behind one small interface (`get`, `create`, `destroy`):

- `KEY_DIR` (the default): a directory made owner-only (0700) on first use,
  one file per key (0600). For one host.
- `KEY_STORE_URL` (postgres://…): one small PostgreSQL database of its own,
  shared by several hosts. Not the site's database: its backups are kept
  short and apart from the site's (README, "Keys and backups").

No key ever reaches a table of the site's database or a log. A process keeps
what it read for at most `KEY_CACHE_SECONDS` (60), so a key destroyed by one
process is out of use everywhere within a minute; the process that destroys it
forgets it at once.

`seal` and `unseal` encrypt a text with AES-256-GCM under a key derived from a
named key (HKDF, one purpose per derived key), bound by associated data to
where the value belongs, so a value moved to another row does not open there.
`unseal` answers None for a value whose key is gone (or that was tampered
with): callers show it as erased."""

import base64
import contextlib
import hashlib
import hmac
import os
import re
import stat
import threading
import time
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core import checks

KEY_BYTES = 32
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
# A sealed value: this prefix, then URL-safe base64 of nonce (12 bytes) + ciphertext + tag.
SEALED_PREFIX = "s1."


# The site's own keys: the mailbox digests (registrations.mailbox) and the staff's
# second factors (plumbing.staff_secrets). Made on first use; never destroyed by a purge.
MAILBOX_KEY = "mailbox"
STAFF_KEY = "staff"
SITE_KEYS = (MAILBOX_KEY, STAFF_KEY)


def forum_key_name(event_id):
    return f"forum-{int(event_id)}"


def _new_key(key):
    """`key` (a key brought from elsewhere: `put`) or 32 new random bytes."""
    if key is None:
        return os.urandom(KEY_BYTES)
    if not isinstance(key, bytes) or len(key) != KEY_BYTES:
        raise ValueError(f"a key is {KEY_BYTES} bytes")
    return key


def _check_name(name):
    if not _NAME.fullmatch(name):
        raise ValueError("a key name is lower-case letters, digits, '.', '_' or '-'")
    return name


class DirectoryStore:
    """One file per key in a directory only its owner may enter."""

    shared = False

    def __init__(self, path):
        self.path = Path(path)

    def _ensure_dir(self):
        self.path.mkdir(mode=0o700, parents=True, exist_ok=True)

    def get(self, name):
        try:
            with open(self.path / _check_name(name), "rb") as file:
                data = file.read()
        except FileNotFoundError:
            return None
        return data if len(data) == KEY_BYTES else None

    def create(self, name, key=None):
        """The key of this name, made now (from `key`'s bytes when given) if
        there is none (of two processes making it at once, both get the one
        that reached the disk first)."""
        self._ensure_dir()
        path = self.path / _check_name(name)
        key = _new_key(key)
        temporary = self.path / f".{name}.{os.getpid()}.{threading.get_ident()}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(key)
                file.flush()
                os.fsync(file.fileno())
            # link() refuses an existing name: the first writer wins.
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
        return self.get(name)

    def destroy(self, name):
        path = self.path / _check_name(name)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_NOFOLLOW)
        except FileNotFoundError:
            return
        with os.fdopen(descriptor, "wb") as file:
            # The bytes too, not only the name: overwrite before unlinking.
            file.write(b"\0" * KEY_BYTES)
            file.flush()
            os.fsync(file.fileno())
        path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            directory = os.open(self.path, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)

    def problems(self):
        """What makes this directory unfit to hold keys (for the system check)."""
        if not self.path.exists():
            parent = next((p for p in self.path.parents if p.exists()), None)
            if parent is None or not os.access(parent, os.W_OK | os.X_OK):
                return [f"KEY_DIR ({self.path}) does not exist and cannot be created by this account."]
            return []
        info = self.path.lstat()
        if not stat.S_ISDIR(info.st_mode):
            return [f"KEY_DIR ({self.path}) is not a directory."]
        if info.st_mode & 0o077:
            return [f"KEY_DIR ({self.path}) can be read by others than its owner (mode {info.st_mode & 0o777:o})."]
        if info.st_uid != os.geteuid():
            return [f"KEY_DIR ({self.path}) belongs to another account."]
        return []


class PostgresStore:
    """Keys in a small PostgreSQL database of their own (KEY_STORE_URL),
    shared by every host: one table, name and key."""

    shared = True

    def __init__(self, url):
        self.url = url
        self._local = threading.local()

    def _connection(self):
        import psycopg

        connection = getattr(self._local, "connection", None)
        if connection is None or connection.closed:
            connection = psycopg.connect(self.url, autocommit=True, connect_timeout=5)
            connection.execute(
                "CREATE TABLE IF NOT EXISTS forum_site_keys ("
                "name text PRIMARY KEY, key bytea NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"
            )
            self._local.connection = connection
        return connection

    def _run(self, sql, params):
        import psycopg

        try:
            return self._connection().execute(sql, params).fetchone()
        except psycopg.OperationalError:
            # A connection the server closed: one new one, once.
            self._local.connection = None
            return self._connection().execute(sql, params).fetchone()

    def get(self, name):
        row = self._run("SELECT key FROM forum_site_keys WHERE name = %s", (_check_name(name),))
        return bytes(row[0]) if row else None

    def create(self, name, key=None):
        self._run(
            "INSERT INTO forum_site_keys (name, key) VALUES (%s, %s) ON CONFLICT (name) DO NOTHING RETURNING name",
            (_check_name(name), _new_key(key)),
        )
        return self.get(name)

    def destroy(self, name):
        self._run("DELETE FROM forum_site_keys WHERE name = %s RETURNING name", (_check_name(name),))

    def problems(self):
        try:
            self._run("SELECT 1", ())
        except Exception as error:  # reported by the system check, not raised
            return [f"KEY_STORE_URL cannot be reached: {type(error).__name__}"]
        return []


_lock = threading.Lock()
_cache = {}  # name -> (key or None, read at)
_store = None
_store_config = None


def store():
    global _store, _store_config
    config = (settings.KEY_STORE_URL, str(settings.KEY_DIR))
    if _store is None or config != _store_config:
        _store = PostgresStore(settings.KEY_STORE_URL) if settings.KEY_STORE_URL else DirectoryStore(settings.KEY_DIR)
        _store_config = config
        _cache.clear()
    return _store


def forget():
    """Drop every key this process holds (tests; after a restore)."""
    _cache.clear()


def get(name):
    """The key of this name, or None when there is none (destroyed, or never
    made). Read from the store at most once a KEY_CACHE_SECONDS per process
    (a missing key is asked again after a few seconds: another host may make it)."""
    current = store()
    now = time.time()
    cached = _cache.get(name)
    if cached is not None:
        key, read_at = cached
        ttl = settings.KEY_CACHE_SECONDS if key is not None else min(5, settings.KEY_CACHE_SECONDS)
        if now - read_at < ttl:
            return key
    key = current.get(name)
    with _lock:
        _cache[name] = (key, now)
    return key


def create(name):
    """The key of this name, made if there is none."""
    key = get(name)
    if key is None:
        key = store().create(name)
        with _lock:
            _cache[name] = (key, time.time())
    return key


def put(name, key):
    """The key of this name, stored as `key` (32 bytes brought from
    elsewhere, e.g. a key a migration moves out of the database) if there is
    none; a key already there stays: compare the answer with `key`."""
    if key is None:
        raise ValueError("put needs the key's bytes")
    _new_key(key)
    stored = get(name)
    if stored is None:
        stored = store().create(name, key=key)
        with _lock:
            _cache[name] = (stored, time.time())
    return stored


def destroy(name):
    store().destroy(name)
    with _lock:
        _cache.pop(name, None)


def derive(key, purpose):
    """A key for one purpose, derived from a stored key (HKDF-SHA256)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(key)


_derived = {}


def _purpose_key(name, purpose, *, make):
    key = create(name) if make else get(name)
    if key is None:
        return None
    cache_key = (key, purpose)
    derived = _derived.get(cache_key)
    if derived is None:
        if len(_derived) > 4096:
            _derived.clear()
        derived = _derived[cache_key] = derive(key, purpose)
    return derived


def seal(name, text, associated):
    """`text` encrypted under the key `name` (made if need be), bound to
    `associated` (bytes naming where the value belongs)."""
    nonce = os.urandom(12)
    ciphertext = AESGCM(_purpose_key(name, "seal", make=True)).encrypt(nonce, text.encode(), associated)
    return SEALED_PREFIX + base64.urlsafe_b64encode(nonce + ciphertext).decode("ascii")


def unseal(name, token, associated):
    """The text sealed in `token`, or None when its key is gone or the value
    does not belong where `associated` says."""
    if not token or not token.startswith(SEALED_PREFIX):
        return None
    key = _purpose_key(name, "seal", make=False)
    if key is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(token[len(SEALED_PREFIX) :])
        return AESGCM(key).decrypt(raw[:12], raw[12:], associated).decode()
    except Exception:  # a wrong key, a moved or damaged value: all read as gone
        return None


def is_sealed(value):
    return isinstance(value, str) and value.startswith(SEALED_PREFIX)


def digest(name, purpose, value, *, make=True):
    """A keyed digest (HMAC-SHA256, hex) of `value` under a key derived from
    `name` for `purpose`; None when that key is gone and `make` is False."""
    key = _purpose_key(name, purpose, make=make)
    if key is None:
        return None
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


@checks.register(checks.Tags.security)
def check_key_store(app_configs=None, **kwargs):
    """With DEBUG off, the keys must be where only the site can read them."""
    if settings.DEBUG:
        return []
    current = store()
    if current.shared:
        # Reported, not refused: the store may start after this host.
        return [
            checks.Warning(
                problem,
                hint="Check KEY_STORE_URL and that the key store's server is running (README, Keys and backups).",
                id="plumbing.W010",
            )
            for problem in current.problems()
        ]
    return [
        checks.Error(
            problem,
            hint="KEY_DIR must be a directory owned by the site's account with mode 0700 (it is made so on first "
            "use), or set KEY_STORE_URL to the shared key store (README, Keys and backups).",
            id="plumbing.E010",
        )
        for problem in current.problems()
    ]
