"""The writes that matter, one module per concern: the outbox, the two
opt-in flows (media accreditation and Declaration signatures, both built on
`people`), retention and erasure, and the audit log. Views, admin actions and
commands call these; nothing else writes registrations or signatures.

Each service is named after the row it changes (`registration_approve`,
`signature_hide`). A step of the opt-in flow takes the row as `person=`;
where a feature adds nothing to a step (confirming; withdrawing a signature),
callers call the shared step itself (`person_confirm`, `person_withdraw`)."""

from .access import AccessError, access_opened, access_provider_sync, access_reissue, access_revoke
from .audit import audit_record
from .day import programme_delay, session_end_mark, session_start_mark
from .declaration import (
    signature_correct,
    signature_hide,
    signature_names_accept,
    signature_submit,
    signature_unhide,
)
from .forums import event_copy
from .intake import submission_take, submissions_store
from .invitations import invitation_holders_behind, invitation_update_send
from .media import (
    DecisionError,
    ForumCancelled,
    PlacesFull,
    places_left,
    registration_approve,
    registration_correct,
    registration_decide,
    registration_decide_all,
    registration_note_add,
    registration_promote,
    registration_reject,
    registration_submit,
    registration_waitlist,
    registration_withdraw,
)
from .messages import HOLD_FOR, MessageError, message_cancel, message_cancellable, message_send
from .outbox import mail_deliver, mail_enqueue, mail_resend, mail_send_due
from .people import VersionChanged, person_confirm, person_withdraw
from .retention import event_people_erase, event_personal_data_purge, personal_data_purge, unconfirmed_purge

__all__ = [
    "HOLD_FOR",
    "AccessError",
    "DecisionError",
    "ForumCancelled",
    "MessageError",
    "PlacesFull",
    "VersionChanged",
    "access_opened",
    "access_provider_sync",
    "access_reissue",
    "access_revoke",
    "audit_record",
    "event_copy",
    "event_people_erase",
    "event_personal_data_purge",
    "invitation_holders_behind",
    "invitation_update_send",
    "mail_deliver",
    "mail_enqueue",
    "mail_resend",
    "mail_send_due",
    "message_cancel",
    "message_cancellable",
    "message_send",
    "person_confirm",
    "person_withdraw",
    "personal_data_purge",
    "places_left",
    "programme_delay",
    "registration_approve",
    "registration_correct",
    "registration_decide",
    "registration_decide_all",
    "registration_note_add",
    "registration_promote",
    "registration_reject",
    "registration_submit",
    "registration_waitlist",
    "registration_withdraw",
    "session_end_mark",
    "session_start_mark",
    "signature_correct",
    "signature_hide",
    "signature_names_accept",
    "signature_submit",
    "signature_unhide",
    "submission_take",
    "submissions_store",
    "unconfirmed_purge",
]
