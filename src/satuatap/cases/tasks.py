"""Background work of the MRC, run by huey (see `satuatap.core.tasks`).

Tasks take no personal data as arguments: huey pickles them into the queue.
"""

from huey import crontab

from satuatap.cases.partner import services as partner_services
from satuatap.core.tasks import system_task

# Huey reads crontabs in UTC: 01:00 UTC is 08:00 WIB, 09:00 WITA, 10:00 WIT — the start of
# the working day in every Indonesian time zone, so each office's "today" is already the day.
REMINDER_SCHEDULE = crontab(hour="1", minute="0")


@system_task(REMINDER_SCHEDULE, "cases.referral_reminders")
def send_referral_reminders_task() -> None:
    partner_services.send_referral_reminders()
