"""The workspace's first page: per forum, how many registrations await review
or were decided, how many signatures count, await name review or are hidden,
and how much mail waits or failed, each number a link to the list it counts;
and, while the worker has not stored them yet, how many public form
submissions wait (with a warning when one has waited longer than a worker
ever takes: the worker is not running).

Every number comes from a few grouped queries, whatever the number of
registrations, signatures and forums; the people counts are read through
`_media_counts` and `_signature_counts`, the one place that knows where
counts are kept."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event

from . import counts
from .models import MediaRegistration, OutgoingMail, PendingSubmission, Signature

Status = MediaRegistration.Status
# What reviewers see of media registrations: only confirmed ones, in the order of the work.
MEDIA_COLUMNS = (
    (Status.PENDING, _("awaiting review")),
    (Status.APPROVED, _("approved")),
    (Status.WAITLISTED, _("waitlisted")),
    (Status.REJECTED, _("not approved")),
    ("withdrawn", _("withdrawn")),
)
SIGNATURE_COLUMNS = (
    ("counted", _("counted")),
    ("awaiting", _("awaiting name review")),
    ("hidden", _("hidden")),
)
MAIL_COLUMNS = (("waiting", _("queued")), ("failed", _("failed")))
MAIL_WAITING = [OutgoingMail.Status.QUEUED, OutgoingMail.Status.SENDING, OutgoingMail.Status.RETRYING]
# A running worker stores a submission within seconds, a surge's within a minute or two.
WORKER_LATE = timedelta(minutes=5)


def _media_counts(event_ids):
    """{event_id: {status: n, "withdrawn": n}}, from the stored counters
    (withdrawn registrations are erased: only the counters remember them)."""
    return counts.media_status_counts(event_ids)


def _signature_counts(declaration_ids):
    """{declaration_id: n}: the public count, from the stored counters."""
    return counts.declaration_counts(declaration_ids)


def _signature_review_counts(declaration_ids):
    """{declaration_id: {"awaiting": n, "hidden": n}}."""
    awaiting = Q(hidden_at__isnull=True, name_accepted_at__isnull=True) & ~Q(visibility=Signature.Visibility.HIDDEN)
    rows = (
        Signature.objects.filter(declaration_id__in=declaration_ids, status=Signature.Status.CONFIRMED)
        .order_by()
        .values_list("declaration_id")
        .annotate(
            awaiting=Count("pk", filter=awaiting),
            hidden=Count("pk", filter=Q(hidden_at__isnull=False)),
        )
    )
    return {declaration_id: {"awaiting": a, "hidden": h} for declaration_id, a, h in rows}


def _mail_counts(event_ids):
    """{event_id: {"waiting": n, "failed": n}}: mail to its registrants and
    signatories, and to the forum's own contact address."""
    counts = {event_id: {"waiting": 0, "failed": 0} for event_id in event_ids}
    for path in ("registration__event_id", "signature__declaration__event_id", "event_id"):
        rows = (
            OutgoingMail.objects.filter(**{f"{path}__in": event_ids})
            .order_by()
            .values_list(path)
            .annotate(
                waiting=Count("pk", filter=Q(status__in=MAIL_WAITING)),
                failed=Count("pk", filter=Q(status=OutgoingMail.Status.FAILED)),
            )
        )
        for event_id, waiting, failed in rows:
            counts[event_id]["waiting"] += waiting
            counts[event_id]["failed"] += failed
    return counts


def _waiting_submissions(event_ids):
    """{event_id: (n, oldest received_at)}: the public forms' submissions the
    worker has not stored yet (registrations.services.intake)."""
    rows = (
        PendingSubmission.objects.of_forums(event_ids)
        .order_by()
        .values_list("forum")
        .annotate(n=Count("pk"), oldest=Min("received_at"))
    )
    return {forum: (n, oldest) for forum, n, oldest in rows}


@dataclass
class Cell:
    label: str
    count: int
    url: str = ""  # empty: nothing to list, or the user may not see the list


@dataclass
class ForumRow:
    event: Event
    edit_url: str = ""
    media: list = field(default_factory=list)
    signatures: list = field(default_factory=list)
    mail: list = field(default_factory=list)
    capacity: int | None = None
    places_left: int | None = None
    waitlisted: int = 0
    promote_url: str = ""  # set when a place is free, someone waits, and the user may decide
    waiting: int = 0  # submissions the worker has not stored yet
    waiting_since: datetime | None = None  # when the oldest of them came
    worker_late: bool = False  # it came longer ago than a running worker takes


def _link(name, query, allowed):
    return f"{reverse(name)}?{urlencode(query)}" if allowed else ""


def forum_overview(*, user):
    """One row per forum, newest first, for what `user` may see."""
    events = list(Event.objects.select_related("media_accreditation", "declaration").order_by("-start"))
    event_ids = [event.pk for event in events]
    declarations = {event.pk: event.declaration for event in events if getattr(event, "declaration", None) is not None}
    may_review = user.has_perm("registrations.view_mediaregistration")
    may_moderate = user.has_perm("registrations.view_signature")
    may_read_mail = user.has_perm("registrations.view_outgoingmail")
    media = _media_counts(event_ids)
    signatures = _signature_counts([d.pk for d in declarations.values()])
    review = _signature_review_counts([d.pk for d in declarations.values()])
    mail = _mail_counts(event_ids)
    waiting = _waiting_submissions(event_ids)
    now = timezone.now()
    rows = []
    for event in events:
        row = ForumRow(
            event=event,
            edit_url=reverse("admin:events_event_change", args=[event.pk])
            if user.has_perm("events.change_event")
            else "",
        )
        registrations = "admin:registrations_mediaregistration_changelist"
        for status, label in MEDIA_COLUMNS:
            query = {"event__id__exact": event.pk, "status__exact": status}
            row.media.append(
                Cell(
                    label,
                    media[event.pk].get(status, 0),
                    _link(registrations, query, may_review and status != "withdrawn"),
                )
            )
        declaration = declarations.get(event.pk)
        if declaration is not None:
            listed = "admin:registrations_signature_changelist"
            queries = {
                "counted": {"declaration__id__exact": declaration.pk, "hidden": "no"},
                "awaiting": {"declaration__id__exact": declaration.pk, "name_review": "awaiting"},
                "hidden": {"declaration__id__exact": declaration.pk, "hidden": "yes"},
            }
            numbers = {"counted": signatures.get(declaration.pk, 0), **review.get(declaration.pk, {})}
            for key, label in SIGNATURE_COLUMNS:
                row.signatures.append(Cell(label, numbers.get(key, 0), _link(listed, queries[key], may_moderate)))
        accreditation = getattr(event, "media_accreditation", None)
        row.waitlisted = media[event.pk].get(Status.WAITLISTED, 0)
        if accreditation is not None and accreditation.capacity is not None:
            row.capacity = accreditation.capacity
            row.places_left = max(accreditation.capacity - media[event.pk].get(Status.APPROVED, 0), 0)
            if row.places_left and row.waitlisted and user.has_perm("registrations.change_mediaregistration"):
                row.promote_url = reverse("admin:registrations_mediaregistration_promote", args=[event.pk])
        outbox = "admin:registrations_outgoingmail_changelist"
        for key, label in MAIL_COLUMNS:
            row.mail.append(
                Cell(label, mail[event.pk][key], _link(outbox, {"event": event.pk, "state": key}, may_read_mail))
            )
        if event.pk in waiting:
            row.waiting, row.waiting_since = waiting[event.pk]
            row.worker_late = now - row.waiting_since > WORKER_LATE
        rows.append(row)
    return rows
