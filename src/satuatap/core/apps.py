from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "satuatap.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from satuatap.core import attribution, audit, checks, lookups, signals  # noqa: F401

        audit.register_models()
        from satuatap.core import partners, staff

        staff.register_office_records()
        partners.register_office_records()
        attribution.connect()
        lookups.register()

        from satuatap.core.retention import hooks as retention_hooks

        retention_hooks.register_core_classes()

        from satuatap.core import work_panels

        work_panels.register()
