"""What a signatory reads: the Declaration's title standing alone (no case
ending to guess), the count with their own signature right after confirming,
and, on the static mirror, when the count was taken."""

from datetime import UTC, datetime

import pytest

from plumbing.mirror import mirror_export
from registrations.models import SignatureCounter
from tests.factories import make_signature
from tests.html import soup, text
from tests.mailserver import link_in

pytestmark = pytest.mark.django_db

SLUG = "new-belarus-against-torture"
SIGN = f"/{{lang}}/events/{SLUG}/declaration/sign/"
FORM = {
    "name": "Алена Бяляцкая",
    "country": "BY",
    "organisation": "Вясна",
    "email": "alena@example.org",
    "visibility": "full",
    "consent": "on",
}


def _body(message):
    return " ".join(message.get_body(("plain",)).get_content().split())


def _sign_and_confirm(client, mail_server, lang):
    client.post(SIGN.format(lang=lang), {**FORM, "mail_language": lang})
    (request,) = mail_server.to("alena@example.org")
    form = soup(client.get(link_in(request, f"/{lang}/declaration/confirm/"))).select_one("main form")
    fields = {name: form.select_one(f"input[name={name}]")["value"] for name in ("t", "version")}
    response = client.post(form["action"], fields)
    return request, soup(response)


@pytest.mark.parametrize(
    ("lang", "asked", "thanked", "counted"),
    [
        (
            "be",
            "каб падпісаць гэты тэкст: Дэкларацыя «Новая Беларусь без катаванняў».",
            "Тэкст, які вы падпісалі: Дэкларацыя «Новая Беларусь без катаванняў».",
            "Разам з вашым пад Дэкларацыяй цяпер 3 подпісы.",
        ),
        (
            "ru",
            "чтобы подписать этот текст: Декларация «Новая Беларусь без пыток».",
            "Текст, который вы подписали: Декларация «Новая Беларусь без пыток».",
            "Вместе с вашей под Декларацией теперь 3 подписи.",
        ),
    ],
)
def test_signatory_mail_names_the_title_alone_and_the_confirmation_shows_the_new_count(
    client, demo_event, mail_server, lang, asked, thanked, counted
):
    make_signature(demo_event.declaration)
    make_signature(demo_event.declaration)
    declaration = f"/{lang}/events/{SLUG}/declaration/"
    request, page = _sign_and_confirm(client, mail_server, lang)

    assert asked in _body(request)
    title = demo_event.declaration.title_be if lang == "be" else demo_event.declaration.title_ru
    assert f"«{title}»" not in _body(request)  # never quoted again inside a sentence
    assert "Дэкларацыя: " not in _body(request)
    assert "Декларация: " not in _body(request)
    # The footer names the Declaration by its title, then the forum.
    assert f"{title} http://testserver{declaration}" in _body(request)
    # Right after confirming, the count includes the new signature, whatever a cached page says.
    assert text(page.select_one("main .signature-count")) == counted
    thanks = mail_server.to("alena@example.org")[-1]
    assert thanked in _body(thanks)


def test_the_confirm_page_names_the_declaration_after_a_colon(client, demo_event, mail_server):
    client.post(SIGN.format(lang="ru"), {**FORM, "mail_language": "ru"})
    (request,) = mail_server.to("alena@example.org")
    page = soup(client.get(link_in(request, "/ru/declaration/confirm/")))
    assert text(page.select_one("main p")) == (
        "Нажмите кнопку, чтобы подтвердить свою подпись под этим текстом: Декларация «Новая Беларусь без пыток»."
    )


def _note(directory, lang, path):
    page = (directory / lang / path / "index.html").read_bytes()
    return page, text(soup_bytes(page).select_one(".signature-count-note"))


def soup_bytes(raw):
    from bs4 import BeautifulSoup

    return BeautifulSoup(raw.decode(), "html.parser")


def test_the_mirror_says_when_its_count_was_taken_and_an_unchanged_state_gives_the_same_bytes(
    client, demo_event, tmp_path
):
    declaration = demo_event.declaration
    make_signature(declaration)
    SignatureCounter.objects.filter(declaration=declaration).update(changed_at=datetime(2021, 6, 24, 15, 5, tzinfo=UTC))
    mirror_export(directory=tmp_path / "one")
    first, note = _note(tmp_path / "one", "be", f"events/{SLUG}/declaration")
    assert note == "У гэтай копіі колькасць подпісаў на 24 чэрвеня 2021 г., 18:05 па мінскім часе (UTC+03:00)."
    _page, note = _note(tmp_path / "one", "en", f"events/{SLUG}")
    assert note == "This copy shows the count as of 24 June 2021, 18:05 Minsk time (UTC+03:00)."
    assert b"every few seconds" not in first
    # The live site still says its count follows signing.
    live = soup(client.get(f"/en/events/{SLUG}/declaration/"))
    assert text(live.select_one(".signature-count-note")) == "The count is updated every few seconds."

    mirror_export(directory=tmp_path / "two")
    assert _note(tmp_path / "two", "be", f"events/{SLUG}/declaration")[0] == first

    make_signature(declaration)  # a new signature moves the count, and the time it was taken
    mirror_export(directory=tmp_path / "three")
    third, note = _note(tmp_path / "three", "en", f"events/{SLUG}/declaration")
    assert third != first
    assert "24 June 2021" not in note
