"""Media accreditation and Declaration signatures: the most sensitive data
the site holds. Both are one idea, a person who opts in (`OptInPerson`):
they submit a form, confirm by a link in a mail, see a private status page,
withdraw and are erased. Nothing here is shown on a public page but a
signatory's chosen name; `__str__` names no person, so admin logs and
messages hold no personal data."""

import secrets
import sys
import unicodedata

from django.conf import settings
from django.db import connections, models
from django.db.models import OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event, HttpsURLField

from .mailbox import email_digest


class DigestKey(models.Model):
    """The key of the address digests when EMAIL_DIGEST_KEY is not set: made
    once, at the first migration, and never changed."""

    key = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("address digest key")
        verbose_name_plural = _("address digest keys")

    def __str__(self):
        return str(self.pk)


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
    model says how it differs through the class attributes below, so the
    services, the mail, the views and the admin never ask which one it is."""

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


class MediaAccreditation(models.Model):
    """Per event: when journalists can register, and the private access that
    approved journalists receive by mail (never on a public page)."""

    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, related_name="media_accreditation", verbose_name=_("event")
    )
    is_open = models.BooleanField(
        _("registration open"), default=True, help_text=_("Untick to close registration at once.")
    )
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True, help_text=_("Empty: open now."))
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True, help_text=_("Empty: when the event ends."))
    zoom_url = HttpsURLField(
        _("Zoom link"), max_length=500, blank=True, help_text=_("Sent only to approved journalists.")
    )
    erased_count = models.PositiveIntegerField(_("registrations erased after the event"), default=0, editable=False)
    # Grows with each change of the access (the Zoom link, the note): part of
    # the invitation's SEQUENCE, with the event's own.
    access_revision = models.PositiveIntegerField(_("access revision"), default=0, editable=False)
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        help_text=_("How many journalists can be approved. Empty: no limit."),
    )
    access_note = models.TextField(
        _("access note"),
        blank=True,
        max_length=2000,
        help_text=_("Meeting ID, passcode, interpretation channels… Sent only to approved journalists."),
    )

    class Meta:
        verbose_name = _("media accreditation")
        verbose_name_plural = _("media accreditations")
        ordering = ["-event__start"]

    def __str__(self):
        return str(self.event)

    ACCESS_FIELDS = ("zoom_url", *(f"access_note_{code}" for code, _name in settings.LANGUAGES))

    def save(self, *args, **kwargs):
        """A changed access makes a new revision of the invitation."""
        if self.pk is not None:
            old = type(self).objects.filter(pk=self.pk).values(*self.ACCESS_FIELDS, "access_revision").first()
            if old is not None and any(old[name] != getattr(self, name) for name in self.ACCESS_FIELDS):
                self.access_revision = old["access_revision"] + 1
                if kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = {*kwargs["update_fields"], "access_revision"}
        super().save(*args, **kwargs)

    @property
    def invitation_sequence(self):
        """The SEQUENCE of approved journalists' invitation: it grows when the
        forum's time or title changes, when it is cancelled, and when the access changes."""
        return self.event.sequence + self.access_revision

    def accepts_registrations(self, now=None):
        """Open, after `opens_at`, and before `closes_at` (when organisers set
        none, before the event ends)."""
        now = now or timezone.now()
        if not self.is_open or (self.opens_at and now < self.opens_at):
            return False
        return now < (self.closes_at or self.event.end)


def accreditation_of(event):
    """The event's media accreditation, or None; it comes back knowing its
    event, so asking whether it is open costs no second query."""
    try:
        return event.media_accreditation
    except MediaAccreditation.DoesNotExist:
        return None


class MediaRegistration(OptInPerson):
    feature = "media"
    parent_field = event_path = "event"
    outbox_field = "registration"
    mail_kinds = {"confirm": "confirm", "confirmed": "confirmed"}

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("Waiting for e-mail confirmation")
        PENDING = "pending", _("Confirmed, waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not approved")
        WAITLISTED = "waitlisted", _("On the waiting list")

    class Role(models.TextChoices):
        JOURNALIST = "journalist", _("Journalist")
        PHOTOGRAPHER = "photographer", _("Photographer")
        CAMERA = "camera", _("Camera operator")
        EDITOR = "editor", _("Editor")
        BLOGGER = "blogger", _("Blogger")
        OTHER = "other", _("Other")

    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="media_registrations", verbose_name=_("event")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.UNCONFIRMED)
    outlet = models.CharField(_("media outlet"), max_length=200)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    work_url = HttpsURLField(_("published work or press card"), max_length=500)
    # Codes from settings.LANGUAGES: the languages of the forum and its interpretation.
    languages = models.JSONField(_("languages followed"), default=list, blank=True)
    interview_request = models.TextField(_("interview request"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_reason = models.TextField(_("reason given to the registrant"), max_length=1000, blank=True)
    # The SEQUENCE of the last invitation sent to this journalist: approved
    # journalists below the accreditation's current one hold an older one.
    invitation_sequence = models.PositiveIntegerField(_("invitation revision sent"), default=0, editable=False)

    confirmed_status = Status.PENDING
    counted_when_withdrawn = "withdrawn"  # MediaCounter.WITHDRAWN

    class Meta:
        verbose_name = _("media registration")
        verbose_name_plural = _("media registrations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email_digest"], name="one_media_registration_per_mailbox_and_event"
            ),
        ]
        # For the admin's filters, its date hierarchy and its default order, at 100,000 rows.
        indexes = [
            models.Index(fields=["status", "-created_at"], name="media_reg_status_created"),
            models.Index(fields=["event", "status"], name="media_reg_event_status"),
            models.Index(fields=["-created_at", "-id"], name="media_reg_created"),
            models.Index(fields=["country"], name="media_reg_country"),
            models.Index(fields=["role"], name="media_reg_role"),
            # The admin's search: a whole address without the event, a name's start.
            models.Index(fields=["email_digest"], name="media_reg_digest"),
            models.Index(fields=["name_search"], name="media_reg_name_search", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return _("Media registration #%(number)s") % {"number": self.pk}

    @property
    def counted_as(self):
        return self.status if self.is_confirmed else None

    def counter(self, counted_as):
        return MediaCounter, {"event_id": self.event_id, "status": counted_as}


class ReviewEntry(models.Model):
    """A registration's history as reviewers see it on its page: each decision
    (who, when, what, the reason given) and each internal note. Notes are never
    shown or mailed to the registrant; all of it is erased with the record."""

    registration = models.ForeignKey(
        MediaRegistration, on_delete=models.CASCADE, related_name="review_entries", verbose_name=_("registration")
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("account")
    )
    # Kept when the account is deleted: the history still says who acted.
    username = models.CharField(_("who"), max_length=150, blank=True)
    # Empty for an internal note.
    decision = models.CharField(_("decision"), max_length=16, choices=MediaRegistration.Status.choices, blank=True)
    text = models.TextField(_("reason or note"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("review entry")
        verbose_name_plural = _("history")
        ordering = ["at", "pk"]

    def __str__(self):
        return _("Review entry #%(number)s") % {"number": self.pk}

    @property
    def is_note(self):
        return not self.decision


class DeclarationQuerySet(models.QuerySet):
    def with_count(self):
        """Each Declaration with `signature_count`, read from its stored
        counter (a sum over a few shard rows, never a count of signatures):
        confirmed signatures not hidden as abuse, plus those erased after the
        event. One query with the Declaration."""
        shards = (
            SignatureCounter.objects.filter(declaration=OuterRef("pk"))
            .order_by()
            .values("declaration")
            .annotate(total=Sum("value"))
            .values("total")
        )
        return self.annotate(
            signature_count=Coalesce(Subquery(shards, output_field=models.BigIntegerField()), Value(0))
        )


class Declaration(models.Model):
    """A text that participants sign, per event, in every language."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="declaration", verbose_name=_("event"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    is_open = models.BooleanField(_("open for signing"), default=True)
    review_names = models.BooleanField(
        _("review names before they are listed"),
        default=True,
        help_text=_(
            "Signatures count at once; a name or initials appear on the public list only after an organiser "
            "accepts them. Untick only for a small forum whose signatories you trust."
        ),
    )
    erased_count = models.PositiveIntegerField(_("signatures erased after the event"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = DeclarationQuerySet.as_manager()

    class Meta:
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")
        ordering = ["-event__start"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("registrations:declaration", kwargs={"slug": self.event.slug})


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

    declaration = models.ForeignKey(
        Declaration, on_delete=models.PROTECT, related_name="signatures", verbose_name=_("declaration")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.UNCONFIRMED)
    organisation = models.CharField(_("organisation or title"), max_length=200, blank=True)
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
    )
    name_accepted_at = models.DateTimeField(_("name accepted for the list"), null=True, blank=True)
    name_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("name accepted by"),
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
            # The admin's search: a whole address without the Declaration, a name's start.
            models.Index(fields=["email_digest"], name="signature_digest"),
            models.Index(fields=["name_search"], name="signature_name_search", opclasses=["varchar_pattern_ops"]),
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

    @property
    def public_name(self):
        if self.visibility == self.Visibility.FULL_NAME:
            return self.name
        if self.visibility == self.Visibility.INITIALS:
            return initials(self.name)
        return ""


class ShardedCounter(models.Model):
    """A stored count that many transactions move at once. Each change adds
    to one of SHARDS rows picked at random (an `UPDATE … SET value = value +
    n` in the changing transaction), so concurrent confirmations do not all
    wait on one row's lock; a read sums the few rows of its key. Kept exact by
    `registrations.counts`; `manage.py recount` checks it against the rows."""

    SHARDS = 8

    shard = models.PositiveSmallIntegerField(_("shard"))
    value = models.BigIntegerField(_("value"), default=0)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self._meta.model_name} {self.pk}"

    @classmethod
    def random_shard(cls):
        return secrets.randbelow(cls.SHARDS)


class SignatureCounter(ShardedCounter):
    """The public count of a Declaration: confirmed signatures not hidden as
    abuse, including those erased after the event (the purge keeps it)."""

    declaration = models.ForeignKey(
        Declaration, on_delete=models.CASCADE, related_name="+", verbose_name=_("declaration")
    )

    class Meta:
        verbose_name = _("signature count")
        verbose_name_plural = _("signature counts")
        ordering = ["declaration", "shard"]
        constraints = [models.UniqueConstraint(fields=["declaration", "shard"], name="signature_counter_shard")]


class MediaCounter(ShardedCounter):
    """Media registrations of an event per status, for staff: each confirmed
    status, and `withdrawn` (those rows are deleted, so only this remembers
    them). Awaiting confirmation is not counted: it is no person yet."""

    WITHDRAWN = "withdrawn"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+", verbose_name=_("event"))
    status = models.CharField(_("status"), max_length=16)

    class Meta:
        verbose_name = _("media registration count")
        verbose_name_plural = _("media registration counts")
        ordering = ["event", "status", "shard"]
        constraints = [models.UniqueConstraint(fields=["event", "status", "shard"], name="media_counter_shard")]


class Message(models.Model):
    """What reviewers write to media registrants: a subject and a body per
    language; each person receives it in their mail language (English where
    that language was left empty), one mail each, through the outbox."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+", verbose_name=_("event"))
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"), max_length=10000)
    # A session whose change the message announces: its calendar entry goes with it.
    session = models.ForeignKey(
        "events.Session", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("session")
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("account")
    )
    username = models.CharField(_("who"), max_length=150, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return _("Message #%(number)s") % {"number": self.pk}


class OutgoingMail(models.Model):
    """The outbox: one row per mail, written in the same transaction as the
    change it reports, so no mail is lost when the mail server is down. The
    text is rendered when it is sent, from the registration; erasing the
    registration erases its mail."""

    class Kind(models.TextChoices):
        CONFIRM = "confirm", _("Please confirm")
        REMINDER = "reminder", _("Reminder of an existing registration")
        CONFIRMED = "confirmed", _("Confirmed")
        APPROVED = "approved", _("Approved, with access")
        REJECTED = "rejected", _("Not approved")
        WAITLISTED = "waitlisted", _("Waiting list")
        SIGN_CONFIRM = "sign_confirm", _("Please confirm your signature")
        SIGN_REMINDER = "sign_reminder", _("Reminder of an existing signature")
        SIGNED = "signed", _("Signature confirmed")
        MESSAGE = "message", _("Message from the organisers")
        UPDATE = "update", _("Updated invitation")
        CANCEL = "cancel", _("Cancellation")
        PLACE_FREED = "place_freed", _("A place is free (to the forum's contact address)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Being sent")
        RETRYING = "retrying", _("Failed, will retry")
        FAILED = "failed", _("Failed, needs staff")
        SENT = "sent", _("Sent")

    # At most one of these: the person the mail is for; erasing them erases it.
    # (Room for mail that is for no one person's record, such as a note to the
    # forum's own contact address.)
    registration = models.ForeignKey(
        MediaRegistration,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mails",
        verbose_name=_("registration"),
    )
    signature = models.ForeignKey(
        Signature, on_delete=models.CASCADE, null=True, blank=True, related_name="mails", verbose_name=_("signature")
    )
    # Mail for no person's record: a note to this forum's contact address,
    # whose address is read when the mail is sent.
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("event")
    )
    # The message it carries (kind "message"); its text is rendered in the person's language.
    message = models.ForeignKey(
        "Message", on_delete=models.CASCADE, null=True, blank=True, related_name="mails", verbose_name=_("message")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # The language the mail is written in, where it is not the person's own:
    # a confirmation request is written in the language of the submission that
    # asked for it, so a known address gets exactly what a new one would.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="mail_status_next")]
        constraints = [
            models.CheckConstraint(
                condition=Q(registration__isnull=True) | Q(signature__isnull=True),
                name="mail_for_at_most_one_person",
            )
        ]

    def __str__(self):
        return _("Mail #%(number)s") % {"number": self.pk}

    @property
    def recipient(self):
        return self.registration or self.signature


class MailboxSend(models.Model):
    """One mail the public forms sent a mailbox, named by the mailbox's digest
    (never the address): the last 24 hours of these are its allowance."""

    digest = models.CharField(max_length=64)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("mail to a mailbox")
        verbose_name_plural = _("mails to mailboxes")
        indexes = [models.Index(fields=["digest", "sent_at"], name="mailbox_send_digest_at")]

    def __str__(self):
        return str(self.pk)


class AuditEntry(models.Model):
    """Who looked at or exported personal data, when, and how much. It names
    rows by number only; staff can read it, nobody can edit it."""

    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        LIST = "list", _("listed")
        SEARCH = "search", _("searched")
        EXPORT = "export", _("exported")
        MESSAGE = "message", _("wrote to")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("account")
    )
    # Kept when the account is deleted: the log still says who acted.
    username = models.CharField(_("who"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    model = models.CharField(_("what"), max_length=64)
    object_id = models.BigIntegerField(_("number"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=1)
    event = models.ForeignKey(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("event")
    )

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.model}"
