"""The writes that matter, one module per concern: the outbox, the two
opt-in flows (media accreditation and Declaration signatures, both built on
`people`), retention and erasure, and the audit log. Views, admin actions and
commands call these; nothing else writes registrations or signatures."""

from .audit import audit_record
from .declaration import (
    declaration_confirm,
    declaration_correct,
    declaration_submit,
    declaration_withdraw,
    signature_hide,
    signature_names_accept,
    signature_unhide,
)
from .forums import event_copy
from .invitations import invitation_holders_behind, invitation_update_send, session_change_send
from .media import (
    DecisionError,
    media_approve,
    media_confirm,
    media_correct,
    media_decide,
    media_note_add,
    media_promote,
    media_reject,
    media_submit,
    media_waitlist,
    media_withdraw,
)
from .messages import MessageError, message_send
from .outbox import mail_deliver, mail_enqueue, mail_resend, mail_send_due
from .retention import event_personal_data_purge, personal_data_purge, unconfirmed_purge

__all__ = [
    "DecisionError",
    "MessageError",
    "audit_record",
    "declaration_confirm",
    "declaration_correct",
    "declaration_submit",
    "declaration_withdraw",
    "event_copy",
    "event_personal_data_purge",
    "invitation_holders_behind",
    "invitation_update_send",
    "mail_deliver",
    "mail_enqueue",
    "mail_resend",
    "mail_send_due",
    "media_approve",
    "media_confirm",
    "media_correct",
    "media_decide",
    "media_note_add",
    "media_promote",
    "media_reject",
    "media_submit",
    "media_waitlist",
    "media_withdraw",
    "message_send",
    "personal_data_purge",
    "session_change_send",
    "signature_hide",
    "signature_names_accept",
    "signature_unhide",
    "unconfirmed_purge",
]
