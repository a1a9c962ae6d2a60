"""The outbox and the messages reviewers write."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event
from plumbing import keys, rows
from plumbing.sealed import SealedCharField, SealedTextField

from .media import MediaRegistration
from .people import new_seal_id
from .signatures import Signature


class Message(models.Model):
    """What reviewers write to media registrants: a subject and a body per
    language; each person receives it in their mail language (English where
    that language was left empty), one mail each, through the outbox."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+", verbose_name=_("event"))
    # Sealed under the forum's key: what staff write may name people.
    subject = SealedCharField(_("subject"), max_length=200)
    body = SealedTextField(_("text"), max_length=10000)
    seal_id = models.CharField(max_length=16, default=new_seal_id, editable=False)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("account")
    )
    username = models.CharField(_("who"), max_length=150, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    # A message to many waits before it goes (registrations.services.messages):
    # until then its writer or a superuser may cancel it.
    send_at = models.DateTimeField(_("goes at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return _("Message #%(number)s") % {"number": self.pk}

    def seal_key_name(self):
        return keys.forum_key_name(self.event_id)


class OutgoingMail(models.Model):
    """The outbox: one row per mail, written in the same transaction as the
    change it reports, so no mail is lost when the mail server is down. The
    text is rendered when it is sent, from the registration; erasing the
    registration erases its mail."""

    class Kind(models.TextChoices):
        CONFIRM = "confirm", _("Please confirm")
        CONFIRMED = "confirmed", _("Confirmed")
        APPROVED = "approved", _("Approved, with access")
        REJECTED = "rejected", _("Not approved")
        WAITLISTED = "waitlisted", _("Waiting list")
        SIGN_CONFIRM = "sign_confirm", _("Please confirm your signature")
        SIGNED = "signed", _("Signature confirmed")
        MESSAGE = "message", _("Message from the organisers")
        UPDATE = "update", _("Updated invitation")
        CANCEL = "cancel", _("Cancellation")
        REVOKED = "revoked", _("Access withdrawn")
        PLACE_FREED = "place_freed", _("A place is free (to the forum's contact address)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Being sent")
        RETRYING = "retrying", _("Failed, will retry")
        FAILED = "failed", _("Failed, needs staff")
        SENT = "sent", _("Sent")
        # A confirmation request the mailbox's allowance did not cover: written
        # and queued like any other (the submission takes the same path either
        # way), never sent; delivery deletes it.
        SUPPRESSED = "suppressed", _("Not sent: one a day")

    # At most one of these: the person the mail is for; erasing them erases it.
    # (Room for mail that is for no one person's record, such as a note to the
    # forum's own contact address.) Each of the four keys is indexed over the
    # mail that holds it (Meta), so a mail enters one of those indexes at most.
    registration = models.ForeignKey(
        MediaRegistration,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mails",
        verbose_name=_("registration"),
        db_index=False,
    )
    signature = models.ForeignKey(
        Signature,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mails",
        verbose_name=_("signature"),
        db_index=False,
    )
    # Mail for no person's record: a note to this forum's contact address,
    # whose address is read when the mail is sent.
    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("event"),
        db_index=False,
    )
    # The message it carries (kind "message"); its text is rendered in the person's language.
    message = models.ForeignKey(
        "Message",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mails",
        verbose_name=_("message"),
        db_index=False,
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
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="mail_status_next"),
            *rows.indexed_when_set("registration", "signature", "event", "message", prefix="mail"),
        ]
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
