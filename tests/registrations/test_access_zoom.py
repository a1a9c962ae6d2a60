"""Zoom's registrants API through the production client, against a local
server that speaks Zoom's documented endpoints (tests/zoomserver.py). No real
sleeping: the client's pauses go to a list, its clock is moved by hand."""

import logging
import socket

import pytest
from django.utils import translation

from registrations.access.zoom import ZoomClient, ZoomError, alias_address, forget_tokens, split_name
from tests.zoomserver import FakeZoom

MEETING = "84512345678"
ACCOUNT, CLIENT, SECRET = "acc-Xq7Pl2", "clientid-9ZkR", "s3cret-client-Wm4v"


@pytest.fixture(autouse=True)
def _no_token_kept():
    """Each test's Zoom starts without a token of an earlier one (ports are reused)."""
    forget_tokens()
    yield
    forget_tokens()


@pytest.fixture
def zoom(settings):
    server = FakeZoom(account_id=ACCOUNT, client_id=CLIENT, client_secret=SECRET, meetings=[MEETING])
    server.start()
    settings.ZOOM_ACCOUNT_ID, settings.ZOOM_CLIENT_ID, settings.ZOOM_CLIENT_SECRET = ACCOUNT, CLIENT, SECRET
    settings.ZOOM_API_URL = f"{server.url}/v2"
    settings.ZOOM_OAUTH_URL = f"{server.url}/oauth/token"
    settings.ZOOM_ALIAS_DOMAIN = "press.forum.example.org"
    yield server
    server.stop()


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def pauses():
    return []


@pytest.fixture
def client(zoom, pauses):
    return ZoomClient.from_settings(sleep=pauses.append, clock=Clock())


def _api_calls(zoom):
    return [(method, path) for method, path, _query in zoom.requests if path.startswith("/v2/")]


def test_registers_lists_in_pages_and_cancels_through_zoom(zoom, client, pauses):
    zoom.page_cap = 2  # Zoom may give fewer than asked: the client follows next_page_token
    added = [
        client.add_registrant(MEETING, email=alias_address(key), first_name="Алеся", last_name=f"Reporter {key}")
        for key in ("k1", "k2", "k3")
    ]
    on_zoom = zoom.registrants(MEETING)
    assert [a["registrant_id"] for a in added] == [r["id"] for r in on_zoom]
    assert [a["join_url"] for a in added] == [r["join_url"] for r in on_zoom]
    assert {r["email"] for r in on_zoom} == {alias_address(k) for k in ("k1", "k2", "k3")}
    assert on_zoom[0]["first_name"] == "Алеся"

    listed = client.list_registrants(MEETING)
    assert [r["id"] for r in listed] == [a["registrant_id"] for a in added]
    pages = [query for method, path, query in zoom.requests if method == "GET"]
    assert [q.get("next_page_token") for q in pages] == [None, ["2"]]
    assert all(q["status"] == ["approved"] and q["page_size"] == ["300"] for q in pages)

    client.cancel_registrant(MEETING, added[1]["registrant_id"])
    assert [r["status"] for r in zoom.registrants(MEETING)] == ["approved", "cancelled", "approved"]
    assert [r["id"] for r in client.list_registrants(MEETING)] == [added[0]["registrant_id"], added[2]["registrant_id"]]
    assert [r["id"] for r in client.list_registrants(MEETING, status="cancelled")] == [added[1]["registrant_id"]]
    # One token for all of it, no pause.
    assert zoom.tokens_issued == 1
    assert pauses == []


def test_the_same_alias_registered_twice_is_one_registrant(zoom, client):
    first = client.add_registrant(MEETING, email=alias_address("k"), first_name="A", last_name="B")
    again = client.add_registrant(MEETING, email=alias_address("k"), first_name="A", last_name="B")
    assert first == again
    assert len(zoom.registrants(MEETING)) == 1


def test_a_meeting_id_as_people_copy_it_from_zoom_is_taken(zoom, client):
    client.add_registrant("845 1234 5678", email="a@press.forum.example.org", first_name="A", last_name="")
    assert len(zoom.registrants(MEETING)) == 1


@pytest.mark.parametrize("meeting", ["", "84512345678/../users", "abc", "12"])
def test_what_is_not_a_meeting_id_is_refused_before_any_call(zoom, client, meeting):
    with pytest.raises(ZoomError) as refused:
        client.list_registrants(meeting)
    assert refused.value.retryable is False
    assert zoom.requests == []


def test_the_token_is_asked_with_the_apps_credentials_and_kept_until_shortly_before_expiry(zoom, pauses):
    clock = Clock()
    client = ZoomClient.from_settings(sleep=pauses.append, clock=clock)
    client.list_registrants(MEETING)
    token_request = [query for method, path, query in zoom.requests if path == "/oauth/token"]
    assert token_request == [{"grant_type": ["account_credentials"], "account_id": [ACCOUNT]}]
    clock.now += 3600 - 301
    client.list_registrants(MEETING)
    assert zoom.tokens_issued == 1
    clock.now += 2  # within five minutes of Zoom's hour: a new one
    client.list_registrants(MEETING)
    assert zoom.tokens_issued == 2


def test_another_client_of_the_same_process_reuses_the_token(zoom, pauses):
    clock = Clock()
    ZoomClient.from_settings(sleep=pauses.append, clock=clock).list_registrants(MEETING)
    ZoomClient.from_settings(sleep=pauses.append, clock=clock).list_registrants(MEETING)
    assert zoom.tokens_issued == 1


def test_a_token_zoom_no_longer_takes_is_renewed_once(zoom, client):
    client.list_registrants(MEETING)
    zoom.tokens.clear()  # revoked at Zoom
    assert client.list_registrants(MEETING) == []
    assert zoom.tokens_issued == 2


def test_wrong_credentials_are_refused_for_good_without_naming_them(zoom, settings, pauses):
    settings.ZOOM_CLIENT_SECRET = "not-the-secret"
    with pytest.raises(ZoomError) as refused:
        ZoomClient.from_settings(sleep=pauses.append, clock=Clock()).list_registrants(MEETING)
    assert refused.value.retryable is False
    assert refused.value.status == 401
    assert refused.value.kind == "credentials"
    assert "client secret" in str(refused.value)
    assert "not-the-secret" not in str(refused.value)
    assert ACCOUNT not in str(refused.value)
    assert _api_calls(zoom) == []
    assert pauses == []


def test_missing_credentials_are_named(settings):
    settings.ZOOM_ACCOUNT_ID, settings.ZOOM_CLIENT_ID, settings.ZOOM_CLIENT_SECRET = "acc", "", ""
    with pytest.raises(ZoomError, match="set ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET") as refused:
        ZoomClient.from_settings()
    assert refused.value.retryable is False


def test_a_429_waits_as_long_as_retry_after_says_then_succeeds(zoom, client, pauses):
    path = f"/v2/meetings/{MEETING}/registrants"
    zoom.fail("POST", path, 429, headers={"Retry-After": "7"})
    added = client.add_registrant(MEETING, email="a@press.forum.example.org", first_name="A", last_name="B")
    assert pauses == [7.0]
    assert added["registrant_id"] == zoom.registrants(MEETING)[0]["id"]
    assert _api_calls(zoom) == [("POST", path), ("POST", path)]


def test_a_429_asking_for_a_long_wait_is_left_to_the_task_worker(zoom, client, pauses):
    path = f"/v2/meetings/{MEETING}/registrants"
    zoom.fail("POST", path, 429, headers={"Retry-After": "3600"})
    with pytest.raises(ZoomError) as later:
        client.add_registrant(MEETING, email="a@press.forum.example.org", first_name="A", last_name="B")
    assert later.value.retryable is True
    assert later.value.status == 429
    assert pauses == []
    assert zoom.registrants(MEETING) == []


def test_a_5xx_is_tried_again_after_growing_pauses_then_succeeds(zoom, client, pauses):
    path = f"/v2/meetings/{MEETING}/registrants/status"
    added = client.add_registrant(MEETING, email="a@press.forum.example.org", first_name="A", last_name="B")
    zoom.fail("PUT", path, 503, times=2)
    client.cancel_registrant(MEETING, added["registrant_id"])
    assert pauses == [1, 2]
    assert zoom.registrants(MEETING)[0]["status"] == "cancelled"
    assert _api_calls(zoom).count(("PUT", path)) == 3


def test_a_5xx_that_lasts_ends_in_a_retryable_error_within_bounded_time(zoom, client, pauses):
    path = f"/v2/meetings/{MEETING}/registrants"
    zoom.fail("POST", path, 500, times=None)
    with pytest.raises(ZoomError) as later:
        client.add_registrant(MEETING, email="a@press.forum.example.org", first_name="A", last_name="B")
    assert later.value.retryable is True
    assert later.value.status == 500
    assert _api_calls(zoom) == [("POST", path)] * ZoomClient.ATTEMPTS
    assert pauses == [1, 2, 4]
    assert sum(pauses) <= ZoomClient.MAX_WAIT


def test_the_token_endpoint_failing_is_retried_too(zoom, client, pauses):
    zoom.fail("POST", "/oauth/token", 502, times=1)
    assert client.list_registrants(MEETING) == []
    assert pauses == [1]


def test_zoom_out_of_reach_is_retryable(settings, pauses):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.ZOOM_ACCOUNT_ID, settings.ZOOM_CLIENT_ID, settings.ZOOM_CLIENT_SECRET = ACCOUNT, CLIENT, SECRET
    settings.ZOOM_API_URL = f"http://127.0.0.1:{port}/v2"
    settings.ZOOM_OAUTH_URL = f"http://127.0.0.1:{port}/oauth/token"
    with pytest.raises(ZoomError, match="could not be reached") as later:
        ZoomClient.from_settings(sleep=pauses.append, clock=Clock()).list_registrants(MEETING)
    assert later.value.retryable is True
    assert pauses == [1, 2, 4]


def test_a_meeting_zoom_does_not_know_is_refused_for_good_at_once(zoom, client, pauses):
    with pytest.raises(ZoomError) as refused:
        client.add_registrant("99999999999", email="a@press.forum.example.org", first_name="A", last_name="B")
    assert refused.value.retryable is False
    assert (refused.value.status, refused.value.code) == (404, 3001)
    assert "does not exist" in str(refused.value)
    assert "99999999999" in str(refused.value)
    assert pauses == []
    assert refused.value.kind == "meeting"
    assert refused.value.explanation().startswith("This meeting does not exist in the site's Zoom account")


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "Zoom could not be reached or was busy; the site tries again later."),
        ("ru", "Zoom недоступен или перегружен; сайт повторит попытку позже."),
        ("be", "Zoom недаступны або перагружаны; сайт паспрабуе яшчэ раз пазней."),
    ],
)
def test_organisers_read_what_went_wrong_in_their_language(zoom, client, lang, words):
    zoom.fail("GET", f"/v2/meetings/{MEETING}/registrants", 503, times=None)
    with pytest.raises(ZoomError) as later:
        client.list_registrants(MEETING)
    with translation.override(lang):
        assert later.value.explanation() == words


def test_the_log_holds_meeting_ids_and_status_codes_never_a_person_or_a_credential(zoom, client, caplog):
    caplog.set_level(logging.DEBUG)
    zoom.fail("POST", f"/v2/meetings/{MEETING}/registrants", 503)
    email = "olga.real@example.com"
    added = client.add_registrant(MEETING, email=email, first_name="Вольга", last_name="Сцяпанава")
    client.list_registrants(MEETING)
    client.cancel_registrant(MEETING, added["registrant_id"])
    with pytest.raises(ZoomError):
        client.add_registrant("99999999999", email=email, first_name="Вольга", last_name="Сцяпанава")
    logged = caplog.text
    assert f"meeting {MEETING}: 503" in logged
    assert f"meeting {MEETING}: 201" in logged
    assert "meeting 99999999999: 404" in logged
    for secret in (email, "olga", "Вольга", "Сцяпанава", added["join_url"], "tk=", ACCOUNT, CLIENT, SECRET):
        assert secret not in logged
    for token in zoom.tokens:
        assert token not in logged


def test_an_alias_address_is_stable_per_key_and_leads_nowhere_back(settings):
    settings.ZOOM_ALIAS_DOMAIN = "press.forum.example.org"
    key = "Zq8-registration-link-key"
    alias = alias_address(key)
    local, domain = alias.split("@")
    assert domain == "press.forum.example.org"
    assert local.startswith("r-")
    assert len(local) == 26
    assert key.lower() not in alias.lower()
    assert alias_address(key) == alias
    assert alias_address("another key") != alias
    settings.SECRET_KEY = "another site's secret key, as long as it should be at least"
    assert alias_address(key) != alias


def test_no_alias_without_the_domain(settings):
    settings.ZOOM_ALIAS_DOMAIN = ""
    with pytest.raises(ZoomError, match="ZOOM_ALIAS_DOMAIN"):
        alias_address("k")


def test_a_name_is_split_as_zoom_takes_it():
    assert split_name("  Алеся   Ivanova Smith ") == ("Алеся", "Ivanova Smith")
    assert split_name("Mononym") == ("Mononym", "")
    assert split_name("x" * 80 + " y") == ("x" * 64, "y")
