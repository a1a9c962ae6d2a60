"""Three turning points in Chromium, in Belarusian or Russian: the last
place taken (a reviewer is refused and waitlists instead), a session moved
(the editor is asked, journalists get one updated entry), and a copy (the
editor must give it its own title; its places and dates follow)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from icalendar import Calendar

from registrations import services
from registrations.models import MediaAccreditation, MediaRegistration
from tests.browser.conftest import db_read
from tests.browser.test_workspace import _csp_watch, _log_in, _staff
from tests.factories import MINSK, make_accreditation, make_event, make_registration, make_session

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_last_place_refuses_an_approval_and_offers_the_waiting_list_in_belarusian(site_url, page_for):
    code = _staff("reviewer", "Reviewers")
    event = make_event(title_en="Week against Torture", title_be="Тыдзень супраць катаванняў")
    make_accreditation(event, capacity=1)
    make_registration(event, status="approved")
    pk = make_registration(event, name="Алеся Карповіч").pk
    page = page_for(locale="be-BY")
    violations = _csp_watch(page)
    _log_in(page, site_url, "reviewer", code)
    page.goto(f"{site_url}/admin/registrations/mediaregistration/{pk}/change/")
    assert (
        page.locator("#places-left")
        .inner_text()
        .startswith("Засталося месцаў на форуме «Тыдзень супраць катаванняў»: 0 з 1.")
    )
    page.click("#decision-form button[value=approved]")
    page.wait_for_selector(".messagelist .error")
    assert page.locator(".messagelist .error").inner_text() == (
        "Засталося месцаў на форуме «Тыдзень супраць катаванняў»: 0 з 1. Рэгістрацыя не адобрана: "
        "унясіце яе ў спіс чакання або спачатку вызваліце месца."
    )
    page.click("#decision-form button[value=waitlisted]")
    page.wait_for_selector(".messagelist .success")
    assert db_read(lambda: MediaRegistration.objects.get(pk=pk).status) == "waitlisted"
    assert violations == []


def test_a_moved_session_reaches_journalists_as_one_updated_entry_in_russian(site_url, page_for, mail_server):
    code = _staff("editor", "Editors")
    event = make_event(
        title_en="Week against Torture",
        title_ru="Неделя против пыток",
        start=datetime(2027, 6, 24, 16, 0, tzinfo=MINSK),
        is_published=True,
    )
    make_accreditation(event, meeting_url="https://zoom.example.org/j/111")
    make_session(event, title_en="Opening", title_ru="Открытие", start=event.start)
    make_session(event, title_en="Witnesses", title_ru="Свидетели", start=event.start + timedelta(hours=1))
    reviewer = User.objects.create_user("someone", password="x" * 20)
    registration = make_registration(event, email="ales@example.org", mail_language="ru")
    services.registration_approve(registration=registration, by=reviewer)
    (approval,) = mail_server.to("ales@example.org")
    page = page_for(locale="ru-RU")
    violations = _csp_watch(page)
    _log_in(page, site_url, "editor", code)
    page.goto(f"{site_url}/admin/events/event/{event.pk}/change/")
    page.fill("#id_sessions-1-start_1", "17:30:00")
    page.fill("#id_sessions-1-end_1", "18:00:00")
    page.click("input[name=_save]")
    page.wait_for_url(f"{site_url}/admin/events/event/{event.pk}/notify/")
    assert "изменились время, название, программа или доступ" in page.locator("#content").inner_text()
    page.click("#notify-form input[type=submit]")
    page.wait_for_selector(".messagelist .success")
    _approval, update = mail_server.to("ales@example.org")
    calendars = [p for p in update.walk() if p.get_content_type() == "text/calendar"]
    assert len(calendars) == 1
    (before,) = Calendar.from_ical(
        next(p for p in approval.walk() if p.get_content_type() == "text/calendar").get_payload(decode=True)
    ).walk("VEVENT")
    (after,) = Calendar.from_ical(calendars[0].get_payload(decode=True)).walk("VEVENT")
    assert str(after["UID"]) == str(before["UID"])
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert str(after["LOCATION"]) == str(before["LOCATION"])
    assert "/media/access/?t=" in str(after["LOCATION"])
    assert "17:30–18:00 Свидетели" in str(after["DESCRIPTION"])
    assert after.decoded("DTSTART").astimezone(UTC) == datetime(2027, 6, 24, 13, 0, tzinfo=UTC)
    # Asked again, nothing new: nothing is sent.
    page.goto(f"{site_url}/admin/events/event/{event.pk}/notify/")
    page.click("#notify-form input[type=submit]")
    page.wait_for_selector(".messagelist .success")
    assert len(mail_server.to("ales@example.org")) == 2
    # A visitor reads the new time on the forum's page.
    visitor = page_for(locale="ru-RU")
    visitor.goto(f"{site_url}/ru/events/{event.slug}/")
    assert "17:30" in visitor.locator("main").inner_text()
    assert violations == []


def test_a_copy_needs_its_own_title_and_keeps_places_and_dates_in_belarusian(site_url, page_for):
    code = _staff("editor", "Editors")
    event = make_event(
        title_en="Forum 2026",
        title_ru="Форум 2026",
        title_be="Форум 2026",
        slug="forum-2026",
        start=datetime(2026, 6, 24, 16, 0, tzinfo=MINSK),
    )
    make_accreditation(event, capacity=30, closes_at=datetime(2026, 6, 20, 18, 0, tzinfo=MINSK))
    page = page_for(locale="be-BY")
    violations = _csp_watch(page)
    _log_in(page, site_url, "editor", code)
    page.goto(f"{site_url}/admin/events/event/")
    page.check(f"input[name=_selected_action][value='{event.pk}']")
    page.select_option("select[name=action]", "copy_forum")
    page.click("button[name=index]")
    page.wait_for_selector("#copy-form")
    page.fill("#id_start_date", "2027-06-23")
    page.fill("#id_slug", "forum-2027")
    page.fill("#id_title_en", "Forum 2027")
    page.fill("#id_title_ru", "Форум 2027")
    page.fill("#id_title_be", "Форум 2026")
    page.click("#copy-form input[type=submit]")
    page.wait_for_selector("#id_title_be_error")
    assert page.locator("#id_title_be_error").inner_text() == (
        "Гэта назва форуму, які капіюецца: дайце новаму форуму сваю."
    )
    page.fill("#id_title_be", "Форум 2027")
    page.click("#copy-form input[type=submit]")
    page.wait_for_selector(".messagelist .success")
    assert page.locator("#id_title_be").input_value() == "Форум 2027"
    copy = db_read(lambda: MediaAccreditation.objects.get(event__slug="forum-2027"))
    assert (copy.capacity, copy.closes_at) == (30, datetime(2027, 6, 19, 18, 0, tzinfo=MINSK))
    assert violations == []
