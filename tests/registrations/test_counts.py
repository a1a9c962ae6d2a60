"""Stored counts (issue 12): exact after concurrent confirmations,
withdrawals, hides and a purge; read without counting any signature; and a
signing surge leaves the page cache alone."""

import http.cookiejar
import re
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registrations import counts, links, services
from registrations.mailbox import email_digest
from registrations.models import MediaRegistration, Signature, SignatureCounter
from tests.factories import make_accreditation, make_declaration, make_event, make_registration, make_signature
from tests.html import soup, text

pytestmark = pytest.mark.django_db


def _post_form(base, url, data):
    """Open a page with a form as a browser would (for its CSRF pair), then post `data` to it."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + url, timeout=60).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    action = url.split("?")[0]
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **data}).encode()
    request = urllib.request.Request(base + action, data=body, headers={"Referer": base + url})  # noqa: S310
    with opener.open(request, timeout=60) as response:
        return response.status


def _in_thread(function):
    """Run a service in a pool thread with its own connection, closed after."""

    def run(*args):
        try:
            return function(*args)
        finally:
            connection.close()

    return run


def _sql_aggregating_signatures(queries):
    return [
        q["sql"]
        for q in queries
        if re.search(r"registrations_signature\b", q["sql"]) and re.search(r"\b(COUNT|SUM|AVG)\(", q["sql"], re.I)
    ]


@pytest.mark.slow
def test_count_is_exact_after_concurrent_confirmations_withdrawals_hides_and_a_purge(site_url, settings):
    settings.RATE_LIMIT_CONFIRM = (10_000, 600)  # every request comes from one address here
    event = make_event(start=timezone.now() + timedelta(days=2))
    declaration = make_declaration(event)
    make_accreditation(event)
    staff = get_user_model().objects.create_user("m")
    to_confirm = [make_signature(declaration, status="unconfirmed", confirmed_at=None) for _ in range(40)]
    confirmed = [make_signature(declaration) for _ in range(30)]
    to_withdraw, to_hide, to_hide_and_show = confirmed[:10], confirmed[10:20], confirmed[20:25]
    journalists = [make_registration(event, status="unconfirmed", confirmed_at=None) for _ in range(12)]
    pending = [make_registration(event) for _ in range(8)]
    assert counts.declaration_counts([declaration.pk]) == {declaration.pk: 30}

    def confirm(person):
        token = links.make_token(links.CONFIRM, person)
        return _post_form(site_url, f"/en/{person.feature}/confirm/?t={token}", {"t": token, "version": person.version})

    def withdraw(person):
        status_path = "signature" if person.feature == "declaration" else "status"
        token = links.make_token(links.STATUS, person)
        url = f"/en/{person.feature}/{status_path}/?t={token}"
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(site_url + url, timeout=60).read().decode()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "t": token}).encode()
        request = urllib.request.Request(site_url + f"/en/{person.feature}/withdraw/", data=body)  # noqa: S310
        with opener.open(request, timeout=60) as response:
            return response.status

    def hide(signature):
        services.signature_hide(signature=signature, by=staff)
        return True

    def hide_and_show(signature):
        services.signature_hide(signature=signature, by=staff)
        services.signature_unhide(signature=signature, by=staff)
        return True

    def approve(registration):
        return services.registration_approve(registration=registration, by=staff)

    work = (
        [(confirm, p) for p in to_confirm + journalists]
        + [(withdraw, p) for p in to_withdraw + pending[:3]]
        # The same hide twice at once: it counts once.
        + [(hide, s) for s in to_hide + to_hide[:4]]
        + [(hide_and_show, s) for s in to_hide_and_show]
        + [(approve, r) for r in pending[3:]]
    )
    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(_in_thread(lambda item: item[0](item[1])), work))
    assert all(results)

    # 30 confirmed + 40 confirmed now - 10 withdrawn - 10 hidden
    expected = 30 + 40 - 10 - 10
    assert Signature.objects.counted().filter(declaration=declaration).count() == expected
    assert counts.declaration_counts([declaration.pk]) == {declaration.pk: expected}
    assert counts.media_status_counts([event.pk]) == {
        event.pk: {"pending": 12, "approved": 5, "rejected": 0, "waitlisted": 0, "withdrawn": 3}
    }
    assert counts.recount() == []

    # After the event and its retention period, the rows go; the counts stay.
    event.end = timezone.now() - timedelta(days=event.retention_days + 1)
    event.start = event.end - timedelta(hours=2)
    event.save()
    services.personal_data_purge()
    assert Signature.objects.filter(declaration=declaration).count() == 0
    assert MediaRegistration.objects.filter(event=event).count() == 0
    assert counts.declaration_counts([declaration.pk]) == {declaration.pk: expected}
    assert counts.media_status_counts([event.pk])[event.pk]["withdrawn"] == 3
    assert counts.recount() == []


def test_recount_command_finds_no_drift_and_reports_and_fixes_drift(capsys, demo_event):
    declaration = demo_event.declaration
    make_signature(declaration)
    make_signature(declaration, hidden_at=timezone.now())
    make_registration(demo_event, status="approved")
    call_command("recount")
    assert capsys.readouterr().out == "no drift: every stored count is exact\n"
    # A row written behind the services' back is drift.
    Signature.objects.create(
        declaration=declaration,
        status="confirmed",
        name="Behind Back",
        country="BY",
        email="behind@example.org",
        visibility="full",
        mail_language="en",
        consent_at=timezone.now(),
        confirmed_at=timezone.now(),
    )
    with pytest.raises(SystemExit) as exit_:
        call_command("recount")
    assert exit_.value.code == 1
    assert capsys.readouterr().out == (f"declaration {declaration.pk}: stored 1, rows say 2\n1 stored counts drifted\n")
    call_command("recount", "--fix")
    assert counts.declaration_counts([declaration.pk]) == {declaration.pk: 2}
    capsys.readouterr()
    call_command("recount")
    assert capsys.readouterr().out == "no drift: every stored count is exact\n"


def test_media_counts_follow_confirmation_decisions_and_withdrawal(demo_event):
    admin = get_user_model().objects.create_user("a")
    one, two, three = (make_registration(demo_event, status="unconfirmed", confirmed_at=None) for _ in range(3))
    for registration in (one, two, three):
        services.person_confirm(person=registration)
    services.person_confirm(person=one)  # twice: counted once
    services.registration_approve(registration=one, by=admin)
    services.registration_waitlist(registration=two, by=admin)
    services.registration_reject(registration=two, by=admin)
    services.registration_withdraw(person=three)
    services.registration_withdraw(person=three)  # twice: counted once
    assert counts.media_status_counts([demo_event.pk]) == {
        demo_event.pk: {"pending": 0, "approved": 1, "rejected": 1, "waitlisted": 0, "withdrawn": 1}
    }
    assert counts.recount() == []


def test_accepting_names_changes_the_list_not_the_count(admin_user, demo_event):
    declaration = demo_event.declaration
    signatures = [make_signature(declaration, name_accepted_at=None) for _ in range(3)]
    assert counts.declaration_counts([declaration.pk]) == {declaration.pk: 3}
    services.signature_names_accept(signatures=signatures, by=admin_user)
    assert counts.declaration_counts([declaration.pk]) == {declaration.pk: 3}


def test_no_query_on_the_sign_post_or_the_declaration_page_aggregates_over_signatures(client, demo_event):
    for _ in range(3):
        make_signature(demo_event.declaration)
    base = f"/en/events/{demo_event.slug}/declaration/"
    with CaptureQueriesContext(connection) as opening:
        form = client.get(base + "sign/")
    with CaptureQueriesContext(connection) as sign:
        response = client.post(
            base + "sign/",
            {
                "name": "Ales Surge",
                "country": "BY",
                "email": "ales.surge@example.org",
                "visibility": "full",
                "mail_language": "en",
                "consent": "on",
                "csrfmiddlewaretoken": soup(form).select_one("input[name=csrfmiddlewaretoken]")["value"],
            },
        )
    assert response["Location"] == base + "check-your-mail/"
    assert Signature.objects.filter(email_digest=email_digest("ales.surge@example.org")).get().name == "Ales Surge"
    with CaptureQueriesContext(connection) as page:
        shown = client.get(base)
    assert text(soup(shown).select_one(".signature-count")) == "3 signatures"
    assert _sql_aggregating_signatures(sign.captured_queries) == []
    assert _sql_aggregating_signatures(page.captured_queries) == []
    # Nothing on the sign form's path reads the count: neither the rows nor the stored counter.
    assert [q["sql"] for q in opening.captured_queries + sign.captured_queries if "signaturecounter" in q["sql"]] == []


def test_after_a_confirmation_pages_without_a_count_come_from_the_cache_with_no_query(client, demo_event, settings):
    # Long enough that only a bump (which forgets the version read in this process) would read it again.
    settings.PAGE_CACHE_VERSION_SECONDS = 60
    pages = [
        "/en/",
        f"/en/events/{demo_event.slug}/",
        f"/be/events/{demo_event.slug}/calendar.ics",
        "/en/privacy/",
        "/sitemap.xml",
    ]
    first = {url: client.get(url).content for url in pages}
    signature = make_signature(demo_event.declaration, status="unconfirmed", confirmed_at=None)
    services.person_confirm(person=signature)
    with CaptureQueriesContext(connection) as queries:
        again = {url: client.get(url).content for url in pages}
    assert queries.captured_queries == []
    assert again == first


def test_a_changed_name_or_content_still_shows_at_once(client, demo_event):
    url = f"/en/events/{demo_event.slug}/"
    client.get(url)
    demo_event.title_en = "Renamed forum"
    demo_event.save()
    assert text(soup(client.get(url)).h1) == "Renamed forum"


def test_counter_shards_are_summed(demo_event):
    declaration = demo_event.declaration
    for _ in range(50):
        make_signature(declaration)
    rows = SignatureCounter.objects.filter(declaration=declaration)
    assert sum(rows.values_list("value", flat=True)) == 50
    assert 1 < rows.count() <= SignatureCounter.SHARDS
    assert counts.declaration_counts([declaration.pk, 999_999]) == {declaration.pk: 50, 999_999: 0}
