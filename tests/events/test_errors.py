import pytest

from tests.html import soup, text

pytestmark = pytest.mark.django_db  # every request reads the content version


@pytest.mark.parametrize(
    ("lang", "heading"), [("en", "Something went wrong"), ("ru", "Что-то пошло не так"), ("be", "Нешта пайшло не так")]
)
def test_server_error_page_is_translated(client, settings, lang, heading):
    settings.ROOT_URLCONF = "tests.error_urls"
    client.raise_request_exception = False
    response = client.get(f"/{lang}/broken/")
    assert response.status_code == 500
    page = soup(response)
    assert text(page.h1) == heading
    assert page.html["lang"] == lang
