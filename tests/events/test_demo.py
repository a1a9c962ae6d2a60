import io
import itertools
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict

from events.models import Event, EventOrganisation, Organisation, Session, Speaker

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
    assert demo_event.stream_url == demo_event.facebook_url == ""
    sessions = list(demo_event.sessions.all())
    assert len(sessions) >= 4
    assert sessions[0].start == demo_event.start
    assert all(a.end <= b.start for a, b in itertools.pairwise(sessions))
    assert all(s.title_ru and s.title_be for s in sessions)
    roles = set(EventOrganisation.objects.filter(event=demo_event).values_list("role", flat=True))
    assert roles == {"organiser", "supporter"}
