"""The workspace reads as written Russian and Belarusian: Django's generic
phrases reworded so a model's name needs no case ending, models named in the
reader's language, a registration's page led by the person; and the pages
every visitor may meet (403, /favicon.ico, a forum without its stream yet)."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone

from events.models import Speaker
from registrations.models import AuditEntry
from tests.conftest import verified_client
from tests.factories import make_accreditation, make_event, make_registration
from tests.html import soup, text

pytestmark = pytest.mark.django_db

# Django's own wording in these languages, which the catalogues replace.
UNGRAMMATICAL = ("еще один", "был успешно", "Изменить регистрация", "Змяніць рэгістрацыя", "Дадаць яшчэ Сесія")


def _in(lang, client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = lang
    return client


def _superuser(lang):
    return _in(lang, verified_client(User.objects.create_superuser("root", password="x" * 20)))


def _messages(page):
    # The object's name is a link inside the message: read it as one line of text.
    return [" ".join(li.get_text().split()) for li in page.select(".messagelist li")]


@pytest.mark.parametrize(
    ("lang", "add_title", "add_another", "added", "change_title", "changed"),
    [
        (
            "ru",
            "Добавление: мероприятие",
            "Добавить ещё: Сессия",
            "Объект «Анна» (спикер) добавлен.",
            "Изменение: спикер",
            "Объект «Анна» (спикер) изменён. Ниже его можно изменить снова.",
        ),
        (
            "be",
            "Даданне: мерапрыемства",
            "Дадаць яшчэ: Сесія",
            "Аб’ект «Ганна» (прамоўца) дададзены.",
            "Змяненне: прамоўца",
            "Аб’ект «Ганна» (прамоўца) зменены. Ніжэй яго можна змяніць зноў.",
        ),
    ],
)
def test_admin_pages_and_messages_read_grammatically(lang, add_title, add_another, added, change_title, changed):
    client = _superuser(lang)
    page = soup(client.get("/admin/events/event/add/"))
    assert text(page.select_one("#content h1")) == add_title
    sessions = json.loads(page.select_one("#sessions-group")["data-inline-formset"])
    assert sessions["options"]["addText"] == add_another

    response = client.post("/admin/events/speaker/add/", {"name_en": "Anna", "name_ru": "Анна", "name_be": "Ганна"})
    assert response.status_code == 302
    assert _messages(soup(client.get(response["Location"]))) == [added]
    speaker = Speaker.objects.get()
    url = f"/admin/events/speaker/{speaker.pk}/change/"
    page = soup(client.get(url))
    assert text(page.select_one("#content h1")) == change_title
    response = client.post(url, {"name_en": "Anna", "name_ru": "Анна", "name_be": "Ганна", "_continue": "1"})
    page = soup(client.get(response["Location"]))
    assert _messages(page) == [changed]
    assert not any(phrase in page.get_text() for phrase in UNGRAMMATICAL)


def test_a_registrations_page_is_led_by_the_person_with_the_decision_below_and_nothing_to_save():
    event = make_event(title_be="Тыдзень супраць катаванняў")
    make_accreditation(event)
    registration = make_registration(event, name="Алеся Карповіч", outlet="Белсат")
    reviewer = User.objects.create_user("reviewer", password="x" * 20, is_staff=True)
    reviewer.groups.add(Group.objects.get(name="Reviewers"))
    client = _in("be", verified_client(reviewer))
    response = client.get(f"/admin/registrations/mediaregistration/{registration.pk}/change/")
    page = soup(response)
    assert text(page.select_one("#content h1")) == "Алеся Карповіч"
    assert text(page.select_one("#content h2")) == "Белсат · Тыдзень супраць катаванняў"
    assert page.title.get_text().startswith("Белсат · Тыдзень супраць катаванняў | Алеся Карповіч |")
    assert page.select("input[name=_save], input[name=_continue], input[name=_addanother]") == []
    # The decision comes after the person's details, outside the record's form.
    html = response.content.decode()
    assert html.index("Белсат</div>") < html.index('id="decision-form"')
    assert page.select_one("#mediaregistration_form #decision-form") is None
    assert not any(phrase in page.get_text() for phrase in UNGRAMMATICAL)


def test_the_audit_log_names_models_in_the_readers_language():
    registration = make_registration(make_event())
    client = _superuser("ru")
    client.get(f"/admin/registrations/mediaregistration/{registration.pk}/change/")
    assert AuditEntry.objects.get().model == "registrations.MediaRegistration"
    page = soup(client.get("/admin/registrations/auditentry/"))
    assert [text(td) for td in page.select("#result_list td.field-what")] == ["Регистрация для СМИ"]
    assert "Регистрация для СМИ" in [text(a) for a in page.select("#changelist-filter a")]
    assert "registrations.MediaRegistration" not in page.get_text()
    entry = soup(client.get(f"/admin/registrations/auditentry/{AuditEntry.objects.get().pk}/change/"))
    assert "Регистрация для СМИ" in text(entry.select_one(".field-what"))


@pytest.mark.parametrize(
    ("lang", "heading"), [("en", "Access denied"), ("ru", "Доступ запрещён"), ("be", "Доступ забаронены")]
)
def test_a_refusal_is_the_sites_translated_403_page(lang, heading):
    reviewer = User.objects.create_user("reviewer", password="x" * 20, is_staff=True)
    reviewer.groups.add(Group.objects.get(name="Reviewers"))
    response = _in(lang, verified_client(reviewer)).get("/admin/events/event/add/")
    assert response.status_code == 403
    page = soup(response)
    assert text(page.h1) == heading
    assert page.html["lang"] == lang


@pytest.mark.parametrize(
    ("lang", "heading", "reason"),
    [
        ("en", "Access denied", "The form could not be sent"),
        ("ru", "Доступ запрещён", "Форму не удалось отправить"),
        ("be", "Доступ забаронены", "Форму не ўдалося адправіць"),
    ],
)
def test_a_form_refused_by_the_csrf_check_gets_the_translated_403_page(lang, heading, reason):
    event = make_event(start=timezone.now() + timedelta(days=3))
    make_accreditation(event)
    response = Client(enforce_csrf_checks=True).post(f"/{lang}/events/{event.slug}/media/", {"name": "x"})
    assert response.status_code == 403
    page = soup(response)
    assert text(page.h1) == heading
    assert text(page.select_one(".refusal-reason")).startswith(reason)
    assert "CSRF" not in page.get_text()


def test_favicon_ico_is_served_with_the_sites_headers(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    body = response.content
    assert body[:4] == b"\x00\x00\x01\x00"  # an icon resource…
    assert int.from_bytes(body[4:6], "little") == 1  # …holding one image
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response
    assert client.post("/favicon.ico").status_code == 405


@pytest.mark.parametrize(
    ("lang", "later"),
    [
        ("en", "The link to the live broadcast will appear on this page on the day of the forum."),
        ("ru", "Ссылка на прямую трансляцию появится на этой странице в день форума."),
        ("be", "Спасылка на прамую трансляцыю з’явіцца на гэтай старонцы ў дзень форуму."),
    ],
)
def test_a_forum_without_its_stream_yet_says_when_the_link_comes(client, lang, later):
    upcoming = make_event(start=timezone.now() + timedelta(days=3))
    page = soup(client.get(f"/{lang}/events/{upcoming.slug}/"))
    assert text(page.select_one(".stream-later")) == later
    streamed = make_event(start=timezone.now() + timedelta(days=3), stream_url="https://youtu.be/abcDEF12345")
    assert soup(client.get(f"/{lang}/events/{streamed.slug}/")).select_one(".stream-later") is None
    ended = make_event(start=timezone.now() - timedelta(days=3))
    assert soup(client.get(f"/{lang}/events/{ended.slug}/")).select_one(".stream-later") is None
