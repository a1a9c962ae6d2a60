"""The organisers' workspace: the admin under the site's name, in the staff
member's language, with the technical models kept for superusers."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from tests.conftest import verified_client
from tests.html import soup, text

pytestmark = pytest.mark.django_db

INDEX = "/admin/"
LOGIN = "/admin/login/"


def _reviewer():
    user = User.objects.create_user("reviewer", password="x" * 20, is_staff=True)
    user.groups.add(Group.objects.get(name="Reviewers"))
    return verified_client(user)


def _superuser():
    return verified_client(User.objects.create_superuser("root", password="x" * 20))


def _section_titles(page):
    return [text(caption) for caption in page.select("#content-main .module caption")]


@pytest.mark.parametrize(
    ("lang", "name", "login"),
    [
        ("en", "Forums against torture", "Log in"),
        ("ru", "Форумы против пыток", "Войти"),
        ("be", "Форумы супраць катаванняў", "Увайсці"),
    ],
)
def test_login_page_carries_the_site_name_in_the_staff_members_language(lang, name, login):
    client = Client(headers={"accept-language": lang})
    page = soup(client.get(LOGIN))
    assert text(page.select_one("#site-name")) == name
    assert page.title.get_text().strip().endswith(f"| {name}")
    assert "Django" not in page.get_text()
    assert page.select_one("#login-form input[type=submit]")["value"] == login


def test_site_name_setting_names_the_workspace(settings):
    settings.SITE_NAME = "Week against Torture"
    page = soup(Client().get(LOGIN))
    assert text(page.select_one("#site-name")) == "Week against Torture"


def test_language_switch_in_the_header_changes_the_workspace_language():
    client = _reviewer()
    page = soup(client.get(INDEX))
    form = page.select_one("#header form.workspace-languages")
    assert form["action"] == "/i18n/setlang/"
    assert [button["value"] for button in form.select("button")] == ["en", "ru", "be"]
    assert [text(button) for button in form.select("button")] == ["English", "Русский", "Беларуская"]
    response = client.post(form["action"], {"language": "be", "next": form.select_one("[name=next]")["value"]})
    assert response["Location"] == INDEX
    page = soup(client.get(INDEX))
    assert page.html["lang"] == "be"
    assert text(page.select_one("#user-tools button")) == "Выйсці"


def test_belarusian_workspace_uses_the_official_orthography():
    client = _superuser()
    client.cookies["django_language"] = "be"
    pages = [
        client.get(INDEX),
        client.get(reverse("admin:registrations_mediaregistration_changelist")),
        client.get(reverse("admin:events_event_changelist")),
        client.get(reverse("admin:events_event_add")),
    ]
    for response in pages:
        assert response.status_code == 200
        words = response.content.decode()
        # The classical spelling's marks: a soft sign before a consonant, "ня" for "не".
        for classical in ("Зьмяніць", "зьмяніць", "Дзеяньне", "дзеяньне", "Выйсьці", "Сёньня", "ня маеце", "Ачысьціць"):
            assert classical not in words, (response.request["PATH_INFO"], classical)
    changelist = soup(pages[1])
    assert text(changelist.select_one("#changelist-form .actions label")).startswith("Дзеянне:")


def test_security_section_only_for_superusers():
    superuser = soup(_superuser().get(INDEX))
    titles = _section_titles(superuser)
    assert "Security" in titles
    security = superuser.select_one("#content-main .app-security")
    models = [text(a) for a in security.select("th a")]
    assert {"Users", "Groups", "TOTP devices", "Access attempts", "Task Results"} <= set(models)
    # The technical apps have no section of their own.
    assert not {"Authentication and Authorization", "OTP_TOTP", "Axes", "Django Tasks Database"} & set(titles)
    reviewer = soup(_reviewer().get(INDEX))
    assert "Security" not in _section_titles(reviewer)
    assert reviewer.select_one("#content-main .app-security") is None


def test_workspace_has_a_favicon_that_exists(settings):
    page = soup(_superuser().get(INDEX))
    icon = page.select_one("link[rel=icon]")
    assert icon["href"].startswith("/static/img/favicon.")
    # Collected as production collects it (tests/conftest.py), so no 404 on every page load.
    assert (Path(settings.STATIC_ROOT) / icon["href"].removeprefix("/static/")).is_file()
