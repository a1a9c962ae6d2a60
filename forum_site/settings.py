"""Settings for forum_site: one file, driven by the environment.

Every variable is documented in `.env.example`. Production differs from
development by values only, never by another file, so the code the tests run
is the code production runs.
"""

import re
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


class StrictEnv(environ.Env):
    """django-environ, refusing at start what it would read silently wrong.

    systemd's EnvironmentFile keeps a trailing comment as part of the value
    (`BEHIND_PROXY=True  # nginx` is not "True"), where a shell that sources
    the same file drops it: the units and cron would then run with different
    settings. So a value with a comment after it, a boolean that is not one of
    true/false/yes/no/on/off/1/0, a number that is not one, a URL with spaces
    or without a scheme, and a key or host list with spaces are refused with
    ImproperlyConfigured naming the variable (never its value: it may be secret).
    """

    BOOLEAN_WORDS = frozenset(("true", "false", "yes", "no", "on", "off", "1", "0"))
    # Free text (a name shown to people) may hold " #"; everything else may not.
    FREE_TEXT = frozenset(("SITE_NAME", "OTP_TOTP_ISSUER"))
    # One URL, or comma-separated URLs: scheme://something, no whitespace.
    URLS = frozenset(
        (
            "SITE_URL",
            "DATABASE_URL",
            "CACHE_URL",
            "EMAIL_URL",
            "ONION_URL",
            "MIRROR_URLS",
            "ZOOM_API_URL",
            "ZOOM_OAUTH_URL",
            "KEY_STORE_URL",
        )
    )
    # Keys, host names, origins, meeting providers' credentials: no whitespace at all.
    NO_SPACES = frozenset(
        (
            "SECRET_KEY",
            "EMAIL_DIGEST_KEY",
            "ALLOWED_HOSTS",
            "CSRF_TRUSTED_ORIGINS",
            "ZOOM_ACCOUNT_ID",
            "ZOOM_CLIENT_ID",
            "ZOOM_CLIENT_SECRET",
            "ZOOM_ALIAS_DOMAIN",
            "JITSI_DOMAIN",
            "JITSI_APP_ID",
            "JITSI_APP_SECRET",
            "JITSI_AUDIENCE",
        )
    )

    @staticmethod
    def refuse(name, why):
        raise ImproperlyConfigured(f"{name} {why} (see .env.example).")

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        raw = self.ENVIRON.get(var)
        if raw is not None and var not in self.FREE_TEXT:
            if re.search(r"\s#", raw):
                self.refuse(
                    var,
                    "has a comment after its value (systemd keeps it as part of the value): "
                    "put comments on lines of their own",
                )
            if (var in self.NO_SPACES or var in self.URLS) and re.search(r"\s", raw.strip()):
                self.refuse(var, "holds a space")
            if var in self.URLS and raw.strip():
                for url in raw.strip().split(","):
                    if not re.fullmatch(r"[a-z][a-z0-9+.-]*://\S*", url):
                        self.refuse(var, "is not a URL (scheme://…), or not a comma-separated list of them")
            if cast is bool and raw.strip().lower() not in self.BOOLEAN_WORDS:
                self.refuse(var, "is not a boolean: True or False")
        try:
            return super().get_value(var, cast=cast, default=default, parse_default=parse_default)
        except ValueError:
            self.refuse(var, f"is not a valid {getattr(cast, '__name__', 'value')}")


env = StrictEnv()
# A local `.env` (never committed) is read when present; the real environment wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (see .env.example); only DEBUG may run without one.")
    SECRET_KEY = "insecure-development-key-never-used-with-debug-off"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it comes before django.contrib.admin.
    "modeltranslation",
    # Django's admin with the organisers' workspace as its site (forum_site.admin_site).
    "forum_site.apps.ForumAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Recovery codes (`manage.py issue_recovery_codes USER`).
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks",
    "django_tasks_db",
    # Three floors, each importing only those below it: the site's plumbing,
    # the programme, people. forum_site (this package) is the roof.
    "plumbing",
    "events",
    "registrations",
    "forum_site",
]

MIDDLEWARE = [
    # Compresses what the page cache did not (forms, private pages); Django's
    # adds random padding against BREACH on pages that carry a CSRF token.
    "plumbing.middleware.GZipMiddleware",
    # Repeat public GETs are answered here, before the rest of the stack. Every
    # middleware that sets a header comes after it, so a stored page keeps them
    # all and a hit (here or in forum_site.wsgi) sends the same headers as a miss.
    "plumbing.pagecache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "plumbing.middleware.security_headers",
    "plumbing.middleware.onion_location",
    # django-csp's, with the policy built once.
    "plumbing.middleware.CSPMiddleware",
    # /healthz from this host (a monitor asking 127.0.0.1), before anything checks the host name.
    "plumbing.health.loopback_health",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "plumbing.middleware.limit_public_posts",
    # After the size limit (it reads the form), before anything queries the database.
    "plumbing.middleware.reject_nul_bytes",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as its documentation asks: it watches the login views.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "forum_site.urls"
WSGI_APPLICATION = "forum_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "plumbing.context_processors.site",
                "plumbing.context_processors.ways_in",
                "plumbing.context_processors.mirror_describes",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# SQLite is the embedded default; PostgreSQL through DATABASE_URL in production.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, with the writers of a process queueing in arrival order.
    DATABASES["default"]["ENGINE"] = "plumbing.sqlite"
    DATABASES["default"]["OPTIONS"] = {
        # Writers take the lock when a transaction starts, so two writers never
        # deadlock on a lock upgrade; they wait for each other up to `timeout`.
        "transaction_mode": "IMMEDIATE",
        "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=30),
        # secure_delete: what is erased is overwritten with zeros, not left in free pages.
        # temp_store=MEMORY: a statement's undo pages (a submission's upsert needs them)
        # and sorts stay in memory, not in unlinked files of /var/tmp whose bytes stay on
        # the disk; and a submission opens, writes and unlinks no file for them.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON; "
            "PRAGMA temp_store=MEMORY;"
        ),
    }
    # Tests use a file, not memory, so WAL and concurrent connections are real.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test_db.sqlite3")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# How many application hosts run the site (README, "More than one host"). Above 1,
# `manage.py check` fails while a piece of state would stay on one host (SQLite,
# the rate-limit file, a key directory, a mirror directory nobody shares).
SITE_HOSTS = env.int("SITE_HOSTS", default=1)
if SITE_HOSTS < 1:
    raise ImproperlyConfigured("SITE_HOSTS is the number of application hosts, at least 1 (see .env.example).")

# --- Cache ----------------------------------------------------------------
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# --- Auth -----------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # Refuses logins while an address or a user is locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Staff need a second factor for the admin: a TOTP app (`manage.py enrol_totp USER`)
# or a recovery code (`manage.py issue_recovery_codes USER`), typed into the one login
# form (plumbing.staff_login).
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Forum site")
# django-otp's own throttle slows every further try on a device after a wrong code,
# from wherever it comes: a stolen password would let anyone lock its owner out.
# Wrong codes count in the lockout below instead, per user and address.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# Lockout after repeated failed logins (a wrong password or a wrong code), for an hour:
# - one user from one address after AXES_FAILURE_LIMIT failures: the same user
#   elsewhere is not locked, so nobody can lock an organiser out by guessing;
# - one address for everyone after AXES_ADDRESS_FAILURE_LIMIT failures, whichever
#   user names they tried. Higher than the first, so one person's typos behind an
#   office's shared address lock that person only (plumbing.lockout).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
# Per account, from every address together (each Tor circuit is an address of its
# own, and circuits are cheap): after AXES_ACCOUNT_FREE_FAILURES failures each next
# try of that user name waits 1 second, then 2, 4... up to the maximum: a delay, not a
# lockout, so the owner gets in once it passed, and guessing gets one try per delay.
AXES_ACCOUNT_FREE_FAILURES = env.int("AXES_ACCOUNT_FREE_FAILURES", default=5)
AXES_ACCOUNT_DELAY_MAX_SECONDS = env.int("AXES_ACCOUNT_DELAY_MAX_SECONDS", default=300)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "plumbing.lockout.StaffLockoutHandler"
# Axes keeps the failed form's fields with each attempt: never the password or the code.
AXES_SENSITIVE_PARAMETERS = ["code"]
AXES_LOCKOUT_TEMPLATE = "lockout.html"
AXES_CLIENT_IP_CALLABLE = "plumbing.net.client_address"
AXES_RESET_ON_SUCCESS = True
# Axes would otherwise log user names and addresses, and keep a login history.
AXES_VERBOSE = False
AXES_CLIENT_STR_CALLABLE = "plumbing.lockout.client_str"
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ru", _("Russian")),
    ("be", _("Belarusian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["forum_site.formats"]
USE_I18N = True
TIME_ZONE = "Europe/Minsk"
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = tuple(code for code, _name in LANGUAGES)
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)

# --- Static files -------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security -------------------------------------------------------------------
# Behind one reverse proxy (nginx) that sets X-Forwarded-Proto and X-Forwarded-For:
# trust those two headers from it, and nothing else. Off by default.
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# With DEBUG off, HTTPS is the default: plain-http requests are redirected, browsers
# are told to use HTTPS only for a year (subdomains too), and cookies travel only
# over HTTPS. Each can be turned off by name (e.g. SECURE_SSL_REDIRECT=False for a
# plain-http test behind nothing); with DEBUG on (`make run`) all are off.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# A monitor may ask the app itself, over plain http on the host: /healthz tells nothing else.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
# Preloading is the operator's decision: it binds the whole domain, subdomains
# included, to HTTPS in browsers' built-in lists for months, and is slow to undo
# (README, "Running in production"). Off unless set.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [
    # security.W021 asks for HSTS preload, which stays the operator's decision (above).
    "security.W021",
]
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# A refused form gets the site's translated 403 page (templates/403.html).
CSRF_FAILURE_VIEW = "plumbing.views.csrf_failure"
# The form pages' only cookie (csrftoken) and the language switcher's end with the
# browser session, as the privacy notice and the footer say.
CSRF_COOKIE_AGE = None
LANGUAGE_COOKIE_AGE = None
# Staff sessions end with the browser and after two hours.
SESSION_COOKIE_AGE = 2 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# The one other origin a page may show, in a frame, once a visitor asks for the video.
YOUTUBE_EMBED_ORIGIN = "https://www.youtube-nocookie.com"

# Content-Security-Policy (django-csp 4): our own scripts, styles, images,
# fonts and forms only; no inline script or style; frames only from YouTube's
# privacy-enhanced domain, for the video a visitor asks for.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # data: for the arrows and check marks Bootstrap draws as SVG inside our own
        # stylesheet; an image cannot run script.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-src": [YOUTUBE_EMBED_ORIGIN],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "manifest-src": ["'self'"],
    }
}
# Sent with every response, static files included (plumbing.middleware). The
# video a visitor asks for (from YouTube's privacy-enhanced domain) may go
# fullscreen, picture-in-picture and play protected media; every other feature,
# camera, microphone and location first, is denied to the page and to any frame.
PERMISSIONS_POLICY = ", ".join(
    [
        *(
            f'{feature}=(self "{YOUTUBE_EMBED_ORIGIN}")'
            for feature in ("encrypted-media", "fullscreen", "picture-in-picture")
        ),
        *(
            f"{feature}=()"
            for feature in (
                "accelerometer",
                "autoplay",
                "camera",
                "display-capture",
                "geolocation",
                "gyroscope",
                "magnetometer",
                "microphone",
                "midi",
                "payment",
                "publickey-credentials-get",
                "screen-wake-lock",
                "usb",
                "xr-spatial-tracking",
            )
        ),
    ]
)

# --- Page cache (plumbing.pagecache) ----------------------------------------------
# Seconds a public page is served from memory (the live / ended state may lag this much),
# seconds browsers and the reverse proxy may keep it, seconds a process trusts the
# content version it last read, and pages kept per process.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=60)
PAGE_CACHE_BROWSER_SECONDS = env.int("PAGE_CACHE_BROWSER_SECONDS", default=10)
PAGE_CACHE_VERSION_SECONDS = env.float("PAGE_CACHE_VERSION_SECONDS", default=1.0)
PAGE_CACHE_ENTRIES = env.int("PAGE_CACHE_ENTRIES", default=1000)
# Pages that show a stored count (the Declaration's signatures) are kept this
# long, so the count they show is at most this old; confirming empties no page.
COUNT_REFRESH_SECONDS = env.int("COUNT_REFRESH_SECONDS", default=5)

# --- Mail -------------------------------------------------------------------------
# consolemail:// (the default with DEBUG on) prints mail; smtp+tls://user:password@host:587
# in production. Mail holds names, addresses and private links: with DEBUG off it
# must go to a mail server, never into a log or a file, so a server without
# EMAIL_URL (or with a console or file backend) refuses to start. gunicorn runs no
# system checks, hence here and not in a check.
_email_url = env.str("EMAIL_URL", default="") or ("consolemail://" if DEBUG else "")
if not DEBUG and _email_url.split(":", 1)[0] in ("", "consolemail", "filemail"):
    raise ImproperlyConfigured(
        "Set EMAIL_URL to a mail server (e.g. smtp+tls://USER:PASSWORD@HOST:587, see .env.example): "
        "with DEBUG off, mail is never printed to the log or written to files."
    )
EMAIL_CONFIG = environ.Env.email_url_config(_email_url)
vars().update(EMAIL_CONFIG)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=15)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="forum@localhost")
# Failed mail is tried again after these delays (seconds), then left for staff.
MAIL_RETRY_DELAYS = env.list("MAIL_RETRY_DELAYS", cast=int, default=[60, 300, 1800, 7200, 43200])
# With the database worker, each process queues one delivery task for the mail
# it writes in this many seconds (a confirmation leaves at most this much
# later); 0 queues a task per mail.
MAIL_BATCH_SECONDS = env.float("MAIL_BATCH_SECONDS", default=1.0)

# --- Background tasks (mail) -------------------------------------------------------
# The immediate backend sends mail within the request (development, tests).
# Production: django_tasks_db.DatabaseBackend and `manage.py db_worker`.
TASKS = {"default": {"BACKEND": env.str("TASKS_BACKEND", default="django_tasks.backends.immediate.ImmediateBackend")}}

# --- Registrations -----------------------------------------------------------------
# How long a confirmation link works, and a registrant's private status link.
CONFIRMATION_LINK_MAX_AGE = env.int("CONFIRMATION_LINK_MAX_AGE", default=3 * 24 * 3600)
STATUS_LINK_MAX_AGE = env.int("STATUS_LINK_MAX_AGE", default=365 * 24 * 3600)
# The key of the stored address digests (registrations.mailbox). Empty: a random
# key kept in the database since the first migration. Set it to keep the key out
# of database dumps; never change it afterwards (stored digests would no longer match).
EMAIL_DIGEST_KEY = env.str("EMAIL_DIGEST_KEY", default="")

# --- Keys kept outside the database (plumbing.keys; README, Keys and backups) --------
# One data key per forum, under which its people's personal values are stored; the
# retention purge destroys it, so every backup of the database forgets them too.
# One host: a directory only the site's account may enter (made 0700 on first use).
# Several hosts: KEY_STORE_URL, a small PostgreSQL database of its own (not the site's).
KEY_DIR = BASE_DIR / env.str("KEY_DIR", default="var/keys")
KEY_STORE_URL = env.str("KEY_STORE_URL", default="")
if KEY_STORE_URL and not KEY_STORE_URL.startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured("KEY_STORE_URL is a postgres:// URL (see .env.example).")
# How long a process keeps a key it read: a destroyed key is out of use everywhere after this.
KEY_CACHE_SECONDS = env.int("KEY_CACHE_SECONDS", default=60)
if not 0 <= KEY_CACHE_SECONDS <= 60:
    raise ImproperlyConfigured("KEY_CACHE_SECONDS is between 0 and 60 (see .env.example).")


# --- Meeting providers (registrations.access; README, Staff) -------------------------
# Chosen per forum: the shared address (nothing here), Zoom or a self-hosted Jitsi Meet.
# Zoom: a Server-to-Server OAuth app of the paid account that holds the meetings.
ZOOM_ACCOUNT_ID = env.str("ZOOM_ACCOUNT_ID", default="")
ZOOM_CLIENT_ID = env.str("ZOOM_CLIENT_ID", default="")
ZOOM_CLIENT_SECRET = env.str("ZOOM_CLIENT_SECRET", default="")
# Journalists are registered with Zoom as r-<random>@ this domain (one the operator
# controls), not under their own address, unless the organisers choose otherwise.
ZOOM_ALIAS_DOMAIN = env.str("ZOOM_ALIAS_DOMAIN", default="").lower()
ZOOM_API_URL = env.str("ZOOM_API_URL", default="https://api.zoom.us/v2").rstrip("/")
ZOOM_OAUTH_URL = env.str("ZOOM_OAUTH_URL", default="https://zoom.us/oauth/token")
# Seconds one call to Zoom may take (the task worker retries a few times, then later).
ZOOM_TIMEOUT = env.int("ZOOM_TIMEOUT", default=10)
# Jitsi Meet with token authentication: its host name, the app ID and secret of its
# token configuration, the audience it accepts, and how long one journalist's token works.
JITSI_DOMAIN = env.str("JITSI_DOMAIN", default="").lower()
JITSI_APP_ID = env.str("JITSI_APP_ID", default="")
JITSI_APP_SECRET = env.str("JITSI_APP_SECRET", default="")
JITSI_AUDIENCE = env.str("JITSI_AUDIENCE", default="jitsi")
JITSI_TOKEN_SECONDS = env.int("JITSI_TOKEN_SECONDS", default=120)
for _name in ("ZOOM_API_URL", "ZOOM_OAUTH_URL"):
    if not globals()[_name].startswith("https://"):
        raise ImproperlyConfigured(f"{_name} must start with https:// (see .env.example).")
_HOST_NAME = r"([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}"
if ZOOM_ALIAS_DOMAIN and not re.fullmatch(_HOST_NAME, ZOOM_ALIAS_DOMAIN):
    raise ImproperlyConfigured("ZOOM_ALIAS_DOMAIN is a domain name, e.g. press.example.org (see .env.example).")
if JITSI_DOMAIN and not re.fullmatch(_HOST_NAME + r"(:[0-9]{1,5})?", JITSI_DOMAIN):
    raise ImproperlyConfigured(
        "JITSI_DOMAIN is a host name, e.g. meet.example.org, without https:// (see .env.example)."
    )
if not 10 <= JITSI_TOKEN_SECONDS <= 3600:
    raise ImproperlyConfigured("JITSI_TOKEN_SECONDS is between 10 and 3600 (see .env.example).")
if ZOOM_TIMEOUT < 1:
    raise ImproperlyConfigured("ZOOM_TIMEOUT is at least 1 second (see .env.example).")


def _rate_limit(name, default):
    """`requests/seconds` windows, comma-separated: `30/60,100/600` is 30 a
    minute and 100 in ten minutes (plumbing.ratelimit)."""
    try:
        pairs = tuple(tuple(int(part) for part in item.split("/")) for item in env.list(name, default=default))
    except ValueError:
        pairs = ()
    if not pairs or any(len(pair) != 2 or pair[0] < 0 or pair[1] < 1 for pair in pairs):
        raise ImproperlyConfigured(f"{name} is requests/seconds, comma-separated, e.g. {','.join(default)}")
    return pairs


# Per client address, counting only what was taken (a form sent back with errors
# is free): thirty people behind one address (a newsroom, a carrier's NAT, a Tor
# exit) all get through within a minute; a flood gets at most 60 a minute (two
# windows can meet inside one) and 100 in ten minutes. Raise them by name for a
# benchmark from one address, e.g. RATE_LIMIT_SUBMIT=1000000/60.
RATE_LIMIT_SUBMIT = _rate_limit("RATE_LIMIT_SUBMIT", ["30/60", "100/600"])
# Confirmations and withdrawals (every answer counts: there is no form to get wrong).
RATE_LIMIT_CONFIRM = _rate_limit("RATE_LIMIT_CONFIRM", ["30/60", "100/600"])
# Every onion reader arrives from one /64, each Tor circuit counted as a client
# of its own (plumbing.net); all circuits together also share these allowances,
# ten times one client's: a crowd of readers gets through, a flood from fresh
# circuits is bounded. An invalid confirmation link never uses the shared one.
RATE_LIMIT_ONION_SUBMIT = _rate_limit("RATE_LIMIT_ONION_SUBMIT", ["300/60", "1000/600"])
RATE_LIMIT_ONION_CONFIRM = _rate_limit("RATE_LIMIT_ONION_CONFIRM", ["300/60", "1000/600"])
# Where the counts live: empty chooses the cache when CACHE_URL is Redis or
# Memcached (shared by every host), else `file`: a small SQLite file in
# RATE_LIMIT_DIR that every worker process of this machine shares.
RATE_LIMIT_STORE = env.str("RATE_LIMIT_STORE", default="")
if RATE_LIMIT_STORE not in ("", "file", "cache"):
    raise ImproperlyConfigured("RATE_LIMIT_STORE is empty (automatic), file or cache")
# A relative directory is taken from the project directory.
RATE_LIMIT_DIR = BASE_DIR / env.str("RATE_LIMIT_DIR", default="var")
# Public forms are small: a larger body is refused with 400 before it is read
# (plumbing.middleware). The admin's forms (an event with its sessions in
# three languages) may be larger, up to Django's own limits below.
PUBLIC_POST_MAX_BYTES = 64 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# --- The site -----------------------------------------------------------------
# Shown in the header and page titles; empty means the translated default.
SITE_NAME = env.str("SITE_NAME", default="")
# The public address, for links in mail (sent where there is no request).
# Required with DEBUG off: a guessed default would send every registrant a dead link.
SITE_URL = (env.str("SITE_URL", default="") or ("http://127.0.0.1:8000" if DEBUG else "")).rstrip("/")
if not SITE_URL:
    raise ImproperlyConfigured(
        "Set SITE_URL to the site's public address for links in mail, e.g. https://forum.example.org."
    )
# Mail links carry private tokens: over plain http only where https is turned off by name.
if SECURE_SSL_REDIRECT and not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured("SITE_URL must start with https:// (or set SECURE_SSL_REDIRECT=False by name).")

# --- Other ways in, where the site is blocked (README, "When the site is blocked") --------
# The onion service's address (http://….onion, no path). Public pages then send
# Onion-Location, the site answers the onion host name (nginx's onion server block
# tells it the connection is secure, so no redirect there), and the footer and every
# mail give it beside SITE_URL.
ONION_URL = env.str("ONION_URL", default="").rstrip("/")
if ONION_URL and not re.fullmatch(r"https?://[a-z2-7]{56}\.onion", ONION_URL):
    raise ImproperlyConfigured("ONION_URL is http://<56 characters>.onion, without a path.")
if ONION_URL:
    _onion_host = ONION_URL.split("://", 1)[1]
    ALLOWED_HOSTS = [*ALLOWED_HOSTS, _onion_host]
    CSRF_TRUSTED_ORIGINS = [*CSRF_TRUSTED_ORIGINS, ONION_URL, ONION_URL.replace("http://", "https://", 1)]
# Addresses of static mirrors (comma-separated, each the URL of the mirror's root,
# e.g. https://mirror.example.net/m/): listed in the footer of every page and in every mail.
MIRROR_URLS = [url.rstrip("/") + "/" for url in env.list("MIRROR_URLS", default=[])]
# Where the task worker keeps a current static mirror (`manage.py export_mirror DIR`
# on every content change), at most once every MIRROR_EXPORT_SECONDS. Needs the
# database task backend and `manage.py db_worker` (a system check says so). Empty: off.
MIRROR_EXPORT_DIR = env.str("MIRROR_EXPORT_DIR", default="")
MIRROR_EXPORT_SECONDS = env.int("MIRROR_EXPORT_SECONDS", default=60)
# With several hosts, the one place the copy lives: MIRROR_EXPORT_DIR is on storage
# every host mounts (MIRROR_EXPORT_SHARED=True), or the host that exported runs
# MIRROR_PUBLISH_COMMAND (e.g. an rsync to the mirror's host) after each export,
# still holding the export's lock. Either satisfies the check of SITE_HOSTS.
MIRROR_EXPORT_SHARED = env.bool("MIRROR_EXPORT_SHARED", default=False)
MIRROR_PUBLISH_COMMAND = env.str("MIRROR_PUBLISH_COMMAND", default="")
# The instants at which a public page changes by itself (a session starts or ends):
# the mirror is exported again at each (plumbing.mirror; the function lives in events).
MIRROR_BOUNDARIES = "events.day.published_boundaries"

# --- Logging: one JSON object per line, no personal data --------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "plumbing.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # runserver's request lines carry query strings (private links): not logged.
        "django.server": {"level": "WARNING"},
        # The HTTP client's request lines carry query strings (Zoom's account ID, page tokens).
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
}
