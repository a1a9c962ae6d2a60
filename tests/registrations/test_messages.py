"""Reviewers write to media registrants: a text per language, a preview,
one mail per person in their language through the outbox, one audit entry."""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from registrations.models import AuditEntry, Message, OutgoingMail
from tests.conftest import verified_client
from tests.factories import make_accreditation, make_declaration, make_event, make_registration, make_signature
from tests.html import soup, text
from tests.mailserver import subject

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:registrations_mediaregistration_changelist")
TEXTS = {
    "subject_en": "Programme update",
    "body_en": "The forum starts one hour later.",
    "subject_ru": "Изменение программы",
    "body_ru": "Форум начнётся на час позже.",
    "subject_be": "Змена праграмы",
    "body_be": "Форум пачнецца на гадзіну пазней.",
}


@pytest.fixture
def reviewer():
    user = User.objects.create_user("reviewer", password="x" * 20, is_staff=True)
    user.groups.add(Group.objects.get(name="Reviewers"))
    return verified_client(user), user


@pytest.fixture
def forum():
    event = make_event(title_en="Week against Torture")
    make_accreditation(event)
    return event


def _post(client, people, **data):
    return client.post(
        CHANGELIST,
        {"action": "write_message", "_selected_action": [p.pk for p in people], "apply": "1", **data},
    )


def test_message_to_approved_journalists_arrives_in_each_ones_language(reviewer, forum, mail_server):
    client, _user = reviewer
    people = [
        make_registration(forum, status="approved", email=f"{code}@example.org", mail_language=code)
        for code in ("en", "ru", "be")
    ]
    make_registration(forum, status="pending", email="pending@example.org")
    # The list filtered to the forum's approved journalists, all selected.
    listed = soup(client.get(CHANGELIST, {"event__id__exact": forum.pk, "status__exact": "approved"}))
    selected = [int(box["value"]) for box in listed.select("input[name=_selected_action]")]
    assert sorted(selected) == sorted(p.pk for p in people)

    page = soup(client.post(CHANGELIST, {"action": "write_message", "_selected_action": [p.pk for p in people]}))
    assert page.select_one("#message-form textarea[name=body_be]") is not None
    assert page.select_one("input[name=send]") is None, "sending needs a preview first"
    page = soup(_post(client, people, **TEXTS, preview="1"))
    previews = {
        block["lang"]: (text(block.select_one(".preview-subject")), text(block.select_one(".preview-body")))
        for block in page.select("#message-preview [lang]")
    }
    assert previews == {
        "en": ("Programme update", "The forum starts one hour later."),
        "ru": ("Изменение программы", "Форум начнётся на час позже."),
        "be": ("Змена праграмы", "Форум пачнецца на гадзіну пазней."),
    }
    assert page.select_one("input[name=send]")["value"] == "Send to 3 people"
    assert mail_server.messages == []

    response = _post(client, people, **TEXTS, previewed="True", send="1")
    assert response.status_code == 302
    received = {}
    for person in people:
        (message,) = mail_server.to(person.email)
        received[person.mail_language] = (subject(message), message.get_body(("plain",)).get_content())
    assert received["en"][0] == "Programme update"
    assert "The forum starts one hour later." in received["en"][1]
    assert received["ru"][0] == "Изменение программы"
    assert "Форум начнётся на час позже." in received["ru"][1]
    assert received["be"][0] == "Змена праграмы"
    assert "Форум пачнецца на гадзіну пазней." in received["be"][1]
    assert mail_server.to("pending@example.org") == []
    (entry,) = AuditEntry.objects.filter(action="message")
    assert (entry.username, entry.rows, entry.event, entry.model) == (
        "reviewer",
        3,
        forum,
        "registrations.MediaRegistration",
    )
    assert OutgoingMail.objects.filter(kind="message", status="sent").count() == 3


def test_a_language_left_empty_sends_the_english_text(reviewer, forum, mail_server):
    client, _user = reviewer
    person = make_registration(forum, status="approved", email="be@example.org", mail_language="be")
    texts = {"subject_en": "Programme update", "body_en": "One hour later."}
    page = soup(_post(client, [person], **texts))
    assert "left empty: the English text is sent" in text(page.select_one("#preview-be"))
    _post(client, [person], **texts, previewed="True", send="1")
    (message,) = mail_server.to("be@example.org")
    assert subject(message) == "Programme update"
    assert "One hour later." in message.get_body(("plain",)).get_content()


def test_failed_message_mail_waits_for_staff_and_the_outbox_shows_it(reviewer, forum, mail_server, settings):
    client, _user = reviewer
    settings.MAIL_RETRY_DELAYS = []
    person = make_registration(forum, status="approved")
    mail_server.stop()
    _post(client, [person], **TEXTS, previewed="True", send="1")
    mail = OutgoingMail.objects.get(kind="message")
    assert (mail.status, mail.registration) == ("failed", person)
    page = soup(client.get(reverse("admin:registrations_outgoingmail_changelist"), {"state": "failed"}))
    assert [text(a) for a in page.select("#result_list tbody th a")] == [f"Mail #{mail.pk}"]


def test_message_needs_one_forum_and_never_reaches_signatories(reviewer, forum):
    client, _user = reviewer
    other = make_registration(make_event(), status="approved")
    mine = make_registration(forum, status="approved")
    response = _post(client, [mine, other], **TEXTS, previewed="True", send="1")
    assert response.status_code == 302
    assert Message.objects.count() == 0
    # The signatures list offers no such action.
    make_signature(make_declaration(forum))
    page = soup(client.get(reverse("admin:registrations_signature_changelist")))
    assert "write_message" not in [option["value"] for option in page.select("select[name=action] option")]


def _many(forum, count):
    return [
        make_registration(forum, status="approved", email=f"j{n}@example.org", mail_language="en") for n in range(count)
    ]


def _send_many(client, people):
    response = _post(client, people, **TEXTS, previewed="True", send="1")
    assert response.status_code == 302
    (message,) = Message.objects.all()
    assert response["Location"] == reverse("admin:registrations_message_change", args=[message.pk])
    return message


def _due(at):
    import time_machine
    from django.core.management import call_command

    with time_machine.travel(at, tick=True):
        call_command("send_queued_mail", stdout=__import__("io").StringIO())


def test_a_message_to_more_than_20_waits_10_minutes_on_its_page(reviewer, forum, mail_server):
    from datetime import timedelta

    client, _user = reviewer
    people = _many(forum, 21)
    message = _send_many(client, people)
    client.cookies["django_language"] = "en"
    page = soup(client.get(reverse("admin:registrations_message_change", args=[message.pk])))
    assert text(page.select_one("#message-delivery")).startswith("Waiting: it goes on ")
    assert page.select_one("#message-cancel button")
    assert mail_server.messages == []
    _due(message.created_at + timedelta(minutes=9, seconds=59))
    assert mail_server.messages == []
    _due(message.created_at + timedelta(minutes=10, seconds=1))
    assert sorted(m["To"] for m in mail_server.messages) == sorted(p.email for p in people)
    assert OutgoingMail.objects.filter(kind="message", status="sent").count() == 21


def test_the_writer_cancels_a_waiting_message_and_nobody_receives_it(reviewer, forum, mail_server):
    from datetime import timedelta

    import time_machine

    client, user = reviewer
    message = _send_many(client, _many(forum, 25))
    client.cookies["django_language"] = "en"
    with time_machine.travel(message.created_at + timedelta(minutes=5), tick=True):
        page = soup(client.post(reverse("admin:registrations_message_cancel", args=[message.pk]), follow=True))
    notes = [text(li) for li in page.select("ul.messagelist li")]
    assert notes[-1] == "The message is cancelled: nobody will receive it."
    assert text(page.select_one("#message-delivery")).startswith("Cancelled on ")
    assert page.select_one("#message-cancel") is None
    _due(message.created_at + timedelta(hours=1))
    assert mail_server.messages == []
    assert not OutgoingMail.objects.filter(message=message).exists()
    (entry,) = AuditEntry.objects.filter(action="cancel")
    assert (entry.username, entry.model, entry.object_id, entry.event) == (
        user.username,
        "registrations.Message",
        message.pk,
        forum,
    )


def test_only_its_writer_or_a_superuser_cancels_and_only_before_it_goes(reviewer, forum, mail_server, admin_client):
    from datetime import timedelta

    import time_machine

    client, _user = reviewer
    message = _send_many(client, _many(forum, 21))
    other = User.objects.create_user("other-reviewer", password="x" * 20, is_staff=True)
    other.groups.add(Group.objects.get(name="Reviewers"))
    other_client = verified_client(other)
    page = soup(other_client.get(reverse("admin:registrations_message_change", args=[message.pk])))
    assert page.select_one("#message-cancel") is None
    assert other_client.post(reverse("admin:registrations_message_cancel", args=[message.pk])).status_code == 403
    # Once it has gone, not even its writer can.
    with time_machine.travel(message.send_at + timedelta(seconds=1), tick=True):
        client.post(reverse("admin:registrations_message_cancel", args=[message.pk]))
    message.refresh_from_db()
    assert message.cancelled_at is None
    # A superuser can, while it waits.
    admin_client.post(reverse("admin:registrations_message_cancel", args=[message.pk]))
    message.refresh_from_db()
    assert message.cancelled_at is not None
    assert not AuditEntry.objects.filter(action="cancel", username="other-reviewer").exists()


def test_a_message_to_20_goes_at_once(reviewer, forum, mail_server):
    client, _user = reviewer
    people = _many(forum, 20)
    response = _post(client, people, **TEXTS, previewed="True", send="1")
    assert response.status_code == 302
    assert len(mail_server.messages) == 20
    (message,) = Message.objects.all()
    page = soup(client.get(reverse("admin:registrations_message_change", args=[message.pk])))
    assert page.select_one("#message-cancel") is None
