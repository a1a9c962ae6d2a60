"""The registration form as a journalist (or a bot) meets it."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registrations.models import MediaRegistration, OutgoingMail
from tests.conftest import clear_rate_limits
from tests.factories import make_accreditation, make_event
from tests.html import soup, text
from tests.mailserver import subject

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Jane Reporter",
    "outlet": "Example Times",
    "role": "journalist",
    "country": "DE",
    "email": "jane@example.org",
    "work_url": "https://example.org/jane",
    "languages": ["en"],
    "mail_language": "en",
    "consent": "on",
}


@pytest.fixture
def event():
    event = make_event(start=timezone.now() + timedelta(days=7))
    make_accreditation(event)
    return event


def _errors(page):
    """{field name: its error text}, as the form shows them next to each field."""
    return {
        block["id"].removeprefix("id_").removesuffix("_error"): text(block)
        for block in page.select(".invalid-feedback[id$=_error]")
    }


def _url(event, lang="en"):
    return f"/{lang}/events/{event.slug}/media/"


def test_form_asks_for_the_named_fields_only(client, event):
    page = soup(client.get(_url(event)))
    names = {field["name"] for field in page.select("main form [name]")} - {"csrfmiddlewaretoken", "submit"}
    assert names == {
        "name",
        "outlet",
        "role",
        "country",
        "email",
        "phone",
        "work_url",
        "languages",
        "interview_request",
        "mail_language",
        "consent",
        "website",
    }
    assert page.select_one("[name=mail_language] option[selected]")["value"] == "en"
    assert page.select_one("label[for=id_consent] a")["href"] == "/en/privacy/"


def test_mail_language_defaults_to_the_page_language(client, event):
    page = soup(client.get(_url(event, "be")))
    assert page.select_one("[name=mail_language] option[selected]")["value"] == "be"
    assert text(page.select_one("[name=country] option[value=BY]")) == "Беларусь"


def test_errors_are_per_field_translated_and_keep_what_was_typed(client, event):
    data = {**VALID, "email": "not-an-address", "consent": "", "work_url": "", "name": "Алесь Бяляцкі"}
    response = client.post(_url(event, "ru"), data)
    assert response.status_code == 200
    page = soup(response)
    errors = _errors(page)
    assert errors == {
        "email": "Введите правильный адрес электронной почты.",
        "work_url": "Обязательное поле.",
        "consent": "Мы можем зарегистрировать вас только с вашего согласия.",
    }
    assert page.select_one("[name=name]")["value"] == "Алесь Бяляцкі"
    assert page.select_one("[name=email]")["value"] == "not-an-address"
    assert page.select_one("[name=country] option[selected]")["value"] == "DE"
    assert page.select_one("[name=languages][value=en]").has_attr("checked")
    assert MediaRegistration.objects.count() == 0


def test_every_field_has_a_length_limit(client, event):
    response = client.post(_url(event), {**VALID, "name": "x" * 201, "interview_request": "y" * 2001})
    page = soup(response)
    assert _errors(page) == {
        "name": "Ensure this value has at most 200 characters (it has 201).",
        "interview_request": "Ensure this value has at most 2000 characters (it has 2001).",
    }
    limits = {
        field["name"]: int(field["maxlength"])
        for field in soup(client.get(_url(event))).select("main form [maxlength]")
    }
    assert limits == {
        "name": 200,
        "outlet": 200,
        "email": 254,
        "phone": 40,
        "work_url": 500,
        "interview_request": 2000,
        "website": 200,
    }


def test_a_link_without_scheme_is_taken_as_https(client, event):
    client.post(_url(event), {**VALID, "work_url": "example.org/portfolio"})
    assert MediaRegistration.objects.get().work_url == "https://example.org/portfolio"


def test_any_script_is_accepted(client, event):
    data = {**VALID, "name": "陳美玲 Ñúñez Ўладзімір", "outlet": "صحيفة", "email": "chen@example.org"}
    assert client.post(_url(event), data).status_code == 302
    assert MediaRegistration.objects.get().name == "陳美玲 Ñúñez Ўладзімір"


def test_duplicate_address_gives_the_same_answer_and_one_row(client, event, mail_server):
    first = client.post(_url(event), VALID)
    second = client.post(_url(event), {**VALID, "email": "  JANE@example.ORG ", "name": "Someone Else"})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert client.get(first["Location"]).content == client.get(second["Location"]).content
    registration = MediaRegistration.objects.get()
    # Unconfirmed: the latest submission is what will be confirmed, sent to the address as typed last.
    assert registration.name == "Someone Else"
    # One mail a day for this form and forum: the first, whose link now shows the latest.
    assert [m.kind for m in OutgoingMail.objects.order_by("pk")] == ["confirm"]
    assert len(mail_server.to("jane@example.org")) == 1
    assert len(mail_server.messages) == 1


def test_repeat_after_confirmation_sends_the_same_mail_and_changes_nothing(client, event, mail_server):
    from registrations import services

    client.post(_url(event), VALID)
    first = mail_server.messages[-1]
    services.person_confirm(person=MediaRegistration.objects.get())
    with time_machine.travel(timezone.now() + timedelta(hours=25), tick=False):
        client.post(_url(event), {**VALID, "name": "Someone Else"})
    assert MediaRegistration.objects.get().name == "Jane Reporter"
    assert [m.kind for m in OutgoingMail.objects.order_by("pk")] == ["confirm", "confirmed", "confirm"]
    repeat = mail_server.messages[-1]
    # A mailbox reader cannot tell a new address from a known one.
    assert subject(repeat) == subject(first) == f"Confirm your media registration: {event.title}"


def test_honeypot_gets_the_same_answer_and_no_row(client, event, mail_server):
    response = client.post(_url(event), {**VALID, "website": "https://spam.example"})
    assert response.status_code == 302
    assert response["Location"] == f"/en/events/{event.slug}/media/check-your-mail/"
    assert MediaRegistration.objects.count() == 0
    assert mail_server.messages == []


def test_rate_limit_per_address_answers_429_translated(client, event, settings):
    settings.RATE_LIMIT_SUBMIT = (3, 600)
    for i in range(3):
        assert client.post(_url(event), {**VALID, "email": f"j{i}@example.org"}).status_code == 302
    response = client.post(_url(event, "be"), {**VALID, "email": "j9@example.org"})
    assert response.status_code == 429
    assert response["Retry-After"] == "600"
    assert text(soup(response).h1) == "Занадта шмат спроб"
    assert MediaRegistration.objects.count() == 3
    # Another address is not affected.
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert other.post(_url(event), {**VALID, "email": "k@example.org"}).status_code == 302


def test_oversized_post_is_refused_with_400(client, event):
    response = client.post(_url(event, "ru"), {**VALID, "interview_request": "x" * 70_000})
    assert response.status_code == 400
    assert text(soup(response).h1) == "Не удалось прочитать запрос"
    assert MediaRegistration.objects.count() == 0


def test_unknown_country_role_and_language_are_refused(client, event):
    response = client.post(
        _url(event), {**VALID, "country": "XX", "role": "spy", "languages": ["de"], "mail_language": "fr"}
    )
    page = soup(response)
    assert set(_errors(page)) == {"country", "role", "languages", "mail_language"}


_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=300)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.fixed_dictionaries(
        {},
        optional={
            "name": _text,
            "outlet": _text,
            "role": st.one_of(_text, st.sampled_from(["journalist", "blogger"])),
            "country": st.one_of(_text, st.sampled_from(["BY", "LT"])),
            "email": st.one_of(_text, st.emails()),
            "phone": _text,
            "work_url": st.one_of(_text, st.just("https://example.org/x")),
            "languages": st.lists(_text, max_size=3),
            "interview_request": _text,
            "mail_language": _text,
            "consent": _text,
            "website": _text,
        },
    )
)
def test_no_input_gives_a_server_error(client, event, data):
    clear_rate_limits()
    response = client.post(_url(event), data)
    assert response.status_code in (200, 302, 400)
