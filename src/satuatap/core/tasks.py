"""The one way to run work in the background: huey (SQLite queue here, Redis in production).

Apps declare their tasks with these two decorators; a task takes record ids, never personal
data (huey pickles its arguments into the queue), and calls a service. Each says on whose
behalf it runs, so the audit trail never shows a change without an author (`core.attribution`):

- `user_task("people.import")`: work a person started. Queue it with their id,
  `run_import_task(job.pk, by_user_id=by.pk)`; its changes are recorded as theirs, with
  `additional_data["job"]`.
- `system_task(schedule, "cases.referral_reminders")`: scheduled work nobody asked for; its
  changes are recorded as `additional_data["on_behalf_of"] = "system:cases.referral_reminders"`.
- `system_job("reports.refresh_rollups")`: work the system queues itself when something
  happens (a commit), recorded on behalf of the system like a scheduled task.

Each run that raises is counted under the task's name (`satuatap_task_failures_total{task=…}`,
`core/metrics.py`), and each successful run of a scheduled task too, with its time (the
operator's alert that the worker stopped: docs/operations.md).

huey's own decorators are not exported: a task declared without one of these two fails
`tests/core/test_attribution.py`.

The retention schedule runs from here every night (`core/retention/`): it belongs to no
domain app, and the report it stores is the administrator's.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from satuatap.core import attribution, metrics

# Names huey registers the tasks declared here under ("module.function"), for the test that
# checks no task escapes them.
ATTRIBUTED_TASKS: set[str] = set()


def _registered(wrapper, fn: Callable):
    ATTRIBUTED_TASKS.add(f"{fn.__module__}.{fn.__name__}")
    return wrapper


@contextlib.contextmanager
def _counted(job: str) -> Iterator[None]:
    """A run of the task `job` that raises is counted as failed (and raises on)."""
    try:
        yield
    except Exception:
        metrics.task_failed(job)
        raise


def user_task(job: str, **huey_options) -> Callable:
    """A background task run for the user whose id it is queued with (`by_user_id=`)."""

    def decorator(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def run(*args, by_user_id: int, **kwargs):
            from satuatap.core.models import User

            user = User.objects.filter(pk=by_user_id).first()
            if user is None:  # deleted since: still never an anonymous change
                scope = attribution.acting_as_system(job, for_user_id=by_user_id)
            else:
                scope = attribution.acting_as(user, job=job)
            with scope, _counted(job):
                return fn(*args, **kwargs)

        return _registered(db_task(**huey_options)(run), fn)

    return decorator


def system_task(schedule, job: str, **huey_options) -> Callable:
    """A periodic task run by the system on `schedule` (a huey crontab), named `job`."""

    def decorator(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def run(*args, **kwargs):
            with attribution.acting_as_system(job), _counted(job):
                result = fn(*args, **kwargs)
            metrics.task_succeeded(job)
            return result

        return _registered(db_periodic_task(schedule, **huey_options)(run), fn)

    return decorator


def system_job(job: str, **huey_options) -> Callable:
    """A task the system queues itself (not on a schedule, not for a user), named `job`."""

    def decorator(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def run(*args, **kwargs):
            with attribution.acting_as_system(job), _counted(job):
                return fn(*args, **kwargs)

        return _registered(db_task(**huey_options)(run), fn)

    return decorator


# Huey reads crontabs in UTC: 18:30 UTC is 01:30 WIB, 02:30 WITA, 03:30 WIT — a quiet hour in
# every office, after the monthly releases (17:30 UTC) are built.
RETENTION_SCHEDULE = crontab(hour="18", minute="30")


@system_task(RETENTION_SCHEDULE, "core.retention")
def run_retention_task() -> None:
    """Anonymise or delete what the retention schedule says is due; on behalf of the system."""
    from satuatap.core.retention import services as retention_services

    retention_services.run(trigger="schedule")


__all__ = ["ATTRIBUTED_TASKS", "run_retention_task", "system_job", "system_task", "user_task"]
