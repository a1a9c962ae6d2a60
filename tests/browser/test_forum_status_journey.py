"""A forum's turning points in Chromium, each in Russian or Belarusian: an
Editor cancels and un-cancels, reschedules, postpones, or changes and cancels
sessions in the forum's form; then what a visitor sees (event page, home), what
an approved journalist sees (status page, the mail received, its .ics read
with icalendar) and what the static mirror holds."""

from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import User
from icalendar import Calendar

from events.models import Event
from plumbing.mirror import mirror_export
from registrations import links, services
from tests.browser.conftest import db_read
from tests.browser.test_workspace import _log_in, _staff
from tests.factories import MINSK, make_accreditation, make_event, make_registration, make_session
from tests.mailserver import subject

pytestmark = [pytest.mark.browser, pytest.mark.slow]

START = datetime(2030, 3, 10, 16, 0, tzinfo=MINSK)
ZOOM = "https://zoom.example.org/j/777"
ACCESS = "/media/access/?t="  # a journalist's personal link: the only way to the meeting in mail and pages
SLUG = "week-against-torture"


def _forum():
    event = make_event(
        title_en="Week against Torture",
        title_ru="Неделя против пыток",
        title_be="Тыдзень супраць катаванняў",
        slug=SLUG,
        start=START,
        contact_email="team@forum.example.org",
    )
    make_accreditation(event, meeting_url=ZOOM, closes_at=None)
    return event


def _journalist(event, address, language):
    """An approved journalist (her approval mail already received) and her status page's path."""
    registration = make_registration(event, email=address, mail_language=language)
    reviewer = User.objects.create_user(f"reviewer-{address}", password="x" * 20)
    services.registration_approve(registration=registration, by=reviewer)
    return f"/{language}/media/status/?t={links.make_token(links.STATUS, registration)}"


def _invitation(message):
    """(METHOD of the attachment, its VEVENT) of a mail's calendar invitation."""
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    (vevent,) = Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
    return part.get_param("method"), vevent


def _text(locator):
    """What a reader reads there, on one line."""
    return " ".join(locator.inner_text().split())


def _body(message):
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def _edit(page, site_url):
    page.goto(f"{site_url}/admin/events/event/?q={SLUG}")
    page.locator("#result_list tbody tr th a").first.click()
    page.wait_for_selector("#event_form")


def _save_and_notify(page):
    """Save the forum's form, then send approved journalists the update it asks about."""
    page.click("input[name=_save]")
    page.wait_for_selector("#notify-form")
    text = page.locator("#content").inner_text()
    page.click("#notify-form input[type=submit]")
    page.wait_for_selector(".messagelist .success")
    return text, page.locator(".messagelist").inner_text()


def _mirror(tmp_path, language):
    """The static copy's forum page and programme calendar, exported now."""
    root = tmp_path / "mirror"
    db_read(lambda: mirror_export(directory=root))
    forum = root / language / "events" / SLUG
    return (forum / "index.html").read_text(), Calendar.from_ical((forum / "calendar.ics").read_bytes())


def test_cancel_and_un_cancel_in_russian(site_url, page_for, mail_server, tmp_path):
    code = _staff("editor", "Editors")
    event = _forum()
    make_session(event, title_ru="Свидетели", start=START)
    uid = str(event.uid)
    status_path = _journalist(event, "alesia@example.org", "ru")
    (approval,) = mail_server.to("alesia@example.org")
    first_sequence = _invitation(approval)[1]["SEQUENCE"]

    editor = page_for(locale="ru-RU")
    _log_in(editor, site_url, "editor", code)
    _edit(editor, site_url)
    editor.select_option("#id_status", "cancelled")
    editor.fill("#id_status_note_ru", "Площадку закрыли.")
    asked, told = _save_and_notify(editor)
    assert "отмену" in asked
    assert "1 одобренный журналист получит отмену." in told

    # A session's change after the cancellation sends nothing, and the editor is told why.
    editor.goto(f"{site_url}/admin/events/session/")
    editor.locator("#result_list tbody tr th a").first.click()
    editor.wait_for_selector("#session_form")
    editor.fill("#id_title_ru", "Свидетели (вечер)")
    editor.click("input[name=_save]")
    editor.wait_for_selector(".messagelist .warning")
    assert editor.locator(".messagelist .warning").inner_text() == (
        "Ничего не отправлено по форуму «Неделя против пыток»: он отменён, и об отмене журналистам уже сообщено."
    )

    visitor = page_for(locale="ru-RU")
    visitor.goto(f"{site_url}/ru/events/{SLUG}/")
    assert visitor.locator(".event-state").inner_text().lower() == "отменено"
    assert _text(visitor.locator(".event-status")) == "Форум отменён. Площадку закрыли."
    assert visitor.get_by_role("link", name="Зарегистрироваться как СМИ").count() == 0
    visitor.goto(f"{site_url}/ru/events/{SLUG}/media/")
    assert "отменён: регистрация СМИ не принимается" in visitor.locator(".lead").inner_text()
    assert visitor.locator("form").count() == 0
    visitor.goto(f"{site_url}/ru/")
    assert "Форум отменён." in visitor.locator(".featured .event-status").inner_text()

    journalist = page_for(locale="ru-RU")
    journalist.goto(f"{site_url}{status_path}")
    assert journalist.locator(".access-withheld").inner_text() == "Форум отменён: доступа к нему нет."
    assert ZOOM not in journalist.content()
    _approval, cancel, *more = mail_server.to("alesia@example.org")
    assert more == [], "no session mail after the cancellation"
    assert subject(cancel) == "Отменено: Неделя против пыток"
    method, vevent = _invitation(cancel)
    assert (method, str(vevent["STATUS"]), str(vevent["UID"])) == ("CANCEL", "CANCELLED", uid)
    assert vevent["SEQUENCE"] > first_sequence
    assert ZOOM not in _body(cancel)
    assert ZOOM not in vevent.to_ical().decode()

    html, calendar = _mirror(tmp_path, "ru")
    assert "Форум отменён." in html
    assert {str(v["STATUS"]) for v in calendar.walk("VEVENT")} == {"CANCELLED"}

    # Un-cancelled: registration open again, the access back, a new invitation with the same UID.
    _edit(editor, site_url)
    editor.select_option("#id_status", "scheduled")
    editor.fill("#id_status_note_ru", "")
    _asked, told = _save_and_notify(editor)
    assert "1 одобренный журналист получит обновлённое приглашение." in told
    # A new visitor (a browser may keep the page it read for the cache's lifetime).
    visitor = page_for(locale="ru-RU")
    visitor.goto(f"{site_url}/ru/events/{SLUG}/")
    assert visitor.locator(".event-status").count() == 0
    assert visitor.locator(".event-state").inner_text().lower() == "скоро"
    assert visitor.locator(".calls-to-action").get_by_role("link", name="Зарегистрироваться как СМИ").count() == 1
    journalist.goto(f"{site_url}{status_path}")
    assert ACCESS in journalist.get_by_role("link", name="Ваша личная ссылка на конференцию").get_attribute("href")
    *_earlier, again = mail_server.to("alesia@example.org")
    method, vevent = _invitation(again)
    assert (method, str(vevent["STATUS"]), str(vevent["UID"])) == ("REQUEST", "CONFIRMED", uid)
    assert vevent["SEQUENCE"] > _invitation(cancel)[1]["SEQUENCE"]
    assert ACCESS in str(vevent["LOCATION"])
    assert str(vevent["LOCATION"]) in _body(again)
    html, calendar = _mirror(tmp_path, "ru")
    assert "Форум отменён." not in html
    assert {str(v["STATUS"]) for v in calendar.walk("VEVENT")} == {"CONFIRMED"}


def test_reschedule_in_belarusian(site_url, page_for, mail_server, tmp_path):
    code = _staff("editor", "Editors")
    event = _forum()
    uid = str(event.uid)
    status_path = _journalist(event, "ales@example.org", "be")
    (approval,) = mail_server.to("ales@example.org")

    editor = page_for(locale="be-BY")
    _log_in(editor, site_url, "editor", code)
    _edit(editor, site_url)
    editor.fill("#id_start_0", "2030-03-12")
    editor.fill("#id_end_0", "2030-03-12")
    editor.fill("#id_status_note_be", "Зала занятая 10 сакавіка.")
    _save_and_notify(editor)
    assert db_read(lambda: Event.objects.get(slug=SLUG).status) == "rescheduled"

    moved = "Форум перанесены. Раней ён павінен быў пачацца 10 сакавіка 2030 г., 16:00 па мінскім часе."
    visitor = page_for(locale="be-BY")
    visitor.goto(f"{site_url}/be/events/{SLUG}/")
    assert _text(visitor.locator(".event-status")) == f"{moved} Зала занятая 10 сакавіка."
    assert "12 сакавіка 2030 г." in visitor.locator(".event-when").inner_text()
    jsonld = visitor.locator('script[type="application/ld+json"]').inner_text()
    assert '"eventStatus": "https://schema.org/EventRescheduled"' in jsonld
    assert '"previousStartDate": "2030-03-10T16:00:00+03:00"' in jsonld
    visitor.goto(f"{site_url}/be/")
    assert moved in visitor.locator(".featured .event-status").inner_text()

    journalist = page_for(locale="be-BY")
    journalist.goto(f"{site_url}{status_path}")
    assert "12 сакавіка 2030 г." in journalist.locator("dl").inner_text()
    assert moved in journalist.locator(".event-status").inner_text()
    assert journalist.locator(".access-withheld").count() == 0
    assert ACCESS in journalist.content()
    _approval, update = mail_server.to("ales@example.org")
    method, vevent = _invitation(update)
    assert (method, str(vevent["STATUS"]), str(vevent["UID"])) == ("REQUEST", "CONFIRMED", uid)
    assert vevent["SEQUENCE"] > _invitation(approval)[1]["SEQUENCE"]
    assert vevent.decoded("DTSTART").astimezone(MINSK) == START + timedelta(days=2)
    assert moved in _body(update)
    assert ACCESS in _body(update)

    html, calendar = _mirror(tmp_path, "be")
    assert moved in html
    (entry,) = calendar.walk("VEVENT")
    assert str(entry["STATUS"]) == "CONFIRMED"
    assert entry.decoded("DTSTART").astimezone(MINSK) == START + timedelta(days=2)


def test_postpone_in_russian(site_url, page_for, mail_server, tmp_path):
    code = _staff("editor", "Editors")
    event = _forum()
    uid = str(event.uid)
    status_path = _journalist(event, "maria@example.org", "ru")

    editor = page_for(locale="ru-RU")
    _log_in(editor, site_url, "editor", code)
    _edit(editor, site_url)
    editor.select_option("#id_status", "postponed")
    asked, _told = _save_and_notify(editor)
    assert "отложен" in asked

    visitor = page_for(locale="ru-RU")
    visitor.goto(f"{site_url}/ru/events/{SLUG}/")
    assert visitor.locator(".event-state").inner_text().lower() == "отложено"
    assert visitor.locator(".event-status").inner_text() == "Форум отложен. Новая дата будет объявлена."
    assert visitor.locator(".event-when .date-tba").inner_text() == "Новая дата будет объявлена"
    # Registration stays open.
    assert visitor.locator(".calls-to-action").get_by_role("link", name="Зарегистрироваться как СМИ").count() == 1
    assert "EventPostponed" in visitor.locator('script[type="application/ld+json"]').inner_text()

    journalist = page_for(locale="ru-RU")
    journalist.goto(f"{site_url}{status_path}")
    assert journalist.locator(".access-withheld").inner_text() == (
        "Доступ появится здесь и придёт вам по почте, когда у форума появится дата."
    )
    assert ZOOM not in journalist.content()
    _approval, update = mail_server.to("maria@example.org")
    method, vevent = _invitation(update)
    assert (method, str(vevent["STATUS"]), str(vevent["UID"])) == ("REQUEST", "TENTATIVE", uid)
    assert ZOOM not in vevent.to_ical().decode()
    assert ZOOM not in _body(update)
    assert "Доступ будет отправлен вам, когда у форума появится дата." in _body(update)

    html, calendar = _mirror(tmp_path, "ru")
    assert "Форум отложен. Новая дата будет объявлена." in html
    assert [str(v["STATUS"]) for v in calendar.walk("VEVENT")] == ["TENTATIVE"]

    # A date set: rescheduled, and the access goes out again.
    _edit(editor, site_url)
    editor.fill("#id_start_0", "2030-04-20")
    editor.fill("#id_end_0", "2030-04-20")
    _save_and_notify(editor)
    journalist.goto(f"{site_url}{status_path}")
    assert "Форум перенесён." in journalist.locator(".event-status").inner_text()
    assert ACCESS in journalist.content()
    *_earlier, dated = mail_server.to("maria@example.org")
    method, vevent = _invitation(dated)
    assert (method, str(vevent["STATUS"])) == ("REQUEST", "CONFIRMED")
    assert ACCESS in str(vevent["LOCATION"])


def test_change_and_cancel_sessions_in_belarusian(site_url, page_for, mail_server, tmp_path):
    code = _staff("editor", "Editors")
    event = _forum()
    moved = make_session(event, title_be="Сведкі", start=START)
    dropped = make_session(event, title_be="Вынікі", start=START + timedelta(hours=1))
    ids = (moved.pk, dropped.pk)
    status_path = _journalist(event, "hanna@example.org", "be")

    editor = page_for(locale="be-BY")
    _log_in(editor, site_url, "editor", code)
    _edit(editor, site_url)
    editor.fill("#id_sessions-0-start_1", "16:30:00")
    editor.fill("#id_sessions-0-end_1", "17:00:00")
    editor.check("#id_sessions-1-is_cancelled")
    # The change reaches approved journalists as one update of their invitation, once confirmed.
    _save_and_notify(editor)

    visitor = page_for(locale="be-BY")
    visitor.goto(f"{site_url}/be/events/{SLUG}/")
    changed = visitor.locator(f"#session-{ids[0]}")
    assert changed.locator(".badge").first.inner_text().lower() == "зменена"
    assert changed.locator(".session-change").inner_text() == (
        "Перанесена: раней павінна была пачацца 10 сакавіка 2030 г., 16:00 па мінскім часе."
    )
    assert visitor.locator(f"#session-{ids[1]} .badge").first.inner_text().lower() == "адменена"
    assert visitor.locator(".event-status").count() == 0

    journalist = page_for(locale="be-BY")
    journalist.goto(f"{site_url}{status_path}")
    assert ACCESS in journalist.content()
    _approval, update = mail_server.to("hanna@example.org")
    method, vevent = _invitation(update)
    assert (method, str(vevent["UID"])) == ("REQUEST", str(event.uid))
    programme = str(vevent["DESCRIPTION"])
    assert "16:30–17:00 Сведкі" in programme
    assert "Адменена: Вынікі" in programme
    assert ACCESS in str(vevent["LOCATION"])

    html, calendar = _mirror(tmp_path, "be")
    assert "Перанесена: раней павінна была пачацца" in html
    feed = {str(v["UID"]): v for v in calendar.walk("VEVENT")}
    assert str(feed[str(dropped.uid)]["STATUS"]) == "CANCELLED"
    assert str(feed[str(moved.uid)]["STATUS"]) == "CONFIRMED"
    assert feed[str(moved.uid)].decoded("DTSTART").astimezone(MINSK) == START + timedelta(minutes=30)
