"""The last confirmation mail each mailbox was sent per form and parent (one a day)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MailboxSend(models.Model):
    """The last confirmation mail the public forms sent a mailbox in a
    thread, named by the mailbox's digest (never the address) and the thread
    (a form and its forum or Declaration, `feature:parent id`): one row per
    mailbox and thread, its time moved when the next mail may go, 24 hours
    later."""

    digest = models.CharField(max_length=64)
    thread = models.CharField(max_length=64, default="")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("mail to a mailbox")
        verbose_name_plural = _("mails to mailboxes")
        constraints = [models.UniqueConstraint(fields=["digest", "thread"], name="mailbox_send_one_per_thread")]

    def __str__(self):
        return str(self.pk)
