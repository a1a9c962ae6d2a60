import io
import itertools
import zoneinfo
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.utils import timezone
from icalendar import Calendar

from events.models import Event, EventOrganisation, Organisation, Session, Speaker
from forum_site import demo_content
from registrations.models import Declaration, MediaAccreditation, MediaRegistration
from tests.html import soup, text

pytestmark = pytest.mark.django_db


def _snapshot():
    rows = {}
    for model in (Event, Session, Speaker, Organisation, EventOrganisation):
        rows[model.__name__] = [
            {**model_to_dict(obj), "updated": getattr(obj, "updated_at", None)} for obj in model.objects.order_by("pk")
        ]
    rows["speakers"] = sorted(Session.speakers.through.objects.values_list("session_id", "speaker_id"))
    return rows


def test_load_demo_twice_changes_nothing(demo_event):
    before = _snapshot()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert _snapshot() == before
    assert out.getvalue().strip() == "Demo forum already up to date: /en/events/new-belarus-against-torture/"


def test_demo_forum_is_on_24_june_2021_at_1600_minsk_time_in_three_languages(demo_event):
    assert demo_event.start == datetime(2021, 6, 24, 13, 0, tzinfo=UTC)
    assert demo_event.timezone == "Europe/Minsk"
    assert demo_event.is_published
    for field in ("title", "tagline", "description", "goals", "participants", "languages_note"):
        values = [getattr(demo_event, f"{field}_{lang}") for lang in ("en", "ru", "be")]
        assert all(values), field
        assert len(set(values)) == 3, field
    assert demo_event.facebook_url == ""
    assert [(c.language, c.name, c.url) for c in demo_event.channels.all()] == [
        ("original", "YouTube: Belarusians Abroad", "")
    ]
    sessions = list(demo_event.sessions.all())
    assert len(sessions) >= 4
    assert sessions[0].start == demo_event.start
    assert all(a.end <= b.start for a, b in itertools.pairwise(sessions))
    assert all(s.title_ru and s.title_be for s in sessions)
    roles = set(EventOrganisation.objects.filter(event=demo_event).values_list("role", flat=True))
    assert roles == {"organiser", "supporter"}


MINSK = zoneinfo.ZoneInfo("Europe/Minsk")
MEDIA = "/en/events/new-belarus-against-torture/media/"
CALENDAR = "/en/events/new-belarus-against-torture/calendar.ics"


def _load(*args):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def _rows():
    """Every column of the rows the demo writes, revision and timestamps included."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Event, Session, Speaker, Organisation, EventOrganisation, MediaAccreditation, Declaration)
    }


# The real forum's Minsk wall-clock times, as the demo content gives them.
REAL_TIMES = [
    (item["start_local"][-5:], item["end_local"][-5:]) for item in (demo_content.EVENT, *demo_content.SESSIONS)
]


def _local_times(event):
    """The forum and its sessions as Minsk wall-clock times."""
    items = [event, *event.sessions.order_by("start")]
    return [
        (timezone.localtime(item.start, MINSK).strftime("%H:%M"), timezone.localtime(item.end, MINSK).strftime("%H:%M"))
        for item in items
    ]


def test_load_demo_upcoming_opens_media_registration(client, demo_event):
    assert text(soup(client.get(MEDIA)).h1) == "Media registration is closed"
    _load("--upcoming")
    page = soup(client.get(MEDIA))
    assert text(page.h1) != "Media registration is closed"
    assert page.select_one("form input[name=email]") is not None
    form = {
        "name": "Алесь Журналіст",
        "outlet": "Наша Ніва",
        "role": "journalist",
        "country": "LT",
        "email": "ales@example.org",
        "work_url": "https://nashaniva.example/article/1",
        "languages": ["be"],
        "mail_language": "be",
        "consent": "on",
    }
    response = client.post(MEDIA, form)
    assert response["Location"] == MEDIA + "check-your-mail/"
    assert MediaRegistration.objects.get().email == "ales@example.org"
    page = soup(client.get("/en/events/new-belarus-against-torture/declaration/sign/"))
    assert page.select_one("form input[name=email]") is not None


@pytest.mark.parametrize(
    ("today", "forum_day"),
    [
        (date(2026, 11, 26), date(2027, 1, 28)),  # 60 days on is a Monday: that week's Thursday
        (date(2026, 11, 29), date(2027, 1, 28)),  # 60 days on is a Thursday: that day
        (date(2026, 11, 30), date(2027, 2, 4)),  # 60 days on is a Friday: the next Thursday
        (date(2027, 12, 31), date(2028, 3, 2)),  # past 29 February and into a new year
    ],
)
def test_load_demo_upcoming_is_the_first_thursday_60_days_ahead_at_the_same_minsk_times(demo_event, today, forum_day):
    real_uids = sorted(str(uid) for uid in Session.objects.values_list("uid", flat=True))
    _load("--upcoming", "--today", today.isoformat())
    event = Event.objects.get(slug=demo_content.EVENT["slug"])
    assert Event.objects.count() == 1
    assert timezone.localtime(event.start, MINSK).date() == forum_day
    assert forum_day.strftime("%A") == "Thursday"
    assert {timezone.localtime(s.start, MINSK).date() for s in event.sessions.all()} == {forum_day}
    assert _local_times(event) == REAL_TIMES
    assert sorted(str(uid) for uid in Session.objects.values_list("uid", flat=True)) == real_uids


def test_load_demo_upcoming_twice_on_one_day_changes_nothing(client, demo_event):
    first = _load("--upcoming", "--today", "2026-11-26")
    assert first.splitlines() == [
        "Demo forum updated: /en/events/new-belarus-against-torture/",
        "The forum is on 2027-01-28 (Thursday) at 16:00 Europe/Minsk: media registration and signing are open. "
        "Run load_demo without --upcoming to put it back on its real date.",
    ]
    rows, calendar = _rows(), client.get(CALENDAR).content
    second = _load("--upcoming", "--today", "2026-11-26")
    assert second.splitlines()[0] == "Demo forum already up to date: /en/events/new-belarus-against-torture/"
    assert _rows() == rows
    assert client.get(CALENDAR).content == calendar
    assert [v["SEQUENCE"] for v in Calendar.from_ical(calendar).walk("VEVENT")] == [1] * demo_event.sessions.count()


def test_plain_load_demo_puts_the_forum_back_on_24_june_2021(client, demo_event):
    _load("--upcoming")
    assert Event.objects.get().start > timezone.now()
    assert _load().strip() == "Demo forum updated: /en/events/new-belarus-against-torture/"
    event = Event.objects.get()
    assert event.start == datetime(2021, 6, 24, 13, 0, tzinfo=UTC)
    assert _local_times(event) == REAL_TIMES
    assert {timezone.localtime(s.start, MINSK).date() for s in event.sessions.all()} == {date(2021, 6, 24)}
    assert text(soup(client.get(MEDIA)).h1) == "Media registration is closed"


def test_load_demo_today_without_upcoming_is_refused(demo_event):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--today goes with --upcoming"):
        _load("--today", "2026-11-26")


LINK_ON_THE_DAY = {
    "en": "The link will appear on this page on the day of the forum.",
    "ru": "Ссылка появится на этой странице в день форума.",
    "be": "Спасылка з’явіцца на гэтай старонцы ў дзень форуму.",
}


@pytest.mark.parametrize(
    ("lang", "channel"),
    [
        ("en", "the YouTube channel “Belarusians Abroad”"),
        ("ru", "на YouTube-канале «Belarusians Abroad»"),
        ("be", "на YouTube-канале «Belarusians Abroad»"),
    ],
)
def test_demo_forum_names_its_channel_and_says_when_the_link_comes(client, demo_event, lang, channel):
    """As the announcement does: the channel by name, its address not yet known (the week before)."""
    with time_machine.travel(datetime(2021, 6, 17, 12, 0, tzinfo=MINSK), tick=False):
        page = soup(client.get(f"/{lang}/events/new-belarus-against-torture/"))
    take_part = text(page.select_one("section[aria-labelledby=take-part-title]"))
    assert channel in take_part
    (listed,) = page.select(".channel")
    assert text(listed.select_one(".channel-name")) == "YouTube: Belarusians Abroad"
    assert text(listed.select_one(".stream-later")) == LINK_ON_THE_DAY[lang]
    assert not listed.select("a")
