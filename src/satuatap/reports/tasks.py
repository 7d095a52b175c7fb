"""Background work of the reports, run by huey (see `satuatap.core.tasks`).

Tasks take record ids only: huey pickles their arguments into the queue. Each says on whose
behalf it runs (`satuatap.core.tasks`). A task imports the worker it runs; the service that
queues it imports only the task (`exports.services.start_export` → `run_export_task` →
`exports.worker.services.run_export`).
"""

from django.conf import settings
from huey import crontab

from satuatap.core.tasks import system_job, system_task, user_task
from satuatap.reports.exports.worker import services as worker
from satuatap.reports.services import releases, rollups


@user_task("reports.export")
def run_export_task(job_id: int) -> None:
    worker.run_export(job_id)


# 17:30 UTC is 00:30 WIB: the month that just ended (and any month whose roll-ups changed since
# its release was stored) is built before the first reader asks for it.
@system_task(crontab(hour="17", minute="30"), "reports.publish_closed_months")
def publish_closed_months_task() -> None:
    releases.publish_closed_months()


# The roll-ups of the office-days that committed changes marked (`services/rollups.py`): queued
# after a commit, at most once per ROLLUP_REFRESH_DELAY_SECONDS per thread, and retried; the
# sweep every minute takes what a failed or lost refresh left.
@system_job("reports.refresh_rollups", retries=3, retry_delay=10)
def refresh_rollups_task() -> None:
    rollups.refresh_dirty()


@system_task(crontab(minute="*"), "reports.sweep_rollups")
def sweep_rollups_task() -> None:
    for _batch in range(100):  # under a steady stream of marks, the next sweep goes on
        if not rollups.refresh_dirty():
            return


def schedule_refresh() -> None:
    delay = settings.ROLLUP_REFRESH_DELAY_SECONDS
    if delay:
        refresh_rollups_task.schedule(delay=delay)
    else:
        refresh_rollups_task()
