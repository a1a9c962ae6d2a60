"""Staff log in with one form in Chromium, under the strict Content-Security-Policy."""

import pytest
from django.contrib.auth.models import User
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_staff_log_in_with_one_form_and_see_the_qr_code(site_url, page_for):
    user = User.objects.create_superuser("editor", password="a long password 123")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    code, device_pk = totp_code(device), device.pk

    page = page_for(locale="en-GB")
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{site_url}/admin/")
    page.wait_for_url(f"{site_url}/admin/login/?next=/admin/")
    assert page.locator("#login-form select").count() == 0
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a long password 123")
    page.fill("#id_code", code)
    page.click("input[type=submit][value='Log in']")
    page.wait_for_url(f"{site_url}/admin/")
    assert page.locator("#content h1").inner_text() == "Workspace"
    assert page.locator("#user-tools strong").text_content() == "editor"

    # A superuser sees the device's QR code, to enrol an authenticator app.
    page.goto(f"{site_url}/admin/otp_totp/totpdevice/{device_pk}/config/")
    image = page.locator("img.qrcode-image")
    image.wait_for()
    page.wait_for_function("document.querySelector('img.qrcode-image').complete")
    assert image.evaluate("img => img.naturalWidth") > 0
    assert violations == []
