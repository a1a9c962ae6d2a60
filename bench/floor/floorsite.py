"""The floor (issue 23): the least a Django 5.2 site must spend on a sign
POST, in one module. It checks CSRF, validates a form of the sign form's
fields (name, country, organisation, e-mail, visibility, mail language,
consent), inserts two rows in one transaction (the signature and its outbox
row, by plain SQL), redirects, and sends the security headers the site sends
on every answer (FLOOR_HEADERS: the bench copies them from the site's own
answer). Nothing else: no sessions, no locale, no rate limit, no allowance.

Run by bench/floor.py under gunicorn with the project's gunicorn.conf.py:
    gunicorn floorsite:application -c gunicorn.conf.py --pythonpath bench/floor
Environment: DATABASE_URL (the site's database: the floor makes its own two
tables there), FLOOR_HEADERS (a JSON object).
"""

import json
import os

import django
import environ
from django.conf import settings

database = environ.Env.db_url_config(os.environ["DATABASE_URL"])
if database["ENGINE"] == "django.db.backends.sqlite3":
    # As the site sets SQLite up: WAL, IMMEDIATE transactions.
    database["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
database["CONN_MAX_AGE"] = 60

settings.configure(
    DEBUG=False,
    SECRET_KEY=os.environ.get("SECRET_KEY", "floor-" + "f" * 50),
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    USE_TZ=True,
    INSTALLED_APPS=[],
    DATABASES={"default": database},
    MIDDLEWARE=[f"{__name__}.security_headers", "django.middleware.csrf.CsrfViewMiddleware"],
    LOGGING_CONFIG=None,
)
django.setup()

from django import forms  # noqa: E402 (after settings)
from django.db import connection, transaction  # noqa: E402
from django.http import HttpResponse, HttpResponseRedirect  # noqa: E402
from django.middleware.csrf import get_token  # noqa: E402
from django.urls import path  # noqa: E402
from django.utils import timezone  # noqa: E402

HEADERS = json.loads(os.environ.get("FLOOR_HEADERS", "{}"))
COUNTRIES = {"BY", "LT", "PL", "DE", "UA", "GE", "LV", "CZ", "RU", "EE", "FR", "GB", "US", "NL", "SE", "FI"}


def security_headers(get_response):
    def middleware(request):
        response = get_response(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return middleware


class SignForm(forms.Form):
    name = forms.CharField(max_length=200)
    country = forms.CharField(max_length=2)
    organisation = forms.CharField(max_length=200, required=False)
    email = forms.EmailField(max_length=254)
    visibility = forms.ChoiceField(choices=[("full", "full"), ("initials", "initials"), ("hidden", "hidden")])
    mail_language = forms.ChoiceField(choices=[("en", "en"), ("ru", "ru"), ("be", "be")])
    consent = forms.BooleanField(required=True)

    def clean_country(self):
        if self.cleaned_data["country"] not in COUNTRIES:
            raise forms.ValidationError("unknown country")
        return self.cleaned_data["country"]


def tables():
    """The floor's two tables, made by the first worker to start. Workers start
    together: on PostgreSQL two CREATE TABLE IF NOT EXISTS at once can both
    go ahead and one fails (a duplicate catalogue row), so they take turns on
    an advisory lock (on SQLite the IMMEDIATE transaction is the turn)."""
    postgres = connection.vendor == "postgresql"
    key = "BIGSERIAL PRIMARY KEY" if postgres else "INTEGER PRIMARY KEY AUTOINCREMENT"
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:
            cursor.execute("SELECT pg_advisory_xact_lock(23)")
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS floor_signature (id {key}, name VARCHAR(200), country VARCHAR(2), "
            "organisation VARCHAR(200), email VARCHAR(254), visibility VARCHAR(8), mail_language VARCHAR(8), "
            "submitted_at TIMESTAMP WITH TIME ZONE)"
        )
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS floor_mail (id {key}, signature_id BIGINT, kind VARCHAR(16), "
            "created_at TIMESTAMP WITH TIME ZONE)"
        )


def sign(request):
    if request.method != "POST":
        token = get_token(request)
        page = f'<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="{token}"></form>'
        return HttpResponse(page)
    form = SignForm(request.POST)
    if not form.is_valid():
        return HttpResponse("invalid", status=400)
    data, now = form.cleaned_data, timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO floor_signature (name, country, organisation, email, visibility, mail_language, "
            "submitted_at) VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id",
            [data[f] for f in ("name", "country", "organisation", "email", "visibility", "mail_language")] + [now],
        )
        (signature,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO floor_mail (signature_id, kind, created_at) VALUES (%s, %s, %s)",
            [signature, "sign_confirm", now],
        )
    return HttpResponseRedirect("/done/")


urlpatterns = [path("sign/", sign)]

tables()
connection.close()

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
