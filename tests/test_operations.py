"""Operating the site: staff enrolment, shared rate limits, log format."""

import io
import json
import logging
import os
import socket

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from plumbing.logs import JsonFormatter

pytestmark = pytest.mark.django_db


def test_enrol_totp_gives_a_staff_user_a_device_once():
    user = User.objects.create_user("reviewer", password="x" * 20, is_staff=True)
    out = io.StringIO()
    call_command("enrol_totp", "reviewer", stdout=out)
    (device,) = TOTPDevice.objects.filter(user=user)
    assert device.confirmed
    assert out.getvalue().splitlines()[-1] == device.config_url
    assert device.config_url.startswith("otpauth://totp/")
    with pytest.raises(CommandError, match="already has a TOTP device"):
        call_command("enrol_totp", "reviewer", stdout=io.StringIO())
    call_command("enrol_totp", "reviewer", "--replace", stdout=io.StringIO())
    assert TOTPDevice.objects.filter(user=user).count() == 1
    assert TOTPDevice.objects.get(user=user).key != device.key


def test_enrol_totp_refuses_non_staff():
    User.objects.create_user("visitor", password="x" * 20)
    with pytest.raises(CommandError, match="not staff"):
        call_command("enrol_totp", "visitor", stdout=io.StringIO())


def _redis_up():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def test_rate_limits_are_shared_through_redis(settings):
    if not _redis_up():
        if os.environ.get("REQUIRE_REDIS"):
            pytest.fail("Redis is required here (127.0.0.1:6379)")
        pytest.skip("no Redis on 127.0.0.1:6379")
    import redis

    from plumbing.ratelimit import hit

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/15"}
    }
    redis.Redis(db=15).flushdb()
    try:
        results = [hit("test", "192.0.2.1", limit=3, window=60) for _ in range(4)]
        assert results == [True, True, True, False]
        # Another process (another worker or host) reads the same count.
        keys = redis.Redis(db=15).keys("*rl:test:*")
        assert len(keys) == 1
        assert int(redis.Redis(db=15).get(keys[0])) == 4
        assert b"192.0.2.1" not in keys[0]  # the address itself is not stored
    finally:
        redis.Redis(db=15).flushdb()


def test_a_redis_that_is_down_turns_nobody_away_and_says_so_once(settings, caplog):
    # Two hosts share one Redis: when it is down, signing goes on (unlimited), as with a missing file.
    from plumbing import ratelimit

    working = settings.CACHES
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    try:
        ratelimit._unavailable_logged[0] = float("-inf")
        results = [ratelimit.hit("test", "192.0.2.9", limit=1, window=60) for _ in range(3)]
        assert results == [True, True, True]
        lines = [r for r in caplog.records if r.name == "plumbing.ratelimit"]
        assert [r.getMessage() for r in lines] == ["rate limit store unavailable (the cache of CACHE_URL)"]
        assert "192.0.2.9" not in caplog.text
    finally:
        # The suite's own cache again before the fixtures that clear it after each test.
        settings.CACHES = working


def test_log_lines_are_one_json_object_each():
    record = logging.LogRecord("registrations.services", logging.INFO, __file__, 1, "mail %s sent", (7,), None)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert (entry["level"], entry["logger"], entry["message"]) == ("INFO", "registrations.services", "mail 7 sent")


def test_an_ipv6_client_is_counted_by_its_64_network(rf, settings):
    from plumbing.net import client_address

    settings.BEHIND_PROXY = False
    one = rf.get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    other = rf.get("/", REMOTE_ADDR="2001:db8:1:2:bbbb::99")
    elsewhere = rf.get("/", REMOTE_ADDR="2001:db8:1:3::1")
    assert client_address(one) == client_address(other) == "2001:db8:1:2::/64"
    assert client_address(elsewhere) == "2001:db8:1:3::/64"
    assert client_address(rf.get("/", REMOTE_ADDR="203.0.113.7")) == "203.0.113.7"
    assert client_address(rf.get("/", REMOTE_ADDR="::ffff:203.0.113.7")) == "203.0.113.7"
