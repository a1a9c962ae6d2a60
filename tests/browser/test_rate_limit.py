"""A person refused by the rate limit loses nothing: the 429 page sends them
back, and the browser's Back button shows the form as they left it."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("javascript", [True, False])
def test_refused_signature_keeps_what_was_typed_when_going_back(site_url, page_for, demo_event, settings, javascript):
    settings.RATE_LIMIT_SUBMIT = (0, 600)  # every submission is refused
    page = page_for(locale="be-BY", javascript=javascript)
    page.goto(f"{site_url}/be/events/new-belarus-against-torture/declaration/sign/")
    page.locator("#id_name").fill("Алесь Бяляцкі")
    page.locator("#id_country").select_option("LT")
    page.locator("#id_organisation").fill("Вясна")
    page.locator("#id_email").fill("ales@example.org")
    page.locator("#id_consent").check()
    page.locator(".signature-form [type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Занадта шмат спроб"

    page.go_back()
    assert page.url == f"{site_url}/be/events/new-belarus-against-torture/declaration/sign/"
    values = [page.locator(f"#id_{name}").input_value() for name in ("name", "country", "organisation", "email")]
    assert values == ["Алесь Бяляцкі", "LT", "Вясна", "ales@example.org"]
    assert page.locator("#id_consent").is_checked()
