"""The Declaration: read, sign, confirm, count, list as chosen, withdraw."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registrations import links, services
from registrations.mailbox import email_digest
from registrations.models import OutgoingMail, Signature
from tests.conftest import clear_rate_limits, verified_client
from tests.factories import make_declaration, make_event, make_registration, make_signature
from tests.html import soup, text
from tests.mailserver import link_in, subject
from tests.rawdb import raw_rows

pytestmark = pytest.mark.django_db

DECLARATION = "/{lang}/events/new-belarus-against-torture/declaration/"
SIGN = DECLARATION + "sign/"


def _form(**values):
    data = {
        "name": "Алена Бяляцкая",
        "country": "BY",
        "organisation": "Вясна",
        "email": "alena@example.org",
        "visibility": "full",
        "mail_language": "be",
        "consent": "on",
    }
    data.update(values)
    return data


def _count(client, lang="en"):
    return text(soup(client.get(DECLARATION.format(lang=lang))).select_one(".signature-count"))


def _listed(client, lang="en", page=1):
    html = soup(client.get(DECLARATION.format(lang=lang), {"page": page}))
    return [" ".join(li.get_text().split()) for li in html.select(".signatory")]


def test_declaration_is_linked_from_the_event_page_with_its_count(client, demo_event):
    page = soup(client.get("/be/events/new-belarus-against-torture/"))
    link = page.select_one(".calls-to-action a[href$='/declaration/']")
    assert text(link) == "Падпісаць Дэкларацыю"
    assert text(page.select_one("section[aria-labelledby=declaration-title] .signature-count")) == "0 подпісаў"


@pytest.mark.parametrize("lang", ["en", "ru", "be"])
def test_declaration_text_in_each_language(client, demo_event, lang):
    declaration = demo_event.declaration
    page = soup(client.get(DECLARATION.format(lang=lang)))
    assert text(page.h1) == getattr(declaration, f"title_{lang}")
    first_paragraph = getattr(declaration, f"text_{lang}").split("\n\n")[0]
    assert text(page.select_one(".declaration-text p")) == " ".join(first_paragraph.split())
    # The page itself carries no form and no token: the form is a page of its own.
    assert page.select("main form[method=post]") == []


def test_sign_in_belarusian_confirm_count_list_withdraw(client, admin_client, demo_event, mail_server, settings):
    settings.COUNT_REFRESH_SECONDS = 0  # pages with the count are not kept: each read shows the stored count
    response = client.post(SIGN.format(lang="be"), _form())
    assert response["Location"] == "/be/events/new-belarus-against-torture/declaration/check-your-mail/"
    assert text(soup(client.get(response["Location"])).h1) == "Праверце пошту"

    (message,) = mail_server.to("alena@example.org")
    assert subject(message) == f"Пацвердзіце подпіс: {demo_event.declaration.title_be}"
    assert _count(client, "be") == "0 подпісаў"  # not counted before confirmation
    assert _listed(client) == []

    confirm = link_in(message, "/be/declaration/confirm/")
    page = soup(client.get(confirm))
    assert text(page.h1) == "Пацвердзіце подпіс"
    form = page.select_one("main form")
    fields = {name: form.select_one(f"input[name={name}]")["value"] for name in ("t", "version")}
    response = client.post(form["action"], fields)
    assert text(soup(response).h1) == "Подпіс пацверджаны"
    assert _count(client, "be") == "1 подпіс"
    assert _listed(client) == []  # counted at once, listed after review
    changelist = reverse("admin:registrations_signature_changelist")
    admin_client.post(changelist, {"action": "accept_names", "_selected_action": [Signature.objects.get().pk]})
    assert _listed(client) == ["Алена Бяляцкая, Вясна"]

    thanks = mail_server.messages[-1]
    assert subject(thanks) == f"Дзякуй за подпіс: {demo_event.declaration.title_be}"
    withdraw_page = soup(client.get(link_in(thanks, "/be/declaration/signature/")))
    form = withdraw_page.select_one("form[action='/be/declaration/withdraw/']")
    response = client.post(form["action"], {"t": form.select_one("input[name=t]")["value"]})
    assert text(soup(response).h1) == "Ваш подпіс адкліканы"
    assert _count(client, "be") == "0 подпісаў"
    assert _listed(client) == []
    assert raw_rows("registrations_signature") == []
    assert OutgoingMail.objects.count() == 0


def test_list_shows_each_signatory_as_chosen_newest_first(client, demo_event):
    declaration = demo_event.declaration
    now = timezone.now()
    make_signature(declaration, name="Full Person", organisation="Org", confirmed_at=now - timedelta(hours=3))
    make_signature(declaration, name="Ініцыял Прозвішча-Другое", organisation="Hidden Org", visibility="initials",
                   confirmed_at=now - timedelta(hours=2))  # fmt: skip
    make_signature(declaration, name="Not Shown", visibility="hidden", confirmed_at=now - timedelta(hours=1))
    make_signature(declaration, name="Unconfirmed", status="unconfirmed", confirmed_at=None)
    assert _listed(client) == ["І. П.-Д.", "Full Person, Org"]
    assert _count(client) == "3 signatures"
    body = client.get(DECLARATION.format(lang="en")).content.decode()
    for absent in ("Not Shown", "Hidden Org", "Ініцыял", "Unconfirmed", "@example.org"):
        assert absent not in body


def test_a_signature_hidden_by_staff_leaves_the_list_and_the_count(client, demo_event):
    declaration = demo_event.declaration
    make_signature(declaration, name="Kept")
    abuse = make_signature(declaration, name="Abusive Text")
    organiser = User.objects.create_user("mod", password="a long test password 3", is_staff=True)
    organiser.groups.add(Group.objects.get(name="Reviewers"))
    staff = verified_client(organiser)
    changelist = reverse("admin:registrations_signature_changelist")
    response = staff.post(changelist, {"action": "hide", "_selected_action": [abuse.pk]})
    assert response.status_code == 302
    abuse.refresh_from_db()
    assert abuse.hidden_by == organiser
    assert abuse.hidden_at is not None
    assert _listed(client) == ["Kept"]
    assert _count(client) == "1 signature"
    # Organisers moderate signatures but cannot edit the Declaration.
    assert staff.get(reverse("admin:registrations_declaration_change", args=[declaration.pk])).status_code == 403


def test_duplicate_signature_gives_the_same_answer_and_one_row(client, demo_event, mail_server):
    first = client.post(SIGN.format(lang="en"), _form())
    second = client.post(SIGN.format(lang="en"), _form(email="ALENA@Example.org", name="Other Name"))
    assert first["Location"] == second["Location"]
    assert Signature.objects.count() == 1
    # Until confirmed, the latest submission decides what will be confirmed.
    assert Signature.objects.get().name == "Other Name"
    services.person_confirm(person=Signature.objects.get())
    third = client.post(SIGN.format(lang="en"), _form())
    assert third["Location"] == first["Location"]
    assert Signature.objects.count() == 1
    assert Signature.objects.get().name == "Other Name"  # confirmed: a submission changes nothing
    # One confirmation mail a day for this Declaration, and the "signed" one.
    assert [m.kind for m in OutgoingMail.objects.order_by("pk")] == ["sign_confirm", "signed"]


def test_scanner_get_confirms_nothing_and_bad_links_are_refused(client, demo_event, settings):
    signature = make_signature(demo_event.declaration, status="unconfirmed", confirmed_at=None)
    token = links.make_token(links.CONFIRM, signature)
    client.get(f"/en/declaration/confirm/?t={token}")
    signature.refresh_from_db()
    assert signature.status == "unconfirmed"
    assert client.post("/en/declaration/confirm/", {"t": token[:-2] + "xx"}).status_code == 400
    # A media registration's link does not confirm a signature.
    registration = make_registration(demo_event)
    assert (
        client.post("/en/declaration/confirm/", {"t": links.make_token(links.CONFIRM, registration)}).status_code == 400
    )
    settings.CONFIRMATION_LINK_MAX_AGE = -1
    response = client.post("/en/declaration/confirm/", {"t": token})
    assert response.status_code == 400
    assert text(soup(response).h1) == "This link does not work"
    signature.refresh_from_db()
    assert signature.status == "unconfirmed"


def test_honeypot_and_rate_limit(client, demo_event, settings, mail_server):
    response = client.post(SIGN.format(lang="en"), _form(website="x"))
    assert response["Location"].endswith("/declaration/check-your-mail/")
    assert Signature.objects.count() == 0
    assert mail_server.messages == []
    clear_rate_limits()
    settings.RATE_LIMIT_SUBMIT = (2, 600)
    client.post(SIGN.format(lang="en"), _form(email="a1@example.org"))
    client.post(SIGN.format(lang="en"), _form(email="a2@example.org"))
    response = client.post(SIGN.format(lang="ru"), _form(email="a3@example.org"))
    assert response.status_code == 429
    assert Signature.objects.count() == 2


def test_form_errors_are_translated_and_keep_what_was_typed(client, demo_event):
    response = client.post(SIGN.format(lang="ru"), _form(consent="", visibility="", email="x"))
    page = soup(response)
    errors = {
        b["id"].removeprefix("id_").removesuffix("_error"): text(b)
        for b in page.select(".invalid-feedback[id$=_error]")
    }
    assert errors == {
        "email": "Введите правильный адрес электронной почты.",
        "visibility": "Обязательное поле.",
        "consent": "Мы можем учесть вашу подпись только с вашего явного согласия.",
    }
    assert page.select_one("[name=name]")["value"] == "Алена Бяляцкая"
    assert page.select_one("[name=organisation]")["value"] == "Вясна"
    assert Signature.objects.count() == 0


def test_closed_declaration_takes_no_signatures(client, demo_event):
    declaration = demo_event.declaration
    declaration.is_open = False
    declaration.save()
    page = soup(client.get(DECLARATION.format(lang="en")))
    assert page.find("a", string="Sign the Declaration") is None
    client.post(SIGN.format(lang="en"), _form())
    assert Signature.objects.count() == 0


@pytest.mark.parametrize("count", [1, 100])
def test_list_query_count_does_not_grow(client, django_assert_num_queries, count):
    event = make_event(slug="forum-q")
    declaration = make_declaration(event)
    Signature.objects.bulk_create(
        Signature(
            declaration=declaration,
            status="confirmed",
            name=f"Person {i}",
            country="BY",
            email=f"p{i}@example.org",
            email_digest=email_digest(f"p{i}@example.org"),
            name_accepted_at=timezone.now(),
            visibility="full" if i % 2 else "initials",
            mail_language="en",
            consent_at=timezone.now(),
            confirmed_at=timezone.now(),
        )
        for i in range(count)
    )
    with django_assert_num_queries(3):  # content version, Declaration with its stored count, page (no count)
        response = client.get("/en/events/forum-q/declaration/")
    assert len(soup(response).select(".signatory")) == min(count, 50)


def test_list_is_paginated(client, demo_event):
    for i in range(55):
        make_signature(demo_event.declaration, name=f"P{i:02d}", confirmed_at=timezone.now() + timedelta(seconds=i))
    first, second = _listed(client, page=1), _listed(client, page=2)
    assert (len(first), len(second)) == (50, 5)
    assert first[0] == "P54"
    assert second[-1] == "P00"


def test_staff_export_signatures_as_csv(admin_client, demo_event):
    make_signature(demo_event.declaration, name="Уладзімір", visibility="hidden")
    ids = list(Signature.objects.values_list("pk", flat=True))
    response = admin_client.post(
        reverse("admin:registrations_signature_changelist"), {"action": "export_csv", "_selected_action": ids}
    )
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    assert "Уладзімір" in raw.decode("utf-8-sig")


def test_signature_changelist_filters_and_search(admin_client, demo_event):
    declaration = demo_event.declaration
    make_signature(declaration, name="Anna", country="LT", visibility="initials")
    boris = make_signature(declaration, name="Boris", country="PL", name_accepted_at=None)
    make_signature(declaration, name="Unconfirmed Carl", country="PL", status="unconfirmed", confirmed_at=None)

    def names(**query):
        page = soup(admin_client.get(reverse("admin:registrations_signature_changelist"), query))
        return sorted(text(td) for td in page.select("#result_list th.field-name, #result_list td.field-name"))

    # Staff see only confirmed signatures.
    assert names() == ["Anna", "Boris"]
    assert names(name_review="awaiting") == ["Boris"]
    assert names(name_review="accepted") == ["Anna"]
    assert names(country="PL") == ["Boris"]
    assert names(visibility__exact="initials") == ["Anna"]
    assert names(q="boris") == ["Boris"]
    assert names(q="bor") == []  # whole words only: names are sealed
    assert names(q="carl") == []
    assert names(q=boris.email.upper()) == ["Boris"]


_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=250)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.fixed_dictionaries(
        {},
        optional={
            "name": _text,
            "country": st.one_of(_text, st.just("BY")),
            "organisation": _text,
            "email": st.one_of(_text, st.emails()),
            "visibility": st.one_of(_text, st.sampled_from(["full", "initials", "hidden"])),
            "mail_language": _text,
            "consent": _text,
            "website": _text,
        },
    )
)
def test_no_input_gives_a_server_error(client, demo_event, data):
    clear_rate_limits()
    assert client.post(SIGN.format(lang="en"), data).status_code in (200, 302, 400)
