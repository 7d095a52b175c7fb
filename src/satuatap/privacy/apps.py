from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "satuatap.privacy"
    verbose_name = _("Personal-data protection")

    def ready(self) -> None:
        from satuatap.privacy import audit, checks, panels, retention, tiles, work  # noqa: F401

        audit.register_models()
        audit.register_office_records()
        panels.register()
        tiles.register()
        work.register()
        retention.register()
