"""The workspace's overview: per forum, the numbers a reviewer works from,
each a link to the list it counts, at a constant number of queries."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registrations.models import OutgoingMail, PendingSubmission, Signature
from registrations.services import intake
from tests.conftest import verified_client
from tests.factories import make_accreditation, make_declaration, make_event, make_registration, make_signature
from tests.html import soup, text

pytestmark = pytest.mark.django_db


def _client(group):
    user = User.objects.create_user(group.lower(), password="x" * 20, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return verified_client(user)


def _forum(*, people=1):
    event = make_event()
    make_accreditation(event)
    declaration = make_declaration(event)
    for _ in range(people):
        make_registration(event, status="unconfirmed", confirmed_at=None)
        make_registration(event, status="pending")
        make_registration(event, status="pending")
        approved = make_registration(event, status="approved")
        make_registration(event, status="waitlisted")
        make_registration(event, status="rejected")
        make_signature(declaration, name_accepted_at=timezone.now())
        make_signature(declaration, visibility=Signature.Visibility.HIDDEN)
        signed = make_signature(declaration, visibility=Signature.Visibility.FULL_NAME, name_accepted_at=None)
        make_signature(declaration, hidden_at=timezone.now())
        make_signature(declaration, status="unconfirmed", confirmed_at=None)
        OutgoingMail.objects.create(registration=approved, kind="approved")
        OutgoingMail.objects.create(signature=signed, kind="signed", status="failed")
        OutgoingMail.objects.create(signature=signed, kind="signed", status="sent")
    return event


def _rows(page, event):
    table = page.select_one(f"#forum-{event.pk}")
    rows = {}
    for row in table.select("tbody tr"):
        cells = []
        for cell in row.select("td"):
            link = cell.select_one("a")
            cells.append(
                (
                    text(cell.select_one(".overview-label")),
                    text(cell.select_one(".overview-count")),
                    link and link["href"],
                )
            )
        rows[text(row.select_one("th"))] = cells
    return rows


def test_overview_counts_each_forum_and_links_to_what_it_counts():
    event = _forum()
    other = make_event()
    make_registration(other, status="pending")
    client = _client("Reviewers")
    page = soup(client.get("/admin/"))
    rows = _rows(page, event)
    numbers = {name: [(label, count) for label, count, _link in cells] for name, cells in rows.items()}
    assert numbers == {
        "Media registrations": [
            ("awaiting review", "2"),
            ("approved", "1"),
            ("waitlisted", "1"),
            ("not approved", "1"),
            ("withdrawn", "0"),
        ],
        "Signatures": [("counted", "3"), ("awaiting name review", "1"), ("hidden", "1")],
        "Mail": [("queued", "1"), ("failed", "1")],
    }
    # Each number (but the withdrawn, who are erased) opens the list it counts.
    for name, cells in rows.items():
        for label, count, link in cells:
            if label == "withdrawn":
                assert link is None
                continue
            listed = soup(client.get(link))
            assert len(listed.select("#result_list tbody tr")) == int(count), (name, label, link)
    assert [text(a) for a in page.select(f"#forum-{other.pk} .overview-media a")][:1] == ["1"]


def test_overview_queries_do_not_grow_with_people_or_forums():
    client = _client("Reviewers")
    _forum()
    client.get("/admin/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/admin/").status_code == 200
    for _ in range(3):
        event = _forum(people=5)
        for feature, parent_id in (("declaration", event.declaration.pk), ("media", event.pk)) * 3:
            # Submissions the worker has not stored yet (their sealed text is not read here).
            PendingSubmission.objects.create(
                feature=feature, parent_id=parent_id, sealed="sealed", received_at=timezone.now()
            )
    with CaptureQueriesContext(connection) as many:
        page = soup(client.get("/admin/"))
    assert len(page.select(".overview-table")) == 4
    assert [text(row.select_one(".overview-count")) for row in page.select(".overview-waiting")] == ["6"] * 3
    assert len(many) == len(few), [query["sql"] for query in many]


def test_editors_see_the_forums_numbers_and_their_edit_link_but_no_lists_of_people():
    event = _forum()
    page = soup(_client("Editors").get("/admin/"))
    rows = _rows(page, event)
    assert [count for _label, count, _link in rows["Media registrations"]] == ["2", "1", "1", "1", "0"]
    assert all(link is None for cells in rows.values() for _label, _count, link in cells)
    assert page.select_one(f"#forum-{event.pk} caption a")["href"] == f"/admin/events/event/{event.pk}/change/"


def test_submissions_the_worker_has_not_stored_show_and_warn_when_they_wait_too_long(settings):
    """A sign and a media registration POST wait for the worker: the overview
    counts them for their forum, warns once the oldest has waited longer than
    a running worker takes, and forgets them once stored."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MAIL_BATCH_SECONDS = 1
    intake._batch.until = 0.0
    event = make_event(start=timezone.now() + timedelta(days=10))
    make_accreditation(event)
    make_declaration(event)
    other = _forum()
    public = Client()
    person = {"name": "Vera Waitova", "country": "LT", "mail_language": "en", "consent": "on"}
    signed = public.post(
        f"/en/events/{event.slug}/declaration/sign/",
        {**person, "email": "vera.wait@example.org", "organisation": "", "visibility": "full"},
    )
    registered = public.post(
        f"/en/events/{event.slug}/media/",
        {**person, "email": "vera.press@example.org", "outlet": "Honest Radio", "role": "journalist"}
        | {"phone": "", "work_url": "https://honest.example/vera"},
    )
    assert (signed.status_code, registered.status_code) == (302, 302)
    staff = _client("Reviewers")

    page = soup(staff.get("/admin/"))
    assert _rows(page, event)["Submissions"] == [("being stored", "2", None)]
    assert "Submissions" not in _rows(page, other)
    assert page.select_one(f"#forum-{event.pk} .overview-waiting .overview-alert") is None

    with time_machine.travel(timezone.now() + timedelta(minutes=6), tick=False):
        late = soup(staff.get("/admin/")).select_one(f"#forum-{event.pk} .overview-waiting .overview-alert")
    assert "check that the forum-site-mail service runs" in text(late)

    assert intake.submissions_store() == 2
    assert "Submissions" not in _rows(soup(staff.get("/admin/")), event)
