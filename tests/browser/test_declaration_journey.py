import pytest

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
