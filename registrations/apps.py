from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "registrations"
    verbose_name = _("Registrations")

    def ready(self):
        from events.mirror import mirror_export_schedule
        from forum_site.pagecache import bump

        # Public content: the Declaration's text, whether media registration is open.
        # (A confirmed or withdrawn signature moves a stored count and bumps nothing: the
        # pages that show it are kept COUNT_REFRESH_SECONDS. Staff hiding one bumps.)
        for name in ("Declaration", "MediaAccreditation"):
            model = self.get_model(name)
            post_save.connect(bump, sender=model, dispatch_uid=f"pagecache-save-{name}")
            post_delete.connect(bump, sender=model, dispatch_uid=f"pagecache-delete-{name}")
            # The static mirror too, re-exported by the task worker (events.mirror).
            post_save.connect(mirror_export_schedule, sender=model, dispatch_uid=f"mirror-save-{name}")
            post_delete.connect(mirror_export_schedule, sender=model, dispatch_uid=f"mirror-delete-{name}")
