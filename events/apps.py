from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Forums and schedule")

    def ready(self):
        from plumbing.publishing import watch

        # The programme is public content: any edit makes every cached page stale.
        session = self.get_model("Session")
        watch(
            *(
                self.get_model(name)
                for name in ("Event", "Session", "Speaker", "Organisation", "EventOrganisation", "Channel", "Recording")
            ),
            relations=[session.speakers.through],
        )
