from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementConfig(AppConfig):
    name = "satuatap.placement"
    verbose_name = _("Placement services")

    def ready(self) -> None:
        from satuatap.placement import audit

        audit.register_models()
