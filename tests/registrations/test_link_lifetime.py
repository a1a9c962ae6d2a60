"""How long a confirmation link works is a setting (CONFIRMATION_LINK_MAX_AGE):
every page and mail that tells it says what the setting says, in every
language, with the plural form a number takes, and in hours or minutes when
it is not whole days."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone, translation

from registrations.links import lifetime_in_words
from tests.factories import make_accreditation, make_declaration, make_event
from tests.html import soup, text

pytestmark = pytest.mark.django_db

SIGN = {
    "name": "Ales Bialiatski",
    "country": "BY",
    "email": "ales@example.org",
    "visibility": "full",
    "mail_language": "be",
    "consent": "on",
}


@pytest.mark.parametrize(
    ("seconds", "language", "words"),
    [
        (3 * 86400, "en", "3 days"),
        (86400, "en", "1 day"),
        (36 * 3600, "en", "36 hours"),
        (90 * 60, "en", "90 minutes"),
        (61, "en", "2 minutes"),
        (3 * 86400, "ru", "3 дня"),
        (5 * 86400, "ru", "5 дней"),
        (86400, "ru", "1 день"),
        (21 * 3600, "ru", "21 час"),
        (1 * 60, "ru", "1 минуту"),
        (3 * 86400, "be", "3 дні"),
        (5 * 86400, "be", "5 дзён"),
        (1 * 3600, "be", "1 гадзіну"),
        (25 * 60, "be", "25 хвілін"),
    ],
)
def test_a_lifetime_in_words_takes_the_plural_form_of_its_number(seconds, language, words):
    with translation.override(language):
        assert lifetime_in_words(seconds) == words


@pytest.mark.parametrize(
    ("seconds", "language", "page_says", "mail_says"),
    [
        (3 * 86400, "en", "The link works for 3 days.", "Спасылка дзейнічае 3 дні."),
        (36 * 3600, "ru", "Ссылка действует 36 часов.", "Спасылка дзейнічае 36 гадзін."),
        (90 * 60, "be", "Спасылка дзейнічае 90 хвілін.", "Спасылка дзейнічае 90 хвілін."),
    ],
)
def test_the_check_mail_page_and_the_mail_tell_the_setting(
    client, settings, mail_server, seconds, language, page_says, mail_says
):
    settings.CONFIRMATION_LINK_MAX_AGE = seconds
    event = make_event(slug="forum", start=timezone.now() + timedelta(days=30))
    make_declaration(event)
    response = client.post(f"/{language}/events/forum/declaration/sign/", SIGN, follow=True)
    assert page_says in text(soup(response).select_one("main"))
    (message,) = mail_server.to("ales@example.org")  # the mail is in the signatory's language (be)
    assert mail_says in message.get_body(("plain",)).get_content()
    assert mail_says in text(BeautifulSoup(message.get_body(("html",)).get_content(), "html.parser"))


def test_the_invalid_link_page_tells_the_setting(client, settings):
    settings.CONFIRMATION_LINK_MAX_AGE = 2 * 86400
    event = make_event(start=timezone.now() + timedelta(days=30))
    make_accreditation(event)
    page = soup(client.get("/ru/media/confirm/?t=forged"))
    assert "Ссылка для подтверждения действует 2 дня после отправки." in text(page)
