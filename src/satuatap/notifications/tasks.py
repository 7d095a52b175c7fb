"""Background work of the notifications, run by huey (see `satuatap.core.tasks`): one attempt
at a message (queued by `services.queue_message` when its transaction commits, and again after
a temporary failure with its back-off delay), a sweep every minute for what the queue lost, and
the daily reminders of documents about to expire, and the staff's daily digest. Tasks take
ids only."""

from huey import crontab

from satuatap.core.tasks import system_job, system_task
from satuatap.notifications import dispatch, events, services


@system_job("notifications.send")
def send_message_task(message_id: int) -> None:
    services.attempt_delivery(message_id=message_id)


def _send(message_id: int, delay: int) -> None:
    if delay:
        send_message_task.schedule((message_id,), delay=delay)
    else:
        send_message_task(message_id)


dispatch.register_sender(_send)


@system_task(crontab(minute="*"), "notifications.sweep")
def send_due_messages_task() -> None:
    services.send_due_messages()


# 00:30 UTC is 07:30 WIB, 08:30 WITA, 09:30 WIT: the morning, in every office.
@system_task(crontab(hour="0", minute="30"), "notifications.document_expiry")
def document_expiry_reminders_task() -> None:
    events.queue_document_expiry_reminders()


# 23:30 UTC is 06:30 WIB, 07:30 WITA, 08:30 WIT: the day before is over in every office.
@system_task(crontab(hour="23", minute="30"), "notifications.staff_digest")
def staff_digest_task() -> None:
    events.queue_staff_digests()
