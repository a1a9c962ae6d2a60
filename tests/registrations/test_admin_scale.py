"""The Signatures list at any size: every query the changelist makes is an
index lookup or stops at a cap; nothing reads every row (issue 12)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plumbing.exports import CappedPaginator
from registrations.admin import SignatureAdmin
from tests.factories import make_declaration, make_event, make_signature
from tests.html import soup, text

pytestmark = pytest.mark.django_db

SIGNATURES = "admin:registrations_signature_changelist"


@pytest.fixture
def declaration():
    return make_declaration(make_event())


@pytest.fixture
def small_cap(monkeypatch):
    """The cap is 10,000 rows, 100 a page; here 5 rows, 2 a page."""
    monkeypatch.setattr(CappedPaginator, "cap", 5)
    monkeypatch.setattr(SignatureAdmin, "list_per_page", 2)


def _page(client, language="en", **query):
    client.cookies["django_language"] = language
    return soup(client.get(reverse(SIGNATURES), query))


def test_past_the_cap_the_list_says_more_than_and_its_pages_end(admin_client, declaration, small_cap):
    for n in range(7):
        make_signature(declaration, name=f"Signatory {n}")
    make_signature(declaration, status="unconfirmed", confirmed_at=None)
    pages = {language: _page(admin_client, language) for language in ("en", "ru", "be")}
    assert {language: text(page.select_one("p.paginator")) for language, page in pages.items()} == {
        "en": "1 2 3 More than 5 found: the pages end here. A filter, a date or a search narrows the list.",
        "ru": "1 2 3 Найдено более 5: страницы на этом заканчиваются. Сузьте список фильтром, датой или поиском.",
        "be": "1 2 3 Знойдзена больш за 5: старонкі на гэтым заканчваюцца. Звузьце спіс фільтрам, датай або пошукам.",
    }
    assert len(pages["en"].select("#result_list tbody tr")) == 2
    assert text(pages["en"].select_one(".actions .question")) == "Select all found (5 or more)"
    assert text(pages["be"].select_one(".actions .all")) == "Выбраны ўсе знойдзеныя (5 або больш)"
    # A search that finds more says so too; one that finds fewer counts them.
    searched = _page(admin_client, q="Signatory")
    assert text(searched.select_one("#changelist-search .small")).startswith("More than 5 results")
    searched = _page(admin_client, q="Signatory 1")
    assert text(searched.select_one("#changelist-search .small")).startswith("1 result")
    assert text(searched.select_one("p.paginator")) == "1 signature"


def test_under_the_cap_the_list_counts_exactly(admin_client, declaration, small_cap):
    for _ in range(4):
        make_signature(declaration)
    page = _page(admin_client)
    assert text(page.select_one("p.paginator")) == "1 2 4 signatures Show all"
    assert "Select all 4 signatures" in text(page.select_one(".actions"))


FILTERS = [
    {},
    {"declaration__id__exact": "DECLARATION"},
    {"name_review": "awaiting"},
    {"name_review": "accepted"},
    {"visibility__exact": "initials"},
    {"country": "LT"},
    {"hidden": "yes"},
    {"hidden": "no"},
    {"created_at__year": "YEAR"},
    {"q": "Signatory"},
    {"q": "someone@example.org"},
]


@pytest.mark.parametrize("query", FILTERS, ids=lambda query: "&".join(query) or "all")
def test_no_query_of_the_list_reads_every_row(admin_client, declaration, query):
    from django.utils import timezone

    signature = make_signature(declaration, country="LT")
    make_signature(declaration, country="PL", hidden_at=timezone.now())
    query = {
        key: {"DECLARATION": declaration.pk, "YEAR": signature.created_at.year}.get(value, value)
        for key, value in query.items()
    }
    with CaptureQueriesContext(connection) as captured:
        response = admin_client.get(reverse(SIGNATURES), query)
    assert response.status_code == 200
    on_signatures = [q["sql"] for q in captured.captured_queries if "registrations_signature" in q["sql"]]
    assert on_signatures
    for sql in on_signatures:
        # A count stops at the cap; no DISTINCT, no MIN/MAX aggregate, no unlimited count.
        assert not re.search(r"\bDISTINCT\b|\bMIN\(|\bMAX\(", sql, re.IGNORECASE), sql
        if re.search(r"\bCOUNT\(", sql, re.IGNORECASE):
            assert re.search(r"LIMIT 10001\)", sql), sql


def test_country_filter_offers_the_countries_of_confirmed_signatures_by_name(admin_client, declaration):
    for country in ["PL", "LT", "BY", "LT", "DE"]:
        make_signature(declaration, country=country)
    make_signature(declaration, country="FR", status="unconfirmed", confirmed_at=None)
    page = _page(admin_client)
    (country_filter,) = [
        details for details in page.select("#changelist-filter details") if text(details.summary) == "By country"
    ]
    assert [text(a) for a in country_filter.select("li a")] == ["All", "Belarus", "Germany", "Lithuania", "Poland"]
    assert [text(td) for td in _page(admin_client, country="LT").select("td.field-country_display")] == [
        "Lithuania",
        "Lithuania",
    ]


def test_date_hierarchy_offers_the_months_from_the_first_signature_to_the_last(admin_client, declaration):
    from datetime import datetime

    from django.utils import timezone

    zone = timezone.get_current_timezone()
    for month in (1, 3):
        make_signature(declaration, created_at=datetime(2026, month, 10, 12, tzinfo=zone))
    page = _page(admin_client)
    assert [text(a) for a in page.select(".toplinks a:not(.date-back)")] == [
        "January 2026",
        "February 2026",
        "March 2026",
    ]
    assert len(_page(admin_client, created_at__year="2026", created_at__month="3").select("#result_list tbody tr")) == 1


def test_past_the_cap_all_found_may_be_exported_but_not_changed(admin_client, declaration, small_cap):
    import csv
    import io

    from registrations.models import Signature

    signatures = [make_signature(declaration, name=f"Signatory {n}") for n in range(7)]
    across = {"select_across": "1", "index": "0", "_selected_action": [signatures[0].pk]}
    admin_client.cookies["django_language"] = "en"
    response = admin_client.post(reverse(SIGNATURES), {**across, "action": "hide"}, follow=True)
    assert Signature.objects.filter(hidden_at__isnull=False).count() == 0
    assert [text(li) for li in soup(response).select("ul.messagelist li")] == [
        "Past 5 found, only an export acts on all of them; nothing was changed. "
        "Narrow the list with a filter, a date or a search, then select all again."
    ]
    admin_client.cookies["django_language"] = "be"
    response = admin_client.post(reverse(SIGNATURES), {**across, "action": "hide"}, follow=True)
    assert text(soup(response).select_one("ul.messagelist li")).startswith("Калі знойдзена больш за 5")
    # An export of all found reads them all.
    response = admin_client.post(reverse(SIGNATURES), {**across, "action": "export_csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 1 + 7
    # Within the cap, all found may be changed as before.
    Signature.objects.exclude(pk__in=[s.pk for s in signatures[:4]]).delete()
    admin_client.post(reverse(SIGNATURES), {**across, "action": "hide"})
    assert Signature.objects.filter(hidden_at__isnull=False).count() == 4


@pytest.mark.parametrize("value", ["on", "true", "True", "yes", "2"])
def test_past_the_cap_any_spelling_of_select_across_is_refused(admin_client, declaration, small_cap, value):
    """Django's action form reads any value but "", "0" and "false" as "all
    found": each of them is refused past the cap, as "1" is."""
    from registrations.models import Signature

    signatures = [make_signature(declaration, name=f"Signatory {n}") for n in range(7)]
    admin_client.cookies["django_language"] = "en"
    response = admin_client.post(
        reverse(SIGNATURES),
        {"select_across": value, "index": "0", "_selected_action": [signatures[0].pk], "action": "hide"},
        follow=True,
    )
    assert Signature.objects.filter(hidden_at__isnull=False).count() == 0
    assert text(soup(response).select_one("ul.messagelist li")).startswith("Past 5 found")
