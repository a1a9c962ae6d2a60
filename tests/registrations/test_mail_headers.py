"""Every mail comes from the site by name, carries a Message-ID on the site's
domain that a resend keeps, and the organisers' notes are written in the
language they chose."""

from email.utils import parseaddr

import pytest

from registrations import services
from registrations.models import OutgoingMail
from tests.factories import make_accreditation, make_event, make_registration
from tests.mailserver import subject

pytestmark = pytest.mark.django_db


def test_mail_comes_from_the_site_by_name_with_a_message_id_on_its_domain(mail_server, settings):
    settings.SITE_URL = "https://forum.example.org"
    settings.SITE_NAME = "Новая Беларусь против пыток"
    settings.DEFAULT_FROM_EMAIL = "forum@example.org"
    person = make_registration(make_event(), status="pending", email="iryna@example.org", mail_language="ru")
    services.mail_enqueue(recipient=person, kind=OutgoingMail.Kind.REJECTED)
    (message,) = mail_server.to("iryna@example.org")
    assert parseaddr(str(message["From"])) == ("Новая Беларусь против пыток", "forum@example.org")
    assert str(message["Message-ID"]).endswith("@forum.example.org>")
    assert "localhost" not in str(message["Message-ID"])


def test_without_a_site_name_the_sender_is_named_in_the_mail_language(mail_server, settings):
    settings.SITE_NAME = ""
    person = make_registration(make_event(), status="pending", email="ales@example.org", mail_language="be")
    services.mail_enqueue(recipient=person, kind=OutgoingMail.Kind.REJECTED)
    (message,) = mail_server.to("ales@example.org")
    name, address = parseaddr(str(message["From"]))
    assert (name, address) == ("Форумы супраць катаванняў", settings.DEFAULT_FROM_EMAIL)


def test_a_resend_keeps_the_message_id_and_two_mails_have_two(mail_server):
    person = make_registration(make_event(), status="pending", email="iryna@example.org")
    first = services.mail_enqueue(recipient=person, kind=OutgoingMail.Kind.REJECTED)
    services.mail_enqueue(recipient=person, kind=OutgoingMail.Kind.REJECTED)
    services.mail_resend(mail=OutgoingMail.objects.get(pk=first.pk))
    sent_first, sent_second, resent = (str(m["Message-ID"]) for m in mail_server.to("iryna@example.org"))
    assert resent == sent_first
    assert sent_second != sent_first
    assert sent_first.endswith("@testserver>")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("be", "Вызвалілася месца для СМІ: Тыдзень супраць катаванняў"),
        ("ru", "Освободилось место для СМИ: Неделя против пыток"),
        ("", "A media place is free: Week against Torture"),
    ],
)
def test_a_place_is_free_is_written_in_the_organisers_language(language, expected, mail_server):
    event = make_event(
        title_en="Week against Torture",
        title_ru="Неделя против пыток",
        title_be="Тыдзень супраць катаванняў",
        contact_email="team@forum.example.org",
        organisers_language=language,
    )
    make_accreditation(event, capacity=1)
    services.registration_withdraw(person=make_registration(event, status="approved"))
    (note,) = mail_server.to("team@forum.example.org")
    assert subject(note) == expected
