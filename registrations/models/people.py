"""A person who opts in (`OptInPerson`): the shape both features share."""

import secrets
import sys
import unicodedata

from django.conf import settings
from django.db import connections, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..mailbox import email_digest


def name_search_key(name):
    """A name as the admin's prefix search compares it: compatibility forms
    unified (NFKC), case folded, spaces collapsed. 'ÅSA  Bäck' and 'åsa bäck'
    give the same key."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())[:200]


def new_link_key():
    return secrets.token_urlsafe(16)


class OptInQuerySet(models.QuerySet):
    def confirmed(self):
        """What staff see: everything its owner confirmed by mail."""
        return self.exclude(status=OptInPerson.UNCONFIRMED)

    def name_starts(self, term):
        """Rows whose name starts with `term` (compared as `name_search_key`
        folds both), through the name_search index: PostgreSQL uses it for
        `LIKE 'prefix%'` (its pattern operator class), SQLite only for a
        range, which in its binary order is exactly the prefix."""
        key = name_search_key(term)
        if not key:
            return self
        rows = self.filter(name_search__startswith=key)
        if connections[self.db].vendor == "sqlite" and ord(key[-1]) < sys.maxunicode:
            rows = rows.filter(name_search__gte=key, name_search__lt=key[:-1] + chr(ord(key[-1]) + 1))
        return rows


class OptInPerson(models.Model):
    """A person who opts in by a form and a confirmation link. Each concrete
    model says how it differs through the class attributes below, which the
    shared flow (services/people.py), the views and the admin read instead of
    asking which one it is. What belongs to one feature names it: the mail of
    accreditation's own kinds (invitations to approved journalists, the
    organisers' note, registrations/mail.py) and the retention purge, which
    erases both features of a forum (services/retention.py)."""

    UNCONFIRMED = "unconfirmed"

    # Set by each concrete model:
    feature = ""  # URL names `registrations:<feature>_<step>`, templates `registrations/<feature>/…`
    parent_field = ""  # the event or Declaration it belongs to
    event_path = ""  # the lookup from a row to its event
    outbox_field = ""  # its foreign key on OutgoingMail
    confirmed_status = ""
    mail_kinds = {}  # {"confirm": …, "confirmed": …}: stored OutgoingMail kinds
    shown_publicly = False  # whether a correction changes a public page
    counted_when_withdrawn = None  # the stored count a withdrawal moves it to (registrations.counts)

    name = models.CharField(_("full name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 code"))
    email = models.EmailField(_("e-mail"), max_length=254)
    # The name folded for the admin's prefix search (`name_search_key`), so
    # that search is an indexed `LIKE 'prefix%'`, not a scan of every row.
    name_search = models.CharField(max_length=200, editable=False, default="")
    # A keyed digest of the mailbox (registrations.mailbox): compared and
    # indexed instead of the address, so no index holds an address.
    email_digest = models.CharField(max_length=64, editable=False)
    mail_language = models.CharField(_("language for e-mail"), max_length=8, choices=settings.LANGUAGES)
    consent_at = models.DateTimeField(_("consent given"))
    # The latest submission: an unconfirmed row's link expires counted from it.
    submitted_at = models.DateTimeField(_("last submitted"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # Part of every private link: a new key makes old links useless.
    link_key = models.CharField(max_length=32, default=new_link_key, editable=False)
    # Counts the submissions of an unconfirmed row: the confirm button carries
    # the version it shows, so a click confirms only what the person saw.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = OptInQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.email_digest = email_digest(self.email)
        self.name_search = name_search_key(self.name)
        if kwargs.get("update_fields") and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_search"}
        super().save(*args, **kwargs)

    @property
    def parent(self):
        return getattr(self, self.parent_field)

    @property
    def is_confirmed(self):
        return self.status != self.UNCONFIRMED

    @property
    def counted_as(self):
        """Which stored count this row is in now (registrations.counts), or None."""
        raise NotImplementedError

    def counter(self, counted_as):
        """(counter model, key) of a stored count this row can be in."""
        raise NotImplementedError

    @classmethod
    def url_name(cls, step):
        return f"registrations:{cls.feature}_{step}"

    @classmethod
    def template(cls, name):
        return f"registrations/{cls.feature}/{name}"

    @property
    def url_names(self):
        """For templates: `{% url person.url_names.withdraw %}`."""
        return {step: self.url_name(step) for step in ("confirm", "status", "withdraw")}
