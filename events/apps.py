from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Forums and schedule")

    def ready(self):
        from events.mirror import mirror_export_schedule
        from forum_site.pagecache import bump

        # Any edit of public content makes every cached page stale.
        for name in ("Event", "Session", "Speaker", "Organisation", "EventOrganisation"):
            model = self.get_model(name)
            post_save.connect(bump, sender=model, dispatch_uid=f"pagecache-save-{name}")
            post_delete.connect(bump, sender=model, dispatch_uid=f"pagecache-delete-{name}")
            # The static mirror too, re-exported by the task worker (events.mirror).
            post_save.connect(mirror_export_schedule, sender=model, dispatch_uid=f"mirror-save-{name}")
            post_delete.connect(mirror_export_schedule, sender=model, dispatch_uid=f"mirror-delete-{name}")
        speakers = self.get_model("Session").speakers.through
        m2m_changed.connect(bump, sender=speakers, dispatch_uid="pagecache-speakers")
        m2m_changed.connect(mirror_export_schedule, sender=speakers, dispatch_uid="mirror-speakers")
