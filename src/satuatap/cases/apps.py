from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "satuatap.cases"
    verbose_name = _("MRC: contacts, cases and referrals")

    def ready(self) -> None:
        from satuatap.cases import audit, sensitive
        from satuatap.cases.retention import hooks as retention_hooks

        audit.register_models()
        audit.register_office_records()
        retention_hooks.register()
        sensitive.register()

        from satuatap.cases.directory import audit as directory_audit

        directory_audit.register()

        from satuatap.cases import notices, work

        work.register()
        notices.register()
