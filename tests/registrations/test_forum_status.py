"""Cancelled means closed, postponed means waiting: media registration,
approved journalists' status pages and mail, the Declaration's page, and
what an editor is told, as people see them."""

from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from registrations import links, services
from registrations.models import MediaRegistration
from tests.conftest import verified_client
from tests.factories import MINSK, make_accreditation, make_declaration, make_event, make_registration, make_session
from tests.html import soup, text
from tests.mailserver import subject
from tests.registrations.test_form import VALID
from tests.registrations.test_invitations import _approved, _invitation, _posted, _vevent

pytestmark = pytest.mark.django_db

ZOOM = "https://zoom.example.org/j/111"
ACCESS = "/media/access/?t="  # a journalist's personal link, in place of the meeting's address


@pytest.fixture
def forum():
    event = make_event(
        title_en="Week against Torture",
        start=datetime(2027, 6, 24, 16, 0, tzinfo=MINSK),
        contact_email="team@forum.example.org",
    )
    make_accreditation(event, meeting_url=ZOOM)
    return event


@pytest.fixture
def editor():
    user = User.objects.create_user("editor", password="x" * 20, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return verified_client(user), user


def _set(event, status):
    event.status = status
    event.save()


def _status_page(registration, lang="en"):
    return soup(Client().get(f"/{lang}/media/status/?t={links.make_token(links.STATUS, registration)}"))


@pytest.mark.parametrize(
    ("lang", "lead"),
    [
        ("en", "The forum “Week against Torture” is cancelled: it takes no media registrations."),
        ("ru", "Форум «Неделя против пыток» отменён: регистрация СМИ не принимается."),
        ("be", "Форум «Тыдзень супраць катаванняў» адменены: рэгістрацыя СМІ не прымаецца."),
    ],
)
def test_a_cancelled_forum_refuses_media_registration_in_each_language(client, lang, lead, mail_server):
    event = make_event(
        title_en="Week against Torture",
        title_ru="Неделя против пыток",
        title_be="Тыдзень супраць катаванняў",
        start=timezone.now() + timedelta(days=7),
        status=Event.Status.CANCELLED,
    )
    make_accreditation(event)
    url = f"/{lang}/events/{event.slug}/media/"
    page = soup(client.get(url))
    assert text(page.select_one(".lead")) == lead
    assert page.select_one("form") is None
    client.post(url, VALID)
    assert MediaRegistration.objects.count() == 0
    assert mail_server.messages == []
    # The event page offers no registration either.
    event_page = soup(client.get(f"/{lang}/events/{event.slug}/"))
    assert event_page.select_one(f'a[href="{url}"]') is None
    # Un-cancelled, it is open again within its dates.
    _set(event, Event.Status.SCHEDULED)
    assert soup(client.get(url)).select_one("form.registration-form, form") is not None


def test_a_postponed_forum_keeps_registration_open_past_its_old_dates(client):
    event = make_event(start=timezone.now() - timedelta(days=3), status=Event.Status.POSTPONED)
    make_accreditation(event)
    assert soup(client.get(f"/en/events/{event.slug}/media/")).select_one("form") is not None


def test_approved_journalist_loses_the_access_while_cancelled_and_gets_it_back(forum):
    registration = make_registration(forum, status=MediaRegistration.Status.APPROVED)
    assert ACCESS in _status_page(registration).select_one("#access-link")["href"]
    _set(forum, Event.Status.CANCELLED)
    page = _status_page(registration, "ru")
    main = page.select_one("main")
    assert ZOOM not in str(main)
    assert ACCESS not in str(main)
    assert "Форум отменён." in text(page.select_one(".event-status"))
    assert text(page.select_one(".access-withheld")) == "Форум отменён: доступа к нему нет."
    _set(forum, Event.Status.SCHEDULED)
    assert ACCESS in _status_page(registration).select_one("#access-link")["href"]


def test_approved_journalist_waits_for_the_access_while_postponed(forum):
    registration = make_registration(forum, status=MediaRegistration.Status.APPROVED)
    _set(forum, Event.Status.POSTPONED)
    page = _status_page(registration, "be")
    assert ZOOM not in str(page.select_one("main"))
    assert text(page.select_one(".access-withheld")) == (
        "Доступ з’явіцца тут і прыйдзе вам поштай, калі ў форуму з’явіцца дата."
    )
    assert "Новая дата будзе абвешчана" in text(page.select_one("dl"))


def test_the_cancellation_goes_out_without_the_access_and_the_editor_is_told_so(forum, editor, mail_server):
    client, _user = editor
    _approved(forum, "d@example.org", "be")
    forum.status_note_be = "Залу не далі."
    _set(forum, Event.Status.CANCELLED)
    response = client.post(reverse("admin:events_event_notify", args=[forum.pk]), follow=True)
    assert "1 approved journalist will receive the cancellation." in text(soup(response).select_one(".messagelist"))
    _approval, cancel = mail_server.to("d@example.org")
    part, ics = _invitation(cancel)
    assert part.get_param("method") == "CANCEL"
    _cal, vevent = _vevent(ics)
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert str(vevent["UID"]) == str(forum.uid)
    assert ZOOM not in ics.decode()
    assert "4242" not in ics.decode()
    body = cancel.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert ZOOM not in body
    assert "Форум адменены.\nЗалу не далі." in body


def test_un_cancelling_sends_a_new_invitation_with_the_access(forum, editor, mail_server):
    client, _user = editor
    _approved(forum, "u@example.org")
    notify = reverse("admin:events_event_notify", args=[forum.pk])
    _set(forum, Event.Status.CANCELLED)
    client.post(notify)
    _set(forum, Event.Status.SCHEDULED)
    assert services.invitation_holders_behind(event=forum).count() == 1
    client.post(notify)
    approval, cancel, again = mail_server.to("u@example.org")
    sequences = [_vevent(_invitation(m)[1])[1]["SEQUENCE"] for m in (approval, cancel, again)]
    assert sequences == sorted(set(sequences))
    part, ics = _invitation(again)
    assert part.get_param("method") == "REQUEST"
    _cal, vevent = _vevent(ics)
    assert (str(vevent["UID"]), str(vevent["STATUS"])) == (str(forum.uid), "CONFIRMED")
    assert ACCESS in str(vevent["LOCATION"])
    assert str(vevent["LOCATION"]) in again.get_body(("plain",)).get_content()
    assert ZOOM not in again.as_string()


def test_postponing_sends_a_tentative_update_without_the_access(forum, editor, mail_server):
    client, _user = editor
    _approved(forum, "p@example.org", "ru")
    _set(forum, Event.Status.POSTPONED)
    client.post(reverse("admin:events_event_notify", args=[forum.pk]))
    _approval, update = mail_server.to("p@example.org")
    assert subject(update) == f"Изменено: {forum.title_ru}"
    part, ics = _invitation(update)
    assert part.get_param("method") == "REQUEST"
    _cal, vevent = _vevent(ics)
    assert str(vevent["STATUS"]) == "TENTATIVE"
    assert ZOOM not in ics.decode()
    body = update.get_body(("plain",)).get_content()
    assert ZOOM not in body
    assert "Доступ будет отправлен вам, когда у форума появится дата." in body
    assert "Новая дата будет объявлена (было назначено: 24 июня 2027 г., 16:00–19:00" in body


def test_no_session_mail_for_a_cancelled_forum_and_the_editor_is_told_why(forum, editor, mail_server):
    client, _user = editor
    session = make_session(forum)
    _approved(forum, "s@example.org")
    _set(forum, Event.Status.CANCELLED)
    notify = reverse("admin:events_event_notify", args=[forum.pk])
    client.post(notify)
    # A session moved in its own form: nothing to ask, and the editor is told why.
    url = reverse("admin:events_session_change", args=[session.pk])
    values = _posted(soup(client.get(url)).select_one("form#session_form"))
    response = client.post(url, {**values, "is_cancelled": "on", "_save": "Save"}, follow=True)
    messages = text(soup(response).select_one(".messagelist"))
    assert f"Nothing was sent about “{forum.title_en}”: the forum is cancelled" in messages
    # An edit of the cancelled forum itself offers no second cancellation.
    forum.refresh_from_db()
    forum.title_en = "Week against Torture (cancelled)"
    forum.save()
    assert services.invitation_holders_behind(event=forum).count() == 0
    client.post(notify)
    assert len(mail_server.to("s@example.org")) == 2  # the approval and the one cancellation


def test_nobody_is_approved_at_a_cancelled_forum(forum, mail_server):
    reviewer = User.objects.create_user("reviewer", password="x" * 20, is_staff=True)
    reviewer.groups.add(Group.objects.get(name="Reviewers"))
    client = verified_client(reviewer)
    waiting = make_registration(forum, status="pending", email="w@example.org")
    _set(forum, Event.Status.CANCELLED)
    page = reverse("admin:registrations_mediaregistration_change", args=[waiting.pk])
    decide = reverse("admin:registrations_mediaregistration_decide", args=[waiting.pk])
    response = client.post(decide, {"decision": "approved", "reason": ""}, follow=True)
    assert response.redirect_chain[-1][0] == page
    assert "The forum “Week against Torture” is cancelled: nobody was approved. Un-cancel the forum first." in text(
        soup(response).select_one(".messagelist")
    )
    waiting.refresh_from_db()
    assert waiting.status == "pending"
    assert mail_server.to("w@example.org") == []
    with pytest.raises(services.ForumCancelled):
        services.registration_decide_all(registrations=[waiting], status="approved", by=reviewer)


@pytest.mark.parametrize(("is_open", "signs"), [(True, True), (False, False)])
def test_the_declaration_page_says_the_forum_is_cancelled_and_follows_its_own_setting(client, is_open, signs):
    event = make_event(status=Event.Status.CANCELLED)
    make_declaration(event, title_be="Дэкларацыя", is_open=is_open)
    page = soup(client.get(f"/be/events/{event.slug}/declaration/"))
    assert text(page.select_one(".event-status")) == "Форум адменены."
    sign = f"/be/events/{event.slug}/declaration/sign/"
    assert (page.select_one(f'a[href="{sign}"]') is not None) is signs
    assert (soup(client.get(sign)).select_one("form.signature-form") is not None) is signs


def test_the_forums_admin_form_sets_the_status_and_note(forum, editor):
    client, _user = editor
    from tests.registrations.test_forums import _form_values

    url = reverse("admin:events_event_change", args=[forum.pk])
    values = _form_values(soup(client.get(url)).select_one("form#event_form"))
    values.update({"status": "postponed", "status_note_en": "A new date soon.", "_continue": "1"})
    client.post(url, values)
    forum.refresh_from_db()
    assert (forum.status, forum.status_note_en) == ("postponed", "A new date soon.")
