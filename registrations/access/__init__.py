"""How an approved journalist reaches the meeting: a personal link on this
site (`links`), its time window (`window`), and per forum the provider behind
it (`providers`): the shared address, Zoom's registrants API (`zoom`) or a
self-hosted Jitsi Meet with short-lived tokens (`jitsi`). The meeting's
address never leaves the site in a mail."""


def providers_in_use():
    """The providers forums are set to (MediaAccreditation.provider), or an
    empty set while that field or its table does not exist yet (before
    `migrate`, or with no database to read)."""
    from django.core.exceptions import FieldDoesNotExist
    from django.db import DatabaseError, transaction

    from registrations.models import MediaAccreditation

    try:
        MediaAccreditation._meta.get_field("provider")
    except FieldDoesNotExist:
        return set()
    try:
        with transaction.atomic():
            return set(MediaAccreditation.objects.values_list("provider", flat=True).distinct())
    except DatabaseError:
        return set()
