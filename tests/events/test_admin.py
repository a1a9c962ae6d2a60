import pytest
from django.urls import reverse

from events.models import Event, EventOrganisation, Organisation, Session, Speaker
from tests.html import soup, text

pytestmark = pytest.mark.django_db

MODELS = [Event, Session, Speaker, Organisation]


@pytest.fixture
def staff_client(admin_client):
    return admin_client


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_changelist_renders_with_search_and_filters(staff_client, demo_event, model):
    url = reverse(f"admin:events_{model._meta.model_name}_changelist")
    response = staff_client.get(url)
    assert response.status_code == 200
    assert model.objects.count() > 0
    assert text(soup(response).select_one(".paginator")).startswith(f"{model.objects.count()} ")
    assert staff_client.get(url, {"q": "Belarus"}).status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_change_and_add_forms_show_every_language(staff_client, demo_event, model):
    obj = model.objects.first()
    for url in (
        reverse(f"admin:events_{model._meta.model_name}_change", args=[obj.pk]),
        reverse(f"admin:events_{model._meta.model_name}_add"),
    ):
        page = soup(staff_client.get(url))
        name_field = "title" if model in (Event, Session) else "name"
        for lang in ("en", "ru", "be"):
            assert page.select_one(f"[name={name_field}_{lang}]") is not None, (url, lang)


def test_event_change_form_edits_sessions_inline(staff_client, demo_event):
    page = soup(staff_client.get(reverse("admin:events_event_change", args=[demo_event.pk])))
    assert page.select_one("[name=sessions-TOTAL_FORMS]")["value"] == str(demo_event.sessions.count())
    assert page.select_one("[name=sessions-0-title_be]")["value"] == demo_event.sessions.first().title_be
    assert page.select_one("[name=event_organisations-TOTAL_FORMS]")["value"] == str(
        EventOrganisation.objects.filter(event=demo_event).count()
    )


def test_admin_saves_an_event_in_three_languages(staff_client):
    response = staff_client.post(
        reverse("admin:events_event_add"),
        {
            "title_en": "Week against Torture",
            "title_ru": "Неделя против пыток",
            "title_be": "Тыдзень супраць катаванняў",
            "slug": "week-against-torture",
            "start_0": "2026-06-26",
            "start_1": "16:00",
            "end_0": "2026-06-26",
            "end_1": "18:00",
            "timezone": "Europe/Minsk",
            "status": "scheduled",
            "is_published": "on",
            "retention_days": "90",
            "sessions-TOTAL_FORMS": "0",
            "sessions-INITIAL_FORMS": "0",
            "event_organisations-TOTAL_FORMS": "0",
            "event_organisations-INITIAL_FORMS": "0",
            "channels-TOTAL_FORMS": "0",
            "channels-INITIAL_FORMS": "0",
            # The forum's accreditation and Declaration are in its form, left empty here.
            "media_accreditation-TOTAL_FORMS": "0",
            "media_accreditation-INITIAL_FORMS": "0",
            "declaration-TOTAL_FORMS": "0",
            "declaration-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, soup(response).select(".errorlist")
    event = Event.objects.get(slug="week-against-torture")
    assert (event.title_en, event.title_ru, event.title_be) == (
        "Week against Torture",
        "Неделя против пыток",
        "Тыдзень супраць катаванняў",
    )
    assert event.start.isoformat() == "2026-06-26T13:00:00+00:00"


def test_admin_rejects_an_unknown_time_zone_and_an_end_before_start(staff_client):
    response = staff_client.post(
        reverse("admin:events_event_add"),
        {
            "title_en": "X",
            "slug": "x",
            "start_0": "2026-06-26",
            "start_1": "16:00",
            "end_0": "2026-06-26",
            "end_1": "15:00",
            "timezone": "Mars/Olympus",
            "sessions-TOTAL_FORMS": "0",
            "sessions-INITIAL_FORMS": "0",
            "event_organisations-TOTAL_FORMS": "0",
            "event_organisations-INITIAL_FORMS": "0",
            "channels-TOTAL_FORMS": "0",
            "channels-INITIAL_FORMS": "0",
            # The forum's accreditation and Declaration are in its form, left empty here.
            "media_accreditation-TOTAL_FORMS": "0",
            "media_accreditation-INITIAL_FORMS": "0",
            "declaration-TOTAL_FORMS": "0",
            "declaration-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    errors = [text(e) for e in soup(response).select(".errorlist li")]
    # The time zone is a choice of known zones.
    assert "Select a valid choice. Mars/Olympus is not one of the available choices." in errors
    assert "The end must be after the start." in errors
    assert not Event.objects.filter(slug="x").exists()
