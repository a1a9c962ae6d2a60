"""The data migration: a forum's stream becomes its first public channel, its
recording the recording of its last session (the forum's own without one)."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import MINSK

BEFORE = [("events", "0008_forum_status")]
AFTER = [("events", "0009_channels_recordings_history")]


@pytest.mark.django_db(transaction=True)
def test_stream_and_recording_addresses_move_into_channels_and_recordings():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Event, Session = old.get_model("events", "Event"), old.get_model("events", "Session")
    start = datetime(2021, 6, 24, 16, 0, tzinfo=MINSK)
    common = {"start": start, "end": start + timedelta(hours=3), "timezone": "Europe/Minsk"}
    with_sessions = Event.objects.create(
        slug="a",
        title_en="A",
        stream_url="https://youtu.be/abcDEF12345",
        recording_url="https://v.example.org/a",
        **common,
    )
    Session.objects.create(event=with_sessions, title_en="First", start=start, end=start + timedelta(hours=1))
    last = Session.objects.create(
        event=with_sessions, title_en="Last", start=start + timedelta(hours=2), end=start + timedelta(hours=3)
    )
    alone = Event.objects.create(slug="b", title_en="B", recording_url="https://v.example.org/b", **common)
    Event.objects.create(slug="c", title_en="C", **common)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Channel, Recording = new.get_model("events", "Channel"), new.get_model("events", "Recording")
    assert list(Channel.objects.values_list("event__slug", "language", "url", "position")) == [
        ("a", "original", "https://youtu.be/abcDEF12345", 0)
    ]
    assert sorted(Recording.objects.values_list("event__slug", "session_id", "language", "url")) == [
        ("a", last.pk, "original", "https://v.example.org/a"),
        ("b", None, "original", "https://v.example.org/b"),
    ]
    assert alone.pk in Recording.objects.values_list("event_id", flat=True)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
