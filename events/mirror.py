"""The static mirror's exporter lives in `plumbing.mirror`. Export tasks
queued before it moved are stored under this module's path
(`events.mirror.mirror_export_task`); this name keeps them runnable.

It may go one release after the move: an export waits at most
MIRROR_EXPORT_SECONDS (plus ten minutes before it counts as lost), so once a
deployment with the new path has run for an hour, no row of the task queue
names this path (`task_path LIKE 'events.mirror.%'` finds none)."""

from plumbing.mirror import mirror_export_task

__all__ = ["mirror_export_task"]
