"""The trimmed Bootstrap keeps every Bootstrap class our pages use."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.factories import make_accreditation, make_declaration, make_event, make_session, make_signature
from tests.html import soup

ROOT = Path(__file__).resolve().parent.parent
BOOTSTRAP = ROOT / "static" / "vendor" / "bootstrap"
pytestmark = pytest.mark.django_db


def _classes(css):
    return set(re.findall(r"\.(-?[_a-zA-Z][_a-zA-Z0-9-]*)", re.sub(r"url\([^)]*\)", "", css)))


def test_trimmed_bootstrap_is_small_and_keeps_every_class_the_pages_use(client):
    event = make_event(start=timezone.now() + timedelta(days=2), stream_url="https://youtu.be/abcDEF12345")
    make_session(event, is_cancelled=True)
    moved = make_session(event, start=event.start)
    moved.start += timedelta(minutes=30)
    moved.end += timedelta(minutes=30)
    moved.save()
    postponed = make_event(start=timezone.now() + timedelta(days=3), status="postponed", status_note_en="Soon.")
    cancelled = make_event(start=timezone.now() + timedelta(days=4), status="cancelled")
    make_accreditation(cancelled)
    make_accreditation(event)
    make_signature(make_declaration(event))
    pages = [
        client.get(f"/en/events/{event.slug}/"),
        client.get("/en/"),
        client.get(f"/en/events/{event.slug}/declaration/"),
        client.post(f"/en/events/{event.slug}/media/", {"name": "x"}),  # a form with errors
        client.post(f"/en/events/{event.slug}/declaration/sign/", {"name": "x"}),
        client.get(f"/en/events/{postponed.slug}/"),
        client.get(f"/en/events/{cancelled.slug}/"),
        client.get(f"/en/events/{cancelled.slug}/media/"),
        client.get("/en/privacy/"),
        client.get("/en/nowhere/"),
    ]
    used = {name for page in pages for tag in soup(page).find_all(class_=True) for name in tag["class"]}
    bootstrap = _classes((BOOTSTRAP / "bootstrap.min.css").read_text())
    trimmed = _classes((BOOTSTRAP / "bootstrap.site.min.css").read_text())
    assert (used & bootstrap) - trimmed == set()
    assert {"btn", "form-control", "is-invalid", "invalid-feedback", "form-check-input", "alert-danger"} <= trimmed
    assert (BOOTSTRAP / "bootstrap.site.min.css").stat().st_size < (BOOTSTRAP / "bootstrap.min.css").stat().st_size / 4
