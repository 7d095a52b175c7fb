from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "satuatap.cases"
    verbose_name = _("MRC: contacts, cases and referrals")

    def ready(self) -> None:
        from satuatap.cases import audit, data_rights, retention, sensitive

        audit.register_models()
        audit.register_office_records()
        data_rights.register()
        sensitive.register()
        retention.register()

        from satuatap.cases.directory import audit as directory_audit

        directory_audit.register()
