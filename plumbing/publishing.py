"""Public content changed: the one home of that act.

The rule: a write that changes what a public page shows calls
`public_changed()` in its transaction, once, and only when a row changed.
- Content (a text, a time, a name on a public list, whether a form is open):
  every cached page is stale in every process (the page cache's version is
  bumped in the caller's transaction) and the static mirror is re-exported.
- A stored count only (`counts_only=True`: a signature confirmed or
  withdrawn): no cached page is emptied, since the pages that show a count
  are kept COUNT_REFRESH_SECONDS at most; the mirror is re-exported.

Models whose every save or delete is public content are watched with
`watch()`, from their app's `ready()`; services call `public_changed()` for
the writes a signal cannot judge (an update of some rows, a hidden signature).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from . import pagecache
from .mirror import mirror_export_schedule


def public_changed(*, counts_only=False):
    """What a public page shows changed, in the caller's transaction."""
    if not counts_only:
        pagecache.bump()
    mirror_export_schedule()


def _saved_or_deleted(**_signal):
    public_changed()


def _relation_changed(*, action, **_signal):
    # Django sends pre_ and post_ actions; the change is made by the post_ one.
    if action.startswith("post_"):
        public_changed()


def watch(*models, relations=()):
    """Every save or delete of these models (and every change of these
    many-to-many relations, by their `through` models) is public content."""
    for model in models:
        label = model._meta.label
        post_save.connect(_saved_or_deleted, sender=model, dispatch_uid=f"public-save-{label}")
        post_delete.connect(_saved_or_deleted, sender=model, dispatch_uid=f"public-delete-{label}")
    for through in relations:
        m2m_changed.connect(_relation_changed, sender=through, dispatch_uid=f"public-m2m-{through._meta.label}")
