from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "satuatap.outreach"
    verbose_name = _("Village outreach")

    def ready(self) -> None:
        from satuatap.outreach import audit, retention

        audit.register_models()
        audit.register_office_records()
        retention.register()
