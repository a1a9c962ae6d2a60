"""Media accreditation and Declaration signatures: the most sensitive data
the site holds. Both are one idea, a person who opts in (`OptInPerson`):
they submit a form, confirm by a link in a mail, see a private status page,
withdraw and are erased. Nothing here is shown on a public page but a
signatory's chosen name; `__str__` names no person, so admin logs and
messages hold no personal data."""

from .audit import AuditEntry
from .counters import MediaCounter, ShardedCounter, SignatureCounter
from .forums import Declaration, DeclarationQuerySet, MediaAccreditation, accreditation_of
from .mail import Message, OutgoingMail
from .mailbox import MailboxSend
from .media import MediaRegistration, MediaRegistrationWord, ReviewEntry
from .pending import PendingSubmission
from .people import OptInPerson, OptInQuerySet, name_words, new_link_key, new_seal_id, word_digest
from .signatures import Signature, SignatureQuerySet, SignatureWord, initials

__all__ = [
    "AuditEntry",
    "Declaration",
    "DeclarationQuerySet",
    "MailboxSend",
    "MediaAccreditation",
    "MediaCounter",
    "MediaRegistration",
    "MediaRegistrationWord",
    "Message",
    "OptInPerson",
    "OptInQuerySet",
    "OutgoingMail",
    "PendingSubmission",
    "ReviewEntry",
    "ShardedCounter",
    "Signature",
    "SignatureCounter",
    "SignatureQuerySet",
    "SignatureWord",
    "accreditation_of",
    "initials",
    "name_words",
    "new_link_key",
    "new_seal_id",
    "word_digest",
]
