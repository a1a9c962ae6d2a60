"""Every admin changelist and public page costs the same number of queries
whatever the number of rows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registrations import services
from registrations.models import AuditEntry, OutgoingMail
from tests.factories import (
    make_accreditation,
    make_declaration,
    make_event,
    make_organisation,
    make_registration,
    make_session,
    make_signature,
    make_speaker,
)

pytestmark = pytest.mark.django_db


def _rows(kind, n, admin_user):
    for _ in range(n):
        event = make_event()
        if kind == "event":
            make_session(event, speakers=[make_speaker()])
        elif kind == "session":
            make_session(event, speakers=[make_speaker(), make_speaker()])
        elif kind == "speaker":
            make_speaker()
        elif kind == "organisation":
            make_organisation(event)
        elif kind == "mediaaccreditation":
            make_accreditation(event)
        elif kind == "declaration":
            make_declaration(event)
        elif kind == "mediaregistration":
            make_registration(event, decided_by=admin_user)
        elif kind == "signature":
            make_signature(make_declaration(event), hidden_by=admin_user, hidden_at=timezone.now())
        elif kind == "outgoingmail":
            services.mail_enqueue(recipient=make_registration(event), kind=OutgoingMail.Kind.CONFIRM)
        elif kind == "auditentry":
            AuditEntry.objects.create(user=admin_user, action="view", model="x", event=event)


CHANGELISTS = [
    ("events", "event"),
    ("events", "session"),
    ("events", "speaker"),
    ("events", "organisation"),
    ("registrations", "mediaaccreditation"),
    ("registrations", "declaration"),
    ("registrations", "mediaregistration"),
    ("registrations", "signature"),
    ("registrations", "outgoingmail"),
    ("registrations", "auditentry"),
]


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(("app", "model"), CHANGELISTS, ids=[m for _a, m in CHANGELISTS])
def test_admin_changelist_query_count_is_constant(admin_client, admin_user, app, model):
    url = reverse(f"admin:{app}_{model}_changelist")
    _rows(model, 1, admin_user)
    one = _queries(admin_client, url)
    _rows(model, 30, admin_user)
    assert _queries(admin_client, url) == one


PUBLIC = [
    "/en/",
    "/en/events/{slug}/",
    "/en/events/{slug}/declaration/",
    "/en/events/{slug}/calendar.ics",
    "/sitemap.xml",
]


@pytest.mark.parametrize("path", PUBLIC)
def test_public_page_query_count_is_constant(client, path):
    event = make_event(slug="counted", start=timezone.now() + timedelta(days=2))
    make_accreditation(event)
    declaration = make_declaration(event)

    def grow(n):
        speaker = make_speaker()
        for i in range(n):
            make_session(event, start=event.start + timedelta(minutes=i), speakers=[speaker])
            make_organisation(event)
            make_signature(declaration)
            make_event()

    grow(1)
    one = _queries(client, path.format(slug="counted"))
    grow(30)
    assert _queries(client, path.format(slug="counted")) == one
