"""Background work of placement, run by huey (see `satuatap.core.tasks`): the daily messages
to workers of `training/notices.py` and `files/notices.py` (a course starting tomorrow, a
departure near)."""

from huey import crontab

from satuatap.core.tasks import system_task
from satuatap.placement.files import notices as file_notices
from satuatap.placement.training import notices as training_notices


# 00:45 UTC is 07:45 WIB, 08:45 WITA, 09:45 WIT: the morning, in every office.
@system_task(crontab(hour="0", minute="45"), "placement.worker_reminders")
def worker_reminders_task() -> None:
    training_notices.queue_course_reminders()
    file_notices.queue_departure_reminders()
