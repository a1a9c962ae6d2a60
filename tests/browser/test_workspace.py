"""The organisers' workspace in Chromium, in Russian: an Editor creates a
forum with its session, accreditation and Declaration in one form; a
Reviewer approves a registration from its own page."""

import importlib

import pytest
from django.contrib.auth.models import Group, Permission, User
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import totp_code
from tests.factories import make_accreditation, make_event, make_registration

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "a long password 123"


def _role(name):
    """The group as its migration made it (a live-server test's database is
    flushed between tests, and the migration's rows with it)."""
    roles = importlib.import_module("registrations.migrations.0012_workspace")
    pairs = {"Reviewers": roles.REVIEWERS, "Editors": roles.EDITORS}[name]
    group, _ = Group.objects.get_or_create(name=name)
    group.permissions.set(
        Permission.objects.get(content_type__app_label=app, codename=codename) for app, codename in pairs
    )
    return group


def _staff(name, group):
    user = User.objects.create_user(name, password=PASSWORD, is_staff=True)
    user.groups.add(_role(group))
    return totp_code(TOTPDevice.objects.create(user=user, name="phone", confirmed=True))


def _log_in(page, site_url, name, code):
    page.goto(f"{site_url}/admin/")
    page.fill("#id_username", name)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_code", code)
    page.click("#login-form input[type=submit]")
    page.wait_for_url(f"{site_url}/admin/")


def _csp_watch(page):
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    return violations


def test_editor_creates_a_forum_in_one_form_in_russian(site_url, page_for):
    code = _staff("editor", "Editors")
    page = page_for(locale="ru-RU")
    violations = _csp_watch(page)
    _log_in(page, site_url, "editor", code)
    assert page.locator("#content h1").inner_text() == "Рабочее место"
    page.goto(f"{site_url}/admin/events/event/add/")
    page.fill("#id_title_en", "Week against Torture")
    page.fill("#id_title_ru", "Неделя против пыток")
    page.fill("#id_slug", "week-against-torture")
    page.fill("#id_start_0", "24.06.2027")
    page.fill("#id_start_1", "16:00:00")
    page.fill("#id_end_0", "24.06.2027")
    page.fill("#id_end_1", "19:00:00")
    assert page.locator("#id_timezone").input_value() == "Europe/Minsk"
    page.fill("#id_media_accreditation-0-meeting_url", "https://zoom.example.org/j/1")
    page.fill("#id_declaration-0-title_en", "Declaration")
    page.fill("#id_declaration-0-text_en", "We declare.")
    page.locator("#sessions-group .add-row a").click()
    page.fill("#id_sessions-0-title_en", "Opening")
    page.fill("#id_sessions-0-start_0", "24.06.2027")
    page.fill("#id_sessions-0-start_1", "16:00:00")
    page.fill("#id_sessions-0-end_0", "24.06.2027")
    page.fill("#id_sessions-0-end_1", "17:00:00")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    assert page.locator("#id_title_ru").input_value() == "Неделя против пыток"
    assert page.locator("#id_media_accreditation-0-meeting_url").input_value() == "https://zoom.example.org/j/1"
    assert page.locator("#id_declaration-0-text_en").input_value() == "We declare."
    assert page.locator("#id_sessions-0-title_en").input_value() == "Opening"
    assert page.locator("#id_sessions-0-start_1").input_value() == "16:00:00"
    assert "Вводится в часовом поясе Europe/Minsk." in page.locator("#sessions-group").inner_text()
    assert all(url.startswith(site_url) for url in page.requests)
    assert violations == []


def test_reviewer_approves_a_registration_from_its_page_in_russian(site_url, page_for):
    code = _staff("reviewer", "Reviewers")
    event = make_event(title_en="Week against Torture")
    make_accreditation(event)
    registration = make_registration(event, name="Алеся Карповіч")
    pk = registration.pk
    page = page_for(locale="ru-RU")
    violations = _csp_watch(page)
    _log_in(page, site_url, "reviewer", code)
    page.goto(f"{site_url}/admin/registrations/mediaregistration/{pk}/change/")
    page.fill("#decision-form textarea[name=reason]", "Добро пожаловать.")
    page.click("#decision-form button[value=approved]")
    page.wait_for_selector(".messagelist .success")
    assert page.locator("#decision-form").locator("xpath=..").locator("strong").first.inner_text() == "Одобрена"
    history = page.locator("#review-history tbody tr").last.inner_text()
    assert "reviewer" in history
    assert "Добро пожаловать." in history
    assert violations == []
