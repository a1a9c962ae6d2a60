"""A journalist's whole journey, with mail through a real SMTP server."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from registrations.models import MediaRegistration, OutgoingMail
from tests.factories import make_accreditation
from tests.html import soup, text
from tests.mailserver import link_in, subject
from tests.rawdb import all_rows_text, raw_rows

pytestmark = pytest.mark.django_db

REGISTER = "/{lang}/events/new-belarus-against-torture/media/"
FORM = {
    "name": "Алесь Журналіст",
    "outlet": "Наша Ніва",
    "role": "journalist",
    "country": "LT",
    "email": "Ales.Journalist@Example.org",
    "phone": "+370 600 00000",
    "work_url": "https://nashaniva.example/article/1",
    "languages": ["ru", "en"],
    "interview_request": "Інтэрв'ю з праваабаронцамі",
    "mail_language": "be",
    "consent": "on",
}


@pytest.fixture
def open_accreditation(demo_event):
    # Organisers keep registration open past the forum's date.
    return make_accreditation(
        demo_event,
        closes_at=timezone.now() + timedelta(days=1),
        meeting_url="https://zoom.example.org/j/987654321",
        meeting_passcode="4242",
        access_note_en="Interpretation: channel 2",
        access_note_be="Пераклад: канал 2",
    )


def test_journalist_registers_confirms_is_approved_and_erases(
    client, admin_client, admin_user, mail_server, open_accreditation
):
    # Register, in Belarusian, asking for mail in Belarusian.
    response = client.post(REGISTER.format(lang="be"), FORM)
    assert response.status_code == 302
    assert response["Location"] == "/be/events/new-belarus-against-torture/media/check-your-mail/"
    page = soup(client.get(response["Location"]))
    assert text(page.h1) == "Праверце пошту"

    # The confirmation mail arrives, in Belarusian, as text and HTML.
    (message,) = mail_server.to("Ales.Journalist@Example.org")
    assert subject(message) == "Пацвердзіце рэгістрацыю для СМІ: Новая Беларусь супраць катаванняў"
    assert message.get_body(("html",)) is not None
    # Before confirmation, the mail repeats nothing that was typed in the form.
    body = message.get_body(("plain",)).get_content()
    assert "Алесь" not in body
    assert "Журналіст" not in body
    registration = MediaRegistration.objects.get()
    assert registration.status == MediaRegistration.Status.UNCONFIRMED

    # Only confirmed registrations reach review.
    assert text(
        soup(admin_client.get(reverse("admin:registrations_mediaregistration_changelist"))).select_one(".paginator")
    ).startswith("0 ")

    # The link opens a page; the button confirms.
    confirm = link_in(message, "/be/media/confirm/")
    page = soup(client.get(confirm))
    assert text(page.h1) == "Пацвердзіце рэгістрацыю"
    form = page.select_one("main form")
    fields = {name: form.select_one(f"input[name={name}]")["value"] for name in ("t", "version")}
    response = client.post(form["action"], fields)
    assert text(soup(response).h1) == "Рэгістрацыя пацверджаная"
    registration.refresh_from_db()
    assert registration.status == MediaRegistration.Status.PENDING
    assert len(mail_server.messages) == 2

    # Staff approve with the admin action (through its confirmation page).
    changelist = reverse("admin:registrations_mediaregistration_changelist")
    response = admin_client.post(changelist, {"action": "approve", "_selected_action": [registration.pk]})
    assert response.status_code == 200
    response = admin_client.post(
        changelist,
        {"action": "approve", "_selected_action": [registration.pk], "apply": "1", "reason": "Сардэчна запрашаем"},
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == MediaRegistration.Status.APPROVED
    assert registration.decided_by == admin_user
    assert registration.decision_reason == "Сардэчна запрашаем"

    # The approval mail carries a personal link (never the meeting's address)
    # and a personal calendar invitation.
    approval = mail_server.messages[-1]
    assert subject(approval) == "Доступ для СМІ ўхвалены: Новая Беларусь супраць катаванняў"
    body = approval.get_body(("plain",)).get_content()
    access = link_in(approval, "/be/media/access/")
    assert "987654321" not in approval.as_string()
    assert "Пераклад: канал 2" in body
    (attachment,) = list(approval.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    (vevent,) = Calendar.from_ical(attachment.get_payload(decode=True)).walk("VEVENT")
    assert vevent.decoded("dtstart").astimezone(UTC) == datetime(2021, 6, 24, 13, 0, tzinfo=UTC)
    assert str(vevent["LOCATION"]).endswith(access)
    assert "Пераклад: канал 2" in str(vevent["DESCRIPTION"])

    # The private status page shows the decision and the access.
    status = link_in(approval, "/be/media/status/")
    page = soup(client.get(status))
    assert text(page.select_one(".registration-status")) == "Ухвалена"
    assert page.select_one("section[aria-labelledby=access-title] a")["href"].endswith(access)

    # Withdraw and erase: nothing personal remains, in any table.
    withdraw = page.select_one("form[action='/be/media/withdraw/']")
    response = client.post(withdraw["action"], {"t": withdraw.select_one("input[name=t]")["value"]})
    assert text(soup(response).h1) == "Вашы даныя выдалены"
    assert raw_rows("registrations_mediaregistration") == []
    assert raw_rows("registrations_outgoingmail") == []
    dump = all_rows_text()
    for personal in ("Алесь", "ales.journalist", "Ales.Journalist", "+370 600", "nashaniva.example"):
        assert personal not in dump, personal
    # The old links no longer work.
    assert client.get(status).status_code == 400


def test_event_page_links_to_the_form_only_while_registration_is_open(client, open_accreditation):
    page = soup(client.get("/ru/events/new-belarus-against-torture/"))
    assert page.select_one(".calls-to-action a[href$='/media/']")["href"] == REGISTER.format(lang="ru")
    open_accreditation.is_open = False
    open_accreditation.save()
    page = soup(client.get("/ru/events/new-belarus-against-torture/"))
    assert page.select_one(".calls-to-action a[href$='/media/']") is None
    response = client.get(REGISTER.format(lang="ru"))
    assert text(soup(response).h1) == "Регистрация для СМИ закрыта"
    assert client.post(REGISTER.format(lang="ru"), FORM).status_code == 200
    assert MediaRegistration.objects.count() == 0


def test_mail_outbox_records_each_mail_sent(client, mail_server, open_accreditation):
    client.post(REGISTER.format(lang="en"), {**FORM, "mail_language": "ru"})
    (mail,) = OutgoingMail.objects.all()
    assert (mail.kind, mail.status, mail.attempts) == ("confirm", "sent", 1)
    assert subject(mail_server.messages[0]).startswith("Подтвердите регистрацию для СМИ")
