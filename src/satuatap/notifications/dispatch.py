"""The seam between queueing a message and the task that sends it: the services hand a message
id here when their transaction commits, and `tasks` registers the function that puts it on the
task queue (so the services never import the tasks that call them). With nothing registered,
the sweep (`tasks.send_due_messages_task`, every minute) still sends what is due."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

Sender = Callable[[int, int], None]  # (message id, delay in seconds)
_sender: list[Sender] = []


def register_sender(sender: Sender) -> None:
    _sender[:] = [sender]


def send_after_commit(message_id: int, *, delay: int = 0) -> None:
    if _sender:
        sender = _sender[0]
        transaction.on_commit(lambda: sender(message_id, delay))
