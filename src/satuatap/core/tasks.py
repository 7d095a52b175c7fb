"""The one way to run work in the background: huey (SQLite queue here, Redis in production).

Apps declare their tasks with these decorators; a task takes record ids, never personal data
(huey pickles its arguments into the queue), and calls a service.
"""

from huey.contrib.djhuey import db_periodic_task, db_task, task

__all__ = ["db_periodic_task", "db_task", "task"]
