"""Admin lists take only their own filters and the documented search (issue
21): a lookup typed into the query string is refused, and a value the
database cannot take answers the list or "not found", never a 500."""

import pytest
from django.urls import reverse

from registrations.models import AuditEntry
from tests.factories import make_accreditation, make_declaration, make_event, make_registration, make_signature
from tests.html import soup, text

pytestmark = pytest.mark.django_db

SIGNATURES = "admin:registrations_signature_changelist"
REGISTRATIONS = "admin:registrations_mediaregistration_changelist"


@pytest.fixture
def people():
    event = make_event()
    make_accreditation(event)
    declaration = make_declaration(event)
    return (
        make_signature(declaration, name="Alena Signatory", email="alena@example.org"),
        make_registration(event, name="Ihar Journalist", email="ihar@example.org", phone="+375 29 1234567"),
    )


@pytest.mark.parametrize(
    ("list_name", "query"),
    [
        (SIGNATURES, {"email__startswith": "al"}),
        (SIGNATURES, {"name__regex": "^Al"}),
        (SIGNATURES, {"name__contains": "len"}),
        (SIGNATURES, {"declaration__event__slug__startswith": "a"}),
        (REGISTRATIONS, {"phone__contains": "29"}),
        (REGISTRATIONS, {"email_digest__startswith": "0"}),
        ("admin:registrations_auditentry_changelist", {"user__username__startswith": "a"}),
    ],
)
def test_a_lookup_the_list_does_not_offer_is_refused(admin_client, people, list_name, query):
    listed = AuditEntry.objects.count()
    response = admin_client.get(reverse(list_name), query)
    assert response.status_code == 400
    assert b"Alena" not in response.content
    assert b"Ihar" not in response.content
    assert AuditEntry.objects.count() == listed  # no list was shown, none recorded


def test_the_lists_own_filters_date_links_and_search_still_work(admin_client, people):
    signature, registration = people
    admin_client.cookies["django_language"] = "en"
    year = signature.created_at.year
    for list_name, query, name in [
        (SIGNATURES, {"declaration__id__exact": signature.declaration_id, "hidden": "no"}, "Alena Signatory"),
        (SIGNATURES, {"country": "BY", "visibility__exact": signature.visibility}, "Alena Signatory"),
        (SIGNATURES, {"created_at__year": year, "q": "Alena"}, "Alena Signatory"),
        (SIGNATURES, {"q": "alena@example.org"}, "Alena Signatory"),
        (REGISTRATIONS, {"event__id__exact": registration.event_id, "status__exact": registration.status}, "Ihar"),
        (
            REGISTRATIONS,
            {"created_at__gte": f"{year}-01-01 00:00:00+00:00", "created_at__lt": f"{year + 1}-01-01 00:00:00+00:00"},
            "Ihar",
        ),
    ]:
        response = admin_client.get(reverse(list_name), query)
        assert response.status_code == 200, query
        assert name in text(soup(response).select_one("#result_list")), query


def test_an_id_past_64_bits_is_not_found(admin_client, people):
    admin_client.cookies["django_language"] = "en"
    url = reverse("admin:registrations_mediaregistration_change", args=["99999999999999999999"])
    response = admin_client.get(url, follow=True)
    assert response.status_code == 200
    assert "doesn’t exist" in text(soup(response).select_one("ul.messagelist"))


@pytest.mark.parametrize(
    "query",
    [
        {"created_at__year": "99999"},
        {"created_at__year": "9999"},
        {"created_at__year": "9999", "created_at__month": "12"},
        {"created_at__year": "1"},
        {"created_at__year": "-5"},
        {"created_at__gte": "1-01-01"},
        {"created_at__gte": "9999-12-31 23:59:59+00:00"},
        {"created_at__lt": "0001-01-01 00:00:00+14:00"},
        {"declaration__id__exact": "99999999999999999999"},
    ],
)
def test_a_value_the_database_cannot_take_gives_the_list(admin_client, people, query):
    """The list, empty or whole, or Django's "invalid" redirect to it: never a 500."""
    response = admin_client.get(reverse(SIGNATURES), query)
    if response.status_code == 302:
        assert response["Location"].endswith("?e=1")
        response = admin_client.get(response["Location"])
    assert response.status_code == 200
    assert soup(response).select_one("#changelist")
