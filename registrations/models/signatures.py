"""Signatures under a Declaration."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plumbing import rows
from plumbing.sealed import SealedCharField, is_erased

from .counters import SignatureCounter
from .forums import Declaration
from .people import OptInPerson, OptInQuerySet, remembered_event_id

_declaration_events = {}


def declaration_event_id(declaration_id):
    """The forum of a Declaration (which never moves), asked once per process."""
    return remembered_event_id(_declaration_events, Declaration, declaration_id)


def initials(name):
    """'Алена Бяляцкая' -> 'А. Б.'; hyphenated parts keep their hyphen."""
    words = []
    for word in name.split():
        parts = [part[:1].upper() + "." for part in word.split("-") if part[:1].isalpha()]
        if parts:
            words.append("-".join(parts))
    return " ".join(words)


class SignatureQuerySet(OptInQuerySet):
    def counted(self):
        """Confirmed, and not hidden by staff as abuse."""
        return self.filter(status=Signature.Status.CONFIRMED, hidden_at__isnull=True)

    def listed(self, *, reviewed=True):
        """What the public list shows: counted, of people who chose to appear,
        and (where the Declaration reviews names) accepted by an organiser."""
        listed = self.counted().exclude(visibility=Signature.Visibility.HIDDEN)
        return listed.filter(name_accepted_at__isnull=False) if reviewed else listed

    def awaiting_name_review(self):
        return self.counted().exclude(visibility=Signature.Visibility.HIDDEN).filter(name_accepted_at__isnull=True)


class Signature(OptInPerson):
    """A signature is a political opinion (GDPR Art. 9): minimal data, explicit
    consent, the e-mail never shown, erasure for real."""

    feature = "declaration"
    parent_field = "declaration"
    event_path = "declaration__event"
    outbox_field = "signature"
    mail_kinds = {"confirm": "sign_confirm", "confirmed": "signed"}
    shown_publicly = True

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("Waiting for e-mail confirmation")
        CONFIRMED = "confirmed", _("Confirmed")

    class Visibility(models.TextChoices):
        FULL_NAME = "full", _("Show my full name")
        INITIALS = "initials", _("Show only my initials")
        HIDDEN = "hidden", _("Do not show my name, only count my signature")

    # No index of its own: the unique (declaration, digest) and the public list's begin with it.
    declaration = models.ForeignKey(
        Declaration,
        on_delete=models.PROTECT,
        related_name="signatures",
        verbose_name=_("declaration"),
        db_index=False,
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.UNCONFIRMED)
    organisation = SealedCharField(_("organisation or title"), max_length=200, blank=True)
    visibility = models.CharField(_("shown publicly as"), max_length=16, choices=Visibility.choices)
    created_at = models.DateTimeField(_("signed"), default=timezone.now)
    hidden_at = models.DateTimeField(_("hidden as abuse"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hidden by"),
        db_index=False,  # rows.indexed_when_set below
    )
    name_accepted_at = models.DateTimeField(_("name accepted for the list"), null=True, blank=True)
    name_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("name accepted by"),
        db_index=False,  # rows.indexed_when_set below
    )

    confirmed_status = Status.CONFIRMED

    objects = SignatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "email_digest"], name="one_signature_per_mailbox_and_declaration"
            ),
        ]
        indexes = [
            models.Index(fields=["declaration", "status", "hidden_at", "-confirmed_at"], name="signature_public_list"),
            models.Index(fields=["status", "-created_at"], name="signature_status_created"),
            models.Index(fields=["-created_at", "-id"], name="signature_created"),
            # The admin's filters, each in the list's order (newest first), so a page of
            # a million is one walk along an index; the rare ones index only their rows.
            models.Index(fields=["country", "-created_at", "-id"], name="signature_country_created"),
            models.Index(fields=["visibility", "-created_at", "-id"], name="signature_visibility_created"),
            models.Index(
                fields=["-created_at", "-id"], condition=Q(hidden_at__isnull=False), name="signature_hidden_created"
            ),
            models.Index(
                fields=["status", "-created_at", "-id"],
                condition=Q(name_accepted_at__isnull=True),
                name="signature_unreviewed_created",
            ),
            # The admin's search: a whole address without the Declaration (a name's words: SignatureWord).
            models.Index(fields=["email_digest"], name="signature_digest"),
            *rows.indexed_when_set("hidden_by", "name_accepted_by", prefix="signature"),
        ]

    def __str__(self):
        return _("Signature #%(number)s") % {"number": self.pk}

    @property
    def counted_as(self):
        counted = self.status == self.Status.CONFIRMED and self.hidden_at is None
        return "counted" if counted else None

    def counter(self, counted_as):
        return SignatureCounter, {"declaration_id": self.declaration_id}

    @property
    def event(self):
        return self.declaration.event

    @staticmethod
    def forum_of(declaration):
        """The forum (event) id of a Declaration, a signature's parent."""
        return declaration.event_id

    @property
    def forum_id(self):
        if "declaration" in self._state.fields_cache:
            return self.declaration.event_id
        return declaration_event_id(self.declaration_id)

    @property
    def public_name(self):
        if is_erased(self.name):
            return ""  # its forum's key is gone: no name, not even initials
        if self.visibility == self.Visibility.FULL_NAME:
            return self.name
        if self.visibility == self.Visibility.INITIALS:
            return initials(self.name)
        return ""


class SignatureWord(models.Model):
    """A whole word of a signatory's name, as its keyed digest under the
    forum's key (people.word_digest): what the admin's search by name finds
    rows by. Dies with the row, and with the forum's key."""

    person = models.ForeignKey(Signature, on_delete=models.CASCADE, related_name="+")
    digest = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["digest", "person"], name="signature_word_digest")]

    def __str__(self):
        return str(self.pk)


Signature.word_model = SignatureWord
