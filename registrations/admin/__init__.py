"""The workspace's admins for people's features, one module per area; the
programme's own admins (events.admin) are composed with them in `forums`.
Importing the package registers them all."""

from . import audit, declaration, forums, mail, media
from .declaration import SignatureAdmin
from .media import MediaRegistrationAdmin

__all__ = ["MediaRegistrationAdmin", "SignatureAdmin", "audit", "declaration", "forums", "mail", "media"]
