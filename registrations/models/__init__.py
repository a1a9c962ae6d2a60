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
from .media import MediaRegistration, ReviewEntry
from .people import OptInPerson, OptInQuerySet, name_search_key, new_link_key
from .signatures import Signature, SignatureQuerySet, initials

__all__ = [
    "AuditEntry",
    "Declaration",
    "DeclarationQuerySet",
    "MailboxSend",
    "MediaAccreditation",
    "MediaCounter",
    "MediaRegistration",
    "Message",
    "OptInPerson",
    "OptInQuerySet",
    "OutgoingMail",
    "ReviewEntry",
    "ShardedCounter",
    "Signature",
    "SignatureCounter",
    "SignatureQuerySet",
    "accreditation_of",
    "initials",
    "name_search_key",
    "new_link_key",
]
