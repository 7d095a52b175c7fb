from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "satuatap.reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from satuatap.core import metrics
        from satuatap.reports import (  # noqa: F401 (rules registers permissions)
            retention,
            rollups,
            rules,
            signals,
            tasks,
            work,
        )
        from satuatap.reports.services import adjustments
        from satuatap.reports.services import rollups as rollup_services

        rollup_services.set_refresh_scheduler(tasks.schedule_refresh)
        metrics.register_collector(rollups.backlog_metrics)
        signals.connect()
        adjustments.register()
        retention.register()
        work.register()
