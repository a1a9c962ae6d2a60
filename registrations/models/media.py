"""Media registrations and their review history."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event, HttpsURLField
from plumbing import keys, rows
from plumbing.sealed import SealedCharField, SealedMixin, SealedTextField

from .counters import MediaCounter
from .people import OptInPerson, new_link_key, new_seal_id, remembered_event_id


class SealedHttpsURLField(SealedMixin, HttpsURLField):
    pass


_registration_events = {}


def registration_event_id(registration_id):
    """The forum of a registration (which never moves), asked once per process."""
    return remembered_event_id(_registration_events, MediaRegistration, registration_id)


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

    # No index of its own: the unique (event, digest) and (event, status) begin with it.
    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="media_registrations", verbose_name=_("event"), db_index=False
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.UNCONFIRMED)
    outlet = SealedCharField(_("media outlet"), max_length=200)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    phone = SealedCharField(_("phone"), max_length=40, blank=True)
    work_url = SealedHttpsURLField(_("published work or press card"), max_length=500)
    # Codes from settings.LANGUAGES: the languages of the forum and its interpretation.
    languages = models.JSONField(_("languages followed"), default=list, blank=True)
    interview_request = SealedTextField(_("interview request"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
        db_index=False,  # rows.indexed_when_set below
    )
    decision_reason = SealedTextField(_("reason given to the registrant"), max_length=1000, blank=True)
    # The SEQUENCE of the last invitation sent to this journalist: approved
    # journalists below the accreditation's current one hold an older one.
    invitation_sequence = models.PositiveIntegerField(_("invitation revision sent"), default=0, editable=False)
    # The personal access link (registrations.access): signed with its own
    # key, which revoking or reissuing the access replaces (the old link dies),
    # each time a new revision of this journalist's invitation.
    access_key = models.CharField(max_length=32, default=new_link_key, editable=False)
    access_revision = models.PositiveIntegerField(_("access revision"), default=0, editable=False)
    access_revoked = models.BooleanField(_("access withdrawn"), default=False, editable=False)
    # How often the link was opened, and when last: no address, no browser.
    access_opened_count = models.PositiveIntegerField(_("link opened (times)"), default=0, editable=False)
    access_opened_at = models.DateTimeField(_("link last opened"), null=True, blank=True, editable=False)
    # Zoom's registrant, when that provider is chosen: kept here, never mailed.
    zoom_registrant_id = SealedCharField(max_length=64, blank=True, editable=False)
    zoom_join_url = SealedCharField(max_length=1000, blank=True, editable=False)
    zoom_error = models.CharField(_("Zoom error"), max_length=200, blank=True, editable=False)

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
            # The admin's search: a whole address without the event (a name's words: MediaRegistrationWord).
            models.Index(fields=["email_digest"], name="media_reg_digest"),
            *rows.indexed_when_set("decided_by", prefix="media_reg"),
        ]

    def __str__(self):
        return _("Media registration #%(number)s") % {"number": self.pk}

    @staticmethod
    def forum_of(event):
        """The forum (event) id of a registration's parent: the event itself."""
        return event.pk

    @property
    def forum_id(self):
        return self.event_id

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
    text = SealedTextField(_("reason or note"), max_length=2000, blank=True)
    seal_id = models.CharField(max_length=16, default=new_seal_id, editable=False)

    class Meta:
        verbose_name = _("review entry")
        verbose_name_plural = _("history")
        ordering = ["at", "pk"]

    def __str__(self):
        return _("Review entry #%(number)s") % {"number": self.pk}

    @property
    def is_note(self):
        return not self.decision

    def seal_key_name(self):
        if "registration" in self._state.fields_cache:
            return keys.forum_key_name(self.registration.event_id)
        return keys.forum_key_name(registration_event_id(self.registration_id))


class MediaRegistrationWord(models.Model):
    """A whole word of a registrant's name as its keyed digest under the
    forum's key (see SignatureWord)."""

    person = models.ForeignKey(MediaRegistration, on_delete=models.CASCADE, related_name="+")
    digest = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["digest", "person"], name="media_reg_word_digest")]

    def __str__(self):
        return str(self.pk)


MediaRegistration.word_model = MediaRegistrationWord
