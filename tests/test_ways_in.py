"""The other ways in, where the site is blocked: the onion address
(Onion-Location, the onion host name) and the mirrors, in every page's
footer and in every mail; the language switcher as plain links."""

import re

import pytest

from tests.factories import make_declaration, make_event
from tests.html import soup, text
from tests.mailserver import subject

pytestmark = pytest.mark.django_db

ONION = "http://" + ("belarusforum" * 5)[:56] + ".onion"
MIRROR = "https://mirror.example.net/m/"


@pytest.fixture
def ways_in(settings):
    settings.ONION_URL = ONION
    settings.MIRROR_URLS = [MIRROR, "https://copy.example.com/"]
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ONION.split("//")[1]]


def test_onion_location_names_the_same_page_on_the_onion(client, ways_in):
    event = make_event()
    first = client.get(f"/be/events/{event.slug}/")
    repeat = client.get(f"/be/events/{event.slug}/")  # answered by the page cache
    assert first["Onion-Location"] == f"{ONION}/be/events/{event.slug}/"
    assert repeat["Onion-Location"] == f"{ONION}/be/events/{event.slug}/"
    assert client.get("/en/privacy/")["Onion-Location"] == f"{ONION}/en/privacy/"


def test_onion_location_is_absent_without_an_onion_address(client, settings):
    settings.ONION_URL = ""
    event = make_event()
    assert "Onion-Location" not in client.get(f"/en/events/{event.slug}/")
    assert "Onion-Location" not in client.get("/en/")


def test_onion_host_is_answered_without_a_redirect_and_without_onion_location(client, ways_in, settings):
    """nginx's onion server block says the connection is secure (Tor encrypts
    it end to end), so the HTTPS redirect does not apply there."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    host = ONION.split("//")[1]
    response = client.get("/en/", HTTP_HOST=host, HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert "Onion-Location" not in response
    assert text(soup(response).select_one(".ways-in")).startswith("If this site is blocked")


def test_onion_url_setting_allows_its_host_and_forms(monkeypatch):
    import subprocess
    import sys

    code = (
        "from django.conf import settings; import django; django.setup();"
        "print(settings.ALLOWED_HOSTS[-1]); print(settings.CSRF_TRUSTED_ORIGINS)"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "forum_site.settings",
        "SECRET_KEY": "x",
        "SITE_URL": "https://forum.example.org",
        "EMAIL_URL": "smtp://127.0.0.1:25",
        "ALLOWED_HOSTS": "forum.example.org",
        "ONION_URL": ONION,
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    host, origins = result.stdout.splitlines()
    assert host == ONION.split("//")[1]
    assert origins == str([ONION, ONION.replace("http://", "https://")])


def test_onion_url_setting_refuses_a_wrong_address():
    import subprocess
    import sys

    env = {
        "DJANGO_SETTINGS_MODULE": "forum_site.settings",
        "SECRET_KEY": "x",
        "SITE_URL": "https://forum.example.org",
        "EMAIL_URL": "smtp://127.0.0.1:25",
        "ONION_URL": "http://example.onion/forum",
        "PATH": "/usr/bin:/bin",
    }
    code = "import django; django.setup()"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "ONION_URL is http://<56 characters>.onion, without a path." in result.stderr


@pytest.mark.parametrize(
    ("lang", "title", "onion_label"),
    [
        ("en", "If this site is blocked", "Onion address (open it in Tor Browser):"),
        ("ru", "Если сайт заблокирован", "Onion-адрес (откройте его в Tor Browser):"),
        ("be", "Калі сайт заблакаваны", "Onion-адрас (адкрыйце яго ў Tor Browser):"),
    ],
)
def test_footer_lists_the_other_ways_in(client, ways_in, lang, title, onion_label):
    event = make_event()
    for path in (f"/{lang}/", f"/{lang}/events/{event.slug}/", f"/{lang}/events/{event.slug}/media/"):
        section = soup(client.get(path)).select_one("footer .ways-in")
        assert text(section.h2) == title
        assert [a["href"] for a in section.select("a")] == [f"{ONION}/", MIRROR, "https://copy.example.com/"]
        assert text(section.li).startswith(onion_label)


def test_footer_has_no_ways_in_section_without_addresses(client, settings):
    settings.ONION_URL = ""
    settings.MIRROR_URLS = []
    assert soup(client.get("/en/")).select_one(".ways-in") is None


def test_mails_list_the_other_ways_in(client, ways_in, mail_server):
    event = make_event()
    make_declaration(event)
    form = {
        "name": "Алена",
        "country": "BY",
        "email": "alena@example.org",
        "visibility": "full",
        "mail_language": "be",
        "consent": "on",
    }
    client.post(f"/be/events/{event.slug}/declaration/sign/", form)
    (message,) = mail_server.to("alena@example.org")
    assert subject(message).startswith("Пацвердзіце подпіс")
    plain = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "Калі сайт заблакаваны:\n" in plain
    assert f"Onion-адрас (адкрыйце яго ў Tor Browser): {ONION}/\n" in plain
    assert f"Копіі публічных старонак (люстэркі): {MIRROR}, https://copy.example.com/\n" in plain
    page = soup_of(message.get_body(("html",)).get_content())
    assert [a["href"] for a in page.select("a")][-3:] == [f"{ONION}/", MIRROR, "https://copy.example.com/"]
    # Links in the mail point to the primary address; the onion is given beside them,
    # the private link too (where the site is blocked, only the onion reaches it).
    confirm = re.search(r"^(http://testserver/be/declaration/confirm/\?t=\S+)\n(.*)$", plain, re.M)
    assert confirm[2] == "У Tor Browser: " + confirm[1].replace("http://testserver", ONION)
    assert [a["href"] for a in page.select("a")][:2] == [confirm[1], confirm[1].replace("http://testserver", ONION)]


def test_mails_carry_no_onion_links_without_an_onion_address(client, settings, mail_server):
    settings.ONION_URL = ""
    settings.MIRROR_URLS = []
    event = make_event()
    make_declaration(event)
    form = {"name": "A", "country": "BY", "email": "a@example.org", "visibility": "full", "consent": "on"}
    client.post(f"/en/events/{event.slug}/declaration/sign/", {**form, "mail_language": "en"})
    (message,) = mail_server.to("a@example.org")
    plain = message.get_body(("plain",)).get_content()
    assert "Tor Browser" not in plain
    assert "If this site is blocked" not in plain


def soup_of(html):
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser")


@pytest.mark.parametrize("lang", ["en", "ru", "be"])
def test_privacy_notice_says_mirrors_hold_no_personal_data(client, lang):
    expected = {
        "en": "They hold only public pages: never a registration, a signature, an e-mail address or a "
        "signatory's name.",
        "ru": "На них только публичные страницы: никогда — регистрации, подписи, адреса электронной почты "
        "или имена подписавших.",
        "be": "На іх толькі публічныя старонкі: ніколі — рэгістрацыі, подпісы, адрасы электроннай пошты "
        "або імёны падпісантаў.",
    }[lang]
    paragraphs = [text(p) for p in soup(client.get(f"/{lang}/privacy/")).select("main p")]
    assert any(p.endswith(expected) for p in paragraphs)


def test_language_switcher_is_plain_links_to_the_same_page(client):
    event = make_event()
    response = client.get(f"/ru/events/{event.slug}/")
    nav = soup(response).select_one("nav.language-switcher")
    links = nav.select("a")
    assert [(a["href"], a["hreflang"], text(a)) for a in links] == [
        (f"/en/events/{event.slug}/", "en", "English"),
        (f"/ru/events/{event.slug}/", "ru", "Русский"),
        (f"/be/events/{event.slug}/", "be", "Беларуская"),
    ]
    assert [a.get("aria-current") for a in links] == [None, "page", None]
    assert soup(response).select("form") == []
    assert not response.cookies
    # Following a link needs no cookie: the address carries the language.
    assert text(soup(client.get(links[2]["href"])).select_one("nav.language-switcher [aria-current]")) == "Беларуская"
