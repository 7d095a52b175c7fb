"""Background work of the reports, run by huey (see `satuatap.core.tasks`).

Tasks take record ids only: huey pickles their arguments into the queue.
"""

from huey import crontab

from satuatap.core.tasks import db_periodic_task, db_task
from satuatap.reports import release
from satuatap.reports.exports import jobs


@db_task()
def run_export_task(job_id: int) -> None:
    jobs.run_export(job_id)


# 17:30 UTC is 00:30 WIB: the month that just ended (and any month whose roll-ups changed since
# its release was stored) is built before the first reader asks for it.
@db_periodic_task(crontab(hour="17", minute="30"))
def publish_closed_months_task() -> None:
    release.publish_closed_months()
