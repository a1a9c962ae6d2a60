"""The mails a mailbox was sent (one per form and parent a day)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MailboxSend(models.Model):
    """One confirmation mail the public forms sent a mailbox, named by the
    mailbox's digest (never the address) and the thread it belongs to (a form
    and its forum or Declaration, `feature:parent id`): a mailbox gets one per
    thread in 24 hours."""

    digest = models.CharField(max_length=64)
    thread = models.CharField(max_length=64, default="")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("mail to a mailbox")
        verbose_name_plural = _("mails to mailboxes")
        indexes = [models.Index(fields=["digest", "thread", "sent_at"], name="mailbox_send_thread_at")]

    def __str__(self):
        return str(self.pk)
