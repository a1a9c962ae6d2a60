"""A person who opts in (`OptInPerson`): the shape both features share."""

import re
import secrets
import unicodedata

from django.conf import settings
from django.db import connections, models
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plumbing import keys
from plumbing.exports import COUNT_CAP
from plumbing.sealed import SealedCharField, SealedEmailField

from ..mailbox import email_digest

_WORD = re.compile(r"\w+")
# How far each word of a search is counted to find the rarest.
SEARCH_CAP = COUNT_CAP + 1


def name_words(name):
    """The whole words of a name as the admin's search compares them:
    compatibility forms unified (NFKC), case folded, split at anything not a
    letter or digit. 'ÅSA  Bäck-Ström' gives 'åsa', 'bäck', 'ström'."""
    return sorted(set(_WORD.findall(unicodedata.normalize("NFKC", name).casefold())))[:20]


def word_digest(key_name, word, *, make=True):
    """A word's keyed digest under a forum's key, as a signed 64-bit integer
    (an index entry of 8 bytes); None when that forum's key is gone."""
    digest = keys.digest(key_name, "words", word, make=make)
    return None if digest is None else int.from_bytes(bytes.fromhex(digest[:16]), "big", signed=True)


def new_link_key():
    return secrets.token_urlsafe(16)


def remembered_event_id(memo, model, pk):
    """The forum (event id) of a row of `model` that never moves to another,
    asked of the database once per process (`memo`: that model's dict)."""
    event_id = memo.get(pk)
    if event_id is None:
        event_id = model.objects.filter(pk=pk).values_list("event_id", flat=True).get()
        if len(memo) > 10_000:
            memo.clear()
        memo[pk] = event_id
    return event_id


def new_seal_id():
    """A row's own random id, bound into each of its sealed values."""
    return secrets.token_urlsafe(12)


class OptInQuerySet(models.QuerySet):
    def confirmed(self):
        """What staff see: everything its owner confirmed by mail."""
        return self.exclude(status=OptInPerson.UNCONFIRMED)

    def name_words(self, term, *, forum_ids):
        """Rows whose name has every whole word of `term` (folded as
        `name_words` folds both), through the word digests: each word's digest
        under the key of each forum in `forum_ids` (few), then an indexed
        `IN`. The rarest word selects the rows (a capped count of each word's
        index entries says which), each other word is checked row by row (an
        indexed EXISTS). A forum whose key is gone finds nothing. (The admin
        counts what a search found without the list's order: plumbing.exports.
        UnorderedCountPaginator.)"""
        words = name_words(term)
        if not words:
            return self
        word_model = self.model.word_model
        names = [keys.forum_key_name(pk) for pk in forum_ids]
        found = []
        for word in words:
            digests = [d for d in (word_digest(name, word, make=False) for name in names) if d is not None]
            found.append(word_model.objects.filter(digest__in=digests))
        if len(found) > 1:
            found.sort(key=lambda rows: rows.values("pk")[:SEARCH_CAP].count())
        rows = self.filter(pk__in=found[0].values("person"))
        for other in found[1:]:
            rows = rows.filter(Exists(other.filter(person=OuterRef("pk"))))
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

    # Sealed under the forum's key (plumbing.sealed): a copy of the database
    # without that key holds no name and no address.
    name = SealedCharField(_("full name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 code"))
    email = SealedEmailField(_("e-mail"), max_length=254)
    # Bound into each sealed value: a value copied to another row does not open there.
    seal_id = models.CharField(max_length=16, default=new_seal_id, editable=False)
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
        update_fields = kwargs.get("update_fields")
        if self._meta.get_field("email").changed(self):
            self.email_digest = email_digest(self.email)
            if update_fields and "email" in update_fields:
                kwargs["update_fields"] = {*update_fields, "email_digest"}
        name_changed = self._meta.get_field("name").changed(self) and (not update_fields or "name" in update_fields)
        added = self._state.adding
        super().save(*args, **kwargs)
        if name_changed:
            self.name_words_store(replace=not added)

    def seal_key_name(self):
        """The key this row's personal values are sealed under: its forum's."""
        return keys.forum_key_name(self.forum_id)

    def name_words_store(self, *, replace=True):
        """Keep the word digests of the admin's search in step with the name
        (one plain INSERT: on the public sign path, bulk_create's own work
        cost more than the row's)."""
        word_model = self.word_model
        if replace:
            word_model.objects.filter(person=self).delete()
        key_name = self.seal_key_name()
        rows = [(self.pk, word_digest(key_name, word)) for word in name_words(self.name)]
        if rows:
            connection = connections[self._state.db or "default"]
            table = connection.ops.quote_name(word_model._meta.db_table)
            with connection.cursor() as cursor:
                cursor.executemany(f"INSERT INTO {table} (person_id, digest) VALUES (%s, %s)", rows)  # noqa: S608

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
