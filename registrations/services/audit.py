"""The audit log: who viewed or exported personal data, when, how much."""

import logging

from ..models import AuditEntry

logger = logging.getLogger(__name__)


def audit_record(*, user, action, model, object_id=None, rows=1, event=None):
    """Note that staff viewed or exported personal data."""
    AuditEntry.objects.create(
        user=user,
        username=user.get_username() if user else "",
        action=action,
        model=model._meta.label,
        object_id=object_id,
        rows=rows,
        event=event,
    )
    logger.info("audit: user %s %s %s rows of %s", getattr(user, "pk", None), action, rows, model._meta.label)
