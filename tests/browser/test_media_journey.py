import re
from datetime import timedelta

import pytest
from django.core import mail

from registrations.models import MediaRegistration
from tests.browser.conftest import db_read
from tests.factories import make_accreditation

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def open_demo(demo_event):
    make_accreditation(demo_event, closes_at=demo_event.end + timedelta(days=365 * 20))
    return demo_event


def test_journalist_registers_in_russian_from_the_event_page(site_url, page_for, open_demo):
    page = page_for(locale="ru-RU")
    page.goto(f"{site_url}/ru/events/new-belarus-against-torture/")
    page.locator(".calls-to-action").get_by_role("link", name="Зарегистрироваться как СМИ").click()
    page.wait_for_url(f"{site_url}/ru/events/new-belarus-against-torture/media/")

    # A mistake first: the error is shown in Russian and nothing typed is lost.
    page.get_by_label("Имя и фамилия").fill("Алеся Карповіч")
    page.get_by_label("Название СМИ").fill("Радыё Свабода")
    page.get_by_label("Роль").select_option("journalist")
    page.get_by_label("Страна").select_option("LT")
    page.get_by_label("Ссылка на вашу публикацию или пресс-карту").fill("https://example.org/a")
    page.get_by_label("Электронная почта").fill("alesia@example")
    page.get_by_role("button", name="Зарегистрироваться").click()
    assert page.locator("#id_email_error").inner_text() == "Введите правильный адрес электронной почты."
    assert page.locator("#id_consent_error").inner_text() == "Мы можем зарегистрировать вас только с вашего согласия."
    assert page.get_by_label("Имя и фамилия").input_value() == "Алеся Карповіч"

    page.get_by_label("Электронная почта").fill("alesia@example.org")
    page.locator("#id_consent").check()
    page.get_by_role("button", name="Зарегистрироваться").click()
    page.wait_for_url(f"{site_url}/ru/events/new-belarus-against-torture/media/check-your-mail/")
    assert page.locator("h1").inner_text() == "Проверьте почту"
    assert all(url.startswith(site_url) for url in page.requests)

    # The mail repeats nothing she typed; its link opens a page that shows exactly
    # what will be confirmed, where she corrects the outlet before confirming.
    (message,) = mail.outbox
    assert "Алеся" not in message.body
    path = re.search(r"https?://[^/\s]+(/ru/media/confirm/\?t=\S+)", message.body).group(1)
    page.goto(f"{site_url}{path}")
    details = page.locator(".confirm-details").inner_text()
    assert "Алеся Карповіч" in details
    assert "Радыё Свабода" in details
    page.locator("details summary").click()
    page.get_by_label("Название СМИ").fill("Радыё Свабода, Вільня")
    page.get_by_role("button", name="Подтвердить регистрацию").click()
    assert page.locator("h1").inner_text() == "Регистрация подтверждена"
    registration = db_read(MediaRegistration.objects.get)
    assert (registration.status, registration.outlet) == ("pending", "Радыё Свабода, Вільня")
