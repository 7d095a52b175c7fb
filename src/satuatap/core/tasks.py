"""The one way to run work in the background: huey (SQLite queue here, Redis in production).

Apps declare their tasks with these decorators; a task takes record ids, never personal data
(huey pickles its arguments into the queue), and calls a service.

The retention schedule runs from here every night (`core/retention.py`): it belongs to no
domain app, and the report it stores is the administrator's.
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, task

__all__ = ["db_periodic_task", "db_task", "run_retention_task", "task"]

# Huey reads crontabs in UTC: 18:30 UTC is 01:30 WIB, 02:30 WITA, 03:30 WIT — a quiet hour in
# every office, after the monthly releases (17:30 UTC) are built.
RETENTION_SCHEDULE = crontab(hour="18", minute="30")


@db_periodic_task(RETENTION_SCHEDULE)
def run_retention_task() -> None:
    """Anonymise or delete what the retention schedule says is due; on behalf of the system."""
    from satuatap.core import retention

    retention.run(trigger="schedule")
