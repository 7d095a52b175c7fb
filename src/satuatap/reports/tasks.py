"""Background work of the reports, run by huey (see `satuatap.core.tasks`).

Tasks take record ids only: huey pickles their arguments into the queue. Each says on whose
behalf it runs (`satuatap.core.tasks`).
"""

from huey import crontab

from satuatap.core.tasks import system_task, user_task
from satuatap.reports import release
from satuatap.reports.exports import jobs


@user_task("reports.export")
def run_export_task(job_id: int) -> None:
    jobs.run_export(job_id)


# 17:30 UTC is 00:30 WIB: the month that just ended (and any month whose roll-ups changed since
# its release was stored) is built before the first reader asks for it.
@system_task(crontab(hour="17", minute="30"), "reports.publish_closed_months")
def publish_closed_months_task() -> None:
    release.publish_closed_months()
