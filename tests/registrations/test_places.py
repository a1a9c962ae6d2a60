"""A forum's places are a rule: approving past them is refused, on a
registration's page and in bulk, with how many are left and an offer to
waitlist instead; two reviewers taking the last place at once approve one."""

import threading
import time

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection, connections, transaction
from django.urls import reverse

from plumbing.sqlite.base import writer_turn
from registrations import services
from registrations.models import MediaRegistration, OutgoingMail
from tests.conftest import verified_client
from tests.factories import make_accreditation, make_event, make_registration
from tests.html import soup, text

CHANGELIST = "admin:registrations_mediaregistration_changelist"


@pytest.fixture
def reviewer(db):
    user = User.objects.create_user("reviewer", password="a long test password 1", is_staff=True)
    user.groups.add(Group.objects.get(name="Reviewers"))
    return verified_client(user), user


@pytest.fixture
def forum(db):
    event = make_event(title_en="Week against Torture")
    make_accreditation(event, capacity=2)
    return event


def _messages(page):
    return [text(li) for li in page.select("ul.messagelist li")]


def _statuses(event):
    return {r.name: r.status for r in MediaRegistration.objects.filter(event=event)}


def test_the_registrations_page_shows_places_left_and_refuses_an_approval_past_them(reviewer, forum):
    client, _user = reviewer
    make_registration(forum, status="approved")
    third = make_registration(forum, name="Third Person")
    url = reverse("admin:registrations_mediaregistration_change", args=[third.pk])
    page = soup(client.get(url))
    assert text(page.select_one("#places-left")) == "Places left at “Week against Torture”: 1 of 2."

    make_registration(forum, status="approved")
    page = soup(client.get(url))
    assert text(page.select_one("#places-left")) == (
        "Places left at “Week against Torture”: 0 of 2. Approving is refused while no place is left: "
        "put the registration on the waiting list instead."
    )
    form = page.select_one("form#decision-form")
    page = soup(client.post(form["action"], {"decision": "approved", "reason": ""}, follow=True))
    assert _messages(page) == [
        "Places left at “Week against Torture”: 0 of 2. The registration was not approved: "
        "put it on the waiting list instead, or free a place first."
    ]
    third.refresh_from_db()
    assert third.status == "pending"
    assert not OutgoingMail.objects.filter(registration=third).exists()
    # The offer taken: the waiting list has no limit.
    page = soup(client.post(form["action"], {"decision": "waitlisted", "reason": ""}, follow=True))
    third.refresh_from_db()
    assert third.status == "waitlisted"
    assert OutgoingMail.objects.get(registration=third).kind == "waitlisted"


def test_an_approved_journalist_approved_again_takes_no_second_place(reviewer, forum):
    _client, user = reviewer
    first = make_registration(forum, status="approved")
    make_registration(forum, status="approved")
    services.registration_approve(registration=first, by=user, reason="Again")
    first.refresh_from_db()
    assert (first.status, first.decision_reason) == ("approved", "Again")


def test_bulk_approval_past_the_places_approves_nobody_and_offers_the_waiting_list(reviewer, forum, mail_server):
    client, _user = reviewer
    make_registration(forum, name="Already In", status="approved")
    selected = [make_registration(forum, name=f"Selected {n}", email=f"s{n}@example.org") for n in (1, 2)]
    ids = [r.pk for r in selected]
    page = soup(client.post(reverse(CHANGELIST), {"action": "approve", "_selected_action": ids}))
    assert text(page.select_one("#places-left")) == (
        "Places left at “Week against Torture”: 1 of 2. Places the selection needs: 2."
    )
    page = soup(
        client.post(reverse(CHANGELIST), {"action": "approve", "_selected_action": ids, "apply": "1", "reason": ""})
    )
    assert _messages(page) == [
        "Places left at “Week against Torture”: 1 of 2. Places the selection needs: 2. Nobody was approved: "
        "select fewer, or put them on the waiting list instead."
    ]
    assert _statuses(forum) == {"Already In": "approved", "Selected 1": "pending", "Selected 2": "pending"}
    assert mail_server.messages == []
    offer = page.select_one("form#waitlist-instead")
    assert offer.select_one("input[type=submit]")["value"] == "Put them on the waiting list instead"
    values = {field["name"]: field["value"] for field in offer.select("input[type=hidden]")}
    assert values["action"] == "waitlist"
    assert sorted(int(field["value"]) for field in offer.select("input[name=_selected_action]")) == sorted(ids)
    # The offer leads to the waiting list's own confirmation, then to the list.
    page = soup(client.post(reverse(CHANGELIST), {"action": "waitlist", "_selected_action": ids}))
    assert "on the waiting list" in text(page.select_one("#content p"))
    client.post(reverse(CHANGELIST), {"action": "waitlist", "_selected_action": ids, "apply": "1", "reason": ""})
    assert _statuses(forum) == {"Already In": "approved", "Selected 1": "waitlisted", "Selected 2": "waitlisted"}


def test_bulk_approval_within_the_places_approves_all(reviewer, forum):
    client, _user = reviewer
    ids = [make_registration(forum).pk for _ in range(2)]
    page = soup(
        client.post(
            reverse(CHANGELIST), {"action": "approve", "_selected_action": ids, "apply": "1", "reason": ""}, follow=True
        )
    )
    assert _messages(page) == ["2 registrations: approved."]
    assert set(_statuses(forum).values()) == {"approved"}
    page = soup(client.post(reverse(CHANGELIST), {"action": "reject", "_selected_action": ids}))
    assert text(page.select_one("#places-left")) == "Places left at “Week against Torture”: 0 of 2."


def test_a_forum_without_a_limit_shows_no_places_and_approves_any_number(reviewer):
    client, _user = reviewer
    event = make_event()
    make_accreditation(event)
    ids = [make_registration(event).pk for _ in range(3)]
    page = soup(client.post(reverse(CHANGELIST), {"action": "approve", "_selected_action": ids}))
    assert page.select_one("#places-left") is None
    client.post(reverse(CHANGELIST), {"action": "approve", "_selected_action": ids, "apply": "1", "reason": ""})
    assert set(_statuses(event).values()) == {"approved"}


# Two reviewers approve the last place at the same moment. Each works in its
# own thread with its own database connection. The test holds a write lock
# both approvals need until both have started: without the accreditation's
# lock, both would count one place left and both would be approved.


def _waiting_writers():
    """How many other connections wait for a lock: on PostgreSQL as it
    reports them, on SQLite in this process's queue of writers."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # else one snapshot per transaction
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            return cursor.fetchone()[0]
    return len(writer_turn(connection.settings_dict["NAME"]).queue._waiters)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_approving_the_last_place_at_once_approve_exactly_one():
    event = make_event(title_en="Week against Torture")
    make_accreditation(event, capacity=2)
    make_registration(event, status="approved")
    contenders = [make_registration(event, name=f"Contender {n}") for n in (1, 2)]
    reviewers = [User.objects.create_user(f"reviewer{n}", password="x" * 20) for n in (1, 2)]
    outcomes = {}
    started = threading.Barrier(3)

    def approve(n):
        try:
            started.wait(10)
            services.registration_approve(registration=contenders[n], by=reviewers[n])
            outcomes[n] = "approved"
        except services.PlacesFull as full:
            outcomes[n] = f"refused, {full.left} left"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(n,)) for n in (0, 1)]
    with transaction.atomic():
        # A write both approvals need, held: on SQLite the whole database
        # (its writers take turns), on PostgreSQL the table of review entries.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("LOCK TABLE registrations_reviewentry IN SHARE MODE")
        else:
            User.objects.create_user("holder", password="x" * 20)
        for thread in threads:
            thread.start()
        started.wait(10)
        deadline = time.monotonic() + 10
        while _waiting_writers() < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert _waiting_writers() == 2
    for thread in threads:
        thread.join(20)
    assert sorted(outcomes.values()) == ["approved", "refused, 0 left"]
    assert MediaRegistration.objects.filter(event=event, status="approved").count() == 2
    assert OutgoingMail.objects.filter(registration__in=contenders, kind="approved").count() == 1
