"""Background work of the privacy registers, run by huey (see `satuatap.core.tasks`).

Tasks take record ids only: huey pickles their arguments into the queue.
"""

from satuatap.core.tasks import user_task
from satuatap.privacy import alerts


@user_task("privacy.breach_alert")
def alert_breach_reported_task(breach_id: int) -> None:
    alerts.alert_breach_reported(breach_id)
