import re

import pytest
from django.core import mail

from registrations.models import Signature
from tests.browser.conftest import db_read

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_visitor_signs_the_declaration_in_russian(site_url, page_for, demo_event):
    title = demo_event.declaration.title_ru
    page = page_for(locale="ru-RU")
    page.goto(f"{site_url}/ru/events/new-belarus-against-torture/")
    page.locator(".calls-to-action").get_by_role("link", name="Подписать Декларацию").click()
    page.wait_for_url(f"{site_url}/ru/events/new-belarus-against-torture/declaration/")
    assert page.locator("h1").inner_text() == title
    assert page.locator(".signature-count").inner_text() == "0 подписей"

    page.get_by_role("link", name="Подписать Декларацию").click()
    page.wait_for_url(f"{site_url}/ru/events/new-belarus-against-torture/declaration/sign/")
    page.get_by_label("Имя и фамилия").fill("Марина Кузнецова")
    page.get_by_label("Страна").select_option("LT")
    page.get_by_label("Электронная почта").fill("marina@example.org")
    page.get_by_label("Показывать только мои инициалы").check()
    page.locator("#id_consent").check()
    page.get_by_role("button", name="Подписать Декларацию").click()
    page.wait_for_url(f"{site_url}/ru/events/new-belarus-against-torture/declaration/check-your-mail/")
    assert page.locator("h1").inner_text() == "Проверьте почту"
    assert all(url.startswith(site_url) for url in page.requests)


def test_signatory_in_belarusian_confirms_what_she_typed(site_url, page_for, demo_event):
    page = page_for(locale="be-BY")
    page.goto(f"{site_url}/be/events/new-belarus-against-torture/declaration/sign/")
    page.get_by_label("Імя і прозвішча").fill("Алена Бяляцкая")
    page.get_by_label("Краіна").select_option("BY")
    page.get_by_label("Электронная пошта").fill("alena@example.org")
    page.get_by_label("Паказваць толькі мае ініцыялы").check()
    page.locator("#id_consent").check()
    page.get_by_role("button", name="Падпісаць Дэкларацыю").click()
    page.wait_for_url(f"{site_url}/be/events/new-belarus-against-torture/declaration/check-your-mail/")

    (message,) = mail.outbox
    assert "Алена" not in message.body
    path = re.search(r"https?://[^/\s]+(/be/declaration/confirm/\?t=\S+)", message.body).group(1)
    page.goto(f"{site_url}{path}")
    assert page.locator("h1").inner_text() == "Пацвердзіце подпіс"
    assert "Алена Бяляцкая" in page.locator(".confirm-name").inner_text()
    assert page.locator(".confirm-public").inner_text() == "А. Б."
    page.get_by_role("button", name="Пацвердзіць подпіс").click()
    assert page.locator("h1").inner_text() == "Подпіс пацверджаны"
    signature = db_read(Signature.objects.get)
    assert (signature.status, signature.visibility, signature.name) == ("confirmed", "initials", "Алена Бяляцкая")
    # Counted at once; the name waits for an organiser's review.
    page.goto(f"{site_url}/be/events/new-belarus-against-torture/declaration/")
    assert page.locator(".signature-count").inner_text() == "1 подпіс"
    assert page.locator(".signatory").count() == 0
