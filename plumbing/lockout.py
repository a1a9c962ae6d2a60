"""Staff login lockout: per (user, address), and per address with its own, higher limit;
and per account, wherever the tries come from, a delay that grows with failures.

django-axes counts failures per entry of AXES_LOCKOUT_PARAMETERS but compares them all
with one limit, AXES_FAILURE_LIMIT. This handler gives the address alone its own limit,
AXES_ADDRESS_FAILURE_LIMIT, so that one person's typos behind a shared address (an
office, a mobile carrier) lock that person only, while an address that tries many user
names is still stopped.

Every onion reader is a different address per Tor circuit (plumbing.net), and circuits
are cheap: the lockouts above cannot stop guessing one account's password (or, after a
stolen password, its code) across many circuits. So an account's failures from every
address together make each next try of that user name wait (account_delay): a few free,
then a delay that doubles with each failure up to AXES_ACCOUNT_DELAY_MAX_SECONDS. It is
a delay, never a lockout: the owner gets in once it has passed, whoever kept guessing,
while guessing gets at most one try per delay. A try during the delay is refused before
anything is checked and does not count. The failures are axes' own rows, forgotten after
AXES_COOLOFF_HOURS.
"""

import math
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

ADDRESS_ALONE = "ip_address"


def client_str(username, ip_address, user_agent, path_info, request):
    """How axes names a client in its log lines (AXES_CLIENT_STR_CALLABLE): without
    the user name or the address, which stay in its table for the lockout only."""
    return "a client"


def account_delay(username):
    """Whole seconds before `username` may be tried again (0: now), from the failures
    of that user name at every address within the cool-off time. A made-up name waits
    like a real one, so the answer tells nothing about which names exist."""
    if not username:
        return 0
    since = timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME)
    failures = AccessAttempt.objects.filter(username=username, attempt_time__gte=since)
    found = failures.aggregate(n=Sum("failures_since_start"), last=Max("attempt_time"))
    over = (found["n"] or 0) - settings.AXES_ACCOUNT_FREE_FAILURES
    if over < 0:
        return 0
    delay = min(settings.AXES_ACCOUNT_DELAY_MAX_SECONDS, 2**over)
    waited = (timezone.now() - found["last"]).total_seconds()
    return max(0, math.ceil(delay - waited))


class StaffLockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None):
        """The failures that count, on the scale of AXES_FAILURE_LIMIT (axes compares
        this number with that limit): the most of each entry's count, the address
        alone's scaled so that it reaches the limit exactly when its own count reaches
        AXES_ADDRESS_FAILURE_LIMIT."""
        limit = get_failure_limit(request, credentials)
        address_limit = settings.AXES_ADDRESS_FAILURE_LIMIT
        failures = 0
        entries = get_lockout_parameters(request, credentials)
        for entry, attempts in zip(entries, self.get_user_attempts(request, credentials), strict=True):
            count = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            if entry == ADDRESS_ALONE:
                count = count * limit // address_limit
            failures = max(failures, count)
        return failures

    def reset_user_attempts(self, request, credentials=None):
        """A complete login (password and code) forgives that user's failures from
        that address, not other users' failures from the same address."""
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).delete()
        return count
