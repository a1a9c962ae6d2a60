"""Many journalists at once: every submission becomes exactly one row."""

import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from registrations.models import MediaRegistration, OutgoingMail
from tests.factories import make_accreditation, make_event

pytestmark = pytest.mark.slow

SUBMISSIONS = 500
THREADS = 32


def _submit(base, slug, n):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    url = f"{base}/en/events/{slug}/media/"
    form = opener.open(url, timeout=60).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token,
            "name": f"Журналіст {n}",
            "outlet": "Outlet",
            "role": "journalist",
            "country": "LT",
            "email": f"reporter{n}@example.org",
            "work_url": "https://example.org/w",
            "mail_language": "be",
            "consent": "on",
        }
    ).encode()
    request = urllib.request.Request(url, data=data, headers={"Referer": url})  # noqa: S310 (our loopback server)
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, response.url
    except urllib.error.HTTPError as error:  # the assertion shows what was answered instead
        with error:
            return error.code, error.read()[:500]


def test_500_concurrent_submissions_make_500_rows(site_url, settings):
    settings.RATE_LIMIT_SUBMIT = (10_000, 600)  # all of them come from one address here
    # As in production: mail is queued for the database worker.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    event = make_event(start=make_event().start.replace(year=2099))
    make_accreditation(event)
    started = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(lambda n: _submit(site_url, event.slug, n), range(SUBMISSIONS)))
    elapsed = time.perf_counter() - started
    errors = [r for r in results if r != (200, f"{site_url}/en/events/{event.slug}/media/check-your-mail/")]
    rows = MediaRegistration.objects.filter(event=event).count()
    print(
        f"\n{connection.vendor}: {SUBMISSIONS} submissions from {THREADS} threads in {elapsed:.1f} s "
        f"({SUBMISSIONS / elapsed:.0f}/s): {rows} rows, {len(errors)} errors"
    )
    assert errors == []
    assert rows == SUBMISSIONS
    assert MediaRegistration.objects.filter(event=event).values("email_digest").distinct().count() == SUBMISSIONS
    assert OutgoingMail.objects.filter(registration__event=event, kind="confirm").count() == SUBMISSIONS
    assert DBTaskResult.objects.count() == SUBMISSIONS
