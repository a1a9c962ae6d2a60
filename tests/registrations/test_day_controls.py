"""The day's controls: an editor marks a session started or ended now (the
schedule stays), or delays the rest of the programme, which sends approved
journalists one update of their invitation. Refused on a cancelled or
postponed forum, off the forum's day, and past midnight, with nothing saved."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from events.models import Event, Session
from registrations import services
from tests.conftest import verified_client
from tests.factories import MINSK, make_accreditation, make_event, make_registration, make_session
from tests.html import soup

pytestmark = pytest.mark.django_db

DAY = datetime(2027, 6, 24, tzinfo=MINSK)


def at(hour, minute=0):
    return DAY.replace(hour=hour, minute=minute)


@pytest.fixture
def forum():
    event = make_event(title_en="Day of the forum", start=at(16), end=at(19), contact_email="team@forum.example.org")
    for hour in (16, 17, 18):
        make_session(event, title_en=f"Part {hour}", start=at(hour), end=at(hour + 1))
    make_accreditation(event, meeting_url="https://zoom.example.org/j/111")
    return event


@pytest.fixture
def clock(time_machine):
    """An hour before the forum, before anyone logs in (a staff session lasts two hours): the
    clock then moves with `clock.move_to`."""
    time_machine.move_to(at(15), tick=False)
    return time_machine


@pytest.fixture
def editor(clock):
    user = User.objects.create_user("editor", password="x" * 20, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return verified_client(user), user


def _approve(event, address):
    registration = make_registration(event, email=address)
    return services.registration_approve(registration=registration, by=User.objects.create_user(f"r-{address}"))


def _vevent(message):
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    (vevent,) = Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
    return vevent


def _times(event):
    return [(s.start, s.end) for s in Session.objects.filter(event=event).order_by("start")]


def _messages(client, url):
    return [m.get_text() for m in soup(client.get(url)).select(".messagelist li")]


def test_the_forums_form_leads_to_its_day(forum, editor):
    client, _user = editor
    page = soup(client.get(reverse("admin:events_event_change", args=[forum.pk])))
    link = page.find("a", string="The forum's day")
    assert link["href"] == reverse("admin:events_event_day", args=[forum.pk])
    day = soup(client.get(link["href"]))
    assert [row.td.get_text(strip=True) for row in day.select("#day-sessions tbody tr")] == [
        "Part 16",
        "Part 17",
        "Part 18",
    ]


def test_started_and_ended_now_are_kept_beside_the_schedule(forum, editor, mail_server, clock):
    client, _user = editor
    _approve(forum, "a@example.org")
    first = forum.sessions.order_by("start").first()
    before = (_times(forum), Event.objects.get(pk=forum.pk).sequence, first.sequence)
    url = reverse("admin:events_event_day", args=[forum.pk])
    clock.move_to(at(16, 4), tick=False)
    response = client.post(url, {"start": first.pk})
    assert response["Location"] == url
    assert _messages(client, url) == ["“Part 16” is marked started now."]
    clock.move_to(at(16, 58), tick=False)
    client.post(url, {"end": first.pk})
    row = soup(client.get(url)).select_one(f"#day-session-{first.pk}")
    first.refresh_from_db()
    assert (first.actual_start, first.actual_end) == (at(16, 4), at(16, 58))
    assert [td.get_text(strip=True) for td in row.select("td")[1:4]] == ["16:00–17:00", "16:04", "16:58"]
    assert (_times(forum), Event.objects.get(pk=forum.pk).sequence, first.sequence) == before
    assert len(mail_server.to("a@example.org")) == 1, "the approval only: marking changes no invitation"


def test_a_delay_moves_the_rest_and_sends_one_update_per_journalist(forum, editor, mail_server, clock):
    client, _user = editor
    for address in ("a@example.org", "b@example.org"):
        _approve(forum, address)
    first = forum.sessions.order_by("start").first()
    url = reverse("admin:events_event_day", args=[forum.pk])
    clock.move_to(at(16, 2), tick=False)
    client.post(url, {"start": first.pk})
    clock.move_to(at(16, 40), tick=False)
    response = client.post(url, {"delay": "1", "minutes": "15"})
    assert response["Location"] == url
    assert _messages(client, url)[-1:] == [
        "The sessions not yet ended are delayed by 15 minutes (3 sessions); "
        "2 approved journalists will receive the updated invitation."
    ]
    # The session under way keeps its start; the others move whole; the forum ends later, and stays scheduled.
    assert _times(forum) == [(at(16), at(17, 15)), (at(17, 15), at(18, 15)), (at(18, 15), at(19, 15))]
    event = Event.objects.get(pk=forum.pk)
    assert (event.start, event.end, event.status, event.previous_start) == (at(16), at(19, 15), "scheduled", None)
    assert not Session.objects.filter(event=forum, previous_start__isnull=False).exists()
    for address in ("a@example.org", "b@example.org"):
        approval, update = mail_server.to(address)  # exactly one update, not one per session
        old, new = _vevent(approval), _vevent(update)
        assert str(new["UID"]) == str(old["UID"])
        assert new["SEQUENCE"] > old["SEQUENCE"]
        assert new.decoded("DTSTART").astimezone(UTC) == at(16).astimezone(UTC)
        assert new.decoded("DTEND").astimezone(UTC) == at(19, 15).astimezone(UTC)
        assert "17:15" in str(new["DESCRIPTION"])
        assert "18:15" in str(new["DESCRIPTION"])
    assert services.invitation_holders_behind(event=forum).count() == 0


@pytest.mark.parametrize("status", ["cancelled", "postponed"])
def test_refused_on_a_cancelled_or_postponed_forum(forum, editor, status, clock):
    client, _user = editor
    Event.objects.filter(pk=forum.pk).update(status=status)
    first = forum.sessions.order_by("start").first()
    url = reverse("admin:events_event_day", args=[forum.pk])
    before = _times(forum)
    clock.move_to(at(16, 30), tick=False)
    client.post(url, {"start": first.pk})
    client.post(url, {"delay": "1", "minutes": "10"})
    said = _messages(client, url)
    expected = {
        "cancelled": "The forum is cancelled: its day cannot be run.",
        "postponed": "The forum is postponed: its day cannot be run until a new date is set.",
    }[status]
    assert said == [expected, expected]
    first.refresh_from_db()
    assert first.actual_start is None
    assert _times(forum) == before


def test_refused_off_the_forums_day(forum, editor, clock):
    client, _user = editor
    url = reverse("admin:events_event_day", args=[forum.pk])
    clock.move_to(at(12) - timedelta(days=1), tick=False)
    client.post(url, {"delay": "1", "minutes": "10"})
    assert _messages(client, url) == [
        "These controls work on the forum's day only; change the times in the forum's form."
    ]
    assert Event.objects.get(pk=forum.pk).end == at(19)


def test_a_delay_past_midnight_is_an_error_on_the_field_and_nothing_moves(forum, editor, mail_server, clock):
    client, _user = editor
    _approve(forum, "a@example.org")
    url = reverse("admin:events_event_day", args=[forum.pk])
    before = (_times(forum), Event.objects.get(pk=forum.pk).sequence)
    clock.move_to(at(16, 30), tick=False)
    page = soup(client.post(url, {"delay": "1", "minutes": "301"}))
    errors = page.select_one("#day-delay .errorlist").get_text(" ", strip=True)
    assert errors == (
        "A delay of 301 minutes would move “Part 18” past midnight (Europe/Minsk): "
        "change its times in its form instead."
    )
    assert (_times(forum), Event.objects.get(pk=forum.pk).sequence) == before
    assert len(mail_server.to("a@example.org")) == 1


def test_ending_at_midnight_exactly_is_allowed(forum, editor, clock):
    clock.move_to(at(16, 30), tick=False)
    services.programme_delay(event=forum, minutes=300, by=editor[1])
    assert _times(forum)[-1] == (at(23), at(0) + timedelta(days=1))


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ru", "Форум отменён: его день нельзя провести."),
        ("be", "Форум адменены: яго дзень нельга правесці."),
    ],
)
def test_the_refusal_is_translated(forum, editor, language, text, clock):
    Event.objects.filter(pk=forum.pk).update(status="cancelled")
    clock.move_to(at(16, 30), tick=False)
    with translation.override(language), pytest.raises(ValidationError) as refused:
        services.programme_delay(event=forum, minutes=10, by=editor[1])
    assert refused.value.messages == [text]
