from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementConfig(AppConfig):
    name = "satuatap.placement"
    verbose_name = _("Placement services")

    def ready(self) -> None:
        from satuatap.placement import audit

        audit.register_models()
        audit.register_office_records()

        from satuatap.placement import data_rights, retention

        data_rights.register()
        retention.register()

        from satuatap.placement.files import timeline

        timeline.register()

        from satuatap.people.panels import register_person_panel
        from satuatap.placement.files.views.panel import person_panel

        register_person_panel(person_panel)

        from satuatap.core.navigation import register_tile_status
        from satuatap.placement.selectors import open_concerns_status

        register_tile_status("placement:agency-concern-list", open_concerns_status)

        from satuatap.placement import work
        from satuatap.placement.files import notices

        work.register()
        notices.register()
