"""Background work of the registry, run by huey (see `satuatap.core.tasks`).

Tasks take record ids only, never personal data: huey pickles their arguments into the queue.
A task imports the worker it runs; the service that queues it imports only the task
(`imports.services.start_import` → `run_import_task` → `import_worker.services.run_import`).
"""

from satuatap.core.tasks import user_task
from satuatap.people.import_worker import services as import_worker


@user_task("people.import")
def run_import_task(job_id: int) -> None:
    import_worker.run_import(job_id)
