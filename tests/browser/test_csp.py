"""The pages work under the strict Content-Security-Policy, in Chromium."""

import pytest
from django.contrib.auth.models import User
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _violations(page):
    messages = []
    page.on("console", lambda m: messages.append(m.text) if "Content Security Policy" in m.text else None)
    return messages


def test_public_page_scripts_run_under_the_policy(site_url, page_for, demo_event):
    demo_event.channels.update(url="https://youtu.be/abcDEF12345")
    page = page_for(locale="en-GB", timezone_id="America/New_York")
    violations = _violations(page)
    page.route("**/*", lambda route: route.abort() if "youtube" in route.request.url else route.continue_())
    response = page.goto(f"{site_url}/en/events/new-belarus-against-torture/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert page.locator(".event-when .local-time").inner_text().startswith("In your time zone: ")
    page.get_by_role("button", name="Play the video on this page").click()
    assert page.locator(".video-slot iframe").get_attribute("src").startswith("https://www.youtube-nocookie.com/embed/")
    assert violations == []


def test_admin_change_form_works_under_the_policy(site_url, page_for, demo_event):
    user = User.objects.create_superuser("editor", password="a long password 123")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    key, step, t0, digits = device.bin_key, device.step, device.t0, device.digits
    event_pk = demo_event.pk

    page = page_for(locale="en-GB")
    violations = _violations(page)
    page.goto(f"{site_url}/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a long password 123")
    page.fill("#id_code", f"{totp(key, step=step, t0=t0, digits=digits):06d}")
    page.click("input[type=submit][value='Log in']")
    page.wait_for_url(f"{site_url}/admin/")

    page.goto(f"{site_url}/admin/events/event/{event_pk}/change/")
    page.fill("#id_tagline_en", "Edited in the admin under the CSP")
    # The inline sessions' "add another" link is added by the admin's own script.
    before = page.locator(".inline-related.dynamic-sessions, #sessions-group .inline-related:not(.empty-form)").count()
    page.locator("#sessions-group .add-row a").click()
    assert page.locator("#sessions-group .inline-related:not(.empty-form)").count() == before + 1
    page.locator("#sessions-group .inline-related:not(.empty-form)").last.locator(".inline-deletelink").click()
    page.click("input[name=_save]")
    page.wait_for_url(f"{site_url}/admin/events/event/")
    assert "was changed successfully" in page.locator(".messagelist .success").inner_text()
    assert violations == []
