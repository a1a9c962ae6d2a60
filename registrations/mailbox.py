"""One mailbox, one person: however an address is spelled, it comes down to
one normalised form, and only a keyed digest of that form is stored for
comparing and searching (no index holds a plaintext address).

The key is `EMAIL_DIGEST_KEY` when the operator sets one; otherwise the key
store's site key "mailbox" (plumbing.keys), made on first use and never in the
database, so a dump alone cannot test a list of addresses against the digests.
(Sites that stored it in the database before have it moved there by migration
0022_digest_key_to_key_store.) It is not SECRET_KEY, which operators rotate: a
new key would make every stored digest unmatchable."""

import contextlib
import hashlib
import hmac
import unicodedata

from django.conf import settings

from plumbing import keys


def has_invisible_characters(value, *, allow=""):
    """Control and format characters (bidirectional overrides, zero-width
    spaces, …) that can hide or reorder what a reader sees."""
    if value.isprintable():  # no control, format or separator character but the space: the usual case, in C
        return False
    return any(unicodedata.category(ch) in ("Cc", "Cf") and ch not in allow for ch in value)


# Providers known to deliver `name+tag@` to the mailbox `name@` (sub-addressing),
# and where dots in the name do not matter: the one list the folding reads. At any
# other domain `+` is an ordinary character: `bob+mallory@` is not `bob@`.
# A change here changes digests: run `manage.py email_digests_recompute` after it.
SUBADDRESSING = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "icloud.com",
        "me.com",
        "fastmail.com",
        "proton.me",
        "protonmail.com",
        "pm.me",
        "yandex.ru",
        "yandex.com",
        "ya.ru",
    }
)
_DOTLESS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def normalise_email(value):
    """The mailbox an address names: Unicode-normalised, without invisible
    characters or a quoted local part's quotes, the domain in IDNA (ASCII)
    form, all case-folded; at providers that deliver sub-addresses to one
    mailbox (SUBADDRESSING) without the `+tag`, and at Gmail without dots.
    `ALICE@Exämple.org` and `"alice"@xn--exmple-cua.org` are one mailbox, so
    are `Ales.B+news@gmail.com` and `alesb@googlemail.com`; `bob+x@example.org`
    and `bob@example.org` are two."""
    value = unicodedata.normalize("NFKC", value or "").strip()
    value = "".join(ch for ch in value if unicodedata.category(ch) not in ("Cc", "Cf"))
    local, _at, domain = value.rpartition("@")
    if len(local) >= 2 and local.startswith('"') and local.endswith('"'):
        local = local[1:-1]
    local = local.casefold()
    with contextlib.suppress(UnicodeError):
        domain = domain.casefold().encode("idna").decode("ascii")
    domain = domain.casefold()
    if domain in SUBADDRESSING:
        local = local.split("+", 1)[0]
    if domain in _DOTLESS:
        # Gmail ignores dots in the name and answers for both domains.
        local, domain = local.replace(".", ""), _DOTLESS[domain]
    return f"{local}@{domain}"


def _key():
    """The digest key: the setting, or the key store's (its raw 32 bytes, as
    the database's key was: digests made before the move still match). Read
    through the key store's cache, so a process follows a change within
    KEY_CACHE_SECONDS, and each test's own key directory."""
    if settings.EMAIL_DIGEST_KEY:
        return settings.EMAIL_DIGEST_KEY.encode()
    return keys.create(keys.MAILBOX_KEY)


def email_digest(value):
    """The keyed digest of an address's mailbox: what rows store, compare and
    index instead of the address."""
    return hmac.new(_key(), normalise_email(value).encode(), hashlib.sha256).hexdigest()
